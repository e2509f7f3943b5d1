import { parseDatastoreUri } from '../../../shared/src/azureml/datastore-uri';

describe('azureml:// datastore URIs', () => {
  it.each([
    [
      'azureml://datastores/workspaceblobstore/paths/weather/current/',
      'workspaceblobstore',
      'weather/current/',
    ],
    ['azureml://datastores/store/paths/', 'store', ''],
    ['azureml://datastores/store/paths', 'store', ''],
    ['AzureML://Datastores/store/Paths/a%20b/model.pkl', 'store', 'a b/model.pkl'],
    [
      'azureml://subscriptions/0000/resourcegroups/rg/workspaces/ws/datastores/my%20store/paths/azureml/job/out/',
      'my store',
      'azureml/job/out/',
    ],
    [
      'azureml://subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/datastores/d/paths/p',
      'd',
      'p',
    ],
  ])('reads %s', (uri, datastore, path) => {
    expect(parseDatastoreUri(uri)).toEqual({ datastore, path });
  });

  it.each([
    'azureml://jobs/train-1/outputs/model',
    'azureml://registries/azureml/models/m/versions/1',
    'azureml://locations/westeurope/workspaces/abc/data/weather/versions/7',
    'azureml://elsewhere/datastores/d/paths/p',
    'https://account.blob.core.windows.net/c/p',
    'azureml://datastores/d/paths/bad%zz',
  ])('is no datastore path: %s', (uri) => {
    expect(parseDatastoreUri(uri)).toBeUndefined();
  });
});
