/**
 * AutoML jobs in the forms the CLI takes beyond the basic ones: serverless (no compute) with queue settings and
 * resources, the sampling algorithm written as an object, and `test_data` on text tasks (refused: neither the CLI
 * nor REST 2025-12-01 has it). REST bodies at 2025-12-01.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadJobSpec, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { problemsAt, resolveAll, WS } from './helpers';
import { scratchFolder } from '../../harness/scratch-folders';

const dir = scratchFolder('automl-forms-');
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const body = (file: string) => {
  const spec = loadJobSpec(file);
  return toRestJob(spec, resolveAll(spec)).body.properties as unknown as Record<string, unknown>;
};

/** The start of an image task's job (task and data); each test appends the rest. */
const image = (task: string): string =>
  `type: automl\ntask: ${task}\ntarget_column_name: label\ntraining_data:\n  type: mltable\n  path: azureml:fridge:1\n`;

const TABULAR = `type: automl
task: classification
target_column_name: rain
training_data:
  type: mltable
  path: azureml:weather:1
`;

describe('AutoML jobs as the CLI takes them', () => {
  it('runs a job without compute on serverless compute: no computeId, queue settings and resources sent', () => {
    const file = write(
      'serverless.yml',
      `${TABULAR}resources:
  instance_type: Standard_E4s_v3
  instance_count: 2
queue_settings:
  job_tier: standard
`,
    );
    const sent = body(file);
    expect(sent).not.toHaveProperty('computeId');
    expect(sent).toMatchObject({
      jobType: 'AutoML',
      queueSettings: { jobTier: 'Standard' },
      resources: { instanceType: 'Standard_E4s_v3', instanceCount: 2 },
      taskDetails: {
        taskType: 'Classification',
        trainingData: { jobInputType: 'mltable', uri: `azureml:${WS}/data/weather/versions/1` },
      },
    });
  });

  it('sends azureml:serverless as no compute, and a named compute as its id, without queue settings', () => {
    expect(body(write('named-serverless.yml', `${TABULAR}compute: azureml:serverless\n`))).not.toHaveProperty(
      'computeId',
    );
    const sent = body(write('cluster.yml', `${TABULAR}compute: azureml:cpu-cluster\n`));
    expect(sent.computeId).toBe(`${WS}/computes/cpu-cluster`);
    expect(sent).not.toHaveProperty('queueSettings');
  });

  it('sends data without its mode, as the CLI does, and says so at the mode', () => {
    const file = write(
      'modes.yml',
      `${TABULAR}  mode: ro_mount
validation_data:
  type: mltable
  path: azureml:weather-valid:1
  mode: download
`,
    );
    const details = body(file).taskDetails as Record<string, unknown>;
    expect(details.trainingData).toEqual({
      jobInputType: 'mltable',
      uri: `azureml:${WS}/data/weather/versions/1`,
    });
    expect(details.validationData).toEqual({
      jobInputType: 'mltable',
      uri: `azureml:${WS}/data/weather-valid/versions/1`,
    });
    const why = 'is not sent: the Azure ML CLI sends AutoML data without a mode, and so does the train step';
    expect(loadJobSpec(file).warnings.map((w) => path.basename(w))).toEqual([
      `modes.yml:7:3: 'training_data.mode' ${why}`,
      `modes.yml:11:3: 'validation_data.mode' ${why}`,
    ]);
  });

  it('checks queue settings as a command job does', () => {
    expect(problemsAt(write('bad-tier.yml', `${TABULAR}queue_settings:\n  job_tier: gold\n`))).toEqual([
      "8:13 'queue_settings.job_tier' must be one of null, spot, basic, standard, premium; got 'gold'",
    ]);
  });

  it('takes the sampling algorithm as an object, sends its type, and names seed and rule as not sent', () => {
    const file = write(
      'image-sweep.yml',
      `${image('image_object_detection')}sweep:
  sampling_algorithm:
    type: random
    seed: 7
    rule: sobol
  early_termination:
    type: bandit
    evaluation_interval: 2
    slack_amount: 0.05
search_space:
  - learning_rate:
      type: uniform
      min_value: 0.001
      max_value: 0.01
`,
    );
    const details = body(file).taskDetails as Record<string, unknown>;
    expect(details.sweepSettings).toEqual({
      samplingAlgorithm: 'Random',
      earlyTermination: { policyType: 'Bandit', evaluationInterval: 2, slackAmount: 0.05 },
    });
    const why = "is not sent: an AutoML sweep takes only the algorithm's type";
    expect(loadJobSpec(file).warnings.map((w) => path.basename(w))).toEqual([
      `image-sweep.yml:10:5: 'sweep.sampling_algorithm.seed' ${why}`,
      `image-sweep.yml:11:5: 'sweep.sampling_algorithm.rule' ${why}`,
    ]);
    const grid = write(
      'grid.yml',
      `${image('image_classification')}sweep:
  sampling_algorithm:
    type: grid
`,
    );
    expect((body(grid).taskDetails as Record<string, unknown>).sweepSettings).toEqual({
      samplingAlgorithm: 'Grid',
    });
  });

  it('refuses a sampling object of an unknown type, or with keys its type does not take', () => {
    const sweep = (algorithm: string) =>
      write(
        'bad-sweep.yml',
        `${image('image_classification')}sweep:
  sampling_algorithm:
${algorithm}`,
      );
    expect(problemsAt(sweep('    type: sobol\n'))).toEqual([
      "9:11 'sweep.sampling_algorithm.type' must be one of random, grid, bayesian; got 'sobol'",
    ]);
    expect(problemsAt(sweep('    type: grid\n    seed: 3\n'))).toEqual([
      "10:5 Unknown key 'seed' in grid sampling (known keys: type)",
    ]);
  });

  it('refuses test_data on a text task with the reason, at the key, once', () => {
    const file = write(
      'ner.yml',
      `type: automl
task: text_ner
training_data:
  type: mltable
  path: azureml:ner:1
test_data:
  type: mltable
  path: azureml:ner-test:1
`,
    );
    expect(problemsAt(file)).toEqual([
      "6:1 'test_data' is not taken by a text task: neither the Azure ML CLI's text_ner schema nor the REST API " +
        '(2025-12-01 NlpVertical) has test data; leave it out (validation_data is scored during training)',
    ]);
  });
});
