/**
 * `type: parallel` pipeline steps: a task (run_function: an entry script's init()/run(mini_batch)) run over
 * mini-batches of one input, written inline (`task:`) or as a registered parallel component. As azure-ai-ml's
 * Parallel node: an inline task becomes an anonymous parallel component (registered, sent by id), and the step
 * carries the task and its mini-batch settings too, in the CLI's snake_case keys.
 */
import { declaredNames } from './command-job';
import { componentHeader, localSpecOf, withAzuremlPrefix } from './component-header';
import { readResources } from './command-parts';
import { inheritedSettings, loadParallelComponentFile } from './parallel-component';
import { localComponent } from './pipeline-bindings';
import type { ReadStep, StepParts } from './pipeline-job';
import type { ParallelComponentSpec, ParallelSettings, ParallelTask, PipelineStep } from './model';
import { idOf, restResources, snakeKeys, type Resolved } from './rest-parts';
import { readCode, readEnvironment } from '../../../azureml/sources';
import { fields, integer, oneOf, stringMap, text, textLike, type Node } from '../../../yaml/read-node';

/** The mini-batch settings of a parallel step or component (ParallelSettings). */
export const PARALLEL_SETTING_KEYS = [
  'input_data',
  'mini_batch_size',
  'partition_keys',
  'max_concurrency_per_instance',
  'error_threshold',
  'mini_batch_error_threshold',
  'logging_level',
  'retry_settings',
];

/** The keys of a parallel step beyond those every step has. */
export const PARALLEL_STEP_KEYS = ['task', ...PARALLEL_SETTING_KEYS, 'resources', 'environment_variables'];

const TASK_KEYS = [
  'type',
  'code',
  'entry_script',
  'environment',
  'program_arguments',
  'append_row_to',
  'model',
  'environment_variables',
];
const LOGGING_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

/** The step's mini-batch settings. */
export function readParallelSettings(node: Node): ParallelSettings {
  const retry = node.child('retry_settings');
  const retrySettings =
    retry.present && fields(retry, { what: `'retry_settings'`, keys: ['max_retries', 'timeout'] })
      ? {
          ...optionalNumber('max_retries', integer(retry.child('max_retries'), 'an integer', 0)),
          ...optionalNumber('timeout', integer(retry.child('timeout'), 'a number of seconds', 1)),
        }
      : undefined;
  const batch = textLike(node.child('mini_batch_size'), 'a number of files or a size such as 10kb');
  const logging = node.child('logging_level').present
    ? oneOf(node.child('logging_level'), LOGGING_LEVELS)
    : undefined;
  const inputData = text(node.child('input_data'), 'an input of the step, ${{inputs.<name>}}');
  const partitionKeys = readPartitionKeys(node.child('partition_keys'));
  return {
    ...(inputData !== undefined ? { input_data: inputData } : {}),
    ...(batch !== undefined ? { mini_batch_size: batch } : {}),
    ...(partitionKeys !== undefined ? { partition_keys: partitionKeys } : {}),
    ...optionalNumber(
      'max_concurrency_per_instance',
      integer(node.child('max_concurrency_per_instance'), 'an integer', 1),
    ),
    ...optionalNumber('error_threshold', integer(node.child('error_threshold'), 'an integer', -1)),
    ...optionalNumber(
      'mini_batch_error_threshold',
      integer(node.child('mini_batch_error_threshold'), 'an integer', -1),
    ),
    ...(logging !== undefined ? { logging_level: logging } : {}),
    ...(retrySettings ? { retry_settings: retrySettings } : {}),
  };
}

/**
 * `partition_keys` (mltable partitioning: the rows of one key value form a mini-batch), as the CLI sends it on the
 * step and in the component: the list as JSON text (Python's json.dumps).
 */
function readPartitionKeys(node: Node): string | undefined {
  if (!node.present) return undefined;
  const keys = Array.isArray(node.value) ? node.value : undefined;
  if (!keys || keys.length === 0 || !keys.every((key) => typeof key === 'string')) {
    node.expected('a list of column names of the mltable input, e.g. [station]');
    return undefined;
  }
  return `[${keys.map((key) => JSON.stringify(key)).join(', ')}]`;
}

function optionalNumber<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

/** The inline `task:` (type run_function). */
export function readParallelTask(node: Node): ParallelTask | undefined {
  const hints = {
    entry_script: 'the script with init() and run(mini_batch), relative to code',
    environment: 'the environment the script runs in, e.g. azureml:<name>:<version>',
  };
  if (
    !fields(node, {
      what: 'a parallel task',
      keys: TASK_KEYS,
      required: ['entry_script', 'environment'],
      hints,
    })
  )
    return undefined;
  const type = node.child('type');
  if (type.present && oneOf(type, ['run_function'] as const) === undefined) return undefined;
  const code = node.child('code').present ? readCode(node.child('code')) : undefined;
  const environment = readEnvironment(node.child('environment'));
  const entryScript = text(node.child('entry_script'), 'a script name');
  const programArguments = text(node.child('program_arguments'), 'the arguments init() reads');
  const appendRowTo = text(node.child('append_row_to'), 'an output of the step, ${{outputs.<name>}}');
  const model = text(node.child('model'), 'the model input the script loads, ${{inputs.<name>}}');
  if (!environment || entryScript === undefined) return undefined;
  return {
    ...(code ? { code } : {}),
    environment,
    entryScript,
    ...(programArguments !== undefined ? { programArguments } : {}),
    ...(appendRowTo !== undefined ? { appendRowTo } : {}),
    ...(model !== undefined ? { model } : {}),
    environmentVariables: stringMap(node.child('environment_variables')),
  };
}

