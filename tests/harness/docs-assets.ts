import type { Emulator } from '../../emulator/emulator';

/** What the Azure ML CLI documentation examples refer to: the computes and curated environments, in the workspace. */
export function addDocsAssets(emulator: Emulator): void {
  const ws = emulator.workspaceId;
  emulator.assets.addAmlCompute(ws, 'cpu-cluster');
  emulator.assets.addAmlCompute(ws, 'gpu-cluster');
  const image = { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' };
  emulator.assets.addAssetVersion(
    ws,
    'environments',
    'AzureML-sklearn-1.0-ubuntu20.04-py38-cpu',
    '33',
    image,
  );
  emulator.assets.addAssetVersion(
    ws,
    'environments',
    'AzureML-pytorch-1.9-ubuntu18.04-py37-cuda11-gpu',
    '6',
    image,
  );
}
