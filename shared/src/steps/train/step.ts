import { defineStep } from '../../step/define';
import { parseTrainConfig } from './config';
import { trainManifest } from './manifest';
import { runTrain } from './run';
import { trainReporter } from './summary';

/** The train step: submits an Azure ML CLI v2 job YAML, follows it to the end, reports status, metrics and outputs. */
export const trainStep = defineStep({
  manifest: trainManifest,
  parse: parseTrainConfig,
  report: trainReporter,
  run: runTrain,
});
