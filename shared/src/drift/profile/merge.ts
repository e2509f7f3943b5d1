/**
 * Profiles of parts of a dataset (files, row groups, pieces of a file cut at line starts) merged into the
 * profile of the whole: the same figures a single pass over the whole gives, to the last bit. Parts are profiled
 * with `part: true` (their samples not yet cut to maxSampleRows) and the dataset's row count (so they share one
 * sample cutoff), and given here in the dataset's order (categories are listed first-seen).
 */
import { createHash } from 'node:crypto';
import type { ColumnProfile, DatasetProfile } from '../model';
import { CATEGORY_LIMIT, momentM2, NUMERIC_DISTINCT_LIMIT } from './accumulator';
import { exactMean } from './exact-sum';
import { columnSeed } from './random';
import { finalSample } from './sample';
import { classifyText, TextKind } from './text-values';

/** Parts that cannot be merged (different columns, sample rules, or profiles without exact sums). */
export class ProfileMergeError extends Error {
  override readonly name = 'ProfileMergeError';
}

export interface MergeOptions {
  /** The result is itself a part, to be merged again (its sample not cut yet). Default false. */
  readonly part?: boolean;
}

/** The profile of the dataset whose parts, in order, are `parts`. */
export function mergeProfiles(parts: readonly DatasetProfile[], options: MergeOptions = {}): DatasetProfile {
  const first = parts[0];
  if (!first) throw new ProfileMergeError('no profiles to merge');
  const names = first.columns.map((column) => column.name);
  parts.forEach((part, index) => {
    const fail = (why: string) => new ProfileMergeError(`cannot merge part ${index + 1}: ${why}`);
    const theirs = part.columns.map((column) => column.name);
    if (theirs.join('\u0000') !== names.join('\u0000'))
      throw fail(`its columns (${theirs.join(', ')}) are not those of part 1 (${names.join(', ')})`);
    if (part.maxSampleRows !== first.maxSampleRows || part.seed !== first.seed)
      throw fail('it was profiled with another maxSampleRows or seed');
    if (
      !part.sampling ||
      !first.sampling ||
      part.sampling.cutoff !== first.sampling.cutoff ||
      part.sampling.core !== first.sampling.core
    )
      throw fail('it was sampled by another rule (profile every part with the dataset\u2019s row count)');
    for (const column of part.columns) {
      if (column.numeric && !column.numeric.sums)
        throw fail(`column ${column.name} has no exact sums (a profile saved by an older version)`);
      if (column.numeric && !part.part && column.numeric.sample.length < column.numeric.count)
        throw fail(`column ${column.name}'s sample was cut already (profile parts with part: true)`);
    }
  });
  const whole = options.part !== true;
  const undecodable = parts.flatMap((part) => part.undecodable ?? []);
  return {
    source: {
      // Pieces of one file (row groups, line ranges) name it once, as a single pass over the file does.
      files: parts
        .flatMap((part) => part.source.files)
        .filter((file, index, files) => index === 0 || files[index - 1] !== file),
      contentHash: parts.length === 1 ? first.source.contentHash : partsHash(parts),
    },
    rows: parts.reduce((total, part) => total + part.rows, 0),
    columns: names.map((name, index) =>
      mergeColumn(
        parts.map((part) => part.columns[index]!),
        whole ? first.maxSampleRows : Infinity,
        columnSeed(first.seed, name),
      ),
    ),
    maxSampleRows: first.maxSampleRows,
    seed: first.seed,
    sampling: first.sampling!,
    ...(whole ? {} : { part: true }),
    ...(undecodable.length > 0 ? { undecodable } : {}),
  };
}

