import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  readColumnNames,
  readDataset,
  resolveDataSpec,
  type ColumnSink,
  type DataFile,
} from '../../../../shared/src/drift/read';
import { globToRegExp } from '../../../../shared/src/drift/read/resolve';
import { DataError, InputError } from '../../../../shared/src/step/errors';
import { scratchFolder } from '../../../harness/scratch-folders';

const fixtures = join(__dirname, '../../../fixtures/drift/data');
const options = { workspaceDir: fixtures, inputName: 'baselineData' };

/** Reads every value of the kept columns, as numbers (CSV fast path), text or typed values. */
async function readAll(files: readonly DataFile[], columns: string[]) {
  const out: unknown[][] = columns.map(() => []);
  const sink: ColumnSink = {
    text: (column, bytes, starts, ends, numbers, count) => {
      for (let i = 0; i < count; i++) {
        const start = starts[i]!;
        const text = Buffer.from(bytes).toString('utf8', start < 0 ? ~start : start, ends[i]);
        out[column]!.push(ends[i] === -1 ? numbers[i] : start < 0 ? text.replaceAll('""', '"') : text);
      }
    },
    values: (column, values, start, end) => {
      for (let i = start; i < end; i++) out[column]!.push(values[i]);
    },
  };
  const result = await readDataset(files, columns, sink, { inputName: 'baselineData' });
  return { ...result, out };
}

const files = async (spec: string, workspaceDir = fixtures) => {
  const source = await resolveDataSpec(spec, { ...options, workspaceDir });
  if (source.kind !== 'files') throw new Error('expected files');
  return source.files;
};

describe('resolving a data input', () => {
  const dir = scratchFolder('drift-resolve-');
  for (const path of [
    'b/2.csv',
    'b/1.csv.gz',
    'b/deep/3.jsonl',
    'b/.hidden.csv',
    'b/_SUCCESS',
    'b/notes.txt',
    'a.parquet',
    'saved.profile.json',
  ]) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), 'x\n');
  }

  it('takes a file, a folder (sorted, recursive, hidden and _ names skipped) or a glob', async () => {
    expect((await files('a.parquet', dir)).map((f) => [f.display, f.format, f.gzip])).toEqual([
      ['a.parquet', 'parquet', false],
    ]);
    expect((await files('b', dir)).map((f) => f.display)).toEqual([
      'b/1.csv.gz',
      'b/2.csv',
      'b/deep/3.jsonl',
    ]);
    expect((await files('b/*.csv*', dir)).map((f) => f.display)).toEqual(['b/1.csv.gz', 'b/2.csv']);
    expect((await files('b/**/*.jsonl', dir)).map((f) => f.display)).toEqual(['b/deep/3.jsonl']);
    expect((await files('**/?.csv', dir)).map((f) => f.display)).toEqual(['b/2.csv']);
    expect((await files(join(dir, 'b/*.csv'), '/')).map((f) => f.path)).toEqual([join(dir, 'b/2.csv')]);
  });

  it('recognises a saved profile', async () => {
    expect(await resolveDataSpec('saved.profile.json', { ...options, workspaceDir: dir })).toMatchObject({
      kind: 'profile',
      display: 'saved.profile.json',
    });
  });

  it.each([
    ['b/*.xlsx', 'baselineData: no CSV, TSV, JSON Lines or Parquet files match "b/*.xlsx".'],
    ['missing.csv', 'baselineData: "missing.csv" does not exist.'],
    ['b/notes.txt', 'baselineData: "b/notes.txt" is not a CSV, TSV, JSON Lines or Parquet file'],
    ['  ', 'baselineData is empty'],
  ])('names the input when %j is no data', async (spec, message) => {
    await expect(resolveDataSpec(spec, { ...options, workspaceDir: dir })).rejects.toThrow(InputError);
    await expect(resolveDataSpec(spec, { ...options, workspaceDir: dir })).rejects.toThrow(message);
  });

  it('compiles globs: * and ? within a folder, ** across folders', () => {
    const regex = globToRegExp(['**', 'data-?', '*.csv']);
    expect(['data-1/x.csv', 'a/b/data-2/y.csv'].every((path) => regex.test(path))).toBe(true);
    expect(['data-10/x.csv', 'data-1/sub/x.csv', 'data-1/x.csv.gz'].some((path) => regex.test(path))).toBe(
      false,
    );
  });
});

