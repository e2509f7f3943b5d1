/** Reads the `compute` of a job or pipeline step into a reference. */
import { isFullId } from '../../../azureml/asset-names';
import { text, type Node } from '../../../yaml/read-node';
import type { Compute } from './model';

/** The name the CLI gives serverless compute (`azureml:serverless`): no compute of the workspace, never looked up. */
export const SERVERLESS = 'serverless';

/**
 * `compute`: `azureml:<name>`, a bare name, a full ARM id, `azureml:serverless` (serverless compute, as the CLI
 * takes it), or `${{parent.inputs.<name>}}` in a pipeline step; `local` is refused.
 */
export function readCompute(node: Node, options: { binding?: boolean } = {}): Compute | undefined {
  const value = text(node, 'the name of a compute, e.g. azureml:cpu-cluster');
  if (value === undefined) return undefined;
  const location = node.location();
  if (isFullId(value)) return { kind: 'fixed', id: value.replace(/^azureml:(?=\/)/, ''), location };
  if (options.binding && /^\$\{\{\s*parent\.inputs\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/.test(value.trim()))
    return { kind: 'binding', expression: value.trim(), location };
  const name = value.replace(/^azureml:/, '');
  if (name.toLowerCase() === SERVERLESS) return { kind: 'serverless', location };
  if (name === 'local') {
    node.error(
      `'${node.label}': local runs are not supported by the train step; name a compute cluster of the workspace, or leave 'compute' out for serverless compute`,
    );
    return undefined;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    node.error(`'${node.label}' must be azureml:<compute name> or a compute name, got '${value}'`);
    return undefined;
  }
  return { kind: 'compute', name, key: `compute:${name}`, location };
}
