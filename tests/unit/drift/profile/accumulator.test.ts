import { CATEGORY_LIMIT, ColumnAccumulator } from '../../../../shared/src/drift/profile';
import {
  classifyText,
  parseDecimal,
  parsed,
  TextKind,
} from '../../../../shared/src/drift/profile/text-values';

/** Feeds strings as CSV text fields (no fast-path numbers). */
function addTexts(accumulator: ColumnAccumulator, values: readonly string[]): void {
  const bytes = Buffer.from(values.join(''));
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let offset = 0;
  values.forEach((value, i) => {
    starts[i] = offset;
    offset += Buffer.byteLength(value);
    ends[i] = offset;
  });
  accumulator.addText(bytes, starts, ends, new Float64Array(values.length), values.length);
}

const kindOf = (text: string) => {
  const bytes = Buffer.from(text);
  return classifyText(bytes, 0, bytes.length);
};

describe('text values', () => {
  it.each([
    ['NA', TextKind.Missing],
    ['N/A', TextKind.Missing],
    ['null', TextKind.Missing],
    ['NULL', TextKind.Missing],
    ['NaN', TextKind.Missing],
    ['-nan', TextKind.Missing],
    ['None', TextKind.Missing],
    ['#N/A', TextKind.Missing],
    ['<NA>', TextKind.Missing],
    ['inf', TextKind.Missing],
    ['-Infinity', TextKind.Missing],
    ['+INF', TextKind.Missing],
    ['1e999', TextKind.Missing],
    ['42', TextKind.Number],
    ['-1.5e-3', TextKind.Number],
    ['true', TextKind.True],
    ['True', TextKind.True],
    ['TRUE', TextKind.True],
    ['False', TextKind.False],
    ['2024-05-01', TextKind.Date],
    ['2024-05-01T10:00:00Z', TextKind.Date],
    ['2024-05-01 10:00', TextKind.Date],
    ['2024-05-01T10:00:00.123+02:00', TextKind.Date],
    ['2024-13-01', TextKind.String],
    ['2024-05-01T', TextKind.String],
    ['Nancy', TextKind.String],
    ['tRUE', TextKind.String],
    ['yes', TextKind.String],
    ['1.2.3', TextKind.String],
  ])('%j is %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it('parses numbers exactly as Number() does', () => {
    let state = 7;
    const next = () => (state = (Math.imul(state, 48271) + 11) >>> 0);
    for (let i = 0; i < 5000; i++) {
      const digits = String(next()) + String(next());
      const point = next() % (digits.length + 1);
      const text = `${next() % 2 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}${next() % 4 === 0 ? `e${(next() % 60) - 30}` : ''}`;
      const bytes = Buffer.from(text);
      expect(Object.is(parseDecimal(bytes, 0, bytes.length), Number(text))).toBe(true);
    }
    expect(kindOf('0.1')).toBe(TextKind.Number);
    expect(parsed.number).toBe(0.1);
  });
});