describe('reading datasets', () => {
  it('reads CSV columns with numbers parsed and text kept, and hashes the bytes read', async () => {
    const { rows, out, contentHash } = await readAll(await files('people.csv'), ['city', 'score']);
    expect(rows).toBe(5);
    expect(out[0]).toEqual(['Paris', 'Berlin', 'New York, NY', 'Says "hi"', 'Paris']);
    expect(out[1]).toEqual([1.5, 'NA', -2000, 'inf', 0.25]);
    expect(contentHash).toBe(
      `sha256:${createHash('sha256')
        .update(readFileSync(join(fixtures, 'people.csv')))
        .digest('hex')}`,
    );
  });

  it('reads gzip, with the hash over the compressed bytes', async () => {
    const dir = scratchFolder('drift-gz-');
    const gz = gzipSync(readFileSync(join(fixtures, 'people.csv')));
    writeFileSync(join(dir, 'people.csv.gz'), gz);
    const { rows, out, contentHash } = await readAll(await files('people.csv.gz', dir), ['age']);
    expect(rows).toBe(5);
    expect(out[0]).toEqual([34, '', 51, 29, 34]);
    expect(contentHash).toBe(`sha256:${createHash('sha256').update(gz).digest('hex')}`);
    writeFileSync(join(dir, 'bad.csv.gz'), 'not gzip at all');
    await expect(readAll(await files('bad.csv.gz', dir), ['a'])).rejects.toThrow(
      'bad.csv.gz is not valid gzip',
    );
  });

  it('reads TSV by extension and semicolons by detection', async () => {
    const dir = scratchFolder('drift-tsv-');
    writeFileSync(join(dir, 'x.tsv'), 'a,b\tc\n1,5\t2\n');
    expect((await readAll(await files('x.tsv', dir), ['a,b'])).out[0]).toEqual(['1,5']);
    expect((await readAll(await files('semicolon.csv'), ['city'])).out[0]).toEqual(['Paris', 'Lyon']);
  });

  it('reads JSON Lines: the first object names the columns, absent keys are missing', async () => {
    expect(await readColumnNames((await files('people.jsonl'))[0]!)).toEqual(['id', 'age', 'city', 'active']);
    const { rows, out } = await readAll(await files('people.jsonl'), ['age', 'active']);
    expect(rows).toBe(3);
    expect(out).toEqual([
      [34, null, undefined],
      [true, false, true],
    ]);
    await expect(readAll(await files('broken.jsonl'), ['id'])).rejects.toThrow(
      /^broken\.jsonl:2: not valid JSON/,
    );
  });

  it('reads Parquet column chunks as typed values, row group by row group', async () => {
    const dir = scratchFolder('drift-parquet-');
    const n = 2500;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'x', data: Float64Array.from({ length: n }, (_, i) => i / 2), type: 'DOUBLE' },
        { name: 'k', data: Int32Array.from({ length: n }, (_, i) => i % 3), type: 'INT32' },
        {
          name: 'city',
          data: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : ['Paris', 'Rome'][i % 2]!)),
          type: 'STRING',
        },
        { name: 'flag', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
      ],
      rowGroupSize: 1000,
    });
    writeFileSync(join(dir, 'data.parquet'), Buffer.from(buffer));
    const parquet = await files('data.parquet', dir);
    expect(await readColumnNames(parquet[0]!)).toEqual(['x', 'k', 'city', 'flag']);
    const { rows, out } = await readAll(parquet, ['city', 'x']);
    expect(rows).toBe(n);
    expect(out[1]).toHaveLength(n);
    expect(out[1]![2499]).toBe(1249.5);
    expect(out[0]!.slice(0, 3)).toEqual([null, 'Rome', 'Paris']);

    // Some row groups only (a partition of a big file): their rows, told apart by their ordinals in the file.
    const starts: [number, number][] = [];
    const batches: unknown[] = [];
    const piece = { ...parquet[0]!, rowGroups: { from: 1, to: 3 } };
    const read = await readDataset(
      [piece],
      ['x'],
      {
        text: () => {
          throw new Error('Parquet values are typed, not text');
        },
        values: (_column, values, start, end) => batches.push(Array.prototype.slice.call(values, start, end)),
        file: (index, firstRow) => starts.push([index, firstRow]),
      },
      { inputName: 'baselineData' },
    );
    expect(read.rows).toBe(n - 1000);
    expect(starts).toEqual([[0, 1000]]);
    expect(batches.flat()).toEqual(out[1]!.slice(1000));
    const whole = await readDataset(
      parquet,
      ['x'],
      { text: () => {}, values: () => {} },
      {
        inputName: 'baselineData',
      },
    );
    expect(read.contentHash).toMatch(/^sha256:/);
    expect(read.contentHash).not.toBe(whole.contentHash);
    await expect(readAll([{ ...parquet[0]!, rowGroups: { from: 2, to: 4 } }], ['x'])).rejects.toThrow(
      'data.parquet is not a readable Parquet file (row groups 2 to 4 are not in the file',
    );
  });

  it('names the input, the file and the columns there are when a column is missing', async () => {
    const dir = scratchFolder('drift-missing-');
    copyFileSync(join(fixtures, 'people.csv'), join(dir, 'a.csv'));
    writeFileSync(join(dir, 'b.csv'), 'id,age\n1,2\n');
    const error = await readAll(await files('*.csv', dir), ['city']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('baselineData');
    expect((error as Error).message).toBe('baselineData: b.csv has no column "city" (its columns: id, age).');
  });

  it('reports mixed delimiters with file and line', async () => {
    const error = await readAll(await files('mixed-delimiters.csv'), ['a']).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toEqual({ file: 'mixed-delimiters.csv', line: 4 });
  });

  it('reports an unreadable file', async () => {
    const gone: DataFile = {
      path: join(fixtures, 'gone.csv'),
      display: 'gone.csv',
      format: 'csv',
      gzip: false,
    };
    await expect(readAll([gone], ['a'])).rejects.toThrow('cannot read gone.csv: ENOENT.');
  });
});
