/**
 * Standalone AutoML and Spark jobs: the REST bodies (2025-12-01) the train step builds from CLI v2 YAML, as
 * azure-ai-ml translates them (its bodies for these fixtures are in tests/fixtures/sdk-rest-bodies, where it can
 * load them), and the refusal of job types that no stable api-version expresses.
 */
import path from 'node:path';
import { loadJobSpec, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { fixture, problems, resolveAll, WS } from './helpers';

const body = (file: string) => {
  const spec = loadJobSpec(fixture(file));
  return toRestJob(spec, resolveAll(spec)).body.properties as unknown as Record<string, unknown>;
};
const details = (file: string) => body(file).taskDetails as Record<string, unknown>;

describe('AutoML jobs', () => {
  it('sends a tabular classification job as AutoMLJob with its Classification task details', () => {
    const sent = body('automl/classification.yml');
    expect(sent).toMatchObject({ jobType: 'AutoML', computeId: `${WS}/computes/cpu-cluster` });
    expect(sent.taskDetails).toEqual({
      taskType: 'Classification',
      logVerbosity: 'Debug',
      targetColumnName: 'y',
      primaryMetric: 'Accuracy',
      positiveLabel: 'yes',
      nCrossValidations: { mode: 'Custom', value: 5 },
      weightColumnName: 'weight',
      limitSettings: {
        enableEarlyTermination: true,
        exitScore: 0.95,
        maxConcurrentTrials: 5,
        maxCoresPerTrial: -1,
        maxTrials: 40,
        timeout: 'PT3H',
        trialTimeout: 'PT20M',
      },
      trainingSettings: {
        enableModelExplainability: true,
        enableOnnxCompatibleModels: true,
        enableStackEnsemble: false,
        enableVoteEnsemble: true,
        ensembleModelDownloadTimeout: 'PT5M',
        allowedTrainingAlgorithms: ['LogisticRegression', 'LightGBM'],
      },
      featurizationSettings: {
        mode: 'Custom',
        blockedTransformers: ['LabelEncoder'],
        columnNameAndTypes: { age: 'Numeric' },
        transformerParams: { Imputer: [{ fields: ['age'], parameters: { strategy: 'median' } }] },
      },
      trainingData: {
        jobInputType: 'mltable',
        uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/0123abcd/train',
      },
      validationData: { jobInputType: 'mltable', uri: `azureml:${WS}/data/bank-valid/versions/1` },
      testData: { jobInputType: 'mltable', uri: `azureml:${WS}/data/bank-test/versions/1` },
    });
  });

  it('writes forecasting settings in their auto/custom shapes and enums as REST spells them', () => {
    expect(details('automl/forecasting.yml').forecastingSettings).toEqual({
      countryOrRegionForHolidays: 'US',
      cvStepSize: 3,
      forecastHorizon: { mode: 'Custom', value: 12 },
      targetLags: { mode: 'Custom', values: [1, 2] },
      targetRollingWindowSize: { mode: 'Auto' },
      timeColumnName: 'timeStamp',
      timeSeriesIdColumnNames: ['store'],
      frequency: 'H',
      featureLags: 'Auto',
      seasonality: { mode: 'Auto' },
      shortSeriesHandlingConfig: 'Auto',
      useStl: 'Season',
      targetAggregateFunction: 'Sum',
    });
    expect(details('automl/forecasting.yml').nCrossValidations).toEqual({ mode: 'Auto' });
  });

  it('sends image model settings, the sweep and its search space as the service writes them', () => {
    expect(details('automl/image-object-detection.yml')).toMatchObject({
      taskType: 'ImageObjectDetection',
      primaryMetric: 'MeanAveragePrecision',
      modelSettings: { modelName: 'yolov5', modelSize: 'Medium', validationMetricType: 'CocoVoc' },
      sweepSettings: { samplingAlgorithm: 'Grid' },
      searchSpace: [{ modelName: "choice('yolov5')", modelSize: "choice('small','medium')" }],
    });
    expect(details('automl/image-classification.yml')).toMatchObject({
      sweepSettings: {
        samplingAlgorithm: 'Random',
        earlyTermination: {
          policyType: 'Bandit',
          slackFactor: 0.2,
          evaluationInterval: 2,
          delayEvaluation: 6,
        },
      },
      searchSpace: [
        {
          modelName: "choice('vitb16r224','vits16r224')",
          learningRate: 'uniform(0.001,0.01)',
          numberOfEpochs: 'choice(15,30)',
        },
      ],
    });
    expect(details('automl/image-multilabel.yml').primaryMetric).toBe('IOU');
    expect(details('automl/image-instance-segmentation.yml').taskType).toBe('ImageInstanceSegmentation');
  });

  it('sends text tasks with what stable 2025-12-01 expresses, and warns at each key it leaves out', () => {
    const sent = details('automl/text-classification.yml');
    expect(sent).toMatchObject({
      taskType: 'TextClassification',
      featurizationSettings: { datasetLanguage: 'eng' },
      limitSettings: { maxConcurrentTrials: 2, maxTrials: 2, timeout: 'PT1H' },
    });
    expect(Object.keys(sent).sort()).toEqual([
      'featurizationSettings',
      'limitSettings',
      'logVerbosity',
      'primaryMetric',
      'targetColumnName',
      'taskType',
      'trainingData',
      'validationData',
    ]);
    expect(Object.keys(sent.limitSettings as object).sort()).toEqual([
      'maxConcurrentTrials',
      'maxTrials',
      'timeout',
    ]);
    const stable =
      'is not sent: a text task has no such setting in the stable api-version 2025-12-01 (only preview ' +
      'api-versions have it); the job runs with the default';
    const warnings = loadJobSpec(fixture('automl/text-classification.yml')).warnings;
    expect(warnings.map((w) => path.basename(w))).toEqual([
      `text-classification.yml:20:1: 'training_parameters' ${stable}`,
      `text-classification.yml:25:1: 'sweep' ${stable}`,
      `text-classification.yml:30:1: 'search_space' ${stable}`,
      `text-classification.yml:19:3: 'limits.max_nodes' ${stable}`,
    ]);
    expect(details('automl/text-multilabel.yml').taskType).toBe('TextClassificationMultilabel');
    expect(details('automl/text-ner.yml')).not.toHaveProperty('primaryMetric');
    expect(details('automl/text-ner.yml').taskType).toBe('TextNER');
  });

  it('refuses an unknown task and missing keys at their place', () => {
    expect(problems(fixture('broken/automl-task.yml'))).toEqual([
      "broken/automl-task.yml:2:7 'task' must be one of classification, regression, forecasting, image_classification, image_classification_multilabel, image_object_detection, image_instance_segmentation, text_classification, text_classification_multilabel, text_ner; got 'clasification'",
    ]);
    expect(problems(fixture('broken/automl.yml'))).toEqual([
      "broken/automl.yml:1:1 Missing 'training_data' in an AutoML classification job: an mltable input: {type: mltable, path: ...}",
      "broken/automl.yml:1:1 Missing 'target_column_name' in an AutoML classification job: the column to predict",
    ]);
  });
});

describe('Spark jobs', () => {
  it('sends a Spark job with a Python entry as azure-ai-ml does (conf values as text)', () => {
    expect(body('spark/job.yml')).toEqual({
      jobType: 'Spark',
      experimentName: 'spark-wrangling',
      displayName: 'Titanic data wrangling',
      description: 'Wrangles the Titanic data with Spark',
      tags: { team: 'data' },
      identity: { identityType: 'UserIdentity' },
      codeId: `${WS}/codes/src/versions/1`,
      entry: { sparkJobEntryType: 'SparkJobPythonEntry', file: 'titanic.py' },
      pyFiles: ['utils.py'],
      conf: {
        'spark.driver.cores': '1',
        'spark.driver.memory': '2g',
        'spark.executor.cores': '2',
        'spark.executor.memory': '2g',
        'spark.executor.instances': '2',
        'spark.dynamicAllocation.enabled': 'True',
        'spark.dynamicAllocation.minExecutors': '1',
        'spark.dynamicAllocation.maxExecutors': '4',
      },
      args: '--titanic_data ${{inputs.titanic_data}} --wrangled_data ${{outputs.wrangled_data}}',
      inputs: {
        titanic_data: {
          jobInputType: 'uri_file',
          mode: 'Direct',
          uri: 'azureml://datastores/workspaceblobstore/paths/data/titanic.csv',
        },
      },
      outputs: {
        wrangled_data: {
          jobOutputType: 'uri_folder',
          mode: 'Direct',
          uri: 'azureml://datastores/workspaceblobstore/paths/data/wrangled/',
        },
      },
      resources: { instanceType: 'standard_e4s_v3', runtimeVersion: '3.2' },
    });
  });

  it('sends a JVM entry, jars, files, archives and an environment on an attached Spark pool', () => {
    expect(body('spark/job-class-entry.yml')).toMatchObject({
      jobType: 'Spark',
      computeId: `${WS}/computes/attached-spark`,
      entry: { sparkJobEntryType: 'SparkJobScalaEntry', className: 'com.example.Wrangle' },
      jars: ['wrangle.jar'],
      files: ['lookup.csv'],
      archives: ['deps.zip'],
      args: '--rows 10',
    });
    expect(body('spark/job-class-entry.yml').environmentId).toMatch(/CliV2AnonymousEnvironment/);
  });
});

describe('job types no stable api-version expresses', () => {
  it('refuses them naming the type, the api-version needed and what to do instead', () => {
    expect(problems(fixture('broken/import.yml'))).toEqual([
      "broken/import.yml:1:7 Job type 'import' cannot be sent by the train step: no stable Azure ML api-version expresses it (it needs 2022-02-01-preview (private preview); the step sends jobs at the stable 2025-12-01); submit it with the Azure ML CLI (az ml job create -f <file>) instead",
    ]);
    expect(problems(fixture('broken/finetuning.yml'))).toEqual([
      "broken/finetuning.yml:1:7 Job type 'finetuning' cannot be sent by the train step: no stable Azure ML api-version expresses it (it needs 2024-01-01-preview or later, a preview api-version (FineTuning is in no stable JobType); the step sends jobs at the stable 2025-12-01); submit it with the Azure ML CLI (az ml job create -f <file>) instead",
    ]);
    expect(problems(fixture('broken/distillation.yml'))).toEqual([
      "broken/distillation.yml:1:7 Job type 'distillation' cannot be sent by the train step: no stable Azure ML api-version expresses it (it needs 2025-01-01-preview or later, a preview api-version (Distillation is in no stable JobType); the step sends jobs at the stable 2025-12-01); submit it with the Azure ML CLI (az ml job create -f <file>) instead",
    ]);
  });
});
