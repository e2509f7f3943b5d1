/** Helpers on ascending Float64Arrays: the numeric statistics take sorted samples so each sorts once. */
import { radixSort } from './radix-sort';

/** A sorted copy, in Float64Array sort's numeric order; the input is left untouched. */
export function sortedCopy(values: Float64Array | readonly number[]): Float64Array {
  return radixSort(values instanceof Float64Array ? values.slice() : Float64Array.from(values));
}

/**
 * Sorted copies into buffers reused from call to call (grown as needed), for callers that sort large samples
 * one after another and keep no copy past the next call: a 1M-value sample sorted into fresh arrays leaves 16 MB
 * of garbage each time, which the collector lets pile up. A copy is valid until `sorted` is called again with
 * the same slot.
 */
export class SortBuffers {
  private readonly copies: Float64Array[] = [];
  private scratch = new Float64Array(0);

  sorted(values: Float64Array, slot: number): Float64Array {
    const n = values.length;
    if ((this.copies[slot]?.length ?? -1) < n) this.copies[slot] = new Float64Array(n);
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    const copy = this.copies[slot]!.subarray(0, n);
    copy.set(values);
    return radixSort(copy, this.scratch);
  }
}

/** Number of values < x (numpy searchsorted side='left'). */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of values <= x (numpy searchsorted side='right'). */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Quantile of a sorted sample with numpy's default 'linear' interpolation (np.quantile). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  // numpy's virtual index for the linear method, evaluated in the same order so the edges match bit for bit.
  const position = n * q + (1 - q) - 1;
  const below = Math.min(Math.max(Math.floor(position), 0), n - 1);
  const fraction = position - below;
  const low = sorted[below]!;
  if (below + 1 >= n) return low;
  const high = sorted[below + 1]!;
  // numpy's _lerp: exact at both ends.
  const diff = high - low;
  return fraction >= 0.5 ? high - diff * (1 - fraction) : low + diff * fraction;
}

/** Number of distinct values of a sorted sample, stopping early past `limit`. */
export function distinctCountSorted(sorted: Float64Array, limit = Infinity): number {
  if (sorted.length === 0) return 0;
  let count = 1;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] !== sorted[i - 1]) {
      count++;
      if (count > limit) return count;
    }
  }
  return count;
}

/** Mean and population / sample standard deviation of a sample (two passes). */
export function moments(values: Float64Array): { mean: number; popStd: number; sampleStd: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  return { mean, popStd: Math.sqrt(ss / n), sampleStd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}
