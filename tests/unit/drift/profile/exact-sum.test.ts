import { ColumnAccumulator } from '../../../../shared/src/drift/profile/accumulator';
import {
  ADDS_BETWEEN_CARRIES,
  addBatchExact,
  addExact,
  addSquareExact,
  carry,
  exactM2,
  exactMean,
  exactValue,
  roundRatio,
  splitSquares,
  SUM_CHUNKS,
} from '../../../../shared/src/drift/profile/exact-sum';
import { SeededDraw } from '../../../harness/seeded-draw';

/** A double as an integer in units of 2^-1074, from its bits (independent of the chunked accumulator). */
function units(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const magnitude = mantissa << BigInt(Math.max(exponent, 1) - 1);
  return bits >> 63n === 1n ? -magnitude : magnitude;
}

function sumOf(values: readonly number[]): bigint {
  const chunks = new Float64Array(SUM_CHUNKS);
  for (const value of values) addExact(chunks, value);
  return exactValue(chunks);
}

/** Values of every magnitude and sign, subnormals and zeros included. */
function wildValues(count: number, seed: number): number[] {
  const draw = new SeededDraw(seed);
  return Array.from({ length: count }, () => {
    const u = draw.uniform();
    if (u < 0.02) return u < 0.01 ? 0 : -0;
    if (u < 0.04) return (draw.uniform() - 0.5) * 1e-310;
    return (draw.uniform() - 0.5) * 2 ** Math.floor(draw.uniform() * 2000 - 1000);
  });
}

