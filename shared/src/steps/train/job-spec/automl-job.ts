/**
 * `type: automl` jobs (tabular, image and text tasks): the CLI v2 keys (azure-ai-ml `_schema/automl`) read into the
 * REST `AutoMLJob` and its `taskDetails` (REST 2025-12-01), as `az ml job create` translates them.
 */
import type { JobBaseProperties } from '@azure/arm-machinelearning';
import { JOB_KEYS } from './command-job';
import {
  readIdentity,
  readMetadata,
  readQueueSettings,
  readResources,
  readServices,
  jobOrigin,
} from './command-parts';
import { enumValue, readKeys, type Field } from './automl-fields';
import { readCompute } from './compute';
import { readInput, readOutputs } from './io';
import type { AutoMLJobSpec, InputValue } from './model';
import { restInputs, restQueueSettings, restResources, type Resolved } from './rest-parts';
import { stableNlpDetails } from './automl-nlp-stable';
import { optional } from './rest-steps';
import { readSearchSpace } from './search-space';
import { readEarlyTermination, readSamplingAlgorithm } from './sweep-job';
import { restDistributionText, restEarlyTermination } from './to-rest-job';
import { describe } from '../../../yaml/problems';
import { fields, stringMap, text, type Node } from '../../../yaml/read-node';

const CLASSIFICATION_METRICS = [
  'AUCWeighted',
  'Accuracy',
  'NormMacroRecall',
  'AveragePrecisionScoreWeighted',
  'PrecisionScoreWeighted',
];
const REGRESSION_METRICS = [
  'SpearmanCorrelation',
  'NormalizedRootMeanSquaredError',
  'R2Score',
  'NormalizedMeanAbsoluteError',
];
const CLASSIFICATION_MODELS = [
  'LogisticRegression',
  'SGD',
  'MultinomialNaiveBayes',
  'BernoulliNaiveBayes',
  'SVM',
  'LinearSVM',
  'KNN',
  'DecisionTree',
  'RandomForest',
  'ExtremeRandomTrees',
  'LightGBM',
  'GradientBoosting',
  'XGBoostClassifier',
];
const REGRESSION_MODELS = [
  'ElasticNet',
  'GradientBoosting',
  'DecisionTree',
  'KNN',
  'LassoLars',
  'SGD',
  'RandomForest',
  'ExtremeRandomTrees',
  'LightGBM',
  'XGBoostRegressor',
];
const FORECASTING_MODELS = [
  'AutoArima',
  'Prophet',
  'Naive',
  'SeasonalNaive',
  'Average',
  'SeasonalAverage',
  'ExponentialSmoothing',
  'Arimax',
  'TCNForecaster',
  ...REGRESSION_MODELS,
];

type Family = 'tabular' | 'image' | 'text';

export interface Task {
  readonly taskType: string;
  readonly family: Family;
  /** Primary metrics the task takes; undefined: the REST model has none to set (text multilabel, NER). */
  readonly metrics?: readonly string[];
  readonly models?: readonly string[];
}

/** The CLI's `task` values and their REST `taskType`. */
const TASKS: Readonly<Record<string, Task>> = {
  classification: {
    taskType: 'Classification',
    family: 'tabular',
    metrics: CLASSIFICATION_METRICS,
    models: CLASSIFICATION_MODELS,
  },
  regression: {
    taskType: 'Regression',
    family: 'tabular',
    metrics: REGRESSION_METRICS,
    models: REGRESSION_MODELS,
  },
  forecasting: {
    taskType: 'Forecasting',
    family: 'tabular',
    metrics: REGRESSION_METRICS,
    models: FORECASTING_MODELS,
  },
  image_classification: { taskType: 'ImageClassification', family: 'image', metrics: CLASSIFICATION_METRICS },
  image_classification_multilabel: {
    taskType: 'ImageClassificationMultilabel',
    family: 'image',
    metrics: [...CLASSIFICATION_METRICS, 'IOU'],
  },
  image_object_detection: {
    taskType: 'ImageObjectDetection',
    family: 'image',
    metrics: ['MeanAveragePrecision'],
  },
  image_instance_segmentation: {
    taskType: 'ImageInstanceSegmentation',
    family: 'image',
    metrics: ['MeanAveragePrecision'],
  },
  text_classification: { taskType: 'TextClassification', family: 'text', metrics: CLASSIFICATION_METRICS },
  text_classification_multilabel: { taskType: 'TextClassificationMultilabel', family: 'text' },
  text_ner: { taskType: 'TextNER', family: 'text' },
};

