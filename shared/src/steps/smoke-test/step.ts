import { defineStep } from '../../step/define';
import { parseSmokeTestConfig } from './config';
import { smokeTestManifest } from './manifest';
import { runSmokeTest } from './run';

/** The smoke-test step: waits for a scoring endpoint, checks its answers against cases, measures latency. */
export const smokeTestStep = defineStep({
  manifest: smokeTestManifest,
  parse: parseSmokeTestConfig,
  run: (config, context) => runSmokeTest(config, context),
});
