import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mlmodelFlavors } from '../../../shared/src/azureml/mlmodel';
import type { RegisterModelConfig } from '../../../shared/src/steps/register-model/config';
import type { ResolvedSource } from '../../../shared/src/steps/register-model/source';
import { versionRecord } from '../../../shared/src/steps/register-model/version-record';
import { parse, problems, scratch } from './helpers';

/**
 * Every key of a model YAML, from the file to the model version's PUT body (ModelVersionProperties at the
 * api-version the step registers with): what is sent, what is used, what is ignored with a warning.
 */
const dir = scratch({
  'model/model.pkl': 'w',
  'mlflow/MLmodel': 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n',
  'mlflow/model.pkl': 'w',
});
let files = 0;
const configOf = (yaml: string, inputs: Record<string, string> = {}): RegisterModelConfig => {
  const file = join(dir, `model-${++files}.yml`);
  writeFileSync(file, yaml);
  return parse({ modelName: 'rain', modelFile: file, ...inputs }, dir);
};
const fileOf = (yaml: string) => {
  const file = join(dir, `model-${++files}.yml`);
  writeFileSync(file, yaml);
  return file;
};

/** The source as resolving it would find it (a local folder uploaded, no job, no MLmodel flavors). */
const uploaded = (extra: Partial<ResolvedSource> = {}): ResolvedSource => ({
  key: 'local:abc',
  modelUri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/model/',
  what: "folder 'model'",
  type: 'custom_model',
  typeReason: 'no MLmodel file',
  ...extra,
});
const noMetrics = { values: {}, sources: {}, searched: [] };
const bodyOf = (config: RegisterModelConfig, source = uploaded()) =>
  versionRecord(config, source, noMetrics, undefined, {}).body;

describe('model YAML keys in the model version body', () => {
  it('description, tags and properties are sent as written (the inputs win on the same key)', () => {
    const config = configOf(
      'path: ./model\ndescription: Rain in four hours\ntags: { team: forecasting, threshold: 0.42 }\nproperties: { owner: ada }\n',
      { tags: 'team=weather' },
    );
    const body = bodyOf(config);
    expect(body.description).toBe('Rain in four hours');
    expect(body.tags).toMatchObject({ team: 'weather', threshold: '0.42' });
    expect(body.properties).toMatchObject({ owner: 'ada', 'azureml.steps.source': 'local:abc' });
  });

  it('type is sent as modelType, path (resolved) as modelUri', () => {
    const config = configOf('path: ./model\ntype: triton_model\n');
    expect(config.modelType).toBe('triton_model');
    const body = bodyOf(config, uploaded({ type: config.modelType!, typeReason: 'given' }));
    expect(body).toMatchObject({
      modelType: 'triton_model',
      modelUri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/model/',
    });
  });

  it('flavors are sent as FlavorData, and win over the flavors of an MLmodel file', () => {
    const config = configOf(
      'path: ./mlflow\ntype: mlflow_model\nflavors:\n  python_function: { loader_module: custom.loader, python_version: 3.10 }\n  sklearn:\n',
    );
    const body = bodyOf(
      config,
      uploaded({ type: 'mlflow_model', flavors: { python_function: { loader_module: 'mlflow.sklearn' } } }),
    );
    expect(body.flavors).toEqual({
      python_function: { data: { loader_module: 'custom.loader', python_version: '3.1' } },
      sklearn: { data: {} },
    });
  });

  it("an MLflow model's flavors come from its MLmodel file when the YAML gives none", () => {
    const config = configOf('path: ./mlflow\n');
    const body = bodyOf(
      config,
      uploaded({ type: 'mlflow_model', flavors: { python_function: { loader_module: 'mlflow.sklearn' } } }),
    );
    expect(body.flavors).toEqual({ python_function: { data: { loader_module: 'mlflow.sklearn' } } });
    expect(bodyOf(config).flavors).toBeUndefined();
  });

  it('job_name is the producing job: sent as jobName once the job is read', () => {
    const config = configOf('path: ./model\njob_name: train-1\n');
    expect(config.source).toMatchObject({ kind: 'local', jobName: 'train-1' });
    const job = { name: 'train-1' } as NonNullable<ResolvedSource['job']>;
    expect(bodyOf(config, uploaded({ job }))).toMatchObject({ jobName: 'train-1' });
    expect(bodyOf(config, uploaded()).jobName).toBeUndefined();
  });

  it('version is the version registered; name is checked against modelName', () => {
    const config = configOf('name: rain-forecast\nversion: 7\npath: ./model\n');
    expect(config).toMatchObject({ version: '7', modelName: 'rain' });
    expect(config.warnings.join('\n')).toContain(
      "the model YAML names the model 'rain-forecast'; input 'model-name' wins",
    );
  });

  it('datastore is where a local path is uploaded (its azureml: prefix dropped)', () => {
    expect(configOf('path: ./model\ndatastore: azureml:modelstore\n').datastore).toBe('modelstore');
    expect(configOf('path: ./model\n').datastore).toBeUndefined();
  });

  it('$schema is accepted and sends nothing', () => {
    const config = configOf(
      '$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\npath: ./model\n',
    );
    expect(config.warnings).toEqual([]);
    expect(JSON.stringify(bodyOf(config))).not.toContain('azuremlschemas');
  });

  it.each([
    ['stage: Production', "'stage' is not sent: the Azure ML API version the step uses (2022-10-01)"],
    ['id: azureml:rain:1', "'id' is read-only (Azure ML sets it when the model is registered)"],
    ['creation_context: { created_by: ada }', "'creation_context' is read-only"],
    ['utc_time_created: 2024-01-01T00:00:00Z', "'utc_time_created' is read-only"],
    ['latest_version: "3"', "'latest_version' is read-only"],
    ['intellectual_property: { publisher: contoso }', "'intellectual_property' is read-only"],
    [
      'default_deployment_template: { asset_id: azureml://registries/r/deploymenttemplates/t/versions/1 }',
      "'default_deployment_template' applies to models in a registry only: not sent",
    ],
    [
      'allowed_deployment_templates: [{ asset_id: azureml://registries/r/deploymenttemplates/t/labels/latest }]',
      "'allowed_deployment_templates' applies to models in a registry only",
    ],
  ])('%s is accepted with a warning at its line, and not sent', (line, warning) => {
    const file = fileOf(`path: ./model\n${line}\n`);
    const config = parse({ modelName: 'rain', modelFile: file }, dir);
    expect(config.warnings).toEqual([expect.stringContaining(`${file}:2:1: ${warning}`)]);
    const key = line.split(':')[0]!;
    const body = JSON.stringify(bodyOf(config));
    expect(body).not.toContain(key === 'stage' ? 'Production' : key);
  });

  it('datastore with a path that is not local is accepted with a warning (nothing is uploaded)', () => {
    const config = configOf(
      'path: azureml://datastores/workspaceblobstore/paths/models/rain/\ndatastore: modelstore\n',
    );
    expect(config.warnings).toEqual([
      expect.stringContaining(":2:1: 'datastore' is not used: 'path' is not a local path"),
    ]);
  });
});

