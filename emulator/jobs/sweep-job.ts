/**
 * Runs a Sweep job: `limits.maxTotalTrials` trials (at most `maxConcurrentTrials`, and the runner's cap, at
 * once), each a child Command job `<sweep>_<i>` whose command has `${{search_space.<p>}}` replaced by its sampled
 * value. At the end the parent gets what HyperDrive's parent run shows: properties `best_child_run_id`, `score`,
 * `best_metric_status` (also MLflow tags), and the best primary metric value logged on its MLflow run.
 * `earlyTermination` is accepted and ignored.
 */
import { randomInt } from 'node:crypto';
import { isObject, properties, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { createChildJob } from './child-jobs';
import { substituteSearchSpace } from './command-line';
import { advance, type JobOutcome, type RunnerContext } from './context';
import { JobFailure, type JobHandle } from './job-handle';
import { durationMs, entriesOf, field, numberField, objectField, stringField } from './rest';
import { formatValue, gridSize, sampleTrials, type ParamValue, type SamplingKind } from './sampling';

interface Trial {
  name: string;
  values: Record<string, ParamValue>;
  command: string;
  status?: JobOutcome['status'];
  child?: StoredResource;
}

export async function runSweepJob(
  ctx: RunnerContext,
  job: StoredResource,
  handle: JobHandle,
): Promise<JobOutcome> {
  const props = properties(job);
  const settings = sweepSettings(ctx, props);
  const trialSpec = objectField(props, 'trial');
  const template = stringField(trialSpec, 'command') ?? '';
  const trials: Trial[] = sampleTrials(settings.space, settings.kind, settings.total, settings.seed).map(
    (values, i) => ({
      name: `${handle.name}_${i}`,
      values,
      command: substituteSearchSpace(
        template,
        Object.fromEntries(Object.entries(values).map(([k, v]) => [k, formatValue(v)])),
      ),
    }),
  );
  const runProperties = ensureProperties(props);
  Object.assign(runProperties, {
    primary_metric_config: JSON.stringify({ name: settings.primaryMetric, goal: settings.goal }),
    runTemplate: 'HyperDrive',
    'azureml.runsource': 'hyperdrive',
  });
  if (settings.kind === 'grid') runProperties['space_size'] = String(gridSize(settings.space));
  advance(ctx, handle, 'Queued');
  await handle.pause(ctx.paceMs);
  advance(ctx, handle, 'Running');

  let timedOut = false;
  const timer = settings.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        for (const child of handle.children) child.stop('canceled');
      }, settings.timeoutMs)
    : undefined;
  const active = new Set<Promise<void>>();
  try {
    for (const [i, trial] of trials.entries()) {
      while (active.size >= settings.concurrency) await Promise.race(active);
      if (timedOut || handle.reason) break;
      const run = runTrial(ctx, job, handle, trial, i, settings.trialTimeout).finally(() =>
        active.delete(run),
      );
      active.add(run);
    }
    await Promise.all(active);
  } finally {
    clearTimeout(timer);
  }
  handle.throwIfStopped();
  advance(ctx, handle, 'Finalizing');
  return conclude(ctx, handle, props, trials, settings, timedOut);
}

interface SweepSettings {
  space: Record<string, unknown>;
  kind: SamplingKind;
  seed: number;
  total: number;
  concurrency: number;
  primaryMetric: string;
  goal: 'maximize' | 'minimize';
  timeoutMs: number | undefined;
  trialTimeout: unknown;
}

function sweepSettings(ctx: RunnerContext, props: Json): SweepSettings {
  const space = objectField(props, 'searchSpace', 'search_space');
  const algorithm = field(props, 'samplingAlgorithm', 'sampling_algorithm');
  const algorithmObject = isObject(algorithm) ? algorithm : {};
  const kindName = (
    (typeof algorithm === 'string'
      ? algorithm
      : stringField(algorithmObject, 'samplingAlgorithmType', 'sampling_algorithm_type', 'type')) ?? 'random'
  ).toLowerCase();
  if (!['random', 'grid', 'bayesian'].includes(kindName))
    throw new JobFailure(`Unknown sampling algorithm '${kindName}'.`);
  const kind = kindName as SamplingKind;
  const objective = objectField(props, 'objective');
  const primaryMetric = stringField(objective, 'primaryMetric', 'primary_metric');
  if (!primaryMetric) throw new JobFailure("The sweep has no 'objective.primaryMetric'.");
  const limits = objectField(props, 'limits');
  const total = Math.max(
    1,
    Math.floor(
      numberField(limits, 'maxTotalTrials', 'max_total_trials') ?? (kind === 'grid' ? gridSize(space) : 1),
    ),
  );
  const concurrent = numberField(limits, 'maxConcurrentTrials', 'max_concurrent_trials') ?? total;
  return {
    space,
    kind,
    seed: numberField(algorithmObject, 'seed') ?? randomInt(2 ** 31),
    total,
    concurrency: Math.max(1, Math.min(Math.floor(concurrent), ctx.maxConcurrentTrials)),
    primaryMetric,
    goal: stringField(objective, 'goal')?.toLowerCase() === 'minimize' ? 'minimize' : 'maximize',
    timeoutMs: durationMs(field(limits, 'timeout')),
    trialTimeout: field(limits, 'trialTimeout', 'trial_timeout'),
  };
}

