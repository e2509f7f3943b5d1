/** Microsoft.MachineLearningServices jobs: create, get, list, cancel. (Stub: filled in by the Azure-access work.) */
import type { ArmEmulator } from './index';

export class MachineLearningJobsEmulator {
  constructor(protected readonly arm: ArmEmulator) {}

  register(): void {}
}
