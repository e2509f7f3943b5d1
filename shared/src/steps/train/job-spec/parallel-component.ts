/**
 * Parallel component files (`type: parallel`) a parallel step names by path: read like the CLI's
 * ParallelComponentSchema (its task, mini-batch settings, partition_keys and resources), registered as an
 * anonymous component as a command component file is. The step takes from its component what azure-ai-ml's
 * Parallel node takes (resources, input_data, max_concurrency_per_instance, mini_batch_error_threshold,
 * mini_batch_size, partition_keys and the task) unless it sets them itself.
 */
import { COMPONENT_KEYS, componentMetadata, loadComponentRoot } from './component';
import { readResources } from './command-parts';
import { readComponentInputs, readComponentOutputs } from './io';
import type { ParallelComponentSpec, ParallelSettings } from './model';
import { PARALLEL_SETTING_KEYS, readParallelSettings, readParallelTask } from './parallel-step';
import { describe } from '../../../yaml/problems';
import { boolean, fields, type Node } from '../../../yaml/read-node';

/** The settings a Parallel node takes from its component when it does not set them. */
const INHERITED = [
  'input_data',
  'max_concurrency_per_instance',
  'mini_batch_error_threshold',
  'mini_batch_size',
  'partition_keys',
] as const;

/** Loads the parallel component YAML a step names (relative to the YAML naming it); problems point into it. */
export function loadParallelComponentFile(
  reference: Node,
  written: string,
): ParallelComponentSpec | undefined {
  const root = loadComponentRoot(reference, written);
  if (!root) return undefined;
  const type = root.child('type');
  if (type.present && type.value !== 'parallel') {
    type.error(
      `'type' must be parallel: a parallel step runs a parallel component; got ${describe(type.value)}`,
    );
    return undefined;
  }
  const hints = {
    type: 'parallel',
    task: 'the run_function task: entry_script, code, environment',
    input_data: 'the input split into mini-batches, ${{inputs.<name>}}',
  };
  const required = ['type', 'task', 'input_data'];
  // Built here, not at load: parallel-step.ts and this module import each other.
  const keys = [...COMPONENT_KEYS, ...PARALLEL_SETTING_KEYS, 'resources', 'task'];
  if (!fields(root, { what: 'a parallel component', keys, required, hints })) return undefined;
  const task = root.child('task').present ? readParallelTask(root.child('task')) : undefined;
  const resources = readResources(root.child('resources'));
  const isDeterministic = boolean(root.child('is_deterministic'));
  if (!task) return undefined;
  return {
    type: 'parallel',
    ...componentMetadata(root, 'file'),
    ...(isDeterministic !== undefined ? { isDeterministic } : {}),
    inputs: readComponentInputs(root.child('inputs')),
    outputs: readComponentOutputs(root.child('outputs')),
    task,
    settings: readParallelSettings(root),
    ...(resources ? { resources } : {}),
  };
}

/** The step's settings over those it takes from its component file. */
export function inheritedSettings(
  component: ParallelComponentSpec,
  step: ParallelSettings,
): ParallelSettings {
  const taken = Object.fromEntries(
    INHERITED.filter((key) => component.settings[key] !== undefined).map((key) => [
      key,
      component.settings[key],
    ]),
  );
  return { ...taken, ...step };
}
