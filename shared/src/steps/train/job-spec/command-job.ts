/** `type: command` jobs (the default type). */
import {
  COMMAND_HINTS,
  COMMAND_KEYS,
  readCommandLimits,
  readCommandParts,
  readIdentity,
  readMetadata,
  readQueueSettings,
  readServices,
  jobOrigin,
} from './command-parts';
import { checkCommand } from './expressions';
import { readInputs, readOutputs } from './io';
import type { CommandJobSpec } from './model';
import { fields, isMapping, type Node } from '../../../yaml/read-node';
import { readCompute } from './compute';

/** Keys every job type has. */
export const JOB_KEYS = [
  '$schema',
  'type',
  'name',
  'display_name',
  'experiment_name',
  'description',
  'tags',
  'properties',
  'compute',
  'identity',
  'services',
  'inputs',
  'outputs',
];

const KEYS = [...JOB_KEYS, ...COMMAND_KEYS, 'limits', 'parent_job_name'];

export function readCommandJob(root: Node): CommandJobSpec | undefined {
  if (
    !fields(root, {
      what: 'a command job',
      keys: KEYS,
      required: ['command', 'environment'],
      hints: COMMAND_HINTS,
    })
  )
    return undefined;
  if (root.child('parent_job_name').present)
    root.problems.warn(root.document, ['parent_job_name'], `'parent_job_name' is ignored by the train step`);
  const metadata = readMetadata(root);
  const parts = readCommandParts(root);
  const compute = readCompute(root.child('compute'));
  const inputs = readInputs(root.child('inputs'), 'job');
  const outputs = readOutputs(root.child('outputs'), 'job');
  const limits = readCommandLimits(root.child('limits'));
  const identity = readIdentity(root.child('identity'));
  const services = readServices(root.child('services'));
  const queueSettings = readQueueSettings(root.child('queue_settings'));
  if (parts)
    checkCommand(root.child('command'), parts.command, {
      owner: 'the job',
      inputs: declaredNames(root.child('inputs')),
      outputs: declaredNames(root.child('outputs')),
      optionalMayBeUndeclared: true,
    });
  if (!parts) return undefined;
  return {
    type: 'command',
    ...jobOrigin(root),
    ...metadata,
    ...parts,
    ...(compute ? { compute } : {}),
    inputs,
    outputs,
    services,
    ...(limits ? { limits } : {}),
    ...(identity ? { identity } : {}),
    ...(queueSettings ? { queueSettings } : {}),
  };
}

/** The names a mapping of inputs or outputs declares, whether or not each one is valid. */
export function declaredNames(node: Node): string[] {
  return isMapping(node.value) ? Object.keys(node.value) : [];
}