describe('ColumnAccumulator', () => {
  it('counts rows, missing values and kinds, and keeps exact moments', () => {
    const accumulator = new ColumnAccumulator('x', 100, 0);
    addTexts(accumulator, ['1', ' 2 ', '', 'NA', 'inf', '3.5', 'true', 'False', '2024-05-01', 'red', 'red']);
    accumulator.addValues(
      [4, null, undefined, Number.NaN, 'blue', false, 5n, new Date('2024-01-02T00:00:00Z')],
      0,
      8,
    );
    const profile = accumulator.finish();
    expect(profile.rows).toBe(19);
    expect(profile.missing).toBe(6);
    expect(profile.kinds).toEqual({ numbers: 5, integers: 4, booleans: 3, dates: 2, strings: 3 });
    const values = [1, 2, 3.5, 4, 5];
    const mean = values.reduce((a, b) => a + b) / values.length;
    expect(profile.numeric).toMatchObject({ count: 5, min: 1, max: 5, sampled: false });
    expect(profile.numeric!.mean).toBeCloseTo(mean, 14);
    expect(profile.numeric!.m2).toBeCloseTo(
      values.reduce((a, v) => a + (v - mean) ** 2, 0),
      12,
    );
    expect([...profile.numeric!.sample]).toEqual(values);
    expect(profile.numeric!.distinct).toEqual(new Map(values.map((v) => [v, 1])));
    expect(profile.categories).toEqual(
      new Map<string, number>([
        ['2024-05-01', 1],
        ['red', 2],
        ['blue', 1],
        ['2024-01-02T00:00:00.000Z', 1],
        ['true', 1],
        ['false', 2],
        ['1', 1],
        ['2', 1],
        ['3.5', 1],
        ['4', 1],
        ['5', 1],
      ]),
    );
    expect(profile.highCardinality).toBe(false);
  });

  it('keeps Welford-accurate moments over a large shifted series', () => {
    const accumulator = new ColumnAccumulator('x', 1000, 0);
    const values = Float64Array.from({ length: 100_000 }, (_, i) => 1e9 + (i % 7) * 0.1);
    accumulator.addValues(values, 0, values.length);
    const { numeric } = accumulator.finish();
    let offset = 0;
    for (const v of values) offset += v - 1e9;
    const mean = 1e9 + offset / values.length;
    let m2 = 0;
    for (const v of values) m2 += (v - mean) ** 2;
    expect(Math.abs(numeric!.mean - mean)).toBeLessThan(1e-6);
    expect(numeric!.m2 / m2).toBeCloseTo(1, 9);
  });

  it('samples beyond maxSampleRows with a seeded reservoir: same seed, same sample, whatever the batches', () => {
    const values = Float64Array.from({ length: 50_000 }, (_, i) => i);
    const run = (seed: number, batch: number) => {
      const accumulator = new ColumnAccumulator('x', 1000, seed);
      for (let start = 0; start < values.length; start += batch)
        accumulator.addValues(values, start, Math.min(values.length, start + batch));
      return accumulator.finish().numeric!;
    };
    const a = run(42, 50_000);
    expect(a.sampled).toBe(true);
    expect(a.sample).toHaveLength(1000);
    expect(a.count).toBe(50_000);
    expect([...run(42, 333).sample]).toEqual([...a.sample]);
    expect([...run(43, 50_000).sample]).not.toEqual([...a.sample]);
    // Roughly uniform: the sample's mean is near the population's.
    expect(a.sample.reduce((s, v) => s + v, 0) / 1000).toBeGreaterThan(25_000 - 2500);
    expect(a.sample.reduce((s, v) => s + v, 0) / 1000).toBeLessThan(25_000 + 2500);
    expect(a.distinct).toBeUndefined();
  });

  it('stops counting categories past the limit and marks the column high-cardinality', () => {
    const accumulator = new ColumnAccumulator('id', 10, 0);
    addTexts(
      accumulator,
      Array.from({ length: CATEGORY_LIMIT + 5 }, (_, i) => `id-${i}`),
    );
    const profile = accumulator.finish();
    expect(profile.highCardinality).toBe(true);
    expect(profile.categories).toBeUndefined();
    expect(profile.kinds.strings).toBe(CATEGORY_LIMIT + 5);
  });

  it('reports distinct numbers up to 21 and integer categories as text', () => {
    const accumulator = new ColumnAccumulator('k', 10, 0);
    accumulator.addValues(
      Int32Array.from({ length: 1000 }, (_, i) => i % 4),
      0,
      1000,
    );
    const profile = accumulator.finish();
    expect(profile.numeric!.distinct).toEqual(
      new Map([
        [0, 250],
        [1, 250],
        [2, 250],
        [3, 250],
      ]),
    );
    expect(profile.categories).toEqual(
      new Map([
        ['0', 250],
        ['1', 250],
        ['2', 250],
        ['3', 250],
      ]),
    );
    expect(profile.numeric!.sample).toHaveLength(10);
  });
});
