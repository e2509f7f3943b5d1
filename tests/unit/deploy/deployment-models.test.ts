/**
 * Deployment files as the CLI takes them (issue 13, decision 0017): the model of a deployment in every form the
 * CLI accepts, the names taken from the files (inputs win, with an info line), the dry-run input, and each
 * refusal at its file:line:column, once.
 */
import path from 'node:path';
import { anonymousModelName } from '../../../shared/src/steps/deploy/actions/deploy-model';
import { printable } from '../../../shared/src/steps/deploy/actions/dry-run';
import type { OnlineDeployConfig } from '../../../shared/src/steps/deploy/config';
import { loadDeploymentFile } from '../../../shared/src/steps/deploy/spec/deployment-file';
import { base, parse, parseError, problems, workspace } from './helpers';

const files = {
  'score/score.py': 'def init():\n    pass\n\ndef run(raw):\n    return []\n',
  'model/model.json': '{"weights": [1, 2]}\n',
  'mlflow/MLmodel': 'flavors: {}\n',
};

const deployment = (model: string, extra = '') => `name: blue
endpoint_name: rain-prod
${model}
code_configuration:
  code: ./score
  scoring_script: score.py
${extra}`;

function modelOf(yaml: string) {
  const dir = workspace({ ...files, 'blue.yml': yaml });
  return { dir, model: loadDeploymentFile(path.join(dir, 'blue.yml')).model };
}

function problemsOf(yaml: string) {
  const dir = workspace({ ...files, 'blue.yml': yaml });
  return problems(path.join(dir, 'blue.yml'), loadDeploymentFile);
}

describe('the model of a deployment file', () => {
  it.each([
    ['a registered version', 'model: azureml:rain:3', { kind: 'version', name: 'rain', version: '3' }],
    ['the newest version', 'model: azureml:rain@latest', { kind: 'latest', name: 'rain' }],
    [
      'a registry version',
      'model: azureml://registries/shared/models/rain/versions/4',
      { kind: 'registry', id: 'azureml://registries/shared/models/rain/versions/4' },
    ],
    [
      "a registry model's latest label",
      'model: azureml://registries/shared/models/rain/labels/latest',
      { kind: 'registry', id: 'azureml://registries/shared/models/rain/labels/latest' },
    ],
  ])('reads %s', (_what, line, expected) => {
    expect(modelOf(deployment(line)).model).toMatchObject(expected);
  });

  it('reads a local path as an anonymous inline model, relative to the file', () => {
    const { dir, model } = modelOf(deployment('model: ./model'));
    expect(model).toMatchObject({
      kind: 'inline',
      model: { path: { kind: 'local', path: path.join(dir, 'model'), isFile: false } },
      location: { line: 3, column: 8 },
    });
    expect(model?.kind === 'inline' ? model.model.name : 'not inline').toBeUndefined();
  });

  it('reads {path} and {name, version, path, type, description, tags, properties, flavors}', () => {
    expect(modelOf(deployment('model:\n  path: ./model')).model).toMatchObject({
      kind: 'inline',
      model: { path: { kind: 'local', isFile: false }, tags: {}, properties: {} },
    });
    const full = modelOf(
      deployment(`model:
  name: rain
  version: 7
  path: ./mlflow
  type: mlflow_model
  description: the rain model
  tags: { team: weather }
  properties: { source: notebook }
  flavors: { python_function: { loader_module: mlflow.sklearn } }`),
    ).model;
    expect(full).toMatchObject({
      kind: 'inline',
      text: expect.stringMatching(/^inline model rain:7 \(.*mlflow\)$/),
      model: {
        name: 'rain',
        version: '7',
        type: 'mlflow_model',
        description: 'the rain model',
        tags: { team: 'weather' },
        properties: { source: 'notebook' },
        flavors: { python_function: { loader_module: 'mlflow.sklearn' } },
      },
    });
  });

  it('reads a job output and a datastore URI as inline model paths', () => {
    expect(modelOf(deployment('model:\n  path: azureml://jobs/train-7/outputs/model')).model).toMatchObject({
      kind: 'inline',
      model: { path: { kind: 'job', jobName: 'train-7', output: 'model', where: 'named' } },
    });
    expect(
      modelOf(deployment('model:\n  path: azureml://datastores/workspaceblobstore/paths/models/rain/')).model,
    ).toMatchObject({
      kind: 'inline',
      model: { path: { kind: 'uri', uri: 'azureml://datastores/workspaceblobstore/paths/models/rain/' } },
    });
  });

  it.each([
    [
      'a model without a version',
      'model: azureml:rain',
      "'model' must be azureml:<name>:<version>, azureml:<name>@latest, or azureml://registries/",
      3,
      8,
    ],
    ['a missing local path', 'model: ./missing', "'model': './missing' does not exist", 3, 8],
    [
      'a URL as the model',
      'model: https://example.com/model.pkl',
      "'model' must be a registered model",
      3,
      8,
    ],
    ['an inline model without path', 'model:\n  name: rain', "Missing 'path'", 4, 3],
    [
      'an unknown key of an inline model',
      'model:\n  path: ./model\n  colour: red',
      "Unknown key 'colour' in an inline model",
      5,
      3,
    ],
    ['an unknown model type', 'model:\n  path: ./model\n  type: onnx', "'model.type' must be one of", 5, 9],
    ['a list as the model', 'model: [a, b]', "'model' must be a registered model", 3, 8],
  ])('refuses %s at its file:line:column, once', (_what, line, message, lineNo, column) => {
    const found = problemsOf(deployment(line));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(message);
    expect(found[0]).toMatchObject({ line: lineNo, column });
    // The location is given once, by the error's location, not again in its text.
    expect(found[0]!.message).not.toMatch(/blue\.yml:\d+/);
  });
});

