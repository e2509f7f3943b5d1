import { signInEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { parseRegisterModelConfig } from './config';
import { registerModelManifest } from './manifest';
import { registerModelReporter } from './summary';

/** The register-model step: finds the model, gates it against a baseline, registers it once with its lineage. */
export const registerModelStep = defineStep({
  manifest: registerModelManifest,
  parse: parseRegisterModelConfig,
  report: registerModelReporter,
  // The Azure SDKs load once the inputs are valid, the ARM token request going out while they load
  // (docs/decisions/0003): a bad input fails fast.
  run: async (config, context, report) => {
    await signInEarly(config.workspace, context);
    return (await import('./run')).runRegisterModel(config, context, report);
  },
});
