import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { InputError } from '../../step/errors';
import type { DatasetProfile } from '../model';
import { readColumnNames } from '../read/dataset';
import { shownNames } from '../read/names';
import { resolveDataSpec, type DataSource } from '../read/resolve';
import type { DataFile } from '../read/sink';
import { profileFiles, type ProfileJob } from './profile-files';
import { countRows } from './row-count';
import { loadProfile } from './saved';
import { cutSide, joinGroups, plan, runQueue, type SideWork } from './schedule';
import { canUseWorkers, profileInWorker } from './worker';

export interface ProfileOptions {
  readonly workspaceDir: string;
  /** Columns to profile (default: all of them); each must exist. */
  readonly columns?: readonly string[];
  readonly maxSampleRows: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  /** The input the spec came from, named in errors. */
  readonly inputName: string;
}

/** Below this many bytes on both sides together, a worker's start-up costs more than it saves. */
const PARALLEL_MIN_BYTES = 16 << 20;

const list = (names: readonly string[]) => shownNames(names, '"');

/** The columns a saved profile keeps, or `columns` of it (each must be there). */
function selectFromProfile(
  profile: DatasetProfile,
  columns: readonly string[] | undefined,
  inputName: string,
  display: string,
): DatasetProfile {
  if (!columns) return profile;
  const byName = new Map(profile.columns.map((column) => [column.name, column]));
  const missing = columns.filter((name) => !byName.has(name));
  if (missing.length > 0)
    throw new InputError(
      inputName,
      `${inputName}: the saved profile ${display} has no column ${list(missing)} (its columns: ${shownNames(profile.columns.map((c) => c.name))}).`,
    );
  return { ...profile, columns: columns.map((name) => byName.get(name)!) };
}

async function columnsOf(source: DataSource & { kind: 'files' }): Promise<string[]> {
  return readColumnNames(source.files[0]!);
}

/**
 * Profiles one dataset in one streaming pass: a file, folder or glob of CSV, TSV, JSON Lines or Parquet
 * (gzip allowed), or a saved profile, which is loaded instead. contentHash is the SHA-256 of the files' bytes.
 */
export async function profileDataset(spec: string, options: ProfileOptions): Promise<DatasetProfile> {
  const source = await resolveDataSpec(spec, options);
  if (source.kind === 'profile')
    return selectFromProfile(
      loadProfile(source.path, source.display),
      options.columns,
      options.inputName,
      source.display,
    );
  const columns = options.columns ?? (await columnsOf(source));
  return profileFiles(
    {
      files: source.files,
      columns,
      maxSampleRows: options.maxSampleRows,
      seed: options.seed,
      inputName: options.inputName,
    },
    options.signal,
  );
}

export interface ProfileBothOptions {
  readonly workspaceDir: string;
  /** Features to compare (default: the columns both sides share, in the baseline's order). */
  readonly features?: readonly string[];
  readonly excludeFeatures?: readonly string[];
  readonly maxSampleRows: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  /** Input names used in errors (default baselineData, currentData, features, excludeFeatures). */
  readonly inputNames?: { baseline?: string; current?: string; features?: string; excludeFeatures?: string };
  /**
   * 'auto' (default): two worker threads when both sides are files big enough to pay; 'never': in-process;
   * 'always': worker threads whenever this process can start them (tests).
   */
  readonly workers?: 'auto' | 'never' | 'always';
}

export interface ProfilePair {
  readonly baseline: DatasetProfile;
  readonly current: DatasetProfile;
  /** The features profiled on both sides, in order. */
  readonly columns: readonly string[];
}

/**
 * Decides the features from both sides' columns, then profiles baseline and current (in parallel on two worker
 * threads when it pays). A feature missing from a side, an excluded name that is no column, or no shared
 * column at all is an InputError naming the input and listing the columns there are.
 */
