import { signInToWorkspaceEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { trainManifest } from './manifest';
import { trainReporter } from './summary';

/** The train step: submits an Azure ML CLI v2 job YAML, follows it to the end, reports status, metrics and outputs. */
export const trainStep = defineStep({
  manifest: trainManifest,
  // The inputs' own checks and the YAML parsers load once the ARM token request is out (docs/decisions/0003).
  startEarly: signInToWorkspaceEarly,
  parse: async (inputs, context) => (await import('./config')).parseTrainConfig(inputs, context),
  report: trainReporter,
  // The Azure SDKs load once the inputs are valid, the ARM token request in flight (docs/decisions/0003).
  run: async (config, context, report) => {
    return (await import('./run')).runTrain(config, context, report);
  },
});
