import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { JobSpecErrors, loadJobSpec } from '../../../shared/src/steps/train/job-spec';
import { fixture } from './helpers';
import { scratchFolder } from '../../harness/scratch-folders';

const dir = scratchFolder('job-spec-');
writeFileSync(
  path.join(dir, 'train.yml'),
  [
    'name: train',
    'inputs:',
    '  data: {type: uri_folder}',
    '  lr: {type: number}',
    'outputs:',
    '  model: {type: uri_folder}',
    'environment: azureml:env:1',
    'command: python t.py ${{inputs.data}} ${{inputs.lr}} ${{outputs.model}}',
    '',
  ].join('\n'),
);
const ENV = 'environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest';
let count = 0;

/** `line:column message` of each problem of a job YAML written from lines. */
function problemsOf(lines: string[]): string[] {
  const file = path.join(dir, `job-${count++}.yml`);
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    loadJobSpec(file);
  } catch (error) {
    if (!(error instanceof JobSpecErrors)) throw error;
    return error.errors.map((e) => `${e.location!.line}:${e.location!.column} ${e.message}`);
  }
  return [];
}

describe('validation rules', () => {
  it.each([
    [
      'local compute',
      ['command: echo hi', ENV, 'compute: local'],
      [
        "3:10 'compute': local runs are not supported by the train step; name a compute cluster of the workspace, or leave 'compute' out for serverless compute",
      ],
    ],
    [
      // OutputDeliveryMode at 2025-12-01 (what the step sends) lists ReadWriteMount, Upload and Direct.
      'an output with an input mode',
      [
        'command: echo ${{outputs.m}}',
        ENV,
        'compute: azureml:cpu',
        'outputs:',
        '  m: {type: uri_folder, mode: download}',
      ],
      ["5:31 'outputs.m.mode' must be one of rw_mount, upload, direct; got 'download'"],
    ],
    [
      'an environment that is neither a reference nor a definition',
      ['command: echo hi', 'environment: sklearn', 'compute: azureml:cpu'],
      [
        "2:14 'environment' must be azureml:<name>:<version> or azureml:<name>@latest, an azureml://registries/... id or an inline definition with 'image' or 'build'; got 'sklearn'",
      ],
    ],
    [
      'a missing code folder and a data input of the wrong kind',
      [
        'command: echo ${{inputs.d}}',
        ENV,
        'compute: azureml:cpu',
        'code: ./nowhere',
        'inputs:',
        '  d:',
        '    type: uri_file',
        '    path: .',
      ],
      [
        expect.stringMatching(/^4:7 'code': the code path '.\/nowhere' does not exist/),
        "8:11 'inputs.d.path': a uri_file input must be a file, '.' is a folder",
      ],
    ],
    [
      'input names and modes the service refuses',
      [
        'command: echo hi',
        ENV,
        'compute: azureml:cpu',
        'inputs:',
        '  my-input: 1',
        '  t:',
        '    type: uri_folder',
        '    path: https://x/y',
        '    mode: eval_mount',
      ],
      [
        "5:3 Input name 'my-input' must start with a letter or _ and hold only letters, digits and _",
        "9:11 'inputs.t.mode': mode eval_mount is only for mltable inputs",
      ],
    ],
    [
      'sweep rules: grid needs choices, bayesian takes no early termination, bandit needs one slack',
      [
        'type: sweep',
        'compute: azureml:cpu',
        'trial:',
        '  command: python t.py --lr ${{search_space.lr}}',
        `  ${ENV}`,
        'sampling_algorithm: grid',
        'search_space:',
        '  lr: {type: uniform, min_value: 0.1, max_value: 0.01}',
        'objective: {goal: maximise, primary_metric: acc}',
        'limits: {max_concurrent_trials: 2}',
        'early_termination: {type: bandit}',
      ],
      [
        "8:7 Grid sampling takes only choice distributions; 'lr' is uniform",
        "8:50 'search_space.lr': max_value must be greater than min_value",
        "9:19 'objective.goal' must be one of maximize, minimize; got 'maximise' (did you mean 'maximize'?)",
        "10:9 Missing 'max_total_trials' in 'limits' of a sweep job: how many trials to run at most",
        "11:20 A bandit policy needs exactly one of 'slack_factor' and 'slack_amount'",
      ],
    ],
    [
      'a sweep command naming an unknown hyperparameter',
      [
        'type: sweep',
        'compute: azureml:cpu',
        'trial:',
        '  command: python t.py --lr ${{search_space.rate}}',
        `  ${ENV}`,
        'sampling_algorithm: bayesian',
        'search_space:',
        '  lr: {type: choice, values: [0.1, 0.01]}',
        'objective: {goal: maximize, primary_metric: acc}',
        'limits: {max_total_trials: 4}',
        'early_termination: {type: median_stopping}',
      ],
      [
        "4:3 'trial.command' uses ${{search_space.rate}} but the sweep job declares no search_space parameter 'rate'",
        '11:20 Bayesian sampling does not support an early termination policy',
      ],
    ],
    [
      'component steps must match their component (a step with no compute runs on serverless compute)',
      [
        'type: pipeline',
        'jobs:',
        '  train:',
        '    component: ./train.yml',
        '    inputs:',
        '      data: {type: uri_folder, path: https://x/y}',
        '      learning_rate: 0.1',
        '  other:',
        '    type: data_transfer',
      ],
      [
        "3:3 Step 'train' does not give input 'lr', which component 'train' requires",
        "7:7 Step 'train' sets input 'learning_rate', but component 'train' has no such input (it has: data, lr)",
        expect.stringMatching(
          /^9:11 Step type 'data_transfer' is not supported yet: pipeline steps may be of type command, pipeline/,
        ),
      ],
    ],
    [
      'a step output that binds to something else than a pipeline output',
      [
        'type: pipeline',
        'compute: azureml:cpu',
        'outputs:',
        '  model:',
        'jobs:',
        '  train:',
        '    command: python t.py ${{outputs.m}}',
        `    ${ENV}`,
        '    outputs:',
        '      m: ${{parent.outputs.modle}}',
        '    inputs:',
        '      x: ${{parent.outputs.model}}',
      ],
      [
        "10:10 'jobs.train.outputs.m' binds to ${{parent.outputs.modle}} but the pipeline declares no output 'modle' (did you mean 'model'?)",
        "12:10 'jobs.train.inputs.x' uses ${{parent.outputs.model}}; a step input binds to ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}",
      ],
    ],
  ])('%s', (_title, lines, expected) => {
    expect(problemsOf(lines)).toEqual(expected);
  });

  it('accepts the CLI spellings it knows (case of enums, type left out)', () => {
    expect(
      problemsOf([
        'command: python t.py $[[--x ${{inputs.maybe}}]]',
        ENV,
        'compute: cpu-cluster',
        'identity: {type: user_identity}',
        'distribution: {type: MPI, process_count_per_instance: 2}',
        'queue_settings: {job_tier: spot}',
      ]),
    ).toEqual([]);
  });

  it('records what it accepts but cannot send as warnings', () => {
    const file = fixture('command-basic/job.yml');
    expect(loadJobSpec(file).warnings).toEqual([]);
    writeFileSync(
      path.join(dir, 'warn.yml'),
      ['command: echo', ENV, 'compute: cpu', 'queue_settings: {priority: high}', ''].join('\n'),
    );
    expect(loadJobSpec(path.join(dir, 'warn.yml')).warnings).toEqual([
      `${path.join(dir, 'warn.yml')}:4:18: 'queue_settings.priority' is not sent: the API version the step uses (2025-12-01) has only the job tier`,
    ]);
  });
});
