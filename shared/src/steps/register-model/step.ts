import { signInToWorkspaceEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { registerModelManifest } from './manifest';
import { registerModelReporter } from './summary';

/** The register-model step: finds the model, gates it against a baseline, registers it once with its lineage. */
export const registerModelStep = defineStep({
  manifest: registerModelManifest,
  // The inputs' own checks and the YAML parsers load once the ARM token request is out (docs/decisions/0003).
  startEarly: signInToWorkspaceEarly,
  parse: async (inputs, context) => (await import('./config')).parseRegisterModelConfig(inputs, context),
  report: registerModelReporter,
  // The Azure SDKs load once the inputs are valid, the ARM token request in flight (docs/decisions/0003).
  run: async (config, context, report) => {
    return (await import('./run')).runRegisterModel(config, context, report);
  },
});
