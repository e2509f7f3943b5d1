import { defineStep } from '../../step/define';
import { parseDriftCheckConfig } from './config';
import { driftCheckManifest } from './manifest';
import { driftCheckReporter, runDriftCheck } from './run';

/** The drift-check step: profiles baseline and current data, compares each feature, reports and judges. */
export const driftCheckStep = defineStep({
  manifest: driftCheckManifest,
  parse: parseDriftCheckConfig,
  report: driftCheckReporter,
  run: runDriftCheck,
});