async function runTrial(
  ctx: RunnerContext,
  job: StoredResource,
  handle: JobHandle,
  trial: Trial,
  index: number,
  trialTimeout: unknown,
): Promise<void> {
  const props = properties(job);
  const spec = objectField(props, 'trial');
  // Each trial writes its outputs to its own default path.
  const outputs = Object.fromEntries(
    entriesOf(props['outputs']).map(([name, output]) => {
      const { uri: _uri, path: _path, ...rest } = output;
      return [name, rest];
    }),
  );
  trial.child = createChildJob(ctx, job, {
    name: trial.name,
    displayName: trial.name,
    index: index + 1,
    properties: {
      jobType: 'Command',
      command: trial.command,
      codeId: spec['codeId'],
      environmentId: spec['environmentId'],
      environmentVariables: spec['environmentVariables'],
      computeId: props['computeId'],
      inputs: structuredClone(props['inputs'] ?? {}),
      outputs,
      ...(trialTimeout !== undefined ? { limits: { jobLimitsType: 'Command', timeout: trialTimeout } } : {}),
    },
    runProperties: {
      hyperparameters: JSON.stringify(trial.values),
    },
  });
  const params = Object.fromEntries(Object.entries(trial.values).map(([k, v]) => [k, formatValue(v)]));
  const outcome = await ctx.runChild(handle, trial.child, params);
  trial.status = outcome.status;
}

/** Picks the best completed trial by the primary metric (its latest value) and records it on the parent. */
function conclude(
  ctx: RunnerContext,
  handle: JobHandle,
  props: Json,
  trials: Trial[],
  settings: SweepSettings,
  timedOut: boolean,
): JobOutcome {
  const scored = trials
    .filter((t) => t.status === 'Completed')
    .map((t) => ({ trial: t, score: latestMetric(ctx, t.name, settings.primaryMetric) }))
    .filter((s): s is { trial: Trial; score: number } => s.score !== undefined);
  const sign = settings.goal === 'maximize' ? 1 : -1;
  const best = scored.sort((a, b) => sign * (b.score - a.score))[0];
  const runProperties = ensureProperties(props);
  if (best) {
    Object.assign(runProperties, {
      best_child_run_id: best.trial.name,
      score: String(best.score),
      best_metric_status: 'Succeeded',
    });
    try {
      ctx.mlflow.setTag(handle.name, 'best_child_run_id', best.trial.name);
      ctx.mlflow.setTag(handle.name, 'score', String(best.score));
      ctx.mlflow.setTag(handle.name, 'best_metric_status', 'Succeeded');
      ctx.mlflow.logMetric(handle.name, settings.primaryMetric, best.score);
    } catch {
      // No MLflow run for the sweep: the job properties still tell.
    }
    bestOutputs(props, best.trial);
  }
  if (trials.some((t) => t.status === 'Completed')) return { status: 'Completed' };
  const ran = trials.filter((t) => t.status !== undefined).length;
  return {
    status: 'Failed',
    error: {
      code: 'UserError',
      message: timedOut
        ? `The sweep reached its timeout (limits.timeout) before any trial completed (${ran} started).`
        : `All ${ran} trial(s) of the sweep failed: check the trials' logs ('user_logs/std_log.txt').`,
    },
  };
}

function latestMetric(ctx: RunnerContext, runId: string, key: string): number | undefined {
  try {
    const data = ctx.mlflow.getRun(runId)['data'];
    const metrics = isObject(data) && Array.isArray(data['metrics']) ? data['metrics'] : [];
    const metric = metrics.find((m) => isObject(m) && m['key'] === key);
    return isObject(metric) && typeof metric['value'] === 'number' ? metric['value'] : undefined;
  } catch {
    return undefined;
  }
}

/** The sweep's outputs point at the best trial's. */
function bestOutputs(props: Json, trial: Trial): void {
  const childOutputs = trial.child ? objectField(properties(trial.child), 'outputs') : {};
  for (const [name, output] of entriesOf(props['outputs'])) {
    const uri = objectField(childOutputs, name)['uri'];
    if (typeof uri === 'string') output['uri'] = uri;
  }
}

function ensureProperties(props: Json): Json {
  if (!isObject(props['properties'])) props['properties'] = {};
  return props['properties'] as Json;
}
