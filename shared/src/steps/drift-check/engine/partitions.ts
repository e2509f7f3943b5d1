/**
 * Partition profiles: each file of a side profiled apart (as a part, sharing the side's sample cutoff and keyed
 * by its path within the side), then merged in the side's file order into the figures a single pass over the
 * side gives (drift/profile mergeProfiles), and judged as the step judges on an agent.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  chooseColumns,
  countRows,
  defaultFileKeys,
  loadProfile,
  mergeProfiles,
  profileFiles,
  saveProfile,
} from '../../../drift/profile';
import type { DatasetProfile } from '../../../drift/model';
import { readColumnNames } from '../../../drift/read/dataset';
import { resolveDataSpec } from '../../../drift/read/resolve';
import type { DataFile } from '../../../drift/read/sink';
import { renderReportHtml, renderReportJson } from '../../../drift/report';
import type { LoggerPort } from '../../../platform/ports';
import { realPathOf, withAllowedRoots } from '../../../step/allowed-roots';
import { DataError, InputError } from '../../../step/errors';
import type { JobSettings } from '../azureml/job-settings';
import { judgeProfiles, timeRangeOf } from '../judge';

/** The files written by the merge step (the job's `report` output). */
export const REPORT_FILES = {
  json: 'drift-report.json',
  html: 'drift-report.html',
  judgement: 'judgement.json',
} as const;

const PART_SUFFIX = '.profile.json';

type Side = 'baseline' | 'current';

function inputNameOf(settings: JobSettings, side: string): string {
  return side === 'current' ? settings.judge.inputNames.currentData : settings.judge.inputNames.baselineData;
}

/** The data files of a side's folder, sorted, as an agent run finds them in the same folder. */
async function sideFiles(root: string, inputName: string): Promise<readonly DataFile[]> {
  const source = await withAllowedRoots({ folders: [realPathOf(root)] }, () =>
    resolveDataSpec(root, { workspaceDir: root, inputName }),
  );
  if (source.kind !== 'files')
    throw new InputError(inputName, `${inputName}: the job reads data files, not a saved profile.`);
  return source.files;
}

/** A side's row count as an agent run counts it before profiling (it sets the sample cutoff). */
export async function countSideRows(root: string, side: string, settings: JobSettings): Promise<number> {
  return countRows(await sideFiles(root, inputNameOf(settings, side)), settings.maxSampleRows);
}

/** The columns a side's partitions keep: the features asked for, else the first file's columns less the excluded. */
async function partitionColumns(files: readonly DataFile[], settings: JobSettings): Promise<string[]> {
  if (settings.features) return [...settings.features];
  const excluded = new Set(settings.judge.excludeFeatures);
  return (await readColumnNames(files[0]!)).filter((name) => !excluded.has(name));
}

export interface PartitionRun {
  readonly root: string;
  readonly side: string;
  readonly settings: JobSettings;
  readonly totalRows: number;
  readonly out: string;
  /** The mini-batch: files under `root`. */
  readonly files: readonly string[];
  readonly logger: LoggerPort;
}

/** Profiles each file of a mini-batch as one partition of its side, into `<out>/<place in the side>.profile.json`. */
export async function profilePartitions(run: PartitionRun): Promise<void> {
  const inputName = inputNameOf(run.settings, run.side);
  const all = await sideFiles(run.root, inputName);
  const keys = defaultFileKeys(all);
  const columns = await partitionColumns(all, run.settings);
  const place = new Map(all.map((file, index) => [realPathOf(file.path), index]));
  mkdirSync(run.out, { recursive: true });
  for (const given of run.files) {
    const index = place.get(realPathOf(given));
    // Files of other formats (and `_SUCCESS`-like names) are not data: the agent run skips them too.
    if (index === undefined) {
      run.logger.info(`${given}: not a data file of ${inputName}, skipped`);
      continue;
    }
    const started = Date.now();
    const part = await profileFiles({
      files: [all[index]!],
      columns,
      maxSampleRows: run.settings.maxSampleRows,
      seed: run.settings.seed,
      inputName,
      totalRows: run.totalRows,
      fileKeys: [keys[index]!],
      part: true,
    });
    saveProfile(part, path.join(run.out, `${String(index).padStart(8, '0')}${PART_SUFFIX}`));
    run.logger.info(
      `${all[index]!.display}: ${part.rows} rows profiled in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

/** A side's partition profiles merged, in the side's file order. */
function mergeSide(folder: string, inputName: string): DatasetProfile {
  const names = readdirSync(folder)
    .filter((name) => name.endsWith(PART_SUFFIX))
    .sort();
  if (names.length === 0)
    throw new InputError(
      inputName,
      `${inputName}: the job found no data file (CSV, TSV, JSON Lines, Parquet) to profile.`,
    );
  return mergeProfiles(names.map((name) => loadProfile(path.join(folder, name), name)));
}

/** Only `columns` of a merged profile, in that order. */
function select(profile: DatasetProfile, columns: readonly string[]): DatasetProfile {
  const byName = new Map(profile.columns.map((column) => [column.name, column]));
  return {
    ...profile,
    columns: columns.map((name) => {
      const column = byName.get(name);
      if (!column) throw new DataError(`feature '${name}' was not profiled`);
      return column;
    }),
  };
}

export interface MergeRun {
  readonly settings: JobSettings;
  readonly baseline: string;
  readonly current: string;
  readonly out: string;
  readonly logger: LoggerPort;
}

/** Merges both sides, judges them, and writes the reports and the judgement into `out`. */
export async function mergeAndJudge(run: MergeRun): Promise<void> {
  const { judge } = run.settings;
  const names = {
    baseline: judge.inputNames.baselineData,
    current: judge.inputNames.currentData,
    features: judge.inputNames.features,
    excludeFeatures: judge.inputNames.excludeFeatures,
  };
  const sides: Record<Side, DatasetProfile> = {
    baseline: mergeSide(run.baseline, names.baseline),
    current: mergeSide(run.current, names.current),
  };
  const columns = chooseColumns(
    sides.baseline.columns.map((c) => c.name),
    sides.current.columns.map((c) => c.name),
    {
      ...(run.settings.features ? { features: run.settings.features } : {}),
      excludeFeatures: judge.excludeFeatures,
    },
    names,
  );
  const baseline = select(sides.baseline, columns);
  const current = select(sides.current, columns);
  run.logger.info(
    `Merged ${baseline.source.files.length} baseline and ${current.source.files.length} current partitions: ${baseline.rows} and ${current.rows} rows`,
  );
  const { report, verdict } = judgeProfiles(judge, { baseline, current, columns }, run.logger);
  mkdirSync(run.out, { recursive: true });
  writeFileSync(path.join(run.out, REPORT_FILES.json), renderReportJson(report));
  writeFileSync(path.join(run.out, REPORT_FILES.html), renderReportHtml(report, run.settings.html));
  writeFileSync(
    path.join(run.out, REPORT_FILES.judgement),
    `${JSON.stringify({ verdict, timeRange: timeRangeOf(current) }, null, 2)}\n`,
  );
  run.logger.info(`Drift ${verdict.status}: reports written to ${run.out}`);
}
