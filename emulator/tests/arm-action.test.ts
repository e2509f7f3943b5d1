import { armAction } from '../arm/index';

const rg = '/subscriptions/s/resourceGroups/rg';

describe('armAction: the RBAC action and scope of an ARM request', () => {
  test.each([
    [
      'GET',
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w`,
      'Microsoft.MachineLearningServices/workspaces/read',
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w`,
    ],
    [
      'PUT',
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/`,
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write',
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e`,
    ],
    [
      'POST',
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/listKeys`,
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action',
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e`,
    ],
    [
      'PUT',
      `${rg}/providers/Microsoft.ContainerService/managedClusters/c/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
      'Microsoft.KubernetesConfiguration/extensions/write',
      `${rg}/providers/Microsoft.ContainerService/managedClusters/c/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
    ],
    [
      'DELETE',
      `${rg}/providers/Microsoft.ContainerInstance/containerGroups/g`,
      'Microsoft.ContainerInstance/containerGroups/delete',
      `${rg}/providers/Microsoft.ContainerInstance/containerGroups/g`,
    ],
  ])('%s %s → %s', (method, path, action, scope) => {
    expect(armAction(method, path)).toEqual({ action, scope });
  });

  test('paths outside a resource group have no action', () => {
    expect(armAction('GET', '/subscriptions/s/providers/Microsoft.MachineLearningServices')).toBeUndefined();
  });
});
