import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDataset, type ColumnSink } from '../../../../shared/src/drift/read';
import { Utf8Check } from '../../../../shared/src/drift/read/utf8';
import { scratchFolder } from '../../../harness/scratch-folders';

/** Feeds `bytes` in chunks of `size` bytes. */
function check(bytes: Buffer, size: number) {
  const utf8 = new Utf8Check();
  for (let i = 0; i < bytes.length; i += size) utf8.push(bytes.subarray(i, i + size));
  return utf8.end();
}

describe('counting bytes that are not UTF-8', () => {
  const text = Buffer.from('city\nZürich\n東京\n😀\nOslo\n');

  it.each([1, 2, 3, 5, 1 << 20])('finds none in valid UTF-8 cut in chunks of %i bytes', (size) => {
    expect(check(text, size)).toBeUndefined();
  });

  it.each([1, 2, 3, 7, 1 << 20])('counts Latin-1 bytes and finds the first, in chunks of %i', (size) => {
    const latin1 = Buffer.from('city\nBogotá\nSão Paulo\n', 'latin1');
    expect(check(latin1, size)).toEqual({ invalidBytes: 2, firstOffset: 10 });
  });

  it.each([
    ['an overlong form', [0x41, 0xc0, 0x80], { invalidBytes: 2, firstOffset: 1 }],
    ['a surrogate', [0xed, 0xa0, 0x80, 0x41], { invalidBytes: 3, firstOffset: 0 }],
    ['a cut sequence', [0x41, 0xe6, 0x9d, 0x41], { invalidBytes: 2, firstOffset: 1 }],
    ['a sequence cut by the end', [0x41, 0xf0, 0x9f, 0x98], { invalidBytes: 3, firstOffset: 1 }],
    ['a stray continuation byte', [0x80, 0x41, 0xff], { invalidBytes: 2, firstOffset: 0 }],
  ])('counts %s', (_case, bytes, expected) => {
    for (const size of [1, 2, 64]) expect(check(Buffer.from(bytes), size)).toEqual(expected);
  });
});

describe('reading a file with bytes that are not UTF-8', () => {
  const noSink: ColumnSink = { text: () => {}, values: () => {} };
  const dir = scratchFolder('drift-utf8-');
  const bytes = Buffer.from('city,n\nParis,1\n"Bogotá",2\nSão Paulo,3\n', 'latin1');
  writeFileSync(join(dir, 'a.csv'), bytes);
  writeFileSync(join(dir, 'a.csv.gz'), gzipSync(bytes));
  writeFileSync(join(dir, 'ok.jsonl'), '{"city":"Zürich"}\n');

  it('reads the rows and says which file, how many bytes and where the first is', async () => {
    const files = [
      { path: join(dir, 'a.csv'), display: 'a.csv', format: 'csv', gzip: false },
      { path: join(dir, 'ok.jsonl'), display: 'ok.jsonl', format: 'jsonl', gzip: false },
      { path: join(dir, 'a.csv.gz'), display: 'a.csv.gz', format: 'csv', gzip: true },
    ] as const;
    const result = await readDataset(files, ['city'], noSink, { inputName: 'currentData' });
    expect(result.rows).toBe(7);
    expect(result.undecodable).toEqual([
      { file: 'a.csv', invalidBytes: 2, line: 3, column: 7 },
      { file: 'a.csv.gz', invalidBytes: 2, line: 3, column: 7 },
    ]);
  });
});
