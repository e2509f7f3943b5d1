import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFeature, inferFeatureType } from '../../../../shared/src/drift/compare';
import type { DatasetProfile } from '../../../../shared/src/drift/model';
import {
  countRows,
  defaultFileKeys,
  loadProfile,
  mergeProfiles,
  profileFiles,
  ProfileMergeError,
  saveProfile,
} from '../../../../shared/src/drift/profile';
import { ColumnAccumulator } from '../../../../shared/src/drift/profile/accumulator';
import { fileKeyHash } from '../../../../shared/src/drift/profile/random';
import { cutSample } from '../../../../shared/src/drift/profile/sample';
import type { DataFile } from '../../../../shared/src/drift/read/sink';
import { parquetRowGroupRows } from '../../../../shared/src/drift/read/parquet';
import { rowGroupRuns } from '../../../../shared/src/steps/drift-check/engine/partitions';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { SeededDraw } from '../../../harness/seeded-draw';
import { scratchFolder } from '../../../harness/scratch-folders';

const ROWS = 6000;
const MAX_SAMPLE_ROWS = 1500;
const COLUMNS = ['x', 'k', 'city', 'flag', 'when', 'id', 'sparse', 'big'];

/** Seeded rows of every kind a column can hold: floats, small integers, categories, booleans, dates, ids, gaps. */
function dataLines(seed: number): string[] {
  const draw = new SeededDraw(seed);
  const cities = ['Paris', 'Oslo', 'Lima', 'Pune', 'Kyiv'];
  return Array.from({ length: ROWS }, (_, i) =>
    [
      draw.normal(10, 3).toFixed(4),
      Math.floor(draw.uniform() * 5),
      cities[Math.floor(draw.uniform() ** 2 * 5)],
      draw.uniform() < 0.4 ? 'true' : 'false',
      `2026-0${1 + Math.floor(draw.uniform() * 9)}-1${Math.floor(draw.uniform() * 10)}`,
      `id-${i}`,
      draw.uniform() < 0.3 ? '' : (draw.uniform() * 1e6).toFixed(2),
      // Large values with a large common offset: moments that floating-point order would change.
      String(1e15 + Math.floor(draw.uniform() * 1000) / 8),
    ].join(','),
  );
}

const csvFile = (path: string): DataFile => ({ path, display: path, format: 'csv', gzip: false });

function writeCsv(path: string, lines: readonly string[]): DataFile {
  writeFileSync(path, `${COLUMNS.join(',')}\n${lines.join('\n')}\n`);
  return csvFile(path);
}

const job = { columns: COLUMNS, maxSampleRows: MAX_SAMPLE_ROWS, seed: 5, inputName: 'baselineData' };

/** Everything a report is built from, but where the files came from. */
function figures(profile: DatasetProfile): string {
  return JSON.stringify({ ...profile, source: undefined, sampling: undefined }, (_key, value: unknown) =>
    value instanceof Map ? [...value] : ArrayBuffer.isView(value) ? [...(value as Float64Array)] : value,
  );
}

/** The metrics and summaries of every feature against a fixed other side, as drift-report.json has them. */
function metrics(baseline: DatasetProfile, current: DatasetProfile): string {
  return JSON.stringify(
    baseline.columns.map((column, index) =>
      compareFeature(column, current.columns[index]!, {
        method: 'distance',
        type: inferFeatureType(column).type,
        typeSource: 'inferred',
        numericThreshold: 0.1,
        categoricalThreshold: 0.1,
        warnThreshold: 0.5,
        critical: false,
      }),
    ),
  );
}

