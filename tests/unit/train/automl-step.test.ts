/**
 * AutoML pipeline steps: sent in the CLI's node form (the task's keys as written, no component), checked as an
 * AutoML job's keys are (azure-ai-ml 1.4.0's body for the fixture is compared in sdk-rest-bodies.test.ts).
 */
import { loadJobSpec, references, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { fixture, pipelineVariant, problemsAt, resolveAll, WS } from './helpers';

/** The steps of the pipeline's REST body, every reference resolved. */
const jobsOf = (spec: ReturnType<typeof loadJobSpec>) =>
  (toRestJob(spec, resolveAll(spec)).body.properties as unknown as { jobs: Record<string, unknown> }).jobs;

describe('AutoML steps', () => {
  it('sends the task in the node form with its data bound, and registers no component for it', () => {
    const spec = loadJobSpec(fixture('pipeline-automl/pipeline.yml'));
    const jobs = jobsOf(spec);
    expect(jobs.classify).toEqual({
      name: 'classify',
      type: 'automl',
      task: 'classification',
      log_verbosity: 'info',
      primary_metric: 'accuracy',
      target_column_name: 'y',
      training_data: '${{parent.inputs.train}}',
      validation_data: '${{parent.inputs.valid}}',
      limits: { max_trials: 4, timeout_minutes: 30 },
      training: { enable_stack_ensemble: false },
      outputs: { best_model: { job_output_type: 'mlflow_model' } },
    });
    expect(references(spec).filter((r) => r.kind === 'component')).toEqual([]);
  });

  it('refuses an unknown task, a misspelt key and data that is not a binding, at their place', () => {
    expect(
      problemsAt(
        pipelineVariant('pipeline-automl', (t) => t.replace('task: classification', 'task: clasification')),
      ),
    ).toEqual([
      expect.stringMatching(
        /^18:11 'task' must be one of classification, regression, .*; got 'clasification'$/,
      ),
    ]);
    expect(
      problemsAt(pipelineVariant('pipeline-automl', (t) => t.replace('primary_metric', 'primary_metrc'))),
    ).toEqual([
      expect.stringMatching(
        /^19:5 Unknown key 'primary_metrc' in step 'classify' \(an AutoML classification step\) \(did you mean 'primary_metric'\?\)$/,
      ),
    ]);
    // Data written in the step must be an mltable, and a binding or a mapping.
    expect(
      problemsAt(
        pipelineVariant('pipeline-automl', (t) =>
          t.replace(
            'training_data: ${{parent.inputs.train}}',
            'training_data: {type: uri_folder, path: "azureml:bank-train:1"}',
          ),
        ),
      ),
    ).toEqual([
      "21:20 'jobs.classify.training_data' must be an mltable input (type: mltable), got type uri_folder",
    ]);
    expect(
      problemsAt(
        pipelineVariant('pipeline-automl', (t) =>
          t.replace('training_data: ${{parent.inputs.train}}', 'training_data: [a, b]'),
        ),
      ),
    ).toEqual([
      "21:20 'jobs.classify.training_data' must be a mapping (input 'jobs.classify.training_data'), got a list",
    ]);
  });

  it('sends data written in the step as {type, path}: the local folder uploaded, the asset resolved', () => {
    const spec = loadJobSpec(fixture('pipeline-automl-data/pipeline.yml'));
    const jobs = jobsOf(spec);
    expect(jobs.classify).toMatchObject({
      type: 'automl',
      training_data: {
        type: 'mltable',
        path: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/0123abcd/train',
      },
      validation_data: { type: 'mltable', path: `azureml:${WS}/data/bank-valid/versions/1` },
    });
    expect(references(spec).map((r) => r.kind)).toEqual(expect.arrayContaining(['asset', 'localInput']));
  });
});
