import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Emulator } from '../../emulator/emulator';
import { repoRoot } from './runtimes';

const weather = join(repoRoot, 'examples/weather');

/**
 * Trains the weather model into `modelDir` and registers it in the emulator's workspace as `rain:1`: model.json on
 * the default datastore, as register-model leaves it.
 */
export async function registerRainModel(emulator: Emulator, modelDir: string): Promise<void> {
  execFileSync(
    'python3',
    [join(weather, 'src/train.py'), '--data', join(weather, 'data'), '--model-dir', modelDir],
    {
      stdio: 'pipe',
    },
  );
  const container = defaultDatastoreContainer(emulator);
  await container.getBlockBlobClient('models/rain/1/model.json').uploadFile(join(modelDir, 'model.json'));
  emulator.assets.addAssetVersion(emulator.workspaceId, 'models', 'rain', '1', {
    modelUri: 'azureml://datastores/workspaceblobstore/paths/models/rain/1/',
    modelType: 'custom_model',
  });
}

/** The container of the emulator workspace's default datastore (workspaceblobstore), signed with the account key. */
export function defaultDatastoreContainer(emulator: Emulator): ContainerClient {
  const datastore = emulator.store.get(`${emulator.workspaceId}/datastores/workspaceblobstore`)!;
  const containerName = (datastore.body['properties'] as { containerName: string }).containerName;
  return new ContainerClient(
    `${emulator.blob.blobUrl}/${containerName}`,
    new StorageSharedKeyCredential(emulator.blob.accountName, emulator.blob.accountKey),
    { tlsOptions: emulator.tlsOptions } as object,
  );
}
