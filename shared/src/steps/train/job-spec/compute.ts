/** Reads the `compute` of a job or pipeline step into a reference. */
import { isFullId } from '../../../azureml/asset-names';
import { text, type Node } from '../../../yaml/read-node';
import type { ComputeReference, FixedId } from '../../../azureml/references';

/** `compute`: `azureml:<name>`, a bare name, or a full ARM id; `local` is refused. */
export function readCompute(node: Node): ComputeReference | FixedId | undefined {
  const value = text(node, 'the name of a compute, e.g. azureml:cpu-cluster');
  if (value === undefined) return undefined;
  const location = node.location();
  if (isFullId(value)) return { kind: 'fixed', id: value.replace(/^azureml:(?=\/)/, ''), location };
  const name = value.replace(/^azureml:/, '');
  if (name === 'local') {
    node.error(
      `'${node.label}': local runs are not supported by the train step; name a compute cluster of the workspace`,
    );
    return undefined;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    node.error(`'${node.label}' must be azureml:<compute name> or a compute name, got '${value}'`);
    return undefined;
  }
  return { kind: 'compute', name, key: `compute:${name}`, location };
}
