/**
 * Pipeline steps of type `sweep`, `spark` and `automl`, as azure-ai-ml sends them (snake_case nodes), turned into
 * the child job each runs as: a Sweep job (`sweep-job.ts`) of the step's trial component, a Spark job (the
 * stand-in, `spark-job.ts`) of the step's spark component, an AutoML job (the stand-in, `automl-job.ts`) of the
 * node itself, which carries the task in its YAML-like form (`task`, `training_data`, `primary_metric`, `limits`).
 * The step's inputs and outputs are bound by `pipeline-steps.ts` as for any step.
 */
import { isObject, type Json } from '../arm/resource';
import { JobFailure } from './job-handle';
import { field, objectField, stringField } from './rest';

export const KIND_STEP_TYPES = ['sweep', 'spark', 'automl'];

/** The AutoML data a node names outside its `inputs`. */
const AUTOML_DATA: [node: string, rest: string][] = [
  ['training_data', 'trainingData'],
  ['validation_data', 'validationData'],
  ['test_data', 'testData'],
];

/** REST TaskType by the YAML `task`. */
const TASK_TYPES: Record<string, string> = {
  classification: 'Classification',
  regression: 'Regression',
  forecasting: 'Forecasting',
  image_classification: 'ImageClassification',
  image_classification_multilabel: 'ImageClassificationMultilabel',
  image_object_detection: 'ImageObjectDetection',
  image_instance_segmentation: 'ImageInstanceSegmentation',
  text_classification: 'TextClassification',
  text_classification_multilabel: 'TextClassificationMultilabel',
  text_ner: 'TextNER',
};

/** REST primary metrics whose spelling is not the YAML one in PascalCase. */
const METRICS: Record<string, string> = {
  auc_weighted: 'AUCWeighted',
  iou: 'IOU',
  r2_score: 'R2Score',
};

/** What holds a step's component reference: the trial of a sweep step, else the node. */
export function componentHolder(node: Json, type: string): { holder: Json; type: string } {
  if (type === 'sweep') return { holder: objectField(node, 'trial'), type: 'command' };
  return { holder: node, type };
}

/** The parts of a node that may read other steps' outputs (`${{parent.jobs.<step>.outputs.<y>}}`). */
export function stepReferences(node: Json): unknown {
  return [node['inputs'] ?? {}, ...AUTOML_DATA.map(([key]) => node[key] ?? null)];
}

export interface BoundStep {
  key: string;
  type: string;
  node: Json;
  component: Json;
  inputs: Json;
  outputs: Json;
  computeId: string | undefined;
  codeId: string | undefined;
  environmentId: string | undefined;
  /** A REST JobInput for a value as a node gives it (a literal, `${{parent...}}`, `{type, path}`). */
  resolve(name: string, sent: unknown): Json | undefined;
}

/** The properties of the child job a sweep, spark or automl step runs as. */
export function kindStepProperties(step: BoundStep): Json {
  if (step.type === 'sweep') return sweepProperties(step);
  if (step.type === 'spark') return sparkProperties(step);
  return autoMLProperties(step);
}

function sweepProperties(step: BoundStep): Json {
  const { node, component } = step;
  const space = objectField(node, 'search_space', 'searchSpace');
  if (Object.keys(space).length === 0)
    throw new JobFailure(`Step '${step.key}': the sweep step has no 'search_space'.`);
  const inputs = Object.fromEntries(Object.entries(step.inputs).filter(([name]) => !(name in space)));
  const command = (stringField(component, 'command') ?? '').replace(
    /\$\{\{\s*inputs\.([A-Za-z0-9_.-]+)\s*\}\}/g,
    (whole, name: string) => (name in space ? `\${{search_space.${name}}}` : whole),
  );
  return compact({
    jobType: 'Sweep',
    computeId: step.computeId,
    inputs,
    outputs: step.outputs,
    objective: field(node, 'objective'),
    searchSpace: space,
    samplingAlgorithm: field(node, 'sampling_algorithm', 'samplingAlgorithm') ?? 'random',
    earlyTermination: field(node, 'early_termination', 'earlyTermination'),
    limits: field(node, 'limits'),
    trial: compact({
      command,
      codeId: step.codeId,
      environmentId: step.environmentId,
      environmentVariables: field(component, 'environment_variables', 'environmentVariables'),
    }),
  });
}

