import path from 'node:path';
import type { DeploymentSettings } from '../../../shared/src/steps/deploy/config';
import { deploymentBody } from '../../../shared/src/steps/deploy/desired';
import { loadDeploymentFile } from '../../../shared/src/steps/deploy/spec/deployment-file';
import { problems, workspace } from './helpers';

const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w';

const yaml = `name: blue
endpoint_name: rain
model: azureml:rain:3
instance_type: Standard_DS3_v2
data_collector:
  collections:
    model_inputs:
      enabled: 'true'
      data:
        name: rain-inputs
        path: azureml://datastores/workspaceblobstore/paths/mdc/inputs
        version: 2
    model_outputs:
      enabled: true
      client_id: 00000000-0000-0000-0000-000000000005
    request:
      enabled: 'False'
      data: azureml:rain-requests:4
  sampling_rate: 0.5
  rolling_rate: day
  request_logging:
    capture_headers: [x-request-id, x-client]
`;

/** The deploy settings a file alone gives (no inputs). */
function settingsOf(file: ReturnType<typeof loadDeploymentFile>): DeploymentSettings {
  return { ...file, name: 'blue', model: file.model!, instanceCount: 1 } as unknown as DeploymentSettings;
}

describe('data_collector of a deployment YAML', () => {
  it('is read as the CLI takes it and sent as properties.dataCollector (REST 2025-12-01)', () => {
    const dir = workspace({ 'blue.yml': yaml });
    const file = loadDeploymentFile(path.join(dir, 'blue.yml'));
    expect(file.warnings).toEqual([]);
    const settings = settingsOf(file);
    const dataIds = {
      model_inputs: `${ws}/data/rain-inputs/versions/2`,
      model_outputs: `${ws}/data/rain-blue-model_outputs/versions/1`,
      request: `${ws}/data/rain-requests/versions/4`,
    };
    const body = deploymentBody(settings, 'managed', 'westeurope', {
      modelId: `${ws}/models/rain/versions/3`,
      collectionDataIds: dataIds,
    });
    expect(body.properties['dataCollector']).toEqual({
      collections: {
        model_inputs: { dataCollectionMode: 'Enabled', dataId: dataIds.model_inputs, samplingRate: 0.5 },
        model_outputs: {
          dataCollectionMode: 'Enabled',
          dataId: dataIds.model_outputs,
          clientId: '00000000-0000-0000-0000-000000000005',
          samplingRate: 0.5,
        },
        request: { dataCollectionMode: 'Disabled', dataId: dataIds.request, samplingRate: 0.5 },
      },
      rollingRate: 'Day',
      requestLogging: { captureHeaders: ['x-request-id', 'x-client'] },
    });
    expect(file.dataCollector?.collections['model_inputs']?.data).toEqual({
      name: 'rain-inputs',
      version: '2',
      path: 'azureml://datastores/workspaceblobstore/paths/mdc/inputs',
    });
    expect(file.dataCollector?.collections['request']?.data).toEqual({
      asset: { name: 'rain-requests', version: '4' },
    });
  });

  it('sends no dataCollector when the YAML has none', () => {
    const dir = workspace({ 'blue.yml': 'name: blue\nmodel: azureml:rain:3\n' });
    const file = loadDeploymentFile(path.join(dir, 'blue.yml'));
    const settings = settingsOf(file);
    const body = deploymentBody(settings, 'managed', 'westeurope', {
      modelId: `${ws}/models/rain/versions/3`,
    });
    expect(body.properties).not.toHaveProperty('dataCollector');
  });

  it('warns about the azure-ai-ml 1.4 preview keys (no API version takes them)', () => {
    const dir = workspace({
      'blue.yml': `name: blue
data_collector:
  enabled: true
  sampling_strategy:
    sampling_rate: 0.5
`,
    });
    const file = loadDeploymentFile(path.join(dir, 'blue.yml'));
    expect(file.warnings).toEqual([
      expect.stringMatching(/blue\.yml:3:3: 'data_collector\.enabled' is not sent: it is the preview shape/),
      expect.stringMatching(/blue\.yml:4:3: 'data_collector\.sampling_strategy' is not sent/),
    ]);
    expect(file.dataCollector).toEqual({ collections: {} });
  });

  it('reports wrong values at their file:line:column', () => {
    const dir = workspace({
      'blue.yml': `name: blue
data_collector:
  collections:
    model_inputs:
      enabled: maybe
      data: ./local
      sampling: 1
  sampling_rate: 2
  rolling_rate: weekly
  request_logging:
    capture_headers: x-request-id
`,
    });
    expect(problems(path.join(dir, 'blue.yml'), loadDeploymentFile)).toEqual([
      {
        message: "'data_collector.collections.model_inputs.enabled' must be true or false, got 'maybe'",
        line: 5,
        column: 16,
      },
      {
        message:
          "'data_collector.collections.model_inputs.data' must be a data asset azureml:<name>:<version>, or {name, version, path}, got './local'",
        line: 6,
        column: 13,
      },
      {
        message:
          "Unknown key 'sampling' in the collection 'model_inputs' (known keys: enabled, data, client_id, sampling_rate)",
        line: 7,
        column: 7,
      },
      { message: "'data_collector.sampling_rate' must be a number from 0 to 1, got 2", line: 8, column: 18 },
      {
        message: expect.stringMatching(
          /^'data_collector\.rolling_rate' must be one of year, month, day, hour, minute; got 'weekly'/,
        ),
        line: 9,
        column: 17,
      },
      {
        message:
          "'data_collector.request_logging.capture_headers' must be a list of header names, got 'x-request-id'",
        line: 11,
        column: 22,
      },
    ]);
  });
});
