import type { ColumnProfile } from '../model';
import { ByteCounter, NumberCounter } from './byte-counter';
import {
  addBatchExact,
  splitSquares,
  exactM2,
  exactMean,
  exactValue,
  carry,
  SUM_CHUNKS,
  ADDS_BETWEEN_CARRIES,
} from './exact-sum';
import { columnSeed, KEEP_EVERY_ROW, KEEP_EVERY_ROW_RULE, rowHash, type SampleRule } from './random';
import { finalSample } from './sample';
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

/** Scratch for the exact sums of a batch (shared: accumulators fold their batches one at a time). */
const batchScratch = new Float64Array(PENDING);
const squareHighs = new Float64Array(PENDING);
const squareLows = new Float64Array(PENDING);

/** A scratch buffer for typed strings, so they go through the same byte-level rules as CSV text. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * What one streaming pass keeps of one column (see ColumnProfile): exact counts, kinds and exact sums of the
 * values and their squares over every row, the numbers of the rows the sample rule keeps (see SampleRule),
 * and category counts up to CATEGORY_LIMIT distinct values. Every figure depends on the rows
 * alone, not on their order or on how the dataset was cut: profiles of pieces merge (./merge) into the
 * profile of the whole. Memory is bounded whatever the number of rows, given a sample rule from the row count.
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
  /** Exact sums (see exact-sum.ts) of the numbers and of their squares. */
  private readonly sums = new Float64Array(SUM_CHUNKS);
  private readonly squares = new Float64Array(SUM_CHUNKS);
  private addsSinceCarry = 0;
  private min = Infinity;
  private max = -Infinity;
  private sample: Float64Array;
  private sampleCount = 0;
  /** The rule's band: values and their rows' hashes. */
  private bandValues = new Float64Array(0);
  private bandHashes = new Uint32Array(0);
  private bandCount = 0;
  private readonly seed: number;
  /** The row hash's seed for the current file: the column's seed mixed with the file's key. */
  private rowBase: number;
  /** The ordinal in its file of the next row this column sees. */
  private fileRow = 0;
  /** The ordinal of the value being classified (the slow paths). */
  private row = 0;
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
  /** Their rows' ordinals in their file. */
  private readonly pendingRows = new Float64Array(PENDING);
  private pendingCount = 0;

  /**
   * `rule`: which rows' numbers the sample keeps (see SampleRule); every row by default, the sample then cut to
   * maxSampleRows when finished.
   */
  constructor(
    readonly name: string,
    private readonly maxSampleRows: number,
    seed: number,
    private readonly rule: SampleRule = KEEP_EVERY_ROW_RULE,
  ) {
    this.sample = new Float64Array(Math.min(maxSampleRows, FIRST_SAMPLE_CAPACITY));
    this.seed = columnSeed(seed, name);
    this.rowBase = this.seed;
  }

  /**
   * The rows that follow are from the file whose key hashes to `fileKey` (fileKeyHash), the first being its
   * `firstRow`-th (0-based, the header not counted): a piece of a file starts where the piece before it ended.
   */
  startFile(fileKey: number, firstRow = 0): void {
    this.flushNumbers();
    this.rowBase = this.seed ^ fileKey;
    this.fileRow = firstRow;
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
    const first = this.fileRow;
    this.fileRow += count;
    for (let i = 0; i < count; i++) {
      let end = ends[i]!;
      if (end === -1) {
        if (this.pendingCount === PENDING) this.flushNumbers();
        this.pendingRows[this.pendingCount] = first + i;
        this.pending[this.pendingCount++] = numbers[i]!;
        continue;
      }
      this.row = first + i;
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
    const first = this.fileRow - start;
    this.fileRow += end - start;
    if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
      for (let i = start; i < end; i++) {
        const value = values[i]!;
        if (value - value === 0) {
          if (this.pendingCount === PENDING) this.flushNumbers();
          this.pendingRows[this.pendingCount] = first + i;
          this.pending[this.pendingCount++] = value;
        } else this.missing++;
      }
      this.flushNumbers();
      return;
    }
    for (let i = start; i < end; i++) {
      const value = values[i];
      this.row = first + i;
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
    this.pendingRows[this.pendingCount] = this.row;
    this.pending[this.pendingCount++] = value;
  }

  /** Folds the queued numbers in: exact sums, min and max, the sample, then the distinct counts. */
  private flushNumbers(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    this.pendingCount = 0;
    const values = this.pending;
    // A batch adds at most n + 2 times to a chunk of the sums, twice that to the squares' (see addBatchExact).
    if (this.addsSinceCarry + n + 2 > ADDS_BETWEEN_CARRIES) {
      carry(this.sums);
      carry(this.squares);
      this.addsSinceCarry = 0;
    }
    this.addsSinceCarry += n + 2;
    addBatchExact(this.sums, values, n, batchScratch);
    splitSquares(values, n, squareHighs, squareLows);
    addBatchExact(this.squares, squareHighs, n, batchScratch);
    addBatchExact(this.squares, squareLows, n, batchScratch);
    let min = this.min;
    let max = this.max;
    let integers = 0;
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      if (value < min) min = value;
      if (value > max) max = value;
      if (Math.floor(value) === value) integers++;
    }
    this.min = min;
    this.max = max;
    this.integers += integers;
    this.numbers += n;

    if (this.rule.cutoff === KEEP_EVERY_ROW && this.rule.core === KEEP_EVERY_ROW) {
      while (this.sampleCount + n > this.sample.length) this.growSample();
      this.sample.set(values.subarray(0, n), this.sampleCount);
      this.sampleCount += n;
    } else {
      const rows = this.pendingRows;
      const base = this.rowBase;
      const core = this.rule.core;
      const cutoff = this.rule.cutoff;
      // Locals rather than fields in the loop: stores to `this` keep V8 from keeping them in registers.
      let sample = this.sample;
      let count = this.sampleCount;
      for (let i = 0; i < n; i++) {
        const hash = rowHash(base, rows[i]!);
        if (hash < core) {
          if (count === sample.length) {
            this.sampleCount = count;
            this.growSample();
            sample = this.sample;
          }
          sample[count++] = values[i]!;
        } else if (hash < cutoff) this.addToBand(values[i]!, hash);
      }
      this.sampleCount = count;
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

  private addToBand(value: number, hash: number): void {
    if (this.bandCount === this.bandValues.length) {
      const length = Math.max(256, this.bandValues.length * 2);
      const values = new Float64Array(length);
      const hashes = new Uint32Array(length);
      values.set(this.bandValues);
      hashes.set(this.bandHashes);
      this.bandValues = values;
      this.bandHashes = hashes;
    }
    this.bandValues[this.bandCount] = value;
    this.bandHashes[this.bandCount++] = hash;
  }

  /**
   * Grows fourfold up to maxSampleRows (which the rule's core stays under but once in millions), past it by an
   * eighth: less garbage than doubling.
   */
  private growSample(): void {
    const length = this.sample.length;
    const limit = this.maxSampleRows;
    const next = new Float64Array(
      length * 4 <= limit ? length * 4 : length < limit ? limit : length + Math.max(length >>> 3, 64),
    );
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

  /**
   * The column's profile; the accumulator must not be used afterwards. `whole` false: a part of a dataset to be
   * merged (mergeProfiles), whose sample is not cut to maxSampleRows yet.
   */
  finish(whole = true): ColumnProfile {
    this.flushNumbers();
    const sample = whole
      ? finalSample(
          this.sample,
          this.sampleCount,
          this.bandValues,
          this.bandHashes,
          this.bandCount,
          this.maxSampleRows,
          this.seed,
        )
      : this.sample.slice(0, this.sampleCount);
    const band = whole
      ? undefined
      : {
          values: this.bandValues.slice(0, this.bandCount),
          hashes: this.bandHashes.slice(0, this.bandCount),
        };
    this.sample = new Float64Array(0);
    const sum = exactValue(this.sums);
    const squares = exactValue(this.squares);
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
            mean: exactMean(sum, this.numbers),
            m2: momentM2(sum, squares, this.numbers, this.min, this.max),
            min: this.min,
            max: this.max,
            sample,
            sampled: sample.length < this.numbers,
            sums: { sum: sum.toString(), squares: squares.toString() },
            ...(band ? { band } : {}),
            ...(this.distinct !== null && this.distinct.size <= NUMERIC_DISTINCT_LIMIT
              ? { distinct: this.distinct.toMap() }
              : {}),
          };
    let categories: Map<string, number> | undefined;
    let highCardinality = this.highCardinality || (this.numbers > 0 && this.distinct === null);
    if (!highCardinality) {
      categories = new Map(this.text.entries());
      if (this.trues > 0) categories.set('true', (categories.get('true') ?? 0) + this.trues);
      if (this.falses > 0) categories.set('false', (categories.get('false') ?? 0) + this.falses);
      for (const [value, count] of this.distinct?.toMap() ?? []) {
        const key = String(value);
        categories.set(key, (categories.get(key) ?? 0) + count);
      }
      // Booleans are counted without a limit: one past it is too many whenever it came.
      if (categories.size > CATEGORY_LIMIT) {
        highCardinality = true;
        categories = undefined;
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

/** The largest magnitude whose square is finite. */
const SQUARE_LIMIT = Math.sqrt(Number.MAX_VALUE);

/** M2 from the exact sums; infinite when a square is (the sum of squares holds garbage then). */
export function momentM2(sum: bigint, squares: bigint, count: number, min: number, max: number): number {
  if (Math.max(-min, max) > SQUARE_LIMIT) return Infinity;
  return exactM2(sum, squares, count);
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
