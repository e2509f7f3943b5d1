/**
 * Microsoft.MachineLearningServices workspace assets: datastores (+ listSecrets), code / environment / data /
 * model containers and versions, computes. (Stub: filled in by the Azure-access work.)
 */
import type { BlobAccount } from '../storage';
import type { ArmEmulator } from './index';

export interface MlAssetsOptions {
  /** The storage account behind every workspace's default datastore (`workspaceblobstore`). */
  readonly blob: BlobAccount;
}

export class MachineLearningAssetsEmulator {
  constructor(
    protected readonly arm: ArmEmulator,
    protected readonly options: MlAssetsOptions,
  ) {}

  /** Gives a new workspace what Azure ML creates with it (default datastores). */
  seedWorkspace(_workspaceId: string): void {}

  register(): void {}
}
