import type { AppliesWhenProblems, Holds } from '../step/input-types';
import type { StepManifest } from '../step/manifest';
import { deployManifest } from './deploy/manifest';
import { driftCheckManifest } from './drift-check/manifest';
import { registerModelManifest } from './register-model/manifest';
import { releaseGateManifest } from './release-gate/manifest';
import { smokeTestManifest } from './smoke-test/manifest';
import { trainManifest } from './train/manifest';

/** Every step's manifest, in pipeline order. Kept apart from the step definitions so generators load no step code. */
export const stepManifests: readonly StepManifest[] = [
  trainManifest,
  registerModelManifest,
  deployManifest,
  smokeTestManifest,
  driftCheckManifest,
  releaseGateManifest,
];

// Compile-time: every `appliesWhen` names pickList inputs of its own manifest and values they offer.
type _ConditionsHold = Holds<
  | AppliesWhenProblems<typeof trainManifest>
  | AppliesWhenProblems<typeof registerModelManifest>
  | AppliesWhenProblems<typeof deployManifest>
  | AppliesWhenProblems<typeof smokeTestManifest>
  | AppliesWhenProblems<typeof driftCheckManifest>
  | AppliesWhenProblems<typeof releaseGateManifest>
>;
