import { signInEarly } from '../sign-in-early';
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
  // The Azure SDKs load once the inputs are valid, the ARM token request going out while they load
  // (docs/decisions/0003): a bad input fails fast.
  run: async (config, context, report) => {
    // Without a model input, whether it signs in at all depends on the evidence.
    if (config.model) await signInEarly(config.workspace, context);
    return (await import('./run')).runReleaseGate(config, context, report);
  },
});
