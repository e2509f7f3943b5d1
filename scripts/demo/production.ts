/** What runs in production before the demo's releases, and how the demo reads it back. */
import { type Emulator } from '../../emulator/emulator';
import { bold, type Flow } from './flow';
import { weather } from './paths';

export const productionEndpoint = 'rain-prod';

export function aksClusterId(emulator: Emulator): string {
  return `${emulator.resourceGroupId}/providers/Microsoft.ContainerService/managedClusters/aks-weather-prod`;
}

/**
 * The production endpoint's traffic (the deployments with a share) and each deployment's model (`azureml:name:version`
 * for a workspace version), as the workspace holds them.
 */
export function productionState(emulator: Emulator): {
  traffic: Record<string, number>;
  deployments: Record<string, string>;
} {
  const endpointId = `${emulator.workspaceId}/onlineEndpoints/${productionEndpoint}`;
  const endpoint = emulator.store.get(endpointId);
  if (!endpoint) throw new Error(`the production endpoint ${productionEndpoint} does not exist`);
  const allTraffic = (endpoint.body['properties'] as { traffic?: Record<string, number> }).traffic ?? {};
  const traffic = Object.fromEntries(Object.entries(allTraffic).filter(([, share]) => share > 0));
  const deployments = Object.fromEntries(
    emulator.store.children(endpointId, 'deployments').map((deployment) => {
      const properties = deployment.body['properties'] as { model?: string };
      const version = /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(properties.model ?? '');
      return [
        deployment.body['name'] as string,
        version ? `azureml:${version[1]}:${version[2]}` : (properties.model ?? '(inline)'),
      ];
    }),
  );
  return { traffic, deployments };
}

export async function setUpProduction(emulator: Emulator, flow: Flow): Promise<void> {
  console.log(bold('\n▶ Set-up: the emulated workspace and what runs in production today\n'));
  emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
  const cluster = emulator.aks.createCluster({ name: 'aks-weather-prod' });
  if (cluster.id !== aksClusterId(emulator)) throw new Error(`unexpected cluster id ${cluster.id}`);
  emulator.kubernetesConfiguration.installExtension(cluster.id, {
    name: 'azureml',
    configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
  });
  console.log(
    `  workspace ${emulator.workspaceName}, compute cpu-cluster, AKS cluster aks-weather-prod with the Azure ML extension`,
  );
  const train = await flow.run({
    title: 'last month’s training run (learning rate 0.5: a slightly weaker model than today’s)',
    host: 'azure-pipelines',
    step: 'train',
    inputs: { jobFile: weather('train-job.yml'), set: 'inputs.learning_rate=0.5', streamLogs: 'false' },
    quiet: true,
  });
  await flow.run({
    title: 'its model registered as rain-forecast:1',
    host: 'azure-pipelines',
    step: 'register-model',
    inputs: { modelName: 'rain-forecast', jobName: train.outputs.jobName ?? '', jobOutput: 'model' },
    quiet: true,
  });
  await flow.run({
    title: `deployed to AKS as ${productionEndpoint}/blue (100 %), attaching the cluster as aks-prod`,
    host: 'azure-pipelines',
    step: 'deploy',
    inputs: {
      target: 'kubernetes',
      endpointName: productionEndpoint,
      deploymentName: 'blue',
      modelId: 'azureml:rain-forecast:1',
      codePath: weather('score'),
      scoringScript: 'score.py',
      compute: 'aks-prod',
      aksCluster: cluster.id,
      attachCluster: 'true',
    },
    quiet: true,
  });
}
