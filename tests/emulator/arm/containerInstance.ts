/** Microsoft.ContainerInstance container groups (+ container logs). (Stub.) */
import type { ArmEmulator } from './index';

export class ContainerInstanceEmulator {
  constructor(protected readonly arm: ArmEmulator) {}

  register(): void {}
}
