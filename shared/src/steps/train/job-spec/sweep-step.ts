/**
 * `type: sweep` pipeline steps: a hyperparameter search whose trial is a command component (a local file, inline,
 * or registered). As azure-ai-ml's Sweep node: the trial component is registered and named by
 * `trial.componentId`, and the search (sampling_algorithm, search_space, objective, limits, early_termination)
 * is sent on the step in the CLI's snake_case YAML form.
 */
import { loadComponentFile, readComponent } from './component';
import type { ComponentSpec, PipelineStep } from './model';
import { localComponent } from './pipeline-bindings';
import type { ReadStep, StepParts } from './pipeline-job';
import { idOf, snakeKeys, type Resolved } from './rest-parts';
import { readSearchSpace } from './search-space';
import {
  readEarlyTermination,
  readObjective,
  readSamplingAlgorithm,
  readSweepLimits,
  SEARCH_HINTS,
  SEARCH_KEYS,
} from './sweep-job';
import { restEarlyTermination } from './to-rest-job';
import { fields, isMapping, type Node } from '../../../yaml/read-node';

const SWEEP_STEP_KEYS = ['trial', ...SEARCH_KEYS];

/** A `type: sweep` step. */
export function readSweepStep(node: Node, scope: string, parts: StepParts): ReadStep | undefined {
  const hints = {
    trial: 'the command component each trial runs (a YAML path, azureml:<name>:<version> or a mapping)',
    ...SEARCH_HINTS,
  };
  const required = ['trial', 'search_space', 'sampling_algorithm', 'objective', 'limits'];
  const keys = [...parts.keys, ...SWEEP_STEP_KEYS];
  if (!fields(node, { what: `step '${node.key}'`, keys, required, hints })) return undefined;
  const searchSpace = readSearchSpace(node.child('search_space'));
  const samplingAlgorithm = readSamplingAlgorithm(node.child('sampling_algorithm'));
  const objective = readObjective(node.child('objective'));
  const limits = readSweepLimits(node.child('limits'));
  const earlyTermination = readEarlyTermination(node.child('early_termination'));
  const common = { ...parts.common(node, { commandLimits: false }), type: 'sweep' as const };
  if (!samplingAlgorithm || !objective || !limits) return undefined;
  const sweep = {
    searchSpace,
    samplingAlgorithm,
    objective,
    limits,
    ...(earlyTermination ? { earlyTermination } : {}),
  };
  const trialNode = node.child('trial');
  const written = trialNode.value;
  if (typeof written === 'string' && parts.isRegistered(written)) {
    const component = parts.registered(trialNode, written, node.key);
    return component ? { node, step: { ...common, sweep, component }, inline: false } : undefined;
  }
  let trial: ComponentSpec | undefined;
  if (isMapping(written)) trial = readComponent(trialNode, 'inline');
  else if (typeof written === 'string') trial = loadComponentFile(trialNode, written);
  else trialNode.expected('a command component YAML path, azureml:<name>:<version> or a mapping');
  if (!trial) return undefined;
  checkSearchSpace(node, trial);
  // The sweep gives the searched inputs: the step need not.
  const searched = Object.keys(searchSpace);
  parts.check(node, {
    ...trial,
    inputs: Object.fromEntries(
      Object.entries(trial.inputs).map(([name, input]) => [
        name,
        searched.includes(name) ? { ...input, optional: true } : input,
      ]),
    ),
  });
  return {
    node,
    step: { ...common, sweep, component: localComponent(node.key, trial, scope) },
    declaredOutputs: Object.keys(trial.outputs),
    component: trial,
    inline: false,
  };
}

/** Each searched parameter is an input of the trial, which the sweep sets (so the step need not give it). */
function checkSearchSpace(node: Node, trial: ComponentSpec): void {
  const declared = Object.keys(trial.inputs);
  const space = node.child('search_space');
  for (const name of Object.keys(isMapping(space.value) ? space.value : {}))
    if (!declared.includes(name))
      space
        .child(name)
        .error(
          `'${name}' is searched but the trial component has no such input (it has: ${declared.join(', ') || 'none'})`,
          'key',
        );
}

/**
 * What a sweep step sends instead of `componentId` (Sweep._to_rest_object): the trial by id and the search in the
 * YAML's snake_case form; the early termination policy with its REST type name.
 */
export function sweepNode(step: PipelineStep, resolved: Resolved): Record<string, unknown> {
  const { sweep } = step;
  if (!sweep) return {};
  const { samplingAlgorithm: sampling, limits } = sweep;
  return {
    trial: { componentId: idOf(step.component, resolved) },
    sampling_algorithm: Object.keys(sampling).length === 1 ? sampling.type : snakeKeys(sampling),
    search_space: Object.fromEntries(
      Object.entries(sweep.searchSpace).map(([name, distribution]) => [name, snakeKeys(distribution)]),
    ),
    objective: { goal: sweep.objective.goal, primary_metric: sweep.objective.primaryMetric },
    limits: snakeKeys(limits),
    ...(sweep.earlyTermination
      ? { early_termination: snakeKeys(restEarlyTermination(sweep.earlyTermination)) }
      : {}),
  };
}
