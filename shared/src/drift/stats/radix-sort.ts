/**
 * Sorts doubles ascending in the order Float64Array.prototype.sort gives (-0 before +0, NaN last), by a stable
 * LSD radix sort on their bits: six passes of 10-11 bits (2048 buckets stay in cache), linear in the length. V8's built-in sort boxes every
 * element into a heap number first, which for a 1M-value sample costs ~25 MB of garbage and several times the
 * time.
 */

/** Below this length the built-in sort is as fast and needs no scratch buffer. */
const RADIX_MIN_LENGTH = 2048;
/** Each 32-bit word of the key in three digits: bits 0-10, 11-21, 22-31. */
const SHIFTS = [0, 11, 22, 0, 11, 22] as const;
const DIGITS = SHIFTS.length;
const BUCKETS = 1 << 11;
const MASK = BUCKETS - 1;

/**
 * The key of a double as an unsigned integer order, computed per 32-bit word: positives get the sign bit set,
 * negatives have every bit flipped, so the keys order as the numbers do.
 */
const highKey = (high: number): number => (high ^ ((high >> 31) | 0x80000000)) >>> 0;
const lowKey = (high: number, low: number): number => (low ^ (high >> 31)) >>> 0;

/** Sorts `values` in place (and returns it); `scratch`, when given (at least as long), saves allocating one. */
export function radixSort(values: Float64Array, scratch?: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH) return values.sort();
  const counts = new Uint32Array(DIGITS * BUCKETS);
  let words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + 1]!;
    // NaN (any payload, either sign): the built-in sort puts every NaN last, which the keys would not.
    if ((high & 0x7ff00000) === 0x7ff00000 && ((high & 0xfffff) !== 0 || words[2 * i]! !== 0))
      return values.sort();
    const hk = highKey(high);
    const lk = lowKey(high, words[2 * i]!);
    counts[lk & MASK]!++;
    counts[BUCKETS + ((lk >>> 11) & MASK)]!++;
    counts[2 * BUCKETS + (lk >>> 22)]!++;
    counts[3 * BUCKETS + (hk & MASK)]!++;
    counts[4 * BUCKETS + ((hk >>> 11) & MASK)]!++;
    counts[5 * BUCKETS + (hk >>> 22)]!++;
  }
  let source: Float64Array = values;
  let target: Float64Array = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n);
  for (let digit = 0; digit < DIGITS; digit++) {
    const base = digit * BUCKETS;
    // A digit every value shares moves nothing: skip its pass (common for the high bits of similar values).
    if (counts[base + digitOf(words, 0, digit)] === n) continue;
    let sum = 0;
    for (let b = base; b < base + BUCKETS; b++) {
      const count = counts[b]!;
      counts[b] = sum;
      sum += count;
    }
    const shift = SHIFTS[digit]!;
    if (digit < 3)
      for (let i = 0; i < n; i++) {
        const high = words[2 * i + 1]!;
        target[counts[base + ((lowKey(high, words[2 * i]!) >>> shift) & MASK)]!++] = source[i]!;
      }
    else
      for (let i = 0; i < n; i++)
        target[counts[base + ((highKey(words[2 * i + 1]!) >>> shift) & MASK)]!++] = source[i]!;
    const swap = source;
    source = target;
    target = swap;
    words = new Uint32Array(source.buffer, source.byteOffset, n * 2);
  }
  if (source !== values) values.set(source);
  return values;
}

function digitOf(words: Uint32Array, i: number, digit: number): number {
  const high = words[2 * i + 1]!;
  const key = digit < 3 ? lowKey(high, words[2 * i]!) : highKey(high);
  return (key >>> SHIFTS[digit]!) & MASK;
}
