import { signInEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { parseDeployConfig } from './config';
import { deployManifest } from './manifest';
import { deployReporter } from './summary';

/** The deploy step: managed and Kubernetes online endpoints (blue/green traffic, rollback) and ACI for test stages. */
export const deployStep = defineStep({
  manifest: deployManifest,
  parse: parseDeployConfig,
  report: deployReporter,
  // The Azure SDKs load once the inputs are valid, the ARM token request going out while they load
  // (docs/decisions/0003): a bad input fails fast.
  run: async (config, context, report) => {
    await signInEarly(config.workspace, context);
    return (await import('./run')).runDeploy(config, context, report);
  },
});
