/**
 * Parallel pipeline steps: read from CLI v2 YAML (an inline run_function task or a registered parallel component)
 * into the step the CLI sends and the anonymous parallel component it registers (azure-ai-ml 1.4.0's bodies for
 * the fixture are compared in sdk-rest-bodies.test.ts); mistakes refused at their place.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { anonymousComponent, loadJobSpec, references } from '../../../shared/src/steps/train/job-spec';
import { fixture, problemsAt, resolveAll, stepBodies, WS } from './helpers';
import { scratchFolder } from '../../harness/scratch-folders';

const dir = scratchFolder('parallel-step-');

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

describe('parallel steps naming a parallel component file', () => {
  const file = fixture('pipeline-parallel-file/pipeline.yml');
  const componentOf = (step: string) => {
    const spec = loadJobSpec(file);
    const local = references(spec).find(
      (r) => r.kind === 'component' && r.source === 'local' && r.step === step,
    );
    return anonymousComponent(local as never, resolveAll(spec)).body.properties.componentSpec as Record<
      string,
      unknown
    >;
  };

  it('registers the file as an anonymous parallel component, partition_keys as the CLI sends them', () => {
    expect(componentOf('score_by_file')).toMatchObject({
      name: 'azureml_anonymous',
      type: 'parallel',
      display_name: 'Score files',
      is_deterministic: false,
      inputs: { files: { type: 'mltable' }, model: { type: 'uri_folder', optional: true } },
      outputs: { scores: { type: 'uri_folder' } },
      input_data: '${{inputs.files}}',
      mini_batch_size: '2',
      partition_keys: '["station", "day"]',
      error_threshold: 1,
      logging_level: 'DEBUG',
      resources: { instance_count: 2 },
      task: {
        type: 'run_function',
        code: `azureml:${WS}/codes/src/versions/1`,
        entry_script: 'score.py',
        model: '${{inputs.model}}',
        append_row_to: '${{outputs.scores}}',
      },
      _source: 'YAML.COMPONENT',
    });
  });

  it("gives the step what azure-ai-ml's Parallel node takes from its component, the step's own settings first", () => {
    const steps = stepBodies(file);
    expect(steps.score_by_file).toMatchObject({
      componentId: `${WS}/components/azureml_anonymous/versions/for-score_by_file`,
      _source: 'YAML.COMPONENT',
      input_data: '${{inputs.files}}',
      mini_batch_size: 2,
      partition_keys: '["station", "day"]',
      max_concurrency_per_instance: 2,
      mini_batch_error_threshold: 5,
      resources: { instance_count: 2 },
      task: { entry_script: 'score.py', model: '${{inputs.model}}' },
    });
    // Not taken from the component by the CLI's node: error_threshold, logging_level, retry_settings.
    expect(steps.score_by_file).not.toHaveProperty('error_threshold');
    expect(steps.score_by_file).not.toHaveProperty('logging_level');
    expect(steps.score_overridden).toMatchObject({
      mini_batch_size: 4,
      partition_keys: '["station"]',
      resources: { instance_count: 1 },
    });
  });

  it('takes partition_keys on a step with an inline task', () => {
    const step = stepBodies(
      pipelineWith('partitioned', [
        'partition_keys: [station]',
        'task: {entry_script: s.py, environment: azureml:env:1}',
      ]),
    ).batch!;
    expect(step.partition_keys).toBe('["station"]');
  });

  it('refuses a component file that is not a parallel component, a missing file, and bad partition_keys', () => {
    writeFileSync(
      path.join(dir, 'command.yml'),
      'type: command\ncommand: echo\nenvironment: azureml:env:1\n',
    );
    expect(problemsAt(pipelineWith('not-parallel', ['component: ./command.yml']))).toEqual([
      "1:7 'type' must be parallel: a parallel step runs a parallel component; got 'command'",
    ]);
    writeFileSync(path.join(dir, 'component-no-task.yml'), 'type: parallel\nmini_batch_size: 2\n');
    expect(problemsAt(pipelineWith('no-task', ['component: ./component-no-task.yml']))).toEqual([
      "1:1 Missing 'task' in a parallel component: the run_function task: entry_script, code, environment",
      "1:1 Missing 'input_data' in a parallel component: the input split into mini-batches, ${{inputs.<name>}}",
    ]);
    expect(problemsAt(pipelineWith('missing', ['component: ./nowhere.yml']))).toEqual([
      expect.stringMatching(
        /^9:16 'jobs.batch.component': the component file '.\/nowhere.yml' does not exist/,
      ),
    ]);
    expect(
      problemsAt(
        pipelineWith('bad-keys', [
          'partition_keys: station',
          'task: {entry_script: s.py, environment: azureml:env:1}',
        ]),
      ),
    ).toEqual([expect.stringMatching(/^9:21 'jobs.batch.partition_keys'.*a list of column names/)]);
  });
});