describe('deployment and endpoint names from the files', () => {
  const endpointYaml = 'name: rain-prod\nauth_mode: key\n';

  it('needs no endpointName or deploymentName when the files give them', () => {
    const dir = workspace({
      ...files,
      'blue.yml': deployment('model: ./model'),
      'endpoint.yml': endpointYaml,
    });
    const config = parse({ ...base, deploymentFile: 'blue.yml', endpointFile: 'endpoint.yml' }, dir);
    expect(config).toMatchObject({
      endpointName: 'rain-prod',
      dryRun: false,
      deployment: { name: 'blue', model: { kind: 'inline' } },
      notes: [],
    });
    const alone = parse({ ...base, deploymentFile: 'blue.yml' }, dir);
    expect(alone.endpointName).toBe('rain-prod');
  });

  it('takes the inputs over the files, with an info line each', () => {
    const dir = workspace({
      ...files,
      'blue.yml': deployment('model: ./model'),
      'endpoint.yml': endpointYaml,
    });
    const config = parse(
      {
        ...base,
        deploymentFile: 'blue.yml',
        endpointFile: 'endpoint.yml',
        endpointName: 'rain-test',
        deploymentName: 'green',
        modelId: 'azureml:rain@latest',
        dryRun: 'true',
      },
      dir,
    ) as OnlineDeployConfig;
    expect(config).toMatchObject({
      endpointName: 'rain-test',
      dryRun: true,
      deployment: { name: 'green', model: { kind: 'latest', name: 'rain' } },
    });
    expect(config.notes).toEqual([
      `${path.join(dir, 'endpoint.yml')}: 'name' rain-prod is overridden by 'endpointName' 'rain-test'.`,
      `${path.join(dir, 'blue.yml')}: 'endpoint_name' rain-prod is overridden by 'endpointName' 'rain-test'.`,
      expect.stringMatching(/'model' \.\/model is overridden by 'modelId' 'azureml:rain@latest'\.$/),
      `${path.join(dir, 'blue.yml')}: 'name' blue is overridden by 'deploymentName' 'green'.`,
    ]);
    expect(config.warnings).toEqual([]);
  });

  it('refuses files that name different endpoints when no input decides', () => {
    const dir = workspace({
      ...files,
      'blue.yml': deployment('model: ./model'),
      'endpoint.yml': 'name: rain-other\n',
    });
    expect(parseError({ ...base, deploymentFile: 'blue.yml', endpointFile: 'endpoint.yml' }, dir)).toContain(
      "'endpoint_name' is rain-prod but the endpoint YAML names endpoint rain-other",
    );
  });

  it('asks for endpointName when no file names the endpoint, and for set-traffic always', () => {
    const dir = workspace({
      ...files,
      'blue.yml': deployment('model: ./model').replace(/^endpoint_name.*\n/m, ''),
    });
    expect(parseError({ ...base, deploymentFile: 'blue.yml' }, dir)).toContain(
      "Input 'endpointName' is required: the online endpoint's name (or 'name' in the endpoint YAML, or 'endpoint_name' in the deployment YAML).",
    );
    expect(parseError({ ...base, action: 'set-traffic', traffic: 'blue=100' })).toContain(
      "Input 'endpointName' is required",
    );
  });

  it('checks a name read from a file as it checks the input', () => {
    const dir = workspace({
      ...files,
      'blue.yml': deployment('model: ./model').replace('rain-prod', 'rain_prod'),
    });
    expect(parseError({ ...base, deploymentFile: 'blue.yml' }, dir)).toContain(
      "must be an online endpoint name: 3 to 32 letters, digits and '-', a letter first and no '-' at the end; got 'rain_prod'",
    );
  });

  it('refuses an inline or registry model for target aci, naming the input', () => {
    const dir = workspace({ ...files, 'blue.yml': deployment('model: ./model') });
    expect(
      parseError(
        {
          ...base,
          target: 'aci',
          endpointName: 'rain-test',
          deploymentFile: 'blue.yml',
          codePath: 'score',
          scoringScript: 'score.py',
        },
        dir,
      ),
    ).toContain("Input 'modelId': target aci deploys a registered model version");
  });
});

