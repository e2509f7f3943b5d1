/** The workspace data plane the steps read: discovery and the MLflow tracking REST API. (Stub.) */
import type { AadEmulator } from './aad';
import type { ArmEmulator } from './arm/index';
import type { EmulatorServer } from './server';

export class MlflowEmulator {
  constructor(
    protected readonly server: EmulatorServer,
    protected readonly aad: AadEmulator,
    protected readonly arm: ArmEmulator,
  ) {}

  register(): void {}
}
