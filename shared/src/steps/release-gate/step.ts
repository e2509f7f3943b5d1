import { defineStep } from '../../step/define';
import { parseReleaseGateConfig } from './config';
import { releaseGateManifest } from './manifest';
import { finalReporter } from '../../step/final-report';
import type { ReleaseGateConfig } from './config';

/** The release-gate step: one evidence page from the earlier steps' evidence, the policy verdict, tags on the model. */
export const releaseGateStep = defineStep({
  manifest: releaseGateManifest,
  parse: parseReleaseGateConfig,
  report: finalReporter<ReleaseGateConfig, string>((markdown) => markdown),
  // The Azure SDKs load once the inputs are valid (docs/decisions/0003): a bad input fails fast.
  run: async (config, context, report) => (await import('./run')).runReleaseGate(config, context, report),
});
