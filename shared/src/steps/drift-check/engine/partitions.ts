/**
 * Partition profiles: each file of a side, or run of a big Parquet file's row groups, profiled apart (as a part,
 * sharing the side's sample cutoff, its rows keyed by their file's path within the side and their ordinal in it), then merged in the side's file order into the figures a single pass over the
 * side gives (drift/profile mergeProfiles), and judged as the step judges on an agent.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { parquetRowGroupRows } from '../../../drift/read/parquet';
import type { DataFile, RowGroupRange } from '../../../drift/read/sink';
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
const PARTITION_SUFFIX = '.partition.json';

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

/** The columns a side's partitions keep: the features asked for, else the first file's columns less the excluded. */
async function partitionColumns(files: readonly DataFile[], settings: JobSettings): Promise<string[]> {
  if (settings.features) return [...settings.features];
  const excluded = new Set(settings.judge.excludeFeatures);
  return (await readColumnNames(files[0]!)).filter((name) => !excluded.has(name));
}

/**
 * What one partition is: a file of the side (its place in the side's sorted files, and its key, which with a row's
 * ordinal identifies the row for the sample) or some of a Parquet file's row groups; and what every partition of
 * the side shares (the side's row count, which sets the sample cutoff, and the columns).
 */
export interface Partition {
  readonly index: number;
  readonly key: string;
  readonly rowGroups?: RowGroupRange;
  readonly totalRows: number;
  readonly columns: readonly string[];
}

/** Partitions per side a big side is cut into (whole row groups, never across files): mini-batches to spread. */
export const PARTITIONS_PER_SIDE = 64;

/** A Parquet file's row groups in runs of at least `target` rows (the last run may be smaller). */
export function rowGroupRuns(groupRows: readonly number[], target: number): RowGroupRange[] {
  const runs: RowGroupRange[] = [];
  let from = 0;
  let rows = 0;
  groupRows.forEach((count, group) => {
    rows += count;
    if (rows >= target || group === groupRows.length - 1) {
      runs.push({ from, to: group + 1 });
      from = group + 1;
      rows = 0;
    }
  });
  return runs;
}

export interface ListRun {
  readonly root: string;
  readonly side: string;
  readonly settings: JobSettings;
  readonly out: string;
  readonly logger: LoggerPort;
}

/**
 * Lists a side's partitions as small files `<out>/<file place>-<piece>.partition.json` (the parallel step's
 * input: one item each): a text file whole, a Parquet file cut at row groups into runs of about 1/64 of the
 * side's rows, so a big file is profiled by several mini-batches.
 */
export async function listPartitions(run: ListRun): Promise<number> {
  const files = await sideFiles(run.root, inputNameOf(run.settings, run.side));
  const keys = defaultFileKeys(files);
  const totalRows = await countRows(files, run.settings.maxSampleRows);
  const columns = files.length > 0 ? await partitionColumns(files, run.settings) : [];
  const target = Math.max(1, Math.ceil(totalRows / PARTITIONS_PER_SIDE));
  mkdirSync(run.out, { recursive: true });
  let count = 0;
  for (const [index, file] of files.entries()) {
    const runs: (RowGroupRange | undefined)[] =
      file.format === 'parquet' ? rowGroupRuns(await parquetRowGroupRows(file.path), target) : [undefined];
    // A Parquet file cut into one run is read whole (and hashed whole, as an agent run hashes it).
    const pieces = runs.length > 1 ? runs : [undefined];
    pieces.forEach((rowGroups, piece) => {
      const partition: Partition = {
        index,
        key: keys[index]!,
        ...(rowGroups ? { rowGroups } : {}),
        totalRows,
        columns,
      };
      const name = `${String(index).padStart(8, '0')}-${String(piece).padStart(6, '0')}${PARTITION_SUFFIX}`;
      writeFileSync(path.join(run.out, name), `${JSON.stringify(partition)}\n`);
      count++;
    });
  }
  run.logger.info(`${run.side}: ${totalRows} rows in ${files.length} file(s), ${count} partition(s)`);
  return count;
}

export interface PartitionRun {
  readonly root: string;
  readonly side: string;
  readonly settings: JobSettings;
  readonly out: string;
  /** The mini-batch: partition files listed by listPartitions. */
  readonly partitions: readonly string[];
  readonly logger: LoggerPort;
}

/** Profiles each partition of a mini-batch, into `<out>/<its name>.profile.json`. */
export async function profilePartitions(run: PartitionRun): Promise<void> {
  const inputName = inputNameOf(run.settings, run.side);
  const all = await sideFiles(run.root, inputName);
  const keys = defaultFileKeys(all);
  mkdirSync(run.out, { recursive: true });
  for (const given of run.partitions) {
    const name = path.basename(given);
    if (!name.endsWith(PARTITION_SUFFIX)) {
      run.logger.info(`${given}: not a partition of ${inputName}, skipped`);
      continue;
    }
    const partition = JSON.parse(readFileSync(given, 'utf8')) as Partition;
    const file = all[partition.index];
    if (!file || keys[partition.index] !== partition.key)
      throw new DataError(
        `${inputName}: partition ${name} is of ${partition.key}, which the side's folder no longer holds at place ${partition.index}.`,
      );
    const started = Date.now();
    const part = await profileFiles({
      files: [partition.rowGroups ? { ...file, rowGroups: partition.rowGroups } : file],
      columns: partition.columns,
      maxSampleRows: run.settings.maxSampleRows,
      seed: run.settings.seed,
      inputName,
      totalRows: partition.totalRows,
      fileKeys: [partition.key],
      part: true,
    });
    saveProfile(part, path.join(run.out, name.replace(PARTITION_SUFFIX, PART_SUFFIX)));
    const groups = partition.rowGroups
      ? ` (row groups ${partition.rowGroups.from} to ${partition.rowGroups.to - 1})`
      : '';
    run.logger.info(
      `${file.display}${groups}: ${part.rows} rows profiled in ${((Date.now() - started) / 1000).toFixed(1)} s`,
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