function sparkProperties(step: BoundStep): Json {
  const { node, component } = step;
  const pick = (...keys: string[]) => field(node, ...keys) ?? field(component, ...keys);
  const entry = isObject(pick('entry')) ? (pick('entry') as Json) : {};
  const resources = objectField(node, 'resources');
  const instanceType = stringField(resources, 'instance_type', 'instanceType');
  return compact({
    jobType: 'Spark',
    codeId: step.codeId,
    entry: compact({
      sparkJobEntryType:
        stringField(entry, 'spark_job_entry_type', 'sparkJobEntryType') ??
        (stringField(entry, 'class_name', 'className') ? 'SparkJobScalaEntry' : 'SparkJobPythonEntry'),
      file: stringField(entry, 'file'),
      className: stringField(entry, 'class_name', 'className'),
    }),
    conf: pick('conf'),
    args: pick('args'),
    pyFiles: pick('py_files', 'pyFiles'),
    files: pick('files'),
    jars: pick('jars'),
    archives: pick('archives'),
    // Serverless Spark (an instance type) runs without the pipeline's default compute.
    computeId: stringField(node, 'computeId', 'compute') ?? (instanceType ? undefined : step.computeId),
    resources: instanceType
      ? { instanceType, runtimeVersion: stringField(resources, 'runtime_version', 'runtimeVersion') }
      : undefined,
    inputs: step.inputs,
    outputs: step.outputs,
  });
}

function autoMLProperties(step: BoundStep): Json {
  const { node } = step;
  const task = (stringField(node, 'task', 'task_type', 'taskType') ?? '').toLowerCase();
  const taskType = TASK_TYPES[task];
  if (!taskType) throw new JobFailure(`Step '${step.key}': unknown AutoML task '${task}'.`);
  const taskDetails: Json = { taskType };
  for (const [key, rest] of AUTOML_DATA) {
    const sent = node[key];
    if (sent === undefined || sent === null) continue;
    const input = step.resolve(key, dataReference(sent));
    if (!input || input['jobInputType'] === 'literal')
      throw new JobFailure(`Step '${step.key}': '${key}' is not data (an mltable): ${JSON.stringify(sent)}.`);
    taskDetails[rest] = input;
  }
  const metric = stringField(node, 'primary_metric', 'primaryMetric');
  const limits = objectField(node, 'limits');
  const minutes = (key: string) => {
    const value = field(limits, key);
    return typeof value === 'number' ? `PT${value}M` : undefined;
  };
  Object.assign(
    taskDetails,
    compact({
      targetColumnName: stringField(node, 'target_column_name', 'targetColumnName'),
      primaryMetric: metric ? restMetric(metric) : undefined,
      limitSettings: compact({
        maxTrials: field(limits, 'max_trials', 'maxTrials'),
        maxConcurrentTrials: field(limits, 'max_concurrent_trials', 'maxConcurrentTrials'),
        timeout: minutes('timeout_minutes'),
        trialTimeout: minutes('trial_timeout_minutes'),
      }),
    }),
  );
  return compact({
    jobType: 'AutoML',
    computeId: step.computeId,
    taskDetails,
    outputs: step.outputs,
  });
}

/** `training_data` as a node carries it: `${{parent...}}`, `{type, path}`, or that dict as Python prints it. */
function dataReference(sent: unknown): unknown {
  if (typeof sent !== 'string' || !sent.trim().startsWith('{')) return sent;
  const value = (key: string) => new RegExp(`['"]${key}['"]\\s*:\\s*['"]([^'"]*)['"]`).exec(sent)?.[1];
  const path = value('path');
  return path ? { type: value('type') ?? 'mltable', path } : sent;
}

function restMetric(metric: string): string {
  const key = metric.toLowerCase();
  return (
    METRICS[key] ??
    key
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

function compact(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null));
}
