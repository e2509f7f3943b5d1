/** Builds ColumnProfiles from plain arrays for tests, the way the streaming profiler is specified to. */
import type { ColumnProfile } from '../../../../shared/src/drift/model';

export type Cell = number | string | boolean | null | undefined;

/** Every value is kept in the sample (no reservoir); distinct counts while there are at most 21 values. */
export function buildProfile(name: string, values: readonly Cell[]): ColumnProfile {
  let missing = 0;
  const kinds = { numbers: 0, integers: 0, booleans: 0, dates: 0, strings: 0 };
  const numbers: number[] = [];
  const categories = new Map<string, number>();
  for (const v of values) {
    if (v === null || v === undefined || v === '' || (typeof v === 'number' && !Number.isFinite(v))) {
      missing++;
      continue;
    }
    if (typeof v === 'number') {
      kinds.numbers++;
      if (Number.isInteger(v)) kinds.integers++;
      numbers.push(v);
    } else if (typeof v === 'boolean') kinds.booleans++;
    else kinds.strings++;
    const key = String(v);
    categories.set(key, (categories.get(key) ?? 0) + 1);
  }
  let numeric: ColumnProfile['numeric'];
  if (numbers.length > 0) {
    let mean = 0;
    let m2 = 0;
    let min = Infinity;
    let max = -Infinity;
    const distinct = new Map<number, number>();
    let tooMany = false;
    numbers.forEach((x, i) => {
      const delta = x - mean;
      mean += delta / (i + 1);
      m2 += delta * (x - mean);
      if (x < min) min = x;
      if (x > max) max = x;
      if (!tooMany) {
        distinct.set(x, (distinct.get(x) ?? 0) + 1);
        if (distinct.size > 21) tooMany = true;
      }
    });
    numeric = {
      count: numbers.length,
      mean,
      m2,
      min,
      max,
      sample: Float64Array.from(numbers),
      sampled: false,
      ...(tooMany ? {} : { distinct }),
    };
  }
  const onlyNumbers = kinds.strings + kinds.booleans + kinds.dates === 0;
  return {
    name,
    rows: values.length,
    missing,
    kinds,
    ...(numeric ? { numeric } : {}),
    ...(onlyNumbers ? {} : { categories }),
    highCardinality: false,
  };
}

/** A categorical column from counts: `{ a: 600, b: 300 }` plus `missing` empty cells. */
export function fromCounts(counts: Record<string, number>, missing = 0): Cell[] {
  const out: Cell[] = [];
  for (const [key, n] of Object.entries(counts)) for (let i = 0; i < n; i++) out.push(key);
  for (let i = 0; i < missing; i++) out.push(null);
  return out;
}

/** A numeric column from a typed array without per-value objects (for the million-value tests). */
export function numericProfile(name: string, values: Float64Array): ColumnProfile {
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const n = values.length;
  return {
    name,
    rows: n,
    missing: 0,
    kinds: { numbers: n, integers: 0, booleans: 0, dates: 0, strings: 0 },
    numeric: { count: n, mean, m2, min, max, sample: values, sampled: false },
    highCardinality: false,
  };
}
