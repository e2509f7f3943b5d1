import { defineStep } from '../../step/define';
import { parseReleaseGateConfig } from './config';
import { releaseGateManifest } from './manifest';
import { releaseGateReporter, runReleaseGate } from './run';

/** The release-gate step: one evidence page from the earlier steps' evidence, the policy verdict, tags on the model. */
export const releaseGateStep = defineStep({
  manifest: releaseGateManifest,
  parse: parseReleaseGateConfig,
  report: releaseGateReporter,
  run: runReleaseGate,
});