describe('what the deploy step registers and prints', () => {
  it('names an anonymous model after its content: the same content, the same name', () => {
    const name = anonymousModelName('local:abc');
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(anonymousModelName('local:abc')).toBe(name);
    expect(anonymousModelName('local:abd')).not.toBe(name);
  });

  it('never prints a SAS token in a dry run', () => {
    const body = { properties: { url: 'https://acct.blob.core.windows.net/c/p?sv=2024&sig=SECRET%3D&se=x' } };
    expect(JSON.stringify(printable(body))).not.toContain('SECRET');
    expect(printable(body)).toEqual({
      properties: { url: 'https://acct.blob.core.windows.net/c/p?<SAS token not printed>' },
    });
  });
});

describe('the read-only keys of `az ml ... show` output', () => {
  it('are accepted in both files with a warning at their line', () => {
    const dir = workspace({
      ...files,
      'blue.yml': deployment('model: ./model', 'id: /subscriptions/x\nprovisioning_state: Succeeded\n'),
      'endpoint.yml':
        'name: rain-prod\nid: /subscriptions/x\nprovisioning_state: Succeeded\nscoring_uri: https://x/score\nopenapi_uri: https://x/swagger.json\n',
    });
    const config = parse(
      { ...base, deploymentFile: 'blue.yml', endpointFile: 'endpoint.yml' },
      dir,
    ) as OnlineDeployConfig;
    expect(config.warnings).toEqual([
      expect.stringMatching(/endpoint\.yml:2:1: 'id' is ignored: Azure ML sets it$/),
      expect.stringMatching(/endpoint\.yml:3:1: 'provisioning_state' is ignored: Azure ML sets it$/),
      expect.stringMatching(/endpoint\.yml:4:1: 'scoring_uri' is ignored: Azure ML sets it$/),
      expect.stringMatching(/endpoint\.yml:5:1: 'openapi_uri' is ignored: Azure ML sets it$/),
      expect.stringMatching(/blue\.yml:7:1: 'id' is ignored: Azure ML sets it$/),
      expect.stringMatching(/blue\.yml:8:1: 'provisioning_state' is ignored: Azure ML sets it$/),
    ]);
  });
});
