import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Emulator } from '../../emulator/emulator';
import { repoRoot } from './runtimes';

const weather = join(repoRoot, 'examples/weather');

/**
 * Trains the weather model into `modelDir` (once per folder: a second emulator of the same test registers the same
 * files) and registers it in the emulator's workspace as `rain:1`: model.json on the default datastore, as
 * register-model leaves it.
 */
export async function registerRainModel(emulator: Emulator, modelDir: string): Promise<void> {
  if (!existsSync(join(modelDir, 'model.json'))) {
    execFileSync(
      'python3',
      [join(weather, 'src/train.py'), '--data', join(weather, 'data'), '--model-dir', modelDir],
      { stdio: 'pipe' },
    );
  }
  await datastoreContainer(emulator)
    .getBlockBlobClient('models/rain/1/model.json')
    .uploadFile(join(modelDir, 'model.json'));
  emulator.assets.addAssetVersion(emulator.workspaceId, 'models', 'rain', '1', {
    modelUri: 'azureml://datastores/workspaceblobstore/paths/models/rain/1/',
    modelType: 'custom_model',
  });
}

/** A datastore's blob container in the emulator's Azurite, written with its account key. */
export function datastoreContainer(emulator: Emulator, datastore = 'workspaceblobstore'): ContainerClient {
  const resource = emulator.store.get(`${emulator.workspaceId}/datastores/${datastore}`)!;
  const containerName = (resource.body['properties'] as { containerName: string }).containerName;
  return new ContainerClient(
    `${emulator.blob.blobUrl}/${containerName}`,
    new StorageSharedKeyCredential(emulator.blob.accountName, emulator.blob.accountKey),
    { tlsOptions: emulator.tlsOptions } as object,
  );
}
