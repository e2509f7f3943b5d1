import { defineStep } from '../../step/define';
import { parseRegisterModelConfig } from './config';
import { registerModelManifest } from './manifest';
import { runRegisterModel } from './run';
import { registerModelReporter } from './summary';

/** The register-model step: finds the model, gates it against a baseline, registers it once with its lineage. */
export const registerModelStep = defineStep({
  manifest: registerModelManifest,
  parse: parseRegisterModelConfig,
  report: registerModelReporter,
  run: runRegisterModel,
});
