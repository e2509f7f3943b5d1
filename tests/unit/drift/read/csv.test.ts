import { CsvReader, parseHeader } from '../../../../shared/src/drift/read/csv';
import type { ColumnSink } from '../../../../shared/src/drift/read/sink';
import { DataError } from '../../../../shared/src/step/errors';

/** Tokenizes `text` pushed in the given chunk sizes; every kept field as a number or its (unescaped) text. */
function tokenize(text: string, chunkSizes: number[] = [text.length], keep?: string[]) {
  const columns: (string | number)[][] = [];
  let header: readonly string[] = [];
  const sink: ColumnSink = {
    text: (column, bytes, starts, ends, numbers, count) => {
      const out = (columns[column] ??= []);
      for (let i = 0; i < count; i++) {
        if (ends[i] === -1) out.push(numbers[i]!);
        else {
          const start = starts[i]!;
          const value = Buffer.from(bytes).toString('utf8', start < 0 ? ~start : start, ends[i]);
          out.push(start < 0 ? value.replaceAll('""', '"') : value);
        }
      }
    },
    values: () => {
      throw new Error('not for CSV');
    },
  };
  const reader = new CsvReader('data.csv', sink, (names) => {
    header = names;
    return (keep ?? names).map((name) => names.indexOf(name));
  });
  const bytes = Buffer.from(text);
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    const size = chunkSizes[index++ % chunkSizes.length]!;
    reader.push(Buffer.from(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  const rows = reader.end();
  return { header, columns, rows };
}

describe('CSV tokenizer', () => {
  it('reads quoted fields, doubled quotes, line breaks in quotes, CRLF, blank lines and a BOM', () => {
    const text =
      '\uFEFFname,note,n\r\n"Smith, J","said ""hi""",1\r\n\r\nplain,"two\nlines",-2.5e3\r\nlast,,x';
    const { header, columns, rows } = tokenize(text);
    expect(header).toEqual(['name', 'note', 'n']);
    expect(rows).toBe(3);
    expect(columns[0]).toEqual(['Smith, J', 'plain', 'last']);
    expect(columns[1]).toEqual(['said "hi"', 'two\nlines', '']);
    expect(columns[2]).toEqual([1, -2500, 'x']);
  });

  it('gives the same fields whatever the chunk boundaries', () => {
    const text = 'a,b,c\n1,"x,""y""\n z",3.25\r\n-4,,5e-3\n\n"q",w,1234567890123456789\n';
    const whole = tokenize(text);
    for (const size of [1, 2, 3, 5, 7, 11]) expect(tokenize(text, [size])).toEqual(whole);
    expect(whole.columns[2]).toEqual([3.25, 0.005, '1234567890123456789']);
  });

  it('parses plain decimals as Number() does and leaves anything else as text', () => {
    const cases = [
      '0',
      '-0',
      '+7',
      '.5',
      '5.',
      '-.25',
      '1e5',
      '1E-5',
      '0.1',
      '0.30000000000000004',
      '123456789012345',
      '9007199254740993',
      '1e23',
      '1e-300',
      '00012.5000',
    ];
    const { columns } = tokenize(`v\n${cases.join('\n')}\n`);
    cases.forEach((text, i) => {
      const got = columns[0]![i];
      if (typeof got === 'number') expect(Object.is(got, Number(text))).toBe(true);
      else expect(got).toBe(text);
    });
    const texts = ['1.2.3', '1e', '-', '.', '0x10', '1_000', ' 5', 'NaN', 'inf'];
    expect(tokenize(`v\n${texts.join('\n')}\n`).columns[0]).toEqual(texts);
  });

  it('keeps only the columns asked for, in the order asked', () => {
    const { columns } = tokenize('a,b,c\n1,x,3\n4,y,6\n', undefined, ['c', 'a']);
    expect(columns).toEqual([
      [3, 6],
      [1, 4],
    ]);
  });

  it.each([
    ['a;b;c\n1;2;3\n', ';'],
    ['a\tb\tc\n1\t2\t3\n', '\t'],
    ['a|b|c\n1|2|3\n', '|'],
    ['a,b;c,d\n1,2;3,4\n', ','],
    ['"x;y",z\n1,2\n', ','],
  ])('detects the delimiter from the header: %j', (text, delimiter) => {
    expect(String.fromCharCode(parseHeader(Buffer.from(text.split('\n')[0]!), 'f', 1).delimiter)).toBe(
      delimiter,
    );
  });

  it('names empty header cells as pandas does and rejects duplicates', () => {
    expect(parseHeader(Buffer.from(',a,'), 'f', 1).names).toEqual(['Unnamed: 0', 'a', 'Unnamed: 2']);
    expect(() => parseHeader(Buffer.from('a,b,a'), 'f', 3)).toThrow(
      'f:3: the header names the column "a" twice.',
    );
  });

  it('names file and line when a row has another number of fields (mixed delimiters)', () => {
    let error: unknown;
    try {
      tokenize('a,b,c\n1,2,3\n"multi\nline",5,6\n7;8;9\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      "data.csv:5: expected 3 fields (delimiter ',', from the header) but found 1. The row holds ';': mixed delimiters?",
    );
    expect((error as DataError).location).toEqual({ file: 'data.csv', line: 5 });
    expect(() => tokenize('a,b\n1,2,3\n')).toThrow('data.csv:2: expected 2 fields');
  });

  it('reports an unterminated quote and text after a closing quote', () => {
    expect(() => tokenize('a,b\n1,"open\n2,3\n')).toThrow('data.csv:2: a quoted field is never closed.');
    expect(() => tokenize('a,b\n"x"y,2\n')).toThrow(
      'data.csv:2: unexpected text after a closing quote in field 1.',
    );
  });

  it('reads a header without rows, and rejects an empty file', () => {
    expect(tokenize('a,b\n').rows).toBe(0);
    expect(() => tokenize('\n\n')).toThrow('data.csv is empty: a CSV file needs a header row.');
  });
});
