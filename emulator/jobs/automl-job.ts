/**
 * The AutoML job stand-in (README, "AutoML and Spark jobs: stand-ins"). The emulator trains nothing: it fetches
 * the training (and validation / test) data as a job would (missing data fails the job), then records the
 * documented shape of an AutoML run: child runs `<job>_0`, `<job>_1`, ... (MLflow runs with
 * `mlflow.parentRunId`, an algorithm param and the task's primary metric), the best child's metric on the parent
 * with the tag `automl_best_child_run_id`, and the output `best_model` (an MLflow model folder: `MLmodel`,
 * `conda.yaml`, `model.pkl`), added to the job's outputs when the request did not name it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isObject, properties, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { workspaceIdOfJob, type JobOutcome, type RunnerContext } from './context';
import { JobFailure, type JobHandle } from './job-handle';
import { numberField, objectField, stringField } from './rest';
import { runStandIn } from './stand-in';

export const BEST_MODEL_OUTPUT = 'best_model';
/** Child runs the stand-in records at most (an AutoML job's `maxTrials` defaults to 1000). */
const MAX_CHILD_RUNS = 3;

/** The task's default primary metric (REST TaskType → its `primaryMetric` default) and whether lower is better. */
const PRIMARY_METRIC: Record<string, string> = {
  classification: 'AUCWeighted',
  regression: 'NormalizedRootMeanSquaredError',
  forecasting: 'NormalizedRootMeanSquaredError',
  imageclassification: 'Accuracy',
  imageclassificationmultilabel: 'IOU',
  imageobjectdetection: 'MeanAveragePrecision',
  imageinstancesegmentation: 'MeanAveragePrecision',
  textclassification: 'Accuracy',
  textclassificationmultilabel: 'Accuracy',
  textner: 'Accuracy',
};
const ALGORITHMS: Record<string, string[]> = {
  classification: ['LightGBM', 'LogisticRegression', 'RandomForest'],
  regression: ['LightGBM', 'ElasticNet', 'RandomForest'],
  forecasting: ['ExponentialSmoothing', 'Arimax', 'LightGBM'],
};

const lowerIsBetter = (metric: string) => /error|deviation/i.test(metric);

/** A deterministic score in [0.6, 0.95) per job and child. */
function score(seed: string): number {
  let hash = 0;
  for (const c of seed) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return 0.6 + (hash % 3500) / 10_000;
}

export function runAutoMLJob(
  ctx: RunnerContext,
  job: StoredResource,
  handle: JobHandle,
): Promise<JobOutcome> {
  const props = properties(job);
  const task = objectField(props, 'taskDetails');
  const taskType = (stringField(task, 'taskType') ?? '').toLowerCase();
  if (!PRIMARY_METRIC[taskType]) throw new JobFailure(`Unknown AutoML task type '${taskType}'.`);
  const data: Json = {};
  for (const [name, key] of [
    ['training_data', 'trainingData'],
    ['validation_data', 'validationData'],
    ['test_data', 'testData'],
  ] as const) {
    if (isObject(task[key])) data[name] = task[key];
  }
  if (!data['training_data']) throw new JobFailure("The AutoML job has no 'taskDetails.trainingData'.");
  const outputs = isObject(props['outputs']) ? props['outputs'] : (props['outputs'] = {});
  outputs[BEST_MODEL_OUTPUT] ??= { jobOutputType: 'mlflow_model' };
  return runStandIn(ctx, job, handle, data, async (run) => {
    const metric = stringField(task, 'primaryMetric') ?? PRIMARY_METRIC[taskType] ?? 'Accuracy';
    const limits = objectField(task, 'limitSettings');
    const count = Math.max(1, Math.min(numberField(limits, 'maxTrials') ?? MAX_CHILD_RUNS, MAX_CHILD_RUNS));
    const algorithms = ALGORITHMS[taskType] ?? ['AutoML-model'];
    const children: { runId: string; value: number }[] = [];
    for (let i = 0; i < count; i++) {
      const runId = `${handle.name}_${i}`;
      const raw = score(`${handle.name}/${i}`);
      const value = lowerIsBetter(metric) ? 1 - raw : raw;
      recordChild(ctx, job, handle.name, runId, algorithms[i % algorithms.length] ?? 'model', metric, value);
      children.push({ runId, value });
      run.log('user_logs/std_log.txt', `Child run ${runId}: ${metric} = ${value.toFixed(4)}\n`);
      await handle.pause(ctx.paceMs);
    }
    const sorted = [...children].sort((a, b) =>
      lowerIsBetter(metric) ? a.value - b.value : b.value - a.value,
    );
    const best = sorted[0] ?? { runId: `${handle.name}_0`, value: 0 };
    safely(() => ctx.mlflow.logMetric(handle.name, metric, best.value));
    safely(() => ctx.mlflow.setTag(handle.name, 'automl_best_child_run_id', best.runId));
    run.log(
      'user_logs/std_log.txt',
      `Best child run: ${best.runId}. The Azure ML emulator stands in for AutoML: nothing was trained.\n`,
    );
    const model = run.outputs[BEST_MODEL_OUTPUT];
    if (model) await writeBestModel(model.localDir, best.runId);
  });
}

function recordChild(
  ctx: RunnerContext,
  job: StoredResource,
  parent: string,
  runId: string,
  algorithm: string,
  metric: string,
  value: number,
): void {
  safely(() => {
    ctx.mlflow.createRun({
      workspaceId: workspaceIdOfJob(job),
      runId,
      experimentName: String(properties(job)['experimentName'] ?? 'Default'),
      parentRunId: parent,
      status: 'RUNNING',
    });
    ctx.mlflow.logParam(runId, 'run_algorithm', algorithm);
    ctx.mlflow.logMetric(runId, metric, value);
    ctx.mlflow.setRunStatus(runId, 'FINISHED');
  });
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // The MLflow run exists already (a job submitted again under its name) or is gone: the job still runs.
  }
}

/** An MLflow model folder as AutoML registers its best model (flavor python_function, a placeholder pickle). */
async function writeBestModel(dir: string, runId: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'MLmodel'),
    [
      'artifact_path: outputs/mlflow-model',
      'flavors:',
      '  python_function:',
      '    env:',
      '      conda: conda.yaml',
      '    loader_module: mlflow.sklearn',
      '    model_path: model.pkl',
      '    python_version: 3.10.12',
      `run_id: ${runId}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'conda.yaml'),
    'channels:\n- conda-forge\ndependencies:\n- python=3.10.12\n- pip:\n  - mlflow\n  - scikit-learn\nname: automl-env\n',
  );
  await writeFile(join(dir, 'model.pkl'), `AutoML stand-in model of ${runId} (not a real pickle)\n`);
}
