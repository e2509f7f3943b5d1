/** Reads a CLI v2 job YAML, applies `set` overrides and validates it against the CLI schema of its type. */
import { readYamlFile } from '../../../yaml/load-yaml';
import { readCommandJob } from './command-job';
import type { JobSpec } from './model';
import { applyOverrides } from './overrides';
import { readPipelineJob } from './pipeline-job';
import { describe, Problems } from '../../../yaml/problems';
import { isMapping, Node } from '../../../yaml/read-node';
import type { SetOverride } from './set-overrides';
import { readSweepJob } from './sweep-job';
import { readAutoMLJob } from './automl-job';
import { readSparkJob } from './spark-job';
import { notExpressible } from './not-expressible';

const SUPPORTED = ['command', 'pipeline', 'sweep', 'automl', 'spark'] as const;

/**
 * Loads and validates a job YAML (and the component and conda files it names). Every problem is reported at once
 * as a JobSpecErrors (a DataError) whose entries carry file:line:column.
 */
export function loadJobSpec(file: string, overrides: readonly SetOverride[] = []): JobSpec {
  const problems = new Problems();
  const document = applyOverrides(readYamlFile(file), overrides, problems);
  const root = Node.root(document, problems, 'The job YAML');
  const spec = readJob(root);
  problems.throwIfAny();
  if (!spec) throw new Error(`${file}: the job was not read, yet no problem was reported`);
  return spec;
}

function readJob(root: Node): JobSpec | undefined {
  if (!isMapping(root.value)) {
    root.error(
      `The job YAML must be a mapping with the job's keys (type, command, ...), got ${root.value === null || root.value === undefined ? 'an empty file' : 'a scalar or list'}`,
    );
    return undefined;
  }
  const typeNode = root.child('type');
  const written = typeNode.present ? typeNode.value : 'command';
  const type = typeof written === 'string' ? SUPPORTED.find((t) => t === written.toLowerCase()) : undefined;
  switch (type) {
    case 'command':
      return readCommandJob(root);
    case 'pipeline':
      return readPipelineJob(root);
    case 'sweep':
      return readSweepJob(root);
    case 'automl':
      return readAutoMLJob(root);
    case 'spark':
      return readSparkJob(root);
    default:
      typeNode.error(
        notExpressible(written) ??
          `Job type ${describe(written)} is not a job type the train step knows: it runs ${SUPPORTED.join(', ')} jobs`,
      );
      return undefined;
  }
}
