/** Microsoft.KubernetesConfiguration extensions on managed clusters. (Stub.) */
import type { ArmEmulator } from './index';

export class KubernetesConfigurationEmulator {
  constructor(protected readonly arm: ArmEmulator) {}

  register(): void {}
}
