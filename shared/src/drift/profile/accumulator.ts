import type { ColumnProfile } from '../model';
import { ByteCounter, NumberCounter } from './byte-counter';
import { columnSeed, SplitMix32 } from './random';
import * as textValues from './text-values';

// Module-local bindings: an imported binding compiled to CommonJS is a property read (a getter under some
// loaders) on every use, which costs in loops that run once per value.
const classifyText = textValues.classifyText;
const parsed = textValues.parsed;
const MISSING = textValues.TextKind.Missing;
const NUMBER = textValues.TextKind.Number;
const TRUE = textValues.TextKind.True;
const FALSE = textValues.TextKind.False;
const DATE = textValues.TextKind.Date;
const STRING = textValues.TextKind.String;

/** Distinct values a category map keeps; past it the column is high-cardinality and counting stops. */
export const CATEGORY_LIMIT = 10_000;
/** Distinct numbers `numeric.distinct` reports: enough to tell an integer column with at most 20 values. */
export const NUMERIC_DISTINCT_LIMIT = 21;

const FIRST_SAMPLE_CAPACITY = 4096;
const PENDING = 4096;

/** A scratch buffer for typed strings, so they go through the same byte-level rules as CSV text. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * What one streaming pass keeps of one column (see ColumnProfile): exact counts, kinds and Welford moments over
 * every row, a seeded reservoir (Algorithm R) of at most `maxSampleRows` numbers, and category counts up to
 * CATEGORY_LIMIT distinct values. Memory is bounded whatever the number of rows.
 */
export class ColumnAccumulator {
  private rows = 0;
  private missing = 0;
  private numbers = 0;
  private integers = 0;
  private dates = 0;
  private strings = 0;
  private trues = 0;
  private falses = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private sample: Float64Array;
  private readonly random: SplitMix32;
  /** Counts per distinct number; null once there are too many to be of use. */
  private distinct: NumberCounter | null = new NumberCounter();
  /** Strings and dates, as bytes. */
  private readonly text = new ByteCounter();
  private highCardinality = false;
  /** The earliest and latest ISO date text seen (compared as text: right for one format and offset). */
  private earliest: Uint8Array | null = null;
  private latest: Uint8Array | null = null;
  /** Numbers waiting to be folded in (see flushNumbers). */
  private readonly pending = new Float64Array(PENDING);
  private pendingCount = 0;

  constructor(
    readonly name: string,
    private readonly maxSampleRows: number,
    seed: number,
  ) {
    this.sample = new Float64Array(Math.min(maxSampleRows, FIRST_SAMPLE_CAPACITY));
    this.random = new SplitMix32(columnSeed(seed, name));
  }

  /** A batch of CSV fields (see ColumnSink.text): numbers parsed already, or byte ranges into `bytes`. */
  addText(
    bytes: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    numbers: Float64Array,
    count: number,
  ): void {
    this.rows += count;
    for (let i = 0; i < count; i++) {
      let end = ends[i]!;
      if (end === -1) {
        if (this.pendingCount === PENDING) this.flushNumbers();
        this.pending[this.pendingCount++] = numbers[i]!;
        continue;
      }
      let start = starts[i]!;
      if (start < 0) {
        this.addString(
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
            .toString('utf8', ~start, end)
            .replaceAll('""', '"'),
        );
        continue;
      }
      while (start < end && (bytes[start] === 32 || bytes[start] === 9)) start++;
      while (end > start && (bytes[end - 1] === 32 || bytes[end - 1] === 9)) end--;
      if (start === end) {
        this.missing++;
        continue;
      }
      this.addClassified(bytes, start, end, classifyText(bytes, start, end));
    }
    this.flushNumbers();
  }

