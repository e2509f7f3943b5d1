import type { Platform, StepResult } from '../platform/ports';
import type { StepDefinition } from '../step/define';
import { runStep } from '../step/run-step';
import { deployStep } from './deploy/step';
import { driftCheckStep } from './drift-check/step';
import { registerModelStep } from './register-model/step';
import { releaseGateStep } from './release-gate/step';
import { smokeTestStep } from './smoke-test/step';
import { trainStep } from './train/step';

const runner =
  <Config, Report>(step: StepDefinition<Config, Report>) =>
  (platform: Platform): Promise<StepResult> =>
    runStep(step, platform);

/** Every step by id, ready to run on a platform (bundles import only their own step, not this table). */
export const stepRunners: Readonly<Record<string, (platform: Platform) => Promise<StepResult>>> = {
  train: runner(trainStep),
  'register-model': runner(registerModelStep),
  deploy: runner(deployStep),
  'smoke-test': runner(smokeTestStep),
  'drift-check': runner(driftCheckStep),
  'release-gate': runner(releaseGateStep),
};
