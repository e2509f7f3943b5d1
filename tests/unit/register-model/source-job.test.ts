import { dataAssetVersion, jobFacts } from '../../../shared/src/steps/register-model/source-job';
import { parseModelRef } from '../../../shared/src/steps/register-model/baseline';

const WS =
  '/subscriptions/0000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw';

describe('what a job body says', () => {
  it('outputs (with the default path when none is named), data assets and metrics kind of a command job', () => {
    const facts = jobFacts('train-1', {
      properties: {
        jobType: 'Command',
        status: 'Completed',
        experimentName: 'weather-rain',
        inputs: {
          training_data: { jobInputType: 'uri_folder', uri: `azureml:${WS}/data/weather/versions/3` },
          holdout: { jobInputType: 'uri_file', uri: 'azureml:holdout:2' },
          raw: {
            jobInputType: 'uri_folder',
            uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/data/',
          },
          learning_rate: { jobInputType: 'literal', value: '0.1' },
        },
        outputs: {
          model: {
            jobOutputType: 'mlflow_model',
            uri: 'azureml://datastores/workspaceblobstore/paths/models/m/',
          },
          report: { jobOutputType: 'uri_folder' },
        },
        tags: { 'ci.commit': 'abc', odd: 3 },
      },
    });
    expect(facts).toEqual({
      name: 'train-1',
      status: 'Completed',
      kind: { type: 'command' },
      experimentName: 'weather-rain',
      outputs: {
        model: { type: 'mlflow_model', uri: 'azureml://datastores/workspaceblobstore/paths/models/m/' },
        report: {
          type: 'uri_folder',
          uri: 'azureml://datastores/workspaceblobstore/paths/azureml/train-1/report/',
        },
      },
      dataAssets: { training_data: 'weather:3', holdout: 'holdout:2' },
      dataInputs: {
        training_data: `azureml:${WS}/data/weather/versions/3`,
        holdout: 'azureml:holdout:2',
        raw: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc/data/',
      },
      tags: { 'ci.commit': 'abc' },
    });
  });

  it('pipeline steps read data assets too; a sweep keeps its objective', () => {
    const pipeline = jobFacts('p', {
      properties: {
        jobType: 'Pipeline',
        status: 'Completed',
        jobs: { prep: { inputs: { raw: { job_input_type: 'uri_folder', uri: 'azureml:weather@latest' } } } },
      },
    });
    expect(pipeline.kind).toEqual({ type: 'pipeline' });
    expect(pipeline.dataAssets).toEqual({ 'prep.raw': 'weather@latest' });
    const sweep = jobFacts('s', {
      properties: {
        jobType: 'Sweep',
        status: 'Running',
        objective: { goal: 'Minimize', primaryMetric: 'rmse' },
      },
    });
    expect(sweep.kind).toEqual({ type: 'sweep', objective: { goal: 'minimize', primaryMetric: 'rmse' } });
    expect(sweep.status).toBe('Running');
  });

  it.each([
    [`azureml:${WS}/data/weather/versions/3`, 'weather:3'],
    [`${WS}/data/weather/versions/3`, 'weather:3'],
    ['azureml://locations/westeurope/workspaces/abc/data/weather/versions/7', 'weather:7'],
    ['azureml://registries/shared/data/weather/versions/1', 'weather:1'],
    ['azureml:weather:3', 'weather:3'],
    ['azureml:weather@latest', 'weather@latest'],
    ['azureml://datastores/workspaceblobstore/paths/data/', undefined],
    ['https://acct.blob.core.windows.net/c/data/versions/1', undefined],
  ])('data asset of %s', (uri, expected) => {
    expect(dataAssetVersion(uri)).toBe(expected);
  });
});

describe('the model a deployment serves', () => {
  it.each([
    [
      `${WS}/models/rain/versions/3`,
      { resourceGroup: 'rg-ml', workspaceName: 'mlw', name: 'rain', version: '3' },
    ],
    [
      `azureml:${WS}/models/rain/versions/3`,
      { resourceGroup: 'rg-ml', workspaceName: 'mlw', name: 'rain', version: '3' },
    ],
    ['azureml:rain:3', { name: 'rain', version: '3' }],
    ['azureml:rain@latest', { name: 'rain' }],
    ['azureml://registries/shared/models/rain/versions/1', undefined],
    ['./model', undefined],
  ])('%s', (text, expected) => {
    expect(parseModelRef(text)).toEqual(expected);
  });
});
