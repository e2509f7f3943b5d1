/** `type: sweep` jobs: a command trial run over a search space. */
import { declaredNames, JOB_KEYS } from './command-job';
import {
  COMMAND_HINTS,
  COMMAND_KEYS,
  readCommandParts,
  readIdentity,
  readMetadata,
  readQueueSettings,
  readResources,
  readServices,
  jobOrigin,
} from './command-parts';
import { checkCommand } from './expressions';
import { readInputs, readOutputs } from './io';
import type { EarlyTermination, SamplingAlgorithm, SweepJobSpec } from './model';
import {
  fields,
  integer,
  isMapping,
  number,
  oneOf,
  text,
  textLike,
  type Node,
} from '../../../yaml/read-node';
import { readSearchSpace } from './search-space';
import { readCompute } from './compute';

/** The keys of a sweep's search (a job's or a pipeline step's). */
export const SEARCH_KEYS = ['search_space', 'sampling_algorithm', 'objective', 'limits', 'early_termination'];
const KEYS = [...JOB_KEYS, 'trial', ...SEARCH_KEYS, 'queue_settings', 'resources'];

/** What the search keys of a sweep (a job's or a pipeline step's) hold. */
export const SEARCH_HINTS = {
  sampling_algorithm: 'random, grid or bayesian',
  objective: 'goal (maximize or minimize) and primary_metric',
  limits: 'at least max_total_trials',
};

export function readSweepJob(root: Node): SweepJobSpec | undefined {
  const required = ['trial', 'search_space', 'sampling_algorithm', 'objective', 'limits'];
  const hints = {
    trial: 'the command each trial runs, with code and environment',
    ...SEARCH_HINTS,
    compute: COMMAND_HINTS.compute,
  };
  if (!fields(root, { what: 'a sweep job', keys: KEYS, required, hints })) return undefined;
  const metadata = readMetadata(root);
  const trialNode = root.child('trial');
  const trial = readTrial(trialNode);
  const compute = readCompute(root.child('compute'));
  const inputs = readInputs(root.child('inputs'), 'job');
  const outputs = readOutputs(root.child('outputs'), 'job');
  const searchSpace = readSearchSpace(root.child('search_space'));
  const samplingAlgorithm = readSamplingAlgorithm(root.child('sampling_algorithm'));
  const objective = readObjective(root.child('objective'));
  const limits = readSweepLimits(root.child('limits'));
  const earlyTermination = readEarlyTermination(root.child('early_termination'));
  const resources = readResources(root.child('resources'));
  const identity = readIdentity(root.child('identity'));
  const services = readServices(root.child('services'));
  const queueSettings = readQueueSettings(root.child('queue_settings'));

  if (trial)
    checkCommand(trialNode.child('command'), trial.command, {
      owner: 'the sweep job',
      inputs: declaredNames(root.child('inputs')),
      outputs: declaredNames(root.child('outputs')),
      searchSpace: declaredNames(root.child('search_space')),
      optionalMayBeUndeclared: true,
    });
  if (samplingAlgorithm?.type === 'grid')
    for (const [name, distribution] of Object.entries(searchSpace))
      if (distribution.type !== 'choice')
        root
          .child('search_space')
          .child(name)
          .error(`Grid sampling takes only choice distributions; '${name}' is ${distribution.type}`);
  if (samplingAlgorithm?.type === 'bayesian' && root.child('early_termination').present)
    root.child('early_termination').error(`Bayesian sampling does not support an early termination policy`);

  if (!trial || !samplingAlgorithm || !objective || !limits) return undefined;
  return {
    type: 'sweep',
    ...jobOrigin(root),
    ...metadata,
    trial,
    ...(compute ? { compute } : {}),
    inputs,
    outputs,
    searchSpace,
    samplingAlgorithm,
    objective,
    limits,
    services,
    ...(earlyTermination ? { earlyTermination } : {}),
    ...(resources ? { resources } : {}),
    ...(identity ? { identity } : {}),
    ...(queueSettings ? { queueSettings } : {}),
  };
}

function readTrial(node: Node) {
  if (typeof node.value === 'string') {
    node.error(
      `'trial' must be a mapping with command, code and environment; the CLI takes a component as a trial only in a pipeline's sweep step`,
    );
    return undefined;
  }
  const keys = ['$schema', ...COMMAND_KEYS];
  if (
    !fields(node, {
      what: 'the trial of a sweep job',
      keys,
      required: ['command', 'environment'],
      hints: COMMAND_HINTS,
    })
  )
    return undefined;
  if (node.child('queue_settings').present) readQueueSettings(node.child('queue_settings'));
  return readCommandParts(node);
}