function shuffled<T>(values: readonly T[], seed: number): T[] {
  const draw = new SeededDraw(seed);
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(draw.uniform() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('exact sums', () => {
  it('equal the sum of the values taken from their bits, in any order and any pieces', () => {
    const values = wildValues(5000, 7);
    const expected = values.reduce((total, value) => total + units(value), 0n);
    expect(sumOf(values)).toBe(expected);
    expect(sumOf(shuffled(values, 1))).toBe(expected);
    expect(sumOf(values.slice(0, 1234)) + sumOf(values.slice(1234))).toBe(expected);
  });

  it('stay exact past the point where chunks must carry, carried as often as the accumulator does', () => {
    const chunks = new Float64Array(SUM_CHUNKS);
    const value = 2 ** 53 - 1;
    for (let i = 1; i <= 3_000_000; i++) {
      addExact(chunks, value);
      if (i % ADDS_BETWEEN_CARRIES === 0) carry(chunks);
    }
    expect(exactValue(chunks)).toBe(units(value) * 3_000_000n);
    const accumulator = new ColumnAccumulator('x', 10, 0);
    const values = Float64Array.from({ length: 600_000 }, (_, i) => (i % 2 === 0 ? 2 ** 53 - 1 : 1));
    accumulator.addValues(values, 0, values.length);
    const { numeric } = accumulator.finish();
    expect(numeric!.mean).toBe(2 ** 52);
    // every value is 2^52 - 1 away from the mean
    expect(numeric!.m2).toBe((2 ** 52 - 1) ** 2 * 600_000);
  });

  it('get the hard cases right where floating-point sums do not', () => {
    expect(exactMean(sumOf([1e308, 1, -1e308]), 3)).toBe(1 / 3);
    expect(exactMean(sumOf([1, 1e100, 1, -1e100]), 4)).toBe(0.5);
    expect(exactMean(sumOf(Array.from({ length: 10 }, () => 0.1)), 10)).toBe(0.1);
    expect(exactMean(sumOf([Number.MAX_VALUE, Number.MAX_VALUE]), 2)).toBe(Number.MAX_VALUE);
    expect(exactMean(sumOf([5e-324, 5e-324, 5e-324, -5e-324]), 1)).toBe(1e-323);
  });

  it('square exactly (Dekker), so sums of squares merge like sums', () => {
    const values = wildValues(3000, 11).map(
      (v) => v * 2 ** -400 * 1e-30 + (v === 0 ? 0 : 1) * Math.abs(v) ** 0.3,
    );
    const chunks = new Float64Array(SUM_CHUNKS);
    for (const value of values) addSquareExact(chunks, value);
    const expected = values.reduce((total, value) => {
      const u = units(value);
      // (u 2^-1074)^2 in units of 2^-1074: u^2 / 2^1074, exact when the square is not below the smallest double
      return total + (u * u) / (1n << 1074n);
    }, 0n);
    expect(exactValue(chunks)).toBe(expected);
  });
});

describe('rounding once', () => {
  it('divides as IEEE division does (correctly rounded) for integers a double holds', () => {
    const draw = new SeededDraw(3);
    for (let i = 0; i < 2000; i++) {
      const a = Math.floor(draw.uniform() * 2 ** 53) * (draw.uniform() < 0.5 ? -1 : 1);
      const b = 1 + Math.floor(draw.uniform() * 2 ** Math.floor(draw.uniform() * 53));
      expect(roundRatio(BigInt(a), BigInt(b), 0)).toBe(a / b);
      expect(roundRatio(BigInt(a), BigInt(b), -60)).toBe((a / b) * 2 ** -60);
    }
  });

  it('rounds halfway cases to even', () => {
    // 2^53 + 1 lies halfway between 2^53 and 2^53 + 2: even is 2^53; 2^53 + 3 rounds up to 2^53 + 4.
    expect(roundRatio(2n ** 53n + 1n, 1n, 0)).toBe(2 ** 53);
    expect(roundRatio(2n ** 53n + 3n, 1n, 0)).toBe(2 ** 53 + 4);
    expect(roundRatio(-(2n ** 54n + 2n), 2n, 0)).toBe(-(2 ** 53));
  });

  it('gives the mean and M2 of the exact figures', () => {
    const values = [1, 2, 3, 4];
    const chunks = new Float64Array(SUM_CHUNKS);
    for (const value of values) addSquareExact(chunks, value);
    expect(exactM2(sumOf(values), exactValue(chunks), 4)).toBe(5);
    // A large common offset costs nothing: M2 of 1e9 + {0.25, 0.5, 0.75} is exactly 0.125.
    const shifted = [1e9 + 0.25, 1e9 + 0.5, 1e9 + 0.75];
    const squares = new Float64Array(SUM_CHUNKS);
    for (const value of shifted) addSquareExact(squares, value);
    expect(exactM2(sumOf(shifted), exactValue(squares), 3)).toBe(0.125);
    expect(exactMean(sumOf(shifted), 3)).toBe(1e9 + 0.5);
  });

  describe('in batches', () => {
    const scratch = new Float64Array(8192);
    function batchSum(values: readonly number[], size: number): bigint {
      const chunks = new Float64Array(SUM_CHUNKS);
      for (let at = 0; at < values.length; at += size) {
        const batch = Float64Array.from(values.slice(at, at + size));
        addBatchExact(chunks, batch, batch.length, scratch);
      }
      return exactValue(chunks);
    }
    const draw = new SeededDraw(11);
    const decimals = Array.from({ length: 20000 }, () => Math.round(draw.uniform() * 1e7) / 100 - 3e4);
    const near = Array.from(
      { length: 5000 },
      () => (draw.uniform() - 0.5) * 2 ** (Math.floor(draw.uniform() * 60) - 30),
    );
    const cases: [string, number[]][] = [
      ['decimals', decimals],
      ['values within 2^60 of each other', near],
      ['values of every magnitude, zeros and subnormals', wildValues(5000, 5)],
      ['huge values', [Number.MAX_VALUE, -Number.MAX_VALUE / 3, 2 ** 1000, 1, 2 ** -1074]],
      ['one value', [0.1]],
      ['zeros only', [0, -0, 0]],
    ];
    it.each(cases)('add %s as addExact does, whatever the batch size', (_name, values) => {
      const expected = values.reduce((total, value) => total + units(value), 0n);
      for (const size of [1, 3, 4096, 8192]) expect(batchSum(values, size)).toBe(expected);
    });

    it('add squares exactly, as addSquareExact does, and garbage alike for squares that overflow', () => {
      for (const values of [decimals, near, [1e200, 3, -1e160, 2 ** 600]]) {
        const one = new Float64Array(SUM_CHUNKS);
        for (const value of values) addSquareExact(one, value);
        const batched = new Float64Array(SUM_CHUNKS);
        const high = new Float64Array(4096);
        const low = new Float64Array(4096);
        for (let at = 0; at < values.length; at += 4096) {
          const batch = Float64Array.from(values.slice(at, at + 4096));
          splitSquares(batch, batch.length, high, low);
          addBatchExact(batched, high, batch.length, scratch);
          addBatchExact(batched, low, batch.length, scratch);
        }
        expect(exactValue(batched)).toBe(exactValue(one));
      }
    });
  });
});
