/**
 * Parallel pipeline steps: read from CLI v2 YAML (an inline run_function task or a registered parallel component)
 * into the step the CLI sends and the anonymous parallel component it registers (azure-ai-ml 1.4.0's bodies for
 * the fixture are compared in sdk-rest-bodies.test.ts); mistakes refused at their place.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { anonymousComponent, loadJobSpec, references } from '../../../shared/src/steps/train/job-spec';
import { fixture, problemsAt, resolveAll, stepBodies, WS } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'parallel-step-'));

/** A pipeline with one parallel step written as `step` (YAML lines, indented under the step). */
function pipelineWith(name: string, step: string[]): string {
  const file = path.join(dir, `${name}.yml`);
  const lines = [
    'type: pipeline',
    'compute: azureml:cpu-cluster',
    'inputs:',
    '  files: {type: uri_folder, path: azureml://datastores/workspaceblobstore/paths/files/}',
    'jobs:',
    '  batch:',
    '    type: parallel',
    '    inputs: {files: "${{parent.inputs.files}}"}',
    ...step.map((line) => `    ${line}`),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('parallel steps', () => {
  it('sends an inline task as a registered parallel component, its settings and task on the step too', () => {
    const file = fixture('pipeline-parallel/pipeline.yml');
    const step = stepBodies(file).batch_score!;
    expect(step).toMatchObject({
      type: 'parallel',
      componentId: `${WS}/components/azureml_anonymous/versions/for-batch_score`,
      input_data: '${{inputs.files}}',
      mini_batch_size: 2,
      error_threshold: 1,
      mini_batch_error_threshold: 5,
      max_concurrency_per_instance: 2,
      logging_level: 'DEBUG',
      retry_settings: { max_retries: 2, timeout: 60 },
      environment_variables: { SCORE_FACTOR: '2' },
      task: {
        type: 'run_function',
        code: `azureml:${WS}/codes/src/versions/1`,
        entry_script: 'score.py',
        environment: `azureml:${WS}/environments/AzureML-sklearn-1.0-ubuntu20.04-py38-cpu/versions/9`,
        program_arguments: '--factor 2',
        append_row_to: '${{outputs.scores}}',
      },
    });
    const spec = loadJobSpec(file);
    const local = references(spec).find(
      (r) => r.kind === 'component' && r.source === 'local' && r.step === 'batch_score',
    );
    const component = anonymousComponent(local as never, resolveAll(spec)).body.properties
      .componentSpec as Record<string, unknown>;
    expect(component).toMatchObject({
      type: 'parallel',
      inputs: { files: { type: 'uri_folder' } },
      outputs: { scores: { type: 'uri_folder' } },
      mini_batch_size: '2',
      task: { entry_script: 'score.py' },
    });
  });

  it('sends a registered parallel component by id with the settings of the step', () => {
    const file = pipelineWith('registered', [
      'component: azureml:batch_scorer:3',
      'mini_batch_size: 10kb',
      'input_data: ${{inputs.files}}',
    ]);
    expect(stepBodies(file).batch).toMatchObject({
      type: 'parallel',
      componentId: `${WS}/components/batch_scorer/versions/3`,
      mini_batch_size: '10kb',
      input_data: '${{inputs.files}}',
    });
    expect(stepBodies(file).batch).not.toHaveProperty('task');
  });

  it('refuses a step with both a task and a component, or neither, and a task without its script', () => {
    expect(
      problemsAt(pipelineWith('both', ['component: azureml:batch_scorer:3', 'task: {entry_script: s.py}'])),
    ).toEqual([
      "6:3 Step 'batch' is a parallel step: it has a 'task' (run_function: entry_script, code, environment) or a registered parallel 'component' (azureml:<name>:<version>), not both",
    ]);
    expect(problemsAt(pipelineWith('neither', ['mini_batch_size: 2']))).toEqual([
      "6:3 Step 'batch' is a parallel step: it has a 'task' (run_function: entry_script, code, environment) or a registered parallel 'component' (azureml:<name>:<version>), neither is given",
    ]);
    expect(
      problemsAt(pipelineWith('no-script', ['task: {environment: azureml:env:1, type: run_function}'])),
    ).toEqual([expect.stringMatching(/^9:11 Missing 'entry_script' in a parallel task/)]);
    expect(
      problemsAt(
        pipelineWith('bad-type', [
          'task: {entry_script: s.py, environment: azureml:env:1, type: run_command}',
        ]),
      ),
    ).toEqual([
      expect.stringMatching(/^9:\d+ 'jobs.batch.task.type' must be one of run_function; got 'run_command'/),
    ]);
  });
});
