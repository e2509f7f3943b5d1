import { defineStep } from '../../step/define';
import { parseDriftCheckConfig } from './config';
import { driftCheckManifest } from './manifest';
import { finalReporter } from '../../step/final-report';
import type { DriftCheckConfig } from './config';

const loadRun = () => import('./run');

/** The drift-check step: profiles baseline and current data, compares each feature, reports and judges. */
export const driftCheckStep = defineStep({
  manifest: driftCheckManifest,
  parse: parseDriftCheckConfig,
  report: finalReporter<DriftCheckConfig, string>((markdown) => markdown),
  // Profiling and the readers load once the inputs are valid (docs/decisions/0003): a bad input fails fast.
  run: async (config, context, report) => (await loadRun()).runDriftCheck(config, context, report),
  // A profile worker runs this bundle too: loading the run module starts its job (drift/profile/worker.ts).
  inWorker: () => loadRun(),
});
