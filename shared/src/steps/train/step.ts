import { signInEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { parseTrainConfig } from './config';
import { trainManifest } from './manifest';
import { trainReporter } from './summary';

/** The train step: submits an Azure ML CLI v2 job YAML, follows it to the end, reports status, metrics and outputs. */
export const trainStep = defineStep({
  manifest: trainManifest,
  parse: parseTrainConfig,
  report: trainReporter,
  // The Azure SDKs load once the inputs are valid, the ARM token request going out while they load
  // (docs/decisions/0003): a bad input fails fast.
  run: async (config, context, report) => {
    await signInEarly(config.workspace, context);
    return (await import('./run')).runTrain(config, context, report);
  },
});
