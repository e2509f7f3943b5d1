import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '../../../shared/src/azureml/model-file';
import { YamlErrors } from '../../../shared/src/yaml/problems';
import { scratch } from './helpers';

const dir = scratch({ 'model/model.pkl': 'w', 'single.onnx': 'w' });
const load = (text: string) => {
  const file = join(dir, `m-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return { file, read: () => loadModelFile(file) };
};
/** `line:column message` of every problem. */
const problemsOf = (text: string): string[] => {
  const { read } = load(text);
  try {
    read();
  } catch (error) {
    if (!(error instanceof YamlErrors)) throw error;
    return error.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`);
  }
  throw new Error('expected problems');
};

describe('model YAML paths', () => {
  it.each([
    ['./model', { kind: 'local', path: join(dir, 'model'), isFile: false }],
    ['single.onnx', { kind: 'local', path: join(dir, 'single.onnx'), isFile: true }],
    ['file:./model', { kind: 'local', path: join(dir, 'model'), isFile: false }],
    [
      'azureml://jobs/train-1/outputs/model',
      { kind: 'job', jobName: 'train-1', output: 'model', where: 'named' },
    ],
    [
      'azureml://jobs/train-1/outputs/artifacts/paths/outputs/model/',
      { kind: 'job', jobName: 'train-1', output: 'outputs/model', where: 'artifacts' },
    ],
    ['runs:/train-1/model', { kind: 'job', jobName: 'train-1', output: 'model', where: 'artifacts' }],
    [
      'azureml://datastores/workspaceblobstore/paths/models/rain/',
      { kind: 'uri', uri: 'azureml://datastores/workspaceblobstore/paths/models/rain/' },
    ],
    [
      'https://acct.blob.core.windows.net/models/rain/',
      { kind: 'uri', uri: 'https://acct.blob.core.windows.net/models/rain/' },
    ],
  ])('%s', (path, expected) => {
    expect(load(`path: ${path}\n`).read().path).toEqual(expected);
  });

  it('reads the other keys', () => {
    const { file, read } = load(
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json',
        'name: rain-forecast',
        'version: 3',
        'path: ./model',
        'type: triton_model',
        'description: Rain in four hours',
        'tags: { team: forecasting, threshold: 0.42 }',
        'properties: { owner: ada }',
        'job_name: train-1',
        'stage: Production',
      ].join('\n'),
    );
    const model = read();
    expect(model).toMatchObject({
      name: 'rain-forecast',
      version: '3',
      type: 'triton_model',
      description: 'Rain in four hours',
      tags: { team: 'forecasting', threshold: '0.42' },
      properties: { owner: 'ada' },
      jobName: 'train-1',
      pathLocation: { file, line: 4, column: 7 },
    });
    expect(model.warnings).toEqual([
      `${file}:10:1: 'stage' is not sent: the Azure ML API version the step uses (2022-10-01) has no model stage`,
    ]);
  });
});

describe('model YAML problems, all at once, at their line and column', () => {
  it.each([
    [
      '- path: ./model\n',
      ["1:1 The model YAML must be a mapping with the model's keys (name, path, type, ...), got a list"],
    ],
    [
      'name: rain\n',
      [
        "1:1 Missing 'path' in a model YAML: a local file or folder, azureml://jobs/<job>/outputs/<output> or a datastore URI",
      ],
    ],
    [
      'name: rain forecast\npath: ./model\ntype: sklearn_model\nversion: "1 2"\n',
      [
        "1:7 'name' must start with a letter or digit and hold only letters, digits, '-' and '_'",
        "3:7 'type' must be one of custom_model, mlflow_model, triton_model; got 'sklearn_model'",
        "4:10 'version' must be letters, digits, '.', '-' or '_', got '1 2'",
      ],
    ],
    ['path: ./nowhere\n', [`1:7 'path': './nowhere' does not exist (looked for ${join(dir, 'nowhere')})`]],
    [
      'path: azureml:rain:3\n',
      [
        expect.stringContaining(
          "1:7 'path' must be a local file or folder, azureml://jobs/<job>/outputs/<output>",
        ),
      ],
    ],
    [
      'path: azureml://jobs/train-1/outputs/model/paths/model.pkl\n',
      [
        "1:7 'path' points inside output 'model' of job 'train-1': register the output itself (azureml://jobs/train-1/outputs/model)",
      ],
    ],
    [
      'path: azureml://jobs/train-1/outputs/model\njob_name: train-2\n',
      ["2:11 'job_name' is 'train-2' but 'path' is an output of job 'train-1'"],
    ],
    ['path: ./model\ntags: [a, b]\n', ["2:7 'tags' must be a mapping of names to values, got a list"]],
  ])('%j', (text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });
});