export async function profileBoth(
  baselineSpec: string,
  currentSpec: string,
  options: ProfileBothOptions,
): Promise<ProfilePair> {
  const names = {
    baseline: options.inputNames?.baseline ?? 'baselineData',
    current: options.inputNames?.current ?? 'currentData',
    features: options.inputNames?.features ?? 'features',
    excludeFeatures: options.inputNames?.excludeFeatures ?? 'excludeFeatures',
  };
  const resolving = {
    workspaceDir: options.workspaceDir,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const baselineSource = await resolveDataSpec(baselineSpec, { ...resolving, inputName: names.baseline });
  const currentSource = await resolveDataSpec(currentSpec, { ...resolving, inputName: names.current });
  const savedBaseline =
    baselineSource.kind === 'profile' ? loadProfile(baselineSource.path, baselineSource.display) : undefined;
  const savedCurrent =
    currentSource.kind === 'profile' ? loadProfile(currentSource.path, currentSource.display) : undefined;
  const [baselineColumns, currentColumns] = await Promise.all([
    savedBaseline
      ? savedBaseline.columns.map((c) => c.name)
      : columnsOf(baselineSource as DataSource & { kind: 'files' }),
    savedCurrent
      ? savedCurrent.columns.map((c) => c.name)
      : columnsOf(currentSource as DataSource & { kind: 'files' }),
  ]);
  const columns = chooseColumns(baselineColumns, currentColumns, options, names);

  const job = (files: readonly DataFile[], inputName: string) => ({
    files,
    columns,
    maxSampleRows: options.maxSampleRows,
    seed: options.seed,
    inputName,
  });
  const savedSide = (saved: DatasetProfile, source: DataSource, inputName: string) =>
    selectFromProfile(saved, columns, inputName, source.kind === 'profile' ? source.display : '');
  const sides = [
    { saved: savedBaseline, source: baselineSource, inputName: names.baseline },
    { saved: savedCurrent, source: currentSource, inputName: names.current },
  ];
  const read = sides.flatMap((side) =>
    side.saved
      ? []
      : [{ job: job((side.source as DataSource & { kind: 'files' }).files, side.inputName), side }],
  );
  const bytes = read.map((work) => bytesOf(work.job.files));
  const worthIt =
    read.length > 0 &&
    (options.workers === 'always' ||
      (availableParallelism() >= 2 && bytes.reduce((a, b) => a + b, 0) >= PARALLEL_MIN_BYTES));
  let profiles: DatasetProfile[];
  if (options.workers !== 'never' && canUseWorkers() && worthIt)
    profiles = await profileInWorkers(
      read.map((work, index) => ({ job: work.job, bytes: bytes[index]! })),
      options.signal,
    );
  else {
    profiles = [];
    for (const work of read) profiles.push(await profileFiles(work.job, options.signal));
  }
  const [baseline, current] = sides.map((side) =>
    side.saved ? savedSide(side.saved, side.source, side.inputName) : profiles.shift()!,
  );
  return { baseline: baseline!, current: current!, columns };
}

/** Worker threads profiling at once: the steps' machines have two cores. */
const WORKERS = 2;

/**
 * Profiles the sides on worker threads, each side cut into column groups as `plan` says, the groups queued
 * over WORKERS threads. One failing group stops the others rather than letting them read gigabytes for nothing.
 */
async function profileInWorkers(sides: readonly SideWork[], signal?: AbortSignal): Promise<DatasetProfile[]> {
  const groups = plan(sides, WORKERS);
  const pieces = await Promise.all(
    sides.map(async (side, index) => cutSide(await withRowCount(side.job, groups[index]!), groups[index]!)),
  );
  const controller = new AbortController();
  const abort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const results = await runQueue(
      pieces.flat().map((piece) => () => profileInWorker(piece, controller.signal)),
      WORKERS,
      controller,
    );
    return sides.map((side, index) => joinGroups(side.job, results.splice(0, pieces[index]!.length)));
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** A job cut into groups counts its rows once here, not once per group (each would read the files for it). */
async function withRowCount(job: ProfileJob, groups: number): Promise<ProfileJob> {
  if (groups < 2 || job.totalRows !== undefined) return job;
  return { ...job, totalRows: await countRows(job.files, job.maxSampleRows) };
}

function bytesOf(files: readonly DataFile[]): number {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file.path).size * (file.gzip ? 5 : 1);
    } catch {
      // Reading it will say what is wrong.
    }
  }
  return total;
}

/** The features: named ones (each on both sides) or the shared columns, minus the excluded ones. */
export function chooseColumns(
  baseline: readonly string[],
  current: readonly string[],
  options: Pick<ProfileBothOptions, 'features' | 'excludeFeatures'>,
  names: { baseline: string; current: string; features: string; excludeFeatures: string },
): string[] {
  const inCurrent = new Set(current);
  const inBaseline = new Set(baseline);
  const excluded = new Set(options.excludeFeatures ?? []);
  const unknownExcluded = [...excluded].filter((name) => !inBaseline.has(name) && !inCurrent.has(name));
  if (unknownExcluded.length > 0)
    throw new InputError(
      names.excludeFeatures,
      `${names.excludeFeatures}: ${list(unknownExcluded)} ${unknownExcluded.length === 1 ? 'is' : 'are'} not a column of ${names.baseline} or ${names.current} (columns: ${shownNames(baseline)}).`,
    );
  if (options.features && options.features.length > 0) {
    for (const [side, columns, present] of [
      [names.baseline, baseline, inBaseline],
      [names.current, current, inCurrent],
    ] as const) {
      const missing = options.features.filter((name) => !present.has(name));
      if (missing.length > 0)
        throw new InputError(
          names.features,
          `${names.features}: ${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not a column of ${side} (its columns: ${shownNames(columns)}).`,
        );
    }
    const chosen = [...new Set(options.features)].filter((name) => !excluded.has(name));
    if (chosen.length === 0)
      throw new InputError(
        names.excludeFeatures,
        `${names.excludeFeatures} leaves none of the features to compare.`,
      );
    return chosen;
  }
  const shared = baseline.filter((name) => inCurrent.has(name));
  if (shared.length === 0)
    throw new InputError(
      names.current,
      `${names.baseline} and ${names.current} share no column (${names.baseline}: ${shownNames(baseline)}; ${names.current}: ${shownNames(current)}).`,
    );
  const chosen = shared.filter((name) => !excluded.has(name));
  if (chosen.length === 0)
    throw new InputError(
      names.excludeFeatures,
      `${names.excludeFeatures} excludes every column both sides share.`,
    );
  return chosen;
}
