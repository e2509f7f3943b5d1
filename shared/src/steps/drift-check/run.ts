import { mkdirSync } from 'node:fs';
import type { DatasetProfile } from '../../drift/model';
import { profileBoth, saveProfile, type ProfileBothOptions } from '../../drift/profile';
import type { StepContext, StepOutcome } from '../../step/define';
import { DataError, InputError } from '../../step/errors';
import path from 'node:path';
import type { DriftCheckConfig } from './config';
import { judgeProfiles, timeRangeOf } from './judge';
import { publishJudgement, type DriftCheckReport } from './publish';

/**
 * Profiles both sides (on this agent, or in an Azure ML job with `runOn: azureml`), compares every feature,
 * judges the dataset, writes the reports, decides the outcome.
 */
export async function runDriftCheck(
  config: DriftCheckConfig,
  context: StepContext,
  reported: DriftCheckReport,
): Promise<StepOutcome> {
  if (config.azureml)
    return (await import('./azureml/run-job')).runInAzureMl(config, config.azureml, context, reported);
  const { logger, signal } = context;
  logger.info(`Profiling baseline '${config.baselineData}' and current '${config.currentData}'`);
  const startedAt = Date.now();
  const pair = await profileBoth(config.baselineData, config.currentData, profileOptions(config, signal));
  const { baseline, current } = pair;
  logger.info(
    `Read ${describeSide(baseline)} (baseline) and ${describeSide(current)} (current) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  const { report, verdict } = judgeProfiles(config, pair, logger);
  let baselineProfile: string | undefined;
  if (config.writeBaselineProfile) {
    baselineProfile = config.writeBaselineProfile;
    writeBaselineProfile(baseline, baselineProfile);
    logger.info(
      `Baseline profile written to ${baselineProfile}: give it as the baseline data of later runs.`,
    );
  }
  return publishJudgement(
    config,
    context,
    reported,
    { report, verdict, timeRange: timeRangeOf(current) },
    baselineProfile ? { baselineProfile } : {},
  );
}

function writeBaselineProfile(baseline: DatasetProfile, file: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    saveProfile(baseline, file);
  } catch (error) {
    if (error instanceof InputError || error instanceof DataError) throw error;
    throw new InputError(
      'writeBaselineProfile',
      `Cannot write the baseline profile ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
}

/** The profiling options the config sets. */
function profileOptions(config: DriftCheckConfig, signal: AbortSignal): ProfileBothOptions {
  return {
    workspaceDir: config.workspaceDir,
    ...(config.features ? { features: config.features } : {}),
    excludeFeatures: config.excludeFeatures,
    maxSampleRows: config.maxSampleRows,
    seed: config.seed,
    signal,
    // Both sides on two threads when the files are big enough to pay for it (the host entries run the step on
    // the main thread only, so a worker loading the bundle just profiles).
    workers: 'auto',
    inputNames: {
      baseline: config.inputNames.baselineData,
      current: config.inputNames.currentData,
      features: config.inputNames.features,
      excludeFeatures: config.inputNames.excludeFeatures,
    },
  };
}

function describeSide(profile: DatasetProfile): string {
  const files = profile.source.files.length;
  return `${profile.rows} rows, ${profile.columns.length} columns from ${files} file${files === 1 ? '' : 's'}`;
}