const TABULAR_LIMITS: Readonly<Record<string, Field>> = {
  enable_early_termination: { kind: 'boolean' },
  exit_score: { kind: 'number' },
  max_concurrent_trials: { kind: 'integer' },
  max_cores_per_trial: { kind: 'integer' },
  max_nodes: { kind: 'integer' },
  max_trials: { kind: 'integer' },
  timeout_minutes: { kind: 'minutes', rest: 'timeout' },
  trial_timeout_minutes: { kind: 'minutes', rest: 'trialTimeout' },
};

function tabularTraining(models: readonly string[]): Readonly<Record<string, Field>> {
  return {
    enable_dnn_training: { kind: 'boolean' },
    enable_model_explainability: { kind: 'boolean' },
    enable_onnx_compatible_models: { kind: 'boolean' },
    enable_stack_ensemble: { kind: 'boolean' },
    enable_vote_ensemble: { kind: 'boolean' },
    ensemble_model_download_timeout_minutes: { kind: 'minutes', rest: 'ensembleModelDownloadTimeout' },
    stack_ensemble_settings: {
      kind: 'section',
      rest: 'stackEnsembleSettings',
      fields: {
        stack_meta_learner_kwargs: { kind: 'map', rest: 'stackMetaLearnerKWargs' },
        stack_meta_learner_train_percentage: { kind: 'number' },
        stack_meta_learner_type: {
          kind: 'enum',
          values: [
            'None',
            'LogisticRegression',
            'LogisticRegressionCV',
            'LightGBMClassifier',
            'ElasticNet',
            'ElasticNetCV',
            'LightGBMRegressor',
            'LinearRegression',
          ],
        },
      },
    },
    allowed_training_algorithms: { kind: 'enumList', values: models },
    blocked_training_algorithms: { kind: 'enumList', values: models },
  };
}

const TABULAR_FEATURIZATION: Readonly<Record<string, Field>> = {
  mode: { kind: 'enum', values: ['Auto', 'Custom', 'Off'] },
  blocked_transformers: {
    kind: 'enumList',
    values: [
      'TextTargetEncoder',
      'OneHotEncoder',
      'CatTargetEncoder',
      'TfIdf',
      'WoETargetEncoder',
      'LabelEncoder',
      'WordEmbedding',
      'NaiveBayes',
      'CountVectorizer',
      'HashOneHotEncoder',
    ],
  },
  column_name_and_types: { kind: 'map' },
  transformer_params: { kind: 'enumKeys', values: ['Imputer', 'TfIdf', 'HashOneHotEncoder'] },
  enable_dnn_featurization: { kind: 'boolean' },
  dataset_language: { kind: 'string' },
};

const FORECASTING: Readonly<Record<string, Field>> = {
  country_or_region_for_holidays: { kind: 'string' },
  cv_step_size: { kind: 'integer' },
  forecast_horizon: { kind: 'autoOr' },
  target_lags: { kind: 'autoOr', list: true },
  target_rolling_window_size: { kind: 'autoOr' },
  time_column_name: { kind: 'string' },
  time_series_id_column_names: { kind: 'stringList' },
  frequency: { kind: 'string' },
  feature_lags: { kind: 'enum', values: ['None', 'Auto'] },
  seasonality: { kind: 'autoOr' },
  short_series_handling_config: { kind: 'enum', values: ['None', 'Auto', 'Pad', 'Drop'] },
  use_stl: { kind: 'enum', values: ['None', 'Season', 'SeasonTrend'] },
  target_aggregate_function: { kind: 'enum', values: ['None', 'Sum', 'Max', 'Min', 'Mean'] },
  features_unknown_at_forecast_time: { kind: 'stringList' },
};

/** REST names of the image model settings; the YAML key is each one in snake_case (stepLRGamma: step_lr_gamma). */
const IMAGE_SETTINGS =
  'advancedSettings amsGradient augmentations beta1 beta2 checkpointFrequency checkpointRunId distributed ' +
  'earlyStopping earlyStoppingDelay earlyStoppingPatience enableOnnxNormalization evaluationFrequency ' +
  'gradientAccumulationStep layersToFreeze learningRate learningRateScheduler modelName momentum nesterov ' +
  'numberOfEpochs numberOfWorkers optimizer randomSeed stepLRGamma stepLRStepSize trainingBatchSize ' +
  'validationBatchSize warmupCosineLRCycles warmupCosineLRWarmupEpochs weightDecay trainingCropSize ' +
  'validationCropSize validationResizeSize weightedLoss boxDetectionsPerImage boxScoreThreshold imageSize ' +
  'logTrainingMetrics logValidationLoss maxSize minSize modelSize multiScale nmsIouThreshold tileGridSize ' +
  'tileOverlapRatio tilePredictionsNmsThreshold validationIouThreshold validationMetricType';
