/**
 * A saved profile: what one pass over the baseline kept, written once so later runs compare against it without
 * reading the training data again, or a part of a dataset profiled apart, to be merged (mergeProfiles). JSON,
 * with the numeric samples as base64 of their little-endian float64 bytes (a third of their text size) and maps
 * as [key, count] pairs. Schema 2 adds the exact sums, the sample's cutoff and whether it is a part; schema 1
 * profiles still load (they compare alike, but do not merge).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { DataError } from '../../step/errors';
import type { ColumnProfile, DatasetProfile } from '../model';
import { PROFILE_KIND } from '../read/resolve';

export const PROFILE_SCHEMA_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeSample(sample: Float64Array): string {
  let bytes = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
  if (!littleEndian) {
    bytes = Buffer.from(bytes);
    bytes.swap64();
  }
  return bytes.toString('base64');
}

function decodeSample(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) throw new Error('the sample is not a whole number of float64 values');
  if (!littleEndian) bytes.swap64();
  const sample = new Float64Array(bytes.length / 8);
  new Uint8Array(sample.buffer).set(bytes);
  return sample;
}

function decodeSums(value: unknown): { sum: string; squares: string } {
  const sums = value as { sum?: unknown; squares?: unknown };
  const integer = /^-?\d+$/;
  if (
    typeof sums.sum !== 'string' ||
    typeof sums.squares !== 'string' ||
    !integer.test(sums.sum) ||
    !integer.test(sums.squares)
  )
    throw new Error('the exact sums are not integers');
  return { sum: sums.sum, squares: sums.squares };
}

function decodeSampling(value: unknown): { rows: number; core: number; cutoff: number } {
  const sampling = value as { rows?: unknown; core?: unknown; cutoff?: unknown };
  if (
    typeof sampling.rows !== 'number' ||
    typeof sampling.core !== 'number' ||
    typeof sampling.cutoff !== 'number'
  )
    throw new Error('the sampling is not a row count, a core and a cutoff');
  return { rows: sampling.rows, core: sampling.core, cutoff: sampling.cutoff };
}

function encodeHashes(hashes: Uint32Array): string {
  const bytes = Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  return (littleEndian ? bytes : Buffer.from(bytes).swap32()).toString('base64');
}

function decodeBand(value: unknown): { values: Float64Array; hashes: Uint32Array } {
  const band = value as { values?: unknown; hashes?: unknown };
  if (typeof band.values !== 'string' || typeof band.hashes !== 'string')
    throw new Error('the sample band is not base64 values and hashes');
  const values = decodeSample(band.values);
  const bytes = Buffer.from(band.hashes, 'base64');
  if (bytes.length !== values.length * 4) throw new Error('the sample band has not one hash per value');
  if (!littleEndian) bytes.swap32();
  const hashes = new Uint32Array(values.length);
  new Uint8Array(hashes.buffer).set(bytes);
  return { values, hashes };
}

/** Writes a profile as JSON, one column at a time (a column's sample can be megabytes of base64). */
export function saveProfile(profile: DatasetProfile, path: string): void {
  const fd = openSync(path, 'w');
  try {
    const head = {
      kind: PROFILE_KIND,
      schemaVersion: PROFILE_SCHEMA_VERSION,
      source: profile.source,
      rows: profile.rows,
      maxSampleRows: profile.maxSampleRows,
      seed: profile.seed,
      ...(profile.sampling ? { sampling: profile.sampling } : {}),
      ...(profile.part ? { part: true } : {}),
    };
    writeSync(fd, `${JSON.stringify(head).slice(0, -1)},"columns":[\n`);
    profile.columns.forEach((column, index) => {
      const { numeric, categories, ...rest } = column;
      const saved = {
        ...rest,
        ...(numeric
          ? {
              numeric: {
                count: numeric.count,
                mean: numeric.mean,
                m2: numeric.m2,
                min: numeric.min,
                max: numeric.max,
                sampled: numeric.sampled,
                ...(numeric.sums ? { sums: numeric.sums } : {}),
                ...(numeric.band
                  ? {
                      band: {
                        values: encodeSample(numeric.band.values),
                        hashes: encodeHashes(numeric.band.hashes),
                      },
                    }
                  : {}),
                ...(numeric.distinct ? { distinct: [...numeric.distinct] } : {}),
                sample: encodeSample(numeric.sample),
              },
            }
          : {}),
        ...(categories ? { categories: [...categories] } : {}),
      };
      writeSync(fd, `${index > 0 ? ',\n' : ''}${JSON.stringify(saved)}`);
    });
    writeSync(fd, '\n]}\n');
  } finally {
    closeSync(fd);
  }
}

/** Reads a saved profile; a file that is not one (or of another schema version) is a DataError naming it. */
export function loadProfile(path: string, display = path): DatasetProfile {
  const fail = (why: string) =>
    new DataError(`${display} is not a usable saved drift profile: ${why}.`, { file: display });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  const saved = parsed as Record<string, unknown>;
  if (typeof saved !== 'object' || saved === null || saved.kind !== PROFILE_KIND)
    throw fail(`it has no "kind": "${PROFILE_KIND}"`);
  if (!READABLE_VERSIONS.includes(saved.schemaVersion))
    throw fail(
      `schema version ${String(saved.schemaVersion)}, this version reads ${READABLE_VERSIONS.join(' and ')}`,
    );
  if (!Array.isArray(saved.columns)) throw fail('it has no columns');
  try {
    const columns = (saved.columns as Record<string, unknown>[]).map((column): ColumnProfile => {
      const numeric = column.numeric as
        (Record<string, unknown> & { sample: string; distinct?: [number, number][] }) | undefined;
      const categories = column.categories as [string, number][] | undefined;
      const { numeric: _numeric, categories: _categories, ...rest } = column;
      return {
        ...(rest as unknown as Omit<ColumnProfile, 'numeric' | 'categories'>),
        ...(numeric
          ? {
              numeric: {
                count: numeric.count as number,
                mean: numeric.mean as number,
                m2: numeric.m2 as number,
                min: numeric.min as number,
                max: numeric.max as number,
                sampled: numeric.sampled as boolean,
                sample: decodeSample(numeric.sample),
                ...(numeric.sums ? { sums: decodeSums(numeric.sums) } : {}),
                ...(numeric.band ? { band: decodeBand(numeric.band) } : {}),
                ...(numeric.distinct ? { distinct: new Map(numeric.distinct) } : {}),
              },
            }
          : {}),
        ...(categories ? { categories: new Map(categories) } : {}),
      };
    });
    return {
      source: saved.source as DatasetProfile['source'],
      rows: saved.rows as number,
      columns,
      maxSampleRows: saved.maxSampleRows as number,
      seed: saved.seed as number,
      ...(saved.sampling ? { sampling: decodeSampling(saved.sampling) } : {}),
      ...(saved.part === true ? { part: true } : {}),
    };
  } catch (error) {
    throw fail((error as Error).message);
  }
}
