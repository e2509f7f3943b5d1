import { signInToWorkspaceEarly } from '../sign-in-early';
import { defineStep } from '../../step/define';
import { deployManifest } from './manifest';
import { deployReporter } from './summary';

/** The deploy step: managed and Kubernetes online endpoints (blue/green traffic, rollback) and ACI for test stages. */
export const deployStep = defineStep({
  manifest: deployManifest,
  // The inputs' own checks and the YAML parsers load once the ARM token request is out (docs/decisions/0003).
  startEarly: signInToWorkspaceEarly,
  parse: async (inputs, context) => (await import('./config')).parseDeployConfig(inputs, context),
  report: deployReporter,
  // The Azure SDKs load once the inputs are valid, the ARM token request in flight (docs/decisions/0003).
  run: async (config, context, report) => {
    return (await import('./run')).runDeploy(config, context, report);
  },
});