const TEXT_SETTINGS =
  'gradientAccumulationSteps learningRate learningRateScheduler modelName numberOfEpochs trainingBatchSize ' +
  'validationBatchSize warmupRatio weightDecay';
const SETTING_ENUMS: Readonly<Record<string, readonly string[]>> = {
  learningRateScheduler: ['None', 'WarmupCosine', 'Step', 'Linear', 'Cosine', 'CosineWithRestarts'],
  optimizer: ['None', 'Sgd', 'Adam', 'Adamw'],
  modelSize: ['None', 'Small', 'Medium', 'Large', 'ExtraLarge'],
  validationMetricType: ['None', 'Coco', 'Voc', 'CocoVoc'],
  logTrainingMetrics: ['Enable', 'Disable'],
  logValidationLoss: ['Enable', 'Disable'],
};

/** The SDK's camel_to_snake, for the YAML names of REST settings. */
const snake = (name: string) =>
  name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();

function settingsTable(names: string): Record<string, Field> {
  return Object.fromEntries(
    names.split(' ').map((rest) => {
      const values = SETTING_ENUMS[rest];
      const field: Field = values ? { kind: 'enum', values, rest } : { kind: 'scalar', rest };
      return [snake(rest), field];
    }),
  );
}

const IMAGE_LIMITS: Readonly<Record<string, Field>> = {
  max_concurrent_trials: { kind: 'integer' },
  max_trials: { kind: 'integer' },
  timeout_minutes: { kind: 'minutes', rest: 'timeout' },
};
const TEXT_LIMITS: Readonly<Record<string, Field>> = {
  ...IMAGE_LIMITS,
  max_nodes: { kind: 'integer' },
  trial_timeout_minutes: { kind: 'minutes', rest: 'trialTimeout' },
};

const COMMON_KEYS = [
  ...JOB_KEYS,
  'task',
  'log_verbosity',
  'primary_metric',
  'target_column_name',
  'training_data',
  'validation_data',
  'environment_id',
  'environment_variables',
  'resources',
  'limits',
];
const FAMILY_KEYS: Readonly<Record<Family, readonly string[]>> = {
  tabular: [
    'test_data',
    'validation_data_size',
    'test_data_size',
    'n_cross_validations',
    'cv_split_column_names',
    'weight_column_name',
    'training',
    'featurization',
  ],
  image: ['validation_data_size', 'training_parameters', 'sweep', 'search_space'],
  // test_data only to refuse it with its reason (readTaskDetails).
  text: ['training_parameters', 'sweep', 'search_space', 'featurization', 'test_data'],
};
/** The `data` keys and their REST names. */
const DATA_KEYS = { training_data: 'trainingData', validation_data: 'validationData', test_data: 'testData' };

/** The keys an AutoML task takes (a job's or a pipeline step's). */
export function autoMLKeys(name: string, task: Task): string[] {
  return [
    ...COMMON_KEYS,
    ...FAMILY_KEYS[task.family],
    ...(name === 'classification' ? ['positive_label'] : []),
    ...(name === 'forecasting' ? ['forecasting'] : []),
  ];
}

/** Reads a standalone `type: automl` job. */
export function readAutoMLJob(root: Node): AutoMLJobSpec | undefined {
  const task = readTask(root);
  if (!task) return undefined;
  const [name, about] = task;
  // A job (not a pipeline step) also takes queue_settings; with no compute it runs on serverless compute.
  const keys = [
    ...COMMON_KEYS,
    ...FAMILY_KEYS[about.family],
    ...(name === 'classification' ? ['positive_label'] : []),
    'queue_settings',
  ];
  const required = ['training_data', ...(about.family === 'text' ? [] : ['target_column_name'])];
  const hints = {
    training_data: 'an mltable input: {type: mltable, path: ...}',
    target_column_name: 'the column to predict',
  };
  const what = `an AutoML ${name} job`;
  if (
    !fields(root, {
      what,
      keys: [...keys, ...(name === 'forecasting' ? ['forecasting'] : [])],
      required,
      hints,
    })
  )
    return undefined;
  const metadata = readMetadata(root);
  const compute = readCompute(root.child('compute'));
  const details = readTaskDetails(root, name, about, 'job');
  const outputs = readOutputs(root.child('outputs'), 'job');
  const identity = readIdentity(root.child('identity'));
  const services = readServices(root.child('services'));
  const resources = readResources(root.child('resources'));
  const environmentId = text(root.child('environment_id'));
  const queueSettings = readQueueSettings(root.child('queue_settings'));
  if (!details) return undefined;
  return {
    type: 'automl',
    ...jobOrigin(root),
    ...metadata,
    ...(compute ? { compute } : {}),
    inputs: {},
    outputs,
    services,
    ...(identity ? { identity } : {}),
    task: name,
    ...details,
    environmentVariables: stringMap(root.child('environment_variables')),
    ...(environmentId !== undefined ? { environmentId } : {}),
    ...(resources ? { resources } : {}),
    ...(queueSettings ? { queueSettings } : {}),
  };
}

