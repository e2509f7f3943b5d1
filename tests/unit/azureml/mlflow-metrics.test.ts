import { azureClouds } from '../../../shared/src/azure/cloud';
import { mlflowApiBase, MlflowTrackingClient } from '../../../shared/src/azureml/mlflow-metrics';
import { AzureError } from '../../../shared/src/step/errors';

describe('mlflowApiBase', () => {
  test('azureml:// becomes https:// and the MLflow 2.0 REST path is appended', () => {
    expect(
      mlflowApiBase(
        'azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
      ),
    ).toBe(
      'https://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/api/2.0/mlflow',
    );
    expect(mlflowApiBase('azureml://127.0.0.1:4443/mlflow/v1.0/x/')).toBe(
      'https://127.0.0.1:4443/mlflow/v1.0/x/api/2.0/mlflow',
    );
  });

  test.each(['', 'not a uri', 'http://host/mlflow', 'file:///tmp/mlruns'])('refuses %p', (uri) => {
    expect(() => mlflowApiBase(uri)).toThrow(AzureError);
  });
});

describe('MlflowTrackingClient', () => {
  const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) };

  test('uses the base of the tracking URI', () => {
    const client = new MlflowTrackingClient(
      credential,
      azureClouds.AzureCloud!,
      'azureml://h.example/mlflow/v1.0/w',
      {
        step: 'register-model',
        host: 'local',
      },
    );
    expect(client.baseUrl).toBe('https://h.example/mlflow/v1.0/w/api/2.0/mlflow');
  });

  test('refuses run ids that would break the search filter', async () => {
    const client = new MlflowTrackingClient(credential, azureClouds.AzureCloud!, 'azureml://h.example/w', {
      step: 'register-model',
      host: 'local',
    });
    await expect(client.searchChildRuns("x' or tags.a = 'b")).rejects.toMatchObject({ code: 'InvalidRunId' });
  });
});