export function readSamplingAlgorithm(node: Node): SamplingAlgorithm | undefined {
  if (!node.present) return undefined;
  const types = ['random', 'grid', 'bayesian'] as const;
  if (typeof node.value === 'string') {
    const type = oneOf(node, types);
    return type && { type };
  }
  if (!isMapping(node.value)) {
    node.expected('random, grid, bayesian or a mapping with type');
    return undefined;
  }
  if (!node.child('type').present) {
    node.error(`Missing 'type' in 'sampling_algorithm': random, grid or bayesian`);
    return undefined;
  }
  const type = oneOf(node.child('type'), types);
  if (type === undefined) return undefined;
  if (type !== 'random') {
    fields(node, { what: `${type} sampling`, keys: ['type'] });
    return { type };
  }
  if (!fields(node, { what: 'random sampling', keys: ['type', 'seed', 'rule', 'logbase'] })) return undefined;
  const seed = integer(node.child('seed'));
  const rule = oneOf(node.child('rule'), ['random', 'sobol'] as const);
  const logbase = node.child('logbase').present
    ? typeof node.child('logbase').value === 'number'
      ? number(node.child('logbase'))
      : textLike(node.child('logbase'))
    : undefined;
  if (logbase !== undefined)
    node.problems.warn(
      node.document,
      [...node.path, 'logbase'],
      `'sampling_algorithm.logbase' is not sent: the API version the step uses has no such field`,
    );
  return {
    type,
    ...(seed !== undefined ? { seed } : {}),
    ...(rule ? { rule } : {}),
    ...(logbase !== undefined ? { logbase } : {}),
  };
}

export function readObjective(node: Node): SweepJobSpec['objective'] | undefined {
  if (!node.present) return undefined;
  const hints = { goal: 'maximize or minimize', primary_metric: 'the metric the training script logs' };
  if (
    !fields(node, {
      what: `'objective'`,
      keys: ['goal', 'primary_metric'],
      required: ['goal', 'primary_metric'],
      hints,
    })
  )
    return undefined;
  const goal = oneOf(node.child('goal'), ['maximize', 'minimize'] as const);
  const primaryMetric = text(node.child('primary_metric'), 'a metric name');
  return goal && primaryMetric !== undefined ? { goal, primaryMetric } : undefined;
}

export function readSweepLimits(node: Node): SweepJobSpec['limits'] | undefined {
  if (!node.present) return undefined;
  const keys = ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'];
  const hints = { max_total_trials: 'how many trials to run at most' };
  if (!fields(node, { what: `'limits' of a sweep job`, keys, required: ['max_total_trials'], hints }))
    return undefined;
  const maxTotalTrials = integer(node.child('max_total_trials'), 'a whole number of trials (1 or more)', 1);
  const maxConcurrentTrials = integer(
    node.child('max_concurrent_trials'),
    'a whole number of trials (1 or more)',
    1,
  );
  const timeout = integer(node.child('timeout'), 'an integer number of seconds', 1);
  const trialTimeout = integer(node.child('trial_timeout'), 'an integer number of seconds', 1);
  if (maxTotalTrials === undefined) return undefined;
  return {
    maxTotalTrials,
    ...(maxConcurrentTrials !== undefined ? { maxConcurrentTrials } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(trialTimeout !== undefined ? { trialTimeout } : {}),
  };
}

export function readEarlyTermination(node: Node): EarlyTermination | undefined {
  if (!node.present) return undefined;
  if (!isMapping(node.value)) {
    node.expected('a mapping with type bandit, median_stopping or truncation_selection');
    return undefined;
  }
  if (!node.child('type').present) {
    node.error(`Missing 'type' in 'early_termination': bandit, median_stopping or truncation_selection`);
    return undefined;
  }
  const type = oneOf(node.child('type'), ['bandit', 'median_stopping', 'truncation_selection'] as const);
  if (type === undefined) return undefined;
  const common = ['type', 'evaluation_interval', 'delay_evaluation'];
  const specific = {
    bandit: ['slack_factor', 'slack_amount'],
    median_stopping: [],
    truncation_selection: ['truncation_percentage'],
  }[type];
  const required = type === 'truncation_selection' ? ['truncation_percentage'] : [];
  if (!fields(node, { what: `a ${type} policy`, keys: [...common, ...specific], required })) return undefined;
  const evaluationInterval = integer(node.child('evaluation_interval'), 'a whole number (0 or more)', 0);
  const delayEvaluation = integer(node.child('delay_evaluation'), 'a whole number (0 or more)', 0);
  const timing = {
    ...(evaluationInterval !== undefined ? { evaluationInterval } : {}),
    ...(delayEvaluation !== undefined ? { delayEvaluation } : {}),
  };
  if (type === 'median_stopping') return { type, ...timing };
  if (type === 'truncation_selection') {
    const truncationPercentage = integer(node.child('truncation_percentage'), 'a percentage from 1 to 99', 1);
    if (truncationPercentage !== undefined && truncationPercentage > 99)
      node.child('truncation_percentage').expected('a percentage from 1 to 99');
    return truncationPercentage === undefined ? undefined : { type, truncationPercentage, ...timing };
  }
  const slackFactor = number(node.child('slack_factor'));
  const slackAmount = number(node.child('slack_amount'));
  const given = [node.child('slack_factor').present, node.child('slack_amount').present].filter(
    Boolean,
  ).length;
  if (given !== 1) node.error(`A bandit policy needs exactly one of 'slack_factor' and 'slack_amount'`);
  return {
    type,
    ...timing,
    ...(slackFactor !== undefined ? { slackFactor } : {}),
    ...(slackAmount !== undefined ? { slackAmount } : {}),
  };
}