function readTask(root: Node): [string, Task] | undefined {
  const node = root.child('task');
  if (!node.present) {
    root.error(`Missing 'task' in an AutoML job: one of ${Object.keys(TASKS).join(', ')}`);
    return undefined;
  }
  const written = typeof node.value === 'string' ? node.value.toLowerCase() : undefined;
  const task = written !== undefined ? TASKS[written] : undefined;
  if (!written || !task) {
    node.error(`'task' must be one of ${Object.keys(TASKS).join(', ')}; got ${describe(node.value)}`);
    return undefined;
  }
  return [written, task];
}

/** The task's settings (REST `taskDetails` without its data) and its data inputs, by REST name. */
export function readTaskDetails(
  root: Node,
  name: string,
  task: Task,
  place: 'job' | 'step',
): Pick<AutoMLJobSpec, 'taskDetails' | 'data'> | undefined {
  const details: Record<string, unknown> = { taskType: task.taskType };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) details[key] = value;
  };
  set(
    'logVerbosity',
    root.child('log_verbosity').present ? enumValue(root.child('log_verbosity'), LOG_LEVELS) : 'Info',
  );
  set('targetColumnName', text(root.child('target_column_name'), 'a column name'));
  const metric = root.child('primary_metric');
  if (metric.present && task.metrics) set('primaryMetric', enumValue(metric, task.metrics));
  else if (metric.present)
    root.problems.warn(
      root.document,
      metric.path,
      `'primary_metric' is not sent: a ${name} task has a fixed one`,
    );
  const data: Record<string, InputValue> = {};
  for (const [key, rest] of Object.entries(DATA_KEYS)) {
    const node = root.child(key);
    if (!node.present) continue;
    if (key === 'test_data' && task.family === 'text') {
      node.error(
        `'${node.label}' is not taken by a text task: neither the Azure ML CLI's ${name} schema nor the REST ` +
          `API (2025-12-01 NlpVertical) has test data; leave it out (validation_data is scored during training)`,
        'key',
      );
      continue;
    }
    const input = readInput(node, place);
    if (input?.kind === 'data' && input.type !== 'mltable')
      node.error(`'${node.label}' must be an mltable input (type: mltable), got type ${input.type}`);
    else if (input) data[rest] = withoutMode(node, input);
  }
  const family = FAMILY_READERS[task.family](root, task);
  if (!family) return undefined;
  return { taskDetails: { ...details, ...family }, data };
}

/** The CLI sends AutoML data as `{jobInputType: mltable, uri}` alone (AutoMLJob._resolve_data_inputs): no mode. */
function withoutMode(node: Node, input: InputValue): InputValue {
  if (input.kind !== 'data' || input.mode === undefined) return input;
  node.problems.warn(
    node.document,
    [...node.path, 'mode'],
    `'${node.label}.mode' is not sent: the Azure ML CLI sends AutoML data without a mode, and so does the train step`,
  );
  const { mode: _mode, ...rest } = input;
  return rest;
}

const LOG_LEVELS = ['NotSet', 'Debug', 'Info', 'Warning', 'Error', 'Critical'];

const FAMILY_READERS: Readonly<
  Record<Family, (root: Node, task: Task) => Record<string, unknown> | undefined>
