/** Steps of a pipeline as the untyped `jobs` dictionary holds them (a pipeline job's, or a pipeline component's). */
import type { ComponentReference, PipelineStep } from './model';
import { autoMLNode } from './automl-step';
import { parallelNode } from './parallel-step';
import { sparkNode } from './spark-step';
import { sweepNode } from './sweep-step';
import type { FixedId } from '../../../azureml/references';
import {
  computeIdOf,
  idOf,
  isoDuration,
  restDistribution,
  restIdentity,
  restQueueSettings,
  restResources,
  restServices,
  snakeKeys,
  stepInputs,
  stepOutputs,
  type Resolved,
} from './rest-parts';

/** A step of the `jobs` dictionary: its component by id, and what the step sets on top of it. */
export function pipelineStep(step: PipelineStep, resolved: Resolved): Record<string, unknown> {
  // An AutoML step runs no component: its node is the task's settings (automl-step.ts).
  if (step.type === 'automl') return autoMLNode(step, resolved);
  const node = commonNode(step, resolved);
  // What each step type adds to (or sends instead of) the common keys: the one place a step type is added.
  switch (step.type) {
    case 'parallel':
      return { ...node, ...parallelNode(step, resolved) };
    case 'spark':
      return { ...node, ...sparkNode(step) };
    case 'sweep': {
      const { componentId: _trial, _source, ...rest } = node;
      return { ...rest, ...sweepNode(step, resolved), _source };
    }
    default:
      return node;
  }
}

/** The keys every step has: its component by id, and what the step sets on top of it. */
function commonNode(step: PipelineStep, resolved: Resolved): Record<string, unknown> {
  const services = restServices(step.services);
  return {
    name: step.name,
    type: step.type,
    componentId: idOf(step.component, resolved),
    ...optional('computeId', computeIdOf(step.compute, resolved, 'pipeline')),
    ...(step.displayName !== undefined ? { display_name: step.displayName } : {}),
    ...(Object.keys(step.tags).length > 0 ? { tags: { ...step.tags } } : {}),
    ...(Object.keys(step.properties).length > 0 ? { properties: { ...step.properties } } : {}),
    inputs: stepInputs(step.inputs, resolved),
    outputs: stepOutputs(step.outputs),
    ...(Object.keys(step.environmentVariables).length > 0
      ? { environment_variables: { ...step.environmentVariables } }
      : {}),
    ...(step.resources ? { resources: snakeKeys(restResources(step.resources)) } : {}),
    ...(step.distribution ? { distribution: snakeKeys(restDistribution(step.distribution)) } : {}),
    ...(step.limits?.timeout !== undefined
      ? { limits: { job_limits_type: 'Command', timeout: isoDuration(step.limits.timeout) } }
      : {}),
    ...(step.identity ? { identity: snakeKeys(restIdentity(step.identity)) } : {}),
    ...(services ? { services: snakeKeys(services) } : {}),
    ...optional('queue_settings', snakeKeys(restQueueSettings(step.queueSettings))),
    _source: stepComponentSource(step.component),
  };
}

/** `{ [key]: value }`, or nothing when the value is undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Where a pipeline step's component was defined, as the CLI marks the step (`_source`, ComponentSource in
 * azure-ai-ml): in the job YAML, in a component YAML, or in the workspace or a registry.
 */
export function stepComponentSource(component: ComponentReference | FixedId): string {
  if (component.kind === 'fixed')
    return component.id.startsWith('azureml://registries/')
      ? 'REMOTE.REGISTRY'
      : 'REMOTE.WORKSPACE.COMPONENT';
  if (component.source === 'workspace') return 'REMOTE.WORKSPACE.COMPONENT';
  return component.spec.origin === 'file' ? 'YAML.COMPONENT' : 'YAML.JOB';
}