describe('profiles of parts merged', () => {
  const dir = scratchFolder('drift-merge-');
  const lines = dataLines(1);
  const whole = writeCsv(join(dir, 'whole.csv'), lines);
  const current = writeCsv(join(dir, 'current.csv'), dataLines(2));
  const cuts = [0, 1234, 3000, 4999, ROWS];
  mkdirSync(join(dir, 'pieces'));
  mkdirSync(join(dir, 'parts'));
  const pieces = cuts
    .slice(1)
    .map((end, i) => writeCsv(join(dir, 'pieces', `piece-${i}.csv`), lines.slice(cuts[i], end)));
  const partitions = cuts
    .slice(1)
    .map((end, i) => writeCsv(join(dir, 'parts', `part-${i}.csv`), lines.slice(cuts[i], end)));

  it('give the profile and the report of the file read whole, from pieces cut at line starts', async () => {
    const single = await profileFiles({ ...job, files: [whole] });
    expect(single.columns[0]!.numeric).toMatchObject({ count: ROWS, sampled: true });
    expect(single.columns[0]!.numeric!.sample).toHaveLength(MAX_SAMPLE_ROWS);
    expect(single.columns[2]!.categories?.size).toBe(5);
    expect(single.columns[4]!.dates).toBeDefined();

    const totalRows = await countRows([whole]);
    expect(totalRows).toBe(ROWS);
    const parts = await Promise.all(
      pieces.map((piece, i) =>
        profileFiles({
          ...job,
          files: [piece],
          totalRows,
          fileKeys: ['whole.csv'],
          firstRows: [cuts[i]!],
          part: true,
        }),
      ),
    );
    // Parts go through their saved form, as a parallel job hands them over.
    const saved = parts.map((part, i) => {
      const path = join(dir, `piece-${i}.profile.json`);
      saveProfile(part, path);
      return loadProfile(path);
    });
    const merged = mergeProfiles(saved);
    expect(merged.rows).toBe(ROWS);
    expect(figures(merged)).toBe(figures(single));
    const other = await profileFiles({ ...job, files: [current] });
    expect(metrics(merged, other)).toBe(metrics(single, other));
    expect(metrics(other, merged)).toBe(metrics(other, single));
  });

  it('give the profile of a Parquet file read whole, from runs of its row groups', async () => {
    const draw = new SeededDraw(3);
    const path = join(dir, 'groups.parquet');
    writeFileSync(
      path,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            {
              name: 'x',
              data: Float64Array.from({ length: ROWS }, () => draw.normal(10, 3)),
              type: 'DOUBLE',
            },
            {
              name: 'k',
              data: Int32Array.from({ length: ROWS }, () => Math.floor(draw.uniform() * 5)),
              type: 'INT32',
            },
            {
              name: 'city',
              data: Array.from({ length: ROWS }, () => draw.pick(['Paris', 'Oslo', 'Lima'], [1, 2, 3])),
              type: 'STRING',
            },
          ],
          rowGroupSize: 700,
        }),
      ),
    );
    const file: DataFile = { path, display: 'groups.parquet', format: 'parquet', gzip: false };
    const parquetJob = { ...job, columns: ['x', 'k', 'city'] };
    const single = await profileFiles({ ...parquetJob, files: [file] });
    expect(single.columns[0]!.numeric).toMatchObject({ count: ROWS, sampled: true });

    const groups = await parquetRowGroupRows(path);
    expect(groups).toHaveLength(Math.ceil(ROWS / 700));
    const runs = rowGroupRuns(groups, 1500);
    expect(runs.map((run) => run.to - run.from)).toEqual([3, 3, 3]);
    const parts = await Promise.all(
      runs.map((rowGroups) =>
        profileFiles({
          ...parquetJob,
          files: [{ ...file, rowGroups }],
          totalRows: ROWS,
          fileKeys: ['groups.parquet'],
          part: true,
        }),
      ),
    );
    expect(parts.map((part) => part.rows)).toEqual([2100, 2100, 1800]);
    const merged = mergeProfiles(parts);
    expect(merged.source.files).toEqual(['groups.parquet']);
    expect(merged.source.contentHash).toMatch(/^sha256-of-parts:/);
    expect(figures(merged)).toBe(figures(single));
  });

  it('give the profile of a dataset of partitions read in one pass, merged flat or as a tree', async () => {
    const single = await profileFiles({ ...job, files: partitions });
    const totalRows = await countRows(partitions);
    const keys = defaultFileKeys(partitions);
    expect(keys).toEqual(['part-0.csv', 'part-1.csv', 'part-2.csv', 'part-3.csv']);
    const parts = await Promise.all(
      partitions.map((file, i) =>
        profileFiles({ ...job, files: [file], totalRows, fileKeys: [keys[i]!], part: true }),
      ),
    );
    expect(figures(mergeProfiles(parts))).toBe(figures(single));
    const tree = mergeProfiles([
      mergeProfiles(parts.slice(0, 2), { part: true }),
      mergeProfiles(parts.slice(2), { part: true }),
    ]);
    expect(figures(tree)).toBe(figures(single));
    // One file's rows are not another's: the same lines as one file give another sample.
    const asOneFile = await profileFiles({ ...job, files: [whole] });
    expect(figures(asOneFile)).not.toBe(figures(single));
  });

  it('refuse parts that cannot give the whole', async () => {
    const alone = await profileFiles({ ...job, files: [pieces[0]!] });
    const part = await profileFiles({ ...job, files: [pieces[1]!], totalRows: ROWS, part: true });
    expect(() => mergeProfiles([alone, part])).toThrow(ProfileMergeError);
    expect(() => mergeProfiles([part, { ...part, columns: part.columns.slice(1) }])).toThrow(/columns/);
    expect(() => mergeProfiles([])).toThrow(ProfileMergeError);
  });
});

describe('the order-free sample', () => {
  it('keeps the same rows whatever the batches and the pieces a file is read in', () => {
    const values = Float64Array.from({ length: 20_000 }, (_, i) => Math.sin(i) * 100);
    const rule = { core: 2 ** 32 * 0.04, cutoff: 2 ** 32 * 0.06 };
    const run = (cuts: readonly number[]) => {
      const parts = cuts.slice(1).map((end, p) => {
        const accumulator = new ColumnAccumulator('x', 1000, 9, rule);
        accumulator.startFile(fileKeyHash('f.csv'), cuts[p]!);
        for (let start = cuts[p]!; start < end; start += 777)
          accumulator.addValues(values, start, Math.min(end, start + 777));
        return accumulator.finish(false);
      });
      const profile = (columns: (typeof parts)[number][]) => ({
        source: { files: [], contentHash: '' },
        rows: 0,
        columns,
        maxSampleRows: 1000,
        seed: 9,
        sampling: { rows: values.length, ...rule },
        part: true,
      });
      return mergeProfiles(parts.map((column) => profile([column]))).columns[0]!.numeric!;
    };
    const whole = run([0, values.length]);
    expect(whole.sample).toHaveLength(1000);
    expect([...run([0, 5000, 5001, 12_345, values.length]).sample]).toEqual([...whole.sample]);
  });

  it('cuts a multiset the same way in any order, spreading the cut over copies of a value', () => {
    const draw = new SeededDraw(4);
    const values = Float64Array.from({ length: 5000 }, () => Math.floor(draw.uniform() * 4));
    const shuffled = Float64Array.from(values).reverse();
    const a = cutSample(Float64Array.from(values), 4000, 1);
    expect(a).toHaveLength(4000);
    expect([...cutSample(shuffled, 4000, 1)]).toEqual([...a]);
    // Each value loses about a fifth of its copies, as a random draw would (not all of one value).
    for (let v = 0; v < 4; v++) {
      const before = values.filter((x) => x === v).length;
      const after = a.filter((x) => x === v).length;
      expect(after / before).toBeGreaterThan(0.75);
      expect(after / before).toBeLessThan(0.85);
    }
  });
});