  /** A batch of typed values (JSON Lines, Parquet): values[start, end). */
  addValues(values: ArrayLike<unknown>, start: number, end: number): void {
    this.rows += end - start;
    if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
      for (let i = start; i < end; i++) {
        const value = values[i]!;
        if (value - value === 0) {
          if (this.pendingCount === PENDING) this.flushNumbers();
          this.pending[this.pendingCount++] = value;
        } else this.missing++;
      }
      this.flushNumbers();
      return;
    }
    for (let i = start; i < end; i++) {
      const value = values[i];
      switch (typeof value) {
        case 'number':
          if (value - value === 0) this.addNumber(value);
          else this.missing++;
          break;
        case 'bigint':
          this.addNumber(Number(value));
          break;
        case 'boolean':
          if (value) this.trues++;
          else this.falses++;
          break;
        case 'string':
          this.addString(value);
          break;
        case 'undefined':
          this.missing++;
          break;
        default:
          if (value === null) this.missing++;
          else if (value instanceof Date) {
            if (Number.isNaN(value.getTime())) this.missing++;
            else this.addBytes(value.toISOString(), DATE);
          } else this.addBytes(stringify(value), STRING);
      }
    }
  }

  /** A string value from a typed source: the same rules as CSV text. */
  private addString(value: string): void {
    const length = this.toScratch(value);
    let start = 0;
    let end = length;
    while (start < end && (scratch[start] === 32 || scratch[start] === 9)) start++;
    while (end > start && (scratch[end - 1] === 32 || scratch[end - 1] === 9)) end--;
    if (start === end) this.missing++;
    else this.addClassified(scratch, start, end, classifyText(scratch, start, end));
  }

  private addBytes(value: string, kind: textValues.TextKind): void {
    this.addClassified(scratch, 0, this.toScratch(value), kind);
  }

  private toScratch(value: string): number {
    if (value.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(value.length * 3);
    return scratch.write(value, 0, 'utf8');
  }

  private addClassified(bytes: Uint8Array, start: number, end: number, kind: textValues.TextKind): void {
    if (kind === NUMBER) return this.addNumber(parsed.number);
    if (kind === MISSING) {
      this.missing++;
      return;
    }
    if (kind === TRUE) {
      this.trues++;
      return;
    }
    if (kind === FALSE) {
      this.falses++;
      return;
    }
    if (kind === DATE) {
      this.dates++;
      this.widenDates(bytes, start, end);
    } else this.strings++;
    if (!this.highCardinality && !this.text.add(bytes, start, end, this.textLimit()))
      this.tooManyCategories();
  }

  private widenDates(bytes: Uint8Array, start: number, end: number): void {
    if (this.earliest === null || compareText(bytes, start, end, this.earliest) < 0)
      this.earliest = copyOf(bytes, start, end);
    if (this.latest === null || compareText(bytes, start, end, this.latest) > 0)
      this.latest = copyOf(bytes, start, end);
  }

  /** A finite number: queued, and counted with the rest of its batch. */
  private addNumber(value: number): void {
    if (this.pendingCount === PENDING) this.flushNumbers();
    this.pending[this.pendingCount++] = value;
  }

  /**
   * Folds the queued numbers in: the batch's own mean and M2 merged into the running ones (Chan et al.), with
   * no division per value as Welford's update needs; then the reservoir and distinct counts.
   */
  private flushNumbers(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    this.pendingCount = 0;
    const values = this.pending;
    // One pass: sums of deviations from a value of the batch (near the batch's mean, so the squares do not
    // cancel badly and a large common offset costs no precision); M2 = S2 - S1^2 / n.
    const shift = values[0]!;
    let sum = 0;
    let squares = 0;
    let min = this.min;
    let max = this.max;
    let integers = 0;
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      const deviation = value - shift;
      sum += deviation;
      squares += deviation * deviation;
      if (value < min) min = value;
      if (value > max) max = value;
      if (Math.floor(value) === value) integers++;
    }
    const batchMean = shift + sum / n;
    const batchM2 = Math.max(0, squares - (sum * sum) / n);
    const before = this.numbers;
    const total = before + n;
    const delta = batchMean - this.mean;
    this.mean = before === 0 ? batchMean : this.mean + (delta * n) / total;
    this.m2 += batchM2 + (before === 0 ? 0 : (delta * delta * before * n) / total);
    this.min = min;
    this.max = max;
    this.integers += integers;
    this.numbers = total;

    // Every value while they fit, then Algorithm R: the k-th value replaces a random slot with probability
    // maxSampleRows / k.
    const capacity = this.maxSampleRows;
    let i = 0;
    if (before < capacity) {
      const fits = Math.min(n, capacity - before);
      while (before + fits > this.sample.length) this.growSample();
      this.sample.set(values.subarray(0, fits), before);
      i = fits;
    }
    const sample = this.sample;
    const random = this.random;
    for (; i < n; i++) {
      const slot = Math.floor((random.next() * (before + i + 1)) / 4294967296);
      if (slot < capacity) sample[slot] = values[i]!;
    }

    const distinct = this.distinct;
    if (distinct !== null) {
      for (let j = 0; j < n; j++) {
        if (!distinct.add(values[j]!, this.highCardinality ? NUMERIC_DISTINCT_LIMIT : this.numberLimit())) {
          this.distinct = null;
          if (!this.highCardinality) this.tooManyCategories();
          break;
        }
      }
    }
  }

  /** Grows fourfold: less garbage on the way to maxSampleRows than doubling, at most 4x more than needed. */
  private growSample(): void {
    const next = new Float64Array(Math.min(this.maxSampleRows, this.sample.length * 4));
    next.set(this.sample);
    this.sample = next;
  }

  private booleanKinds(): number {
    return (this.trues > 0 ? 1 : 0) + (this.falses > 0 ? 1 : 0);
  }

  private textLimit(): number {
    return CATEGORY_LIMIT - (this.distinct?.size ?? 0) - this.booleanKinds();
  }

  private numberLimit(): number {
    return CATEGORY_LIMIT - this.text.size - this.booleanKinds();
  }

  private tooManyCategories(): void {
    this.highCardinality = true;
    if (this.distinct !== null && this.distinct.size > NUMERIC_DISTINCT_LIMIT) this.distinct = null;
  }

  /** The column's profile; the accumulator must not be used afterwards. */
  finish(): ColumnProfile {
    this.flushNumbers();
    const kinds = {
      numbers: this.numbers,
      integers: this.integers,
      booleans: this.trues + this.falses,
      dates: this.dates,
      strings: this.strings,
    };
    const numeric =
      this.numbers === 0
        ? undefined
        : {
            count: this.numbers,
            mean: this.mean,
            m2: this.m2,
            min: this.min,
            max: this.max,
            sample:
              this.sample.length === Math.min(this.numbers, this.maxSampleRows)
                ? this.sample
                : this.sample.slice(0, this.numbers),
            sampled: this.numbers > this.maxSampleRows,
            ...(this.distinct !== null && this.distinct.size <= NUMERIC_DISTINCT_LIMIT
              ? { distinct: this.distinct.toMap() }
              : {}),
          };
    let categories: Map<string, number> | undefined;
    const highCardinality = this.highCardinality || (this.numbers > 0 && this.distinct === null);
    if (!highCardinality) {
      categories = new Map(this.text.entries());
      if (this.trues > 0) categories.set('true', (categories.get('true') ?? 0) + this.trues);
      if (this.falses > 0) categories.set('false', (categories.get('false') ?? 0) + this.falses);
      for (const [value, count] of this.distinct?.toMap() ?? []) {
        const key = String(value);
        categories.set(key, (categories.get(key) ?? 0) + count);
      }
    }
    return {
      name: this.name,
      rows: this.rows,
      missing: this.missing,
      kinds,
      ...(numeric ? { numeric } : {}),
      ...(categories ? { categories } : {}),
      highCardinality,
      ...(this.earliest && this.latest
        ? { dates: { earliest: utf8(this.earliest), latest: utf8(this.latest) } }
        : {}),
    };
  }
}

/** bytes[start, end) against `other`, byte by byte: negative, zero or positive. */
function compareText(bytes: Uint8Array, start: number, end: number, other: Uint8Array): number {
  const length = Math.min(end - start, other.length);
  for (let i = 0; i < length; i++) {
    const d = bytes[start + i]! - other[i]!;
    if (d !== 0) return d;
  }
  return end - start - other.length;
}

/** A copy (a Buffer's slice is a view, and the reader reuses its buffers). */
function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

function stringify(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, inner: unknown) =>
        typeof inner === 'bigint' ? inner.toString() : inner,
      ) ?? String(value)
    );
  } catch {
    return String(value);
  }
}