/** The anonymous component of a step with an inline task; its inputs and outputs are typed from the pipeline. */
export function inlineParallelComponent(node: Node, task: ParallelTask, settings: ParallelSettings) {
  const resources = readResources(node.child('resources'));
  const spec: ParallelComponentSpec = {
    type: 'parallel',
    origin: 'step',
    location: node.location(),
    tags: {},
    inputs: {},
    outputs: {},
    task,
    settings,
    ...(resources ? { resources } : {}),
  };
  return spec;
}

/** The task as the CLI sends it, code and environment as `azureml:` ids. */
function restTask(task: ParallelTask, resolved: Resolved): Record<string, unknown> {
  const withPrefix = withAzuremlPrefix;
  return {
    type: 'run_function',
    ...(task.code ? { code: withPrefix(idOf(task.code, resolved)) } : {}),
    entry_script: task.entryScript,
    environment: withPrefix(idOf(task.environment, resolved)),
    ...(task.programArguments !== undefined ? { program_arguments: task.programArguments } : {}),
    ...(task.appendRowTo !== undefined ? { append_row_to: task.appendRowTo } : {}),
    ...(task.model !== undefined ? { model: task.model } : {}),
    ...(Object.keys(task.environmentVariables).length > 0
      ? { environment_variables: { ...task.environmentVariables } }
      : {}),
  };
}

/**
 * What a parallel step adds to the step's node (Parallel._to_rest_object): its settings (mini_batch_size as a
 * number when it is one), resources, and the task of its local component.
 */
export function parallelNode(step: PipelineStep, resolved: Resolved): Record<string, unknown> {
  const settings = step.parallel ?? {};
  const batch = settings.mini_batch_size;
  const local = localSpecOf(step, 'parallel');
  return {
    ...settings,
    ...(batch !== undefined && /^\d+$/.test(batch) ? { mini_batch_size: Number(batch) } : {}),
    ...(local ? { task: restTask(local.task, resolved) } : {}),
  };
}

/** The component spec registered for a step's inline task (azure-ai-ml's ParallelComponent, YAML keys). */
export function parallelComponentSpec(
  spec: ParallelComponentSpec,
  resolved: Resolved,
  step: string,
): Record<string, unknown> {
  return {
    ...componentHeader(spec, step, 'parallel'),
    is_deterministic: spec.isDeterministic ?? true,
    ...spec.settings,
    ...(spec.resources ? { resources: snakeKeys(restResources(spec.resources)) } : {}),
    task: restTask(spec.task, resolved),
    _source: spec.origin === 'file' ? 'YAML.COMPONENT' : 'YAML.JOB',
  };
}

/**
 * A `type: parallel` step: its task inline (an anonymous parallel component, typed from the pipeline like an
 * inline command step) or a registered parallel component; its mini-batch settings on the step.
 */
export function readParallelStep(node: Node, scope: string, parts: StepParts): ReadStep | undefined {
  const what = `step '${node.key}'`;
  const keys = [...parts.keys, ...PARALLEL_STEP_KEYS, 'identity'];
  if (!fields(node, { what, keys })) return undefined;
  const hasTask = node.child('task').present;
  if (hasTask === node.child('component').present) {
    node.error(
      `Step '${node.key}' is a parallel step: it has a 'task' (run_function: entry_script, code, environment) ` +
        `or a registered parallel 'component' (azureml:<name>:<version>), ${hasTask ? 'not both' : 'neither is given'}`,
      'key',
    );
    return undefined;
  }
  const parallel = readParallelSettings(node);
  const resources = readResources(node.child('resources'));
  const common = {
    ...parts.common(node),
    type: 'parallel' as const,
    parallel,
    ...(resources ? { resources } : {}),
  };
  const componentNode = node.child('component');
  if (!hasTask) {
    const written = componentNode.value;
    if (typeof written !== 'string') {
      componentNode.expected('a parallel component YAML path or a registered one, azureml:<name>:<version>');
      return undefined;
    }
    if (!parts.isRegistered(written)) return parallelFileStep(node, common, written, scope, parts);
    const component = parts.registered(componentNode, written, node.key);
    return component ? { node, step: { ...common, component }, inline: false } : undefined;
  }
  const task = readParallelTask(node.child('task'));
  if (!task) return undefined;
  const component = inlineParallelComponent(node, task, parallel);
  return {
    node,
    step: { ...common, component: localComponent(node.key, component, scope) },
    declaredOutputs: declaredNames(node.child('outputs')),
    component,
    inline: true,
  };
}

/** A step whose component is a local parallel component file: registered anonymously, its settings inherited. */
function parallelFileStep(
  node: Node,
  common: Omit<PipelineStep, 'component'> & { parallel: ParallelSettings },
  written: string,
  scope: string,
  parts: StepParts,
): ReadStep | undefined {
  const component = loadParallelComponentFile(node.child('component'), written);
  if (!component) return undefined;
  parts.check(node, component);
  const resources = common.resources ?? component.resources;
  const step: PipelineStep = {
    ...common,
    parallel: inheritedSettings(component, common.parallel),
    ...(resources ? { resources } : {}),
    component: localComponent(node.key, component, scope),
  };
  return { node, step, declaredOutputs: Object.keys(component.outputs), component, inline: false };
}
