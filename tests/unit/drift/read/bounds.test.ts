import { CsvReader, MAX_LINE_BYTES, parseHeader } from '../../../../shared/src/drift/read/csv';
import { JsonlReader } from '../../../../shared/src/drift/read/jsonl';
import { shownName, shownNames } from '../../../../shared/src/drift/read/names';
import type { ColumnSink } from '../../../../shared/src/drift/read/sink';
import { DataError } from '../../../../shared/src/step/errors';

const noSink: ColumnSink = { text: () => {}, values: () => {} };
const beyond = Buffer.alloc(MAX_LINE_BYTES + 1, 'x');

/** Pushes `start`, then more than the bound without a line break. */
function pushUntilRefused(reader: { push(chunk: Buffer): void }, start: string): unknown {
  try {
    reader.push(Buffer.from(start));
    reader.push(beyond);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('lines longer than the bound', () => {
  it('is 8 MiB', () => expect(MAX_LINE_BYTES).toBe(8 << 20));

  it.each([
    ['a header', '', 1],
    ['a row', 'a,b\n1,2\n\n', 4],
    ['a quoted field', 'a,b\n1,"', 2],
  ])('CSV: %s is refused at its line', (_case, start, line) => {
    const error = pushUntilRefused(new CsvReader('big.csv', noSink, () => [0]), start);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      `big.csv:${line}: the line is longer than 8 MiB, the most drift-check reads in one line (a missing line break or closing quote?).`,
    );
  });

  it('JSON Lines: a line is refused at its number', () => {
    const error = pushUntilRefused(new JsonlReader('big.jsonl', noSink, () => [0]), '{"a":1}\n{"a":"');
    expect((error as Error).message).toMatch(/^big\.jsonl:2: the line is longer than 8 MiB/);
  });

  it('a line just under the bound is read', () => {
    const reader = new CsvReader('ok.csv', noSink, () => [0]);
    reader.push(Buffer.from('a\n'));
    reader.push(beyond.subarray(0, MAX_LINE_BYTES - 1 - (1 << 20)));
    reader.push(beyond.subarray(0, 1 << 20));
    reader.push(Buffer.from('\n1\n'));
    expect(reader.end()).toBe(2);
  });
});

describe('names in messages', () => {
  const long = 'x'.repeat(100_000);

  it('cuts a long name, with its length', () => {
    expect(shownName('temperature')).toBe('temperature');
    expect(shownName(long)).toBe(`${'x'.repeat(60)}… (100,000 characters)`);
    expect(() => parseHeader(Buffer.from(`${long},${long}`), 'wide.csv', 1)).toThrow(
      `wide.csv:1: the header names the column "${'x'.repeat(60)}… (100,000 characters)" twice.`,
    );
  });

  it('lists 30 names, then counts the rest', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    expect(shownNames(names, '"')).toBe(
      `${names
        .slice(0, 30)
        .map((name) => `"${name}"`)
        .join(', ')}, and 99970 more`,
    );
  });
});
