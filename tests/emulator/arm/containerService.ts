/** Microsoft.ContainerService managed clusters (+ listClusterUserCredential). (Stub.) */
import type { ArmEmulator } from './index';

export class ContainerServiceEmulator {
  constructor(protected readonly arm: ArmEmulator) {}

  register(): void {}
}