> = {
  tabular: (root, task) => {
    const table: Record<string, Field> = {
      positive_label: { kind: 'string' },
      validation_data_size: { kind: 'number' },
      test_data_size: { kind: 'number' },
      n_cross_validations: { kind: 'autoOr' },
      cv_split_column_names: { kind: 'stringList' },
      weight_column_name: { kind: 'string' },
      limits: { kind: 'section', rest: 'limitSettings', fields: TABULAR_LIMITS },
      training: { kind: 'section', rest: 'trainingSettings', fields: tabularTraining(task.models ?? []) },
      featurization: { kind: 'section', rest: 'featurizationSettings', fields: TABULAR_FEATURIZATION },
      forecasting: { kind: 'section', rest: 'forecastingSettings', fields: FORECASTING },
    };
    return readKeys(root, table);
  },
  image: (root) =>
    readSweepable(root, IMAGE_LIMITS, {
      training_parameters: { kind: 'section', rest: 'modelSettings', fields: settingsTable(IMAGE_SETTINGS) },
      validation_data_size: { kind: 'number' },
    }),
  text: (root) => {
    const details = readSweepable(root, TEXT_LIMITS, {
      training_parameters: { kind: 'section', rest: 'fixedParameters', fields: settingsTable(TEXT_SETTINGS) },
      featurization: {
        kind: 'section',
        rest: 'featurizationSettings',
        fields: { dataset_language: { kind: 'string' } },
      },
    });
    return details && stableNlpDetails(root, details);
  },
};

/** Image and text tasks: limits, fixed settings, and the sweep over `search_space`. */
function readSweepable(
  root: Node,
  limits: Readonly<Record<string, Field>>,
  table: Readonly<Record<string, Field>>,
): Record<string, unknown> | undefined {
  const result = readKeys(root, {
    ...table,
    limits: { kind: 'section', rest: 'limitSettings', fields: limits },
  });
  if (!result) return undefined;
  const sweep = readSweepSettings(root.child('sweep'));
  if (sweep) result.sweepSettings = sweep;
  const spaceNode = root.child('search_space');
  if (spaceNode.present) {
    if (!Array.isArray(spaceNode.value))
      spaceNode.expected('a list of search spaces (mappings of settings to distributions)');
    else
      result.searchSpace = spaceNode.value.map((_, i) =>
        Object.fromEntries(
          Object.entries(readSearchSpace(spaceNode.child(i))).map(([key, distribution]) => [
            settingName(key, table),
            restDistributionText(distribution),
          ]),
        ),
      );
  }
  return result;
}

/** The REST name of a setting in a search space: the one of `training_parameters`. */
function settingName(key: string, table: Readonly<Record<string, Field>>): string {
  const settings = table.training_parameters;
  if (settings?.kind === 'section') return settings.fields[key]?.rest ?? key;
  return key;
}

/**
 * `sweep`: the sampling algorithm by name or as the CLI's object (`{type: random, seed, rule}`); image and text
 * sweep settings carry only its type (REST `SamplingAlgorithmType`), so seed and rule are named in a warning.
 */
function readSweepSettings(node: Node): Record<string, unknown> | undefined {
  if (!node.present) return undefined;
  if (
    !fields(node, {
      what: `'sweep'`,
      keys: ['sampling_algorithm', 'early_termination'],
      required: ['sampling_algorithm'],
    })
  )
    return undefined;
  const samplingNode = node.child('sampling_algorithm');
  const sampling = readSamplingAlgorithm(samplingNode);
  for (const key of ['seed', 'rule'])
    if (samplingNode.child(key).present)
      node.problems.warn(
        node.document,
        [...samplingNode.path, key],
        `'${node.label}.sampling_algorithm.${key}' is not sent: an AutoML sweep takes only the algorithm's type`,
      );
  const policy = readEarlyTermination(node.child('early_termination'));
  return {
    ...(sampling ? { samplingAlgorithm: SAMPLING_TYPES[sampling.type] } : {}),
    ...(policy ? { earlyTermination: restEarlyTermination(policy) } : {}),
  };
}

const SAMPLING_TYPES = { random: 'Random', grid: 'Grid', bayesian: 'Bayesian' } as const;

/** The REST `AutoMLJob` of a standalone AutoML job. */
export function autoMLJob(spec: AutoMLJobSpec, resolved: Resolved): Partial<JobBaseProperties> {
  return {
    jobType: 'AutoML',
    taskDetails: { ...spec.taskDetails, ...restInputs(spec.data, resolved) },
    ...(spec.environmentId !== undefined ? { environmentId: spec.environmentId } : {}),
    ...(Object.keys(spec.environmentVariables).length > 0
      ? { environmentVariables: { ...spec.environmentVariables } }
      : {}),
    ...(spec.resources ? { resources: restResources(spec.resources) } : {}),
    ...optional('queueSettings', restQueueSettings(spec.queueSettings)),
  } as Partial<JobBaseProperties>;
}

export { TASKS as AUTOML_TASKS };