/** The parts' own hashes hashed in order: a SHA-256 over all bytes cannot be rebuilt from them. */
function partsHash(parts: readonly DatasetProfile[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.source.contentHash}\n`);
  return `sha256-of-parts:${hash.digest('hex')}`;
}

function mergeColumn(columns: readonly ColumnProfile[], sampleLimit: number, seed: number): ColumnProfile {
  const first = columns[0]!;
  const sum = (pick: (column: ColumnProfile) => number) =>
    columns.reduce((total, column) => total + pick(column), 0);
  const kinds = {
    numbers: sum((c) => c.kinds.numbers),
    integers: sum((c) => c.kinds.integers),
    booleans: sum((c) => c.kinds.booleans),
    dates: sum((c) => c.kinds.dates),
    strings: sum((c) => c.kinds.strings),
  };
  const numeric = mergeNumeric(columns, sampleLimit, seed);
  const categories = columns.some((column) => column.highCardinality) ? undefined : mergeCategories(columns);
  const highCardinality = categories === undefined || categories.size > CATEGORY_LIMIT;
  const dates = mergeDates(columns);
  return {
    name: first.name,
    rows: sum((c) => c.rows),
    missing: sum((c) => c.missing),
    kinds,
    ...(numeric ? { numeric } : {}),
    ...(highCardinality ? {} : { categories }),
    highCardinality,
    ...(dates ? { dates } : {}),
  };
}

function mergeNumeric(
  columns: readonly ColumnProfile[],
  sampleLimit: number,
  seed: number,
): ColumnProfile['numeric'] {
  const parts = columns.flatMap((column) => (column.numeric ? [column.numeric] : []));
  if (parts.length === 0) return undefined;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  let total = 0n;
  let squares = 0n;
  let sampleLength = 0;
  let bandLength = 0;
  for (const part of parts) {
    count += part.count;
    // The first of equal ones, as a single pass keeps (-0 and 0).
    if (part.min < min) min = part.min;
    if (part.max > max) max = part.max;
    total += BigInt(part.sums!.sum);
    squares += BigInt(part.sums!.squares);
    sampleLength += part.sample.length;
    bandLength += part.band?.values.length ?? 0;
  }
  const core = new Float64Array(sampleLength);
  const bandValues = new Float64Array(bandLength);
  const bandHashes = new Uint32Array(bandLength);
  let at = 0;
  let bandAt = 0;
  for (const part of parts) {
    core.set(part.sample, at);
    at += part.sample.length;
    if (part.band) {
      bandValues.set(part.band.values, bandAt);
      bandHashes.set(part.band.hashes, bandAt);
      bandAt += part.band.values.length;
    }
  }
  const whole = Number.isFinite(sampleLimit);
  const sample = whole
    ? finalSample(core, sampleLength, bandValues, bandHashes, bandLength, sampleLimit, seed)
    : core;
  const distinct = mergeDistinct(parts);
  return {
    count,
    mean: exactMean(total, count),
    m2: momentM2(total, squares, count, min, max),
    min,
    max,
    sample,
    sampled: sample.length < count,
    sums: { sum: total.toString(), squares: squares.toString() },
    ...(whole ? {} : { band: { values: bandValues, hashes: bandHashes } }),
    ...(distinct ? { distinct } : {}),
  };
}

/** Distinct numbers while every part has them and there are at most NUMERIC_DISTINCT_LIMIT in all. */
function mergeDistinct(
  parts: readonly NonNullable<ColumnProfile['numeric']>[],
): Map<number, number> | undefined {
  const merged = new Map<number, number>();
  for (const part of parts) {
    if (!part.distinct) return undefined;
    for (const [value, count] of part.distinct) merged.set(value, (merged.get(value) ?? 0) + count);
    if (merged.size > NUMERIC_DISTINCT_LIMIT) return undefined;
  }
  return merged;
}

/**
 * Category counts over all parts, listed as a single pass lists them: text values first-seen, then true and
 * false, then numbers first-seen. A number's key is its shortest text, which no text value can be (a text that
 * reads as a number is one).
 */
function mergeCategories(columns: readonly ColumnProfile[]): Map<string, number> {
  const texts = new Map<string, number>();
  const numbers = new Map<string, number>();
  let trues = 0;
  let falses = 0;
  for (const column of columns) {
    for (const [key, count] of column.categories ?? []) {
      if (key === 'true') trues += count;
      else if (key === 'false') falses += count;
      else {
        const into = isNumberKey(key) ? numbers : texts;
        into.set(key, (into.get(key) ?? 0) + count);
      }
    }
  }
  const merged = texts;
  if (trues > 0) merged.set('true', trues);
  if (falses > 0) merged.set('false', falses);
  for (const [key, count] of numbers) merged.set(key, count);
  return merged;
}

const keyBytes = Buffer.alloc(64);
function isNumberKey(key: string): boolean {
  if (key.length > 32) return false;
  const length = keyBytes.write(key, 0, 'latin1');
  return classifyText(keyBytes, 0, length) === TextKind.Number;
}

function mergeDates(columns: readonly ColumnProfile[]): ColumnProfile['dates'] {
  let earliest: Buffer | undefined;
  let latest: Buffer | undefined;
  for (const column of columns) {
    if (!column.dates) continue;
    const early = Buffer.from(column.dates.earliest, 'utf8');
    const late = Buffer.from(column.dates.latest, 'utf8');
    if (earliest === undefined || Buffer.compare(early, earliest) < 0) earliest = early;
    if (latest === undefined || Buffer.compare(late, latest) > 0) latest = late;
  }
  return earliest && latest
    ? { earliest: earliest.toString('utf8'), latest: latest.toString('utf8') }
    : undefined;
}