describe('model YAML refusals, each at its file:line:column once', () => {
  /** The one error parsing throws: its message and where it points. */
  const errorOf = (file: string) => {
    try {
      parse({ modelName: 'rain', modelFile: file }, dir);
    } catch (error) {
      return error as { message: string; location?: unknown; errors?: unknown[] };
    }
    throw new Error('expected a refusal');
  };

  it.each([
    [
      'path: ./model\ntype: mlflow_model\n',
      [2, 7, `'type' is mlflow_model but the folder ${join(dir, 'model')} has no MLmodel file`],
    ],
    [
      'path: ./model/model.pkl\ntype: mlflow_model\n',
      [2, 7, `'type' is mlflow_model but 'path' is a file (${join(dir, 'model', 'model.pkl')})`],
    ],
    ['path: ./model\ndatastore: my store\n', [2, 12, "'datastore' must be the name of a datastore"]],
  ] as const)('%j', (yaml, [line, column, message]) => {
    const file = fileOf(yaml);
    const error = errorOf(file);
    expect(error.errors).toHaveLength(1);
    expect(error.message).toContain(message);
    expect(error.location).toMatchObject({ file, line, column });
    // The location is the error's, printed once by the host: the message does not carry it again.
    expect(error.message).not.toContain(`${file}:`);
  });

  it('modelType mlflow_model on a local path without MLmodel names the input', () => {
    expect(
      problems(() => parse({ modelName: 'rain', modelPath: 'model', modelType: 'mlflow_model' }, dir)),
    ).toEqual([
      `Input 'model-type' is mlflow_model but the folder '${join(dir, 'model')}' has no MLmodel file: save the model with mlflow (mlflow.<flavor>.save_model), or use modelType custom_model.`,
    ]);
    expect(parse({ modelName: 'rain', modelPath: 'mlflow', modelType: 'mlflow_model' }, dir).modelType).toBe(
      'mlflow_model',
    );
  });
});

describe('MLmodel flavors', () => {
  it('reads each flavor, scalars written out and nested settings as JSON', () => {
    expect(
      mlmodelFlavors(
        [
          'artifact_path: model',
          'flavors:',
          '  python_function:',
          '    env: { conda: conda.yaml, virtualenv: python_env.yaml }',
          '    loader_module: mlflow.sklearn',
          '    python_version: 3.10.12',
          '  sklearn:',
          '    pickled_model: model.pkl',
          '    sklearn_version: 1.3.0',
          '    serialization_format: cloudpickle',
          '    code: null',
          'mlflow_version: 2.9.2',
        ].join('\n'),
        'MLmodel',
      ),
    ).toEqual({
      python_function: {
        env: '{"conda":"conda.yaml","virtualenv":"python_env.yaml"}',
        loader_module: 'mlflow.sklearn',
        python_version: '3.10.12',
      },
      sklearn: {
        pickled_model: 'model.pkl',
        sklearn_version: '1.3.0',
        serialization_format: 'cloudpickle',
        code: 'null',
      },
    });
  });

  it.each([
    ['flavors: [a]\n', "The MLmodel has no 'flavors' mapping"],
    ['artifact_path: model\n', "The MLmodel has no 'flavors' mapping"],
    ['flavors:\n  sklearn: 3\n', "The MLmodel: flavor 'sklearn' must be a mapping of its settings."],
    ['flavors: {\n', 'The MLmodel is not valid YAML'],
  ])('%j is refused', (text, message) => {
    expect(() => mlmodelFlavors(text, 'The MLmodel')).toThrow(message);
  });
});
