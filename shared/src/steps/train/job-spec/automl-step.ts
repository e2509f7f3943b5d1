/**
 * `type: automl` pipeline steps. azure-ai-ml sends an AutoML node in its YAML form (AutoMLJob._to_dict: no
 * component, the task's keys as written, `log_verbosity` defaulting to info) with its data bound to pipeline
 * inputs or other steps' outputs. The keys are checked as a standalone AutoML job's are (readTaskDetails).
 */
import { AUTOML_TASKS, autoMLKeys, readTaskDetails } from './automl-job';
import type { PipelineStep } from './model';
import type { ReadStep, StepParts } from './pipeline-job';
import { computeIdOf, idOf, stepOutputs, type Resolved } from './rest-parts';
import { describe } from '../../../yaml/problems';
import { fields, isMapping, type Node } from '../../../yaml/read-node';

/** Keys every step has, sent by the common part of the node (or not at all). */
const STEP_KEYS = [
  'type',
  'name',
  'compute',
  'outputs',
  'inputs',
  'tags',
  'properties',
  'display_name',
  '$schema',
];

export function readAutoMLStep(node: Node, _scope: string, parts: StepParts): ReadStep | undefined {
  const taskNode = node.child('task');
  const name = typeof taskNode.value === 'string' ? taskNode.value.toLowerCase() : undefined;
  const task = name !== undefined ? AUTOML_TASKS[name] : undefined;
  if (!name || !task) {
    const allowed = Object.keys(AUTOML_TASKS).join(', ');
    if (taskNode.present) taskNode.error(`'task' must be one of ${allowed}; got ${describe(taskNode.value)}`);
    else node.error(`Missing 'task' in step '${node.key}' (an AutoML step): one of ${allowed}`, 'key');
    return undefined;
  }
  const keys = [...new Set([...parts.keys, ...autoMLKeys(name, task)])];
  const required = ['training_data', ...(task.family === 'text' ? [] : ['target_column_name'])];
  if (!fields(node, { what: `step '${node.key}' (an AutoML ${name} step)`, keys, required }))
    return undefined;
  const details = readTaskDetails(node, name, task, 'step');
  if (!details) return undefined;
  const written = isMapping(node.value) ? node.value : {};
  const autoML = Object.fromEntries(Object.entries(written).filter(([key]) => !STEP_KEYS.includes(key)));
  const common = { ...parts.common(node, { commandLimits: false }), type: 'automl' as const };
  // Data written in the step (not bound): uploaded or resolved like any input, sent with its uri as path.
  const autoMLData = Object.fromEntries(
    Object.entries(details.data).filter(([, input]) => input.kind === 'data'),
  );
  return {
    node,
    // An AutoML step runs no component of its own: the service runs the AutoML task.
    step: {
      ...common,
      component: { kind: 'fixed', id: '', location: node.location() },
      autoML,
      ...(Object.keys(autoMLData).length > 0 ? { autoMLData } : {}),
    },
    declaredOutputs: [...new Set(['best_model', ...Object.keys(common.outputs)])],
    inline: false,
  };
}

/** The node the CLI sends for an AutoML step. */
export function autoMLNode(step: PipelineStep, resolved: Resolved): Record<string, unknown> {
  const settings = step.autoML ?? {};
  const compute = computeIdOf(step.compute, resolved, 'pipeline');
  return {
    name: step.name,
    type: 'automl',
    ...settings,
    ...writtenData(step, resolved),
    task: String(settings.task).toLowerCase(),
    log_verbosity: String(settings.log_verbosity ?? 'info').toLowerCase(),
    ...(compute !== undefined ? { compute } : {}),
    ...(step.displayName !== undefined ? { display_name: step.displayName } : {}),
    ...(Object.keys(step.tags).length > 0 ? { tags: { ...step.tags } } : {}),
    ...(Object.keys(step.properties).length > 0 ? { properties: { ...step.properties } } : {}),
    outputs: stepOutputs(step.outputs),
  };
}

/** REST names of the data keys, by YAML key (readTaskDetails keys its data by REST name). */
const REST_DATA = { trainingData: 'training_data', validationData: 'validation_data', testData: 'test_data' };

/**
 * Data written in the step as the node's MLTableInputSchema holds it: `{type: mltable, path}`, the path the uri of
 * the uploaded folder or resolved asset (azure-ai-ml 1.4.0 sends this mapping as the text of a Python dict).
 */
function writtenData(step: PipelineStep, resolved: Resolved): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [rest, input] of Object.entries(step.autoMLData ?? {}))
    if (input.kind === 'data' && rest in REST_DATA)
      result[REST_DATA[rest as keyof typeof REST_DATA]] = {
        type: input.type,
        path: idOf(input.source, resolved),
      };
  return result;
}
