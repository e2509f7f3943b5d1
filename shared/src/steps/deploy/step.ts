import { defineStep } from '../../step/define';
import { parseDeployConfig } from './config';
import { deployManifest } from './manifest';
import { runDeploy } from './run';
import { deployReporter } from './summary';

/** The deploy step: managed and Kubernetes online endpoints (blue/green traffic, rollback) and ACI for test stages. */
export const deployStep = defineStep({
  manifest: deployManifest,
  parse: parseDeployConfig,
  report: deployReporter,
  run: runDeploy,
});
