/**
 * Exact sums of doubles, whatever the order they come in or the pieces they are cut into: a superaccumulator
 * of 32-bit chunks (each held in a double, exact while fewer than 2^21 values were added since the last carry),
 * read out as a BigInt in units of 2^-1074 (the smallest double), so sums merge by BigInt addition and mean and
 * variance are rounded once from the exact figures.
 */

/** Chunk c holds multiples of 2^(32c - 1074); a finite double spans at most three chunks from chunk 63 down. */
export const SUM_CHUNKS = 68;
/**
 * Values added between carries: each addition adds less than 2^32 to a chunk and a double is exact below 2^53,
 * so a chunk takes 2^21 - 1 of them; a square is added as two doubles.
 */
export const ADDS_BETWEEN_CARRIES = 1 << 19;

const TWO32 = 4294967296;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = littleEndian ? 0 : 1;
const HI = littleEndian ? 1 : 0;

/** Adds a double (finite; an infinity or NaN adds garbage the caller must disregard) to the chunks exactly. */
export function addExact(chunks: Float64Array, x: number): void {
  bits[0] = x;
  const lo = words[LO]!;
  const hi = words[HI]!;
  let exponent = (hi >>> 20) & 0x7ff;
  let high = hi & 0xfffff;
  if (exponent === 0) exponent = 1;
  else high |= 0x100000;
  // x = (high * 2^32 + lo) * 2^(position - 1074)
  const position = exponent - 1;
  const chunk = position >>> 5;
  const shift = position & 31;
  let c0 = lo;
  let c1 = high;
  let c2 = 0;
  if (shift !== 0) {
    c0 = (lo << shift) >>> 0;
    c1 = ((lo >>> (32 - shift)) | (high << shift)) >>> 0;
    c2 = high >>> (32 - shift);
  }
  if (hi >>> 31 === 0) {
    chunks[chunk]! += c0;
    chunks[chunk + 1]! += c1;
    chunks[chunk + 2]! += c2;
  } else {
    chunks[chunk]! -= c0;
    chunks[chunk + 1]! -= c1;
    chunks[chunk + 2]! -= c2;
  }
}

/** Carries every chunk but the top into [0, 2^32): the sum is unchanged, and each chunk takes 2^20 more adds. */
export function carry(chunks: Float64Array): void {
  for (let c = 0; c < SUM_CHUNKS - 1; c++) {
    const value = chunks[c]!;
    if (value >= 0 && value < TWO32) continue;
    const over = Math.floor(value / TWO32);
    chunks[c] = value - over * TWO32;
    chunks[c + 1]! += over;
  }
}

/** The exact sum, in units of 2^-1074. */
export function exactValue(chunks: Float64Array): bigint {
  carry(chunks);
  let total = 0n;
  for (let c = SUM_CHUNKS - 1; c >= 0; c--) total = (total << 32n) + BigInt(chunks[c]!);
  return total;
}

/** x * x as an unevaluated sum hi + lo (Dekker's product: exact unless it overflows or underflows). */
const SPLITTER = 134217729; // 2^27 + 1
export function addSquareExact(chunks: Float64Array, x: number): void {
  const t = SPLITTER * x;
  const xh = t - (t - x);
  const xl = x - xh;
  const p = x * x;
  addExact(chunks, p);
  addExact(chunks, xh * xh - p + 2 * xh * xl + xl * xl);
}

/** The largest batch addBatchExact takes: its level sums stay exact below 2^53 units for this many values. */
export const BATCH_LIMIT = 1 << 13;
/** Batches whose largest magnitude is out of [2^-900, 2^1000) go value by value (sigma must stay a normal double). */
const BATCH_MIN_EXPONENT = -900;
const BATCH_MAX_EXPONENT = 1000;

/**
 * Adds values[0, n) (finite, n <= BATCH_LIMIT) to the chunks exactly, as addExact value by value would, in a
 * few double additions per value: Rump's error-free extraction. With every |x| <= 2^E and sigma = 2^(E + L + 1)
 * for n < 2^L, q = (sigma + x) - sigma is x rounded to a multiple of 2^(E + L - 52) and r = x - q is exact
 * (|r| <= 2^(E + L - 52)); the n q's sum exactly in a double (a multiple of that unit below 2^53 of them). The
 * residuals go through a second level the same way, and what remains after it (values 2^28 and more below the
 * batch's largest) through addExact. Each level's sum, exact, is added with addExact. `scratch` holds n doubles.
 */
export function addBatchExact(
  chunks: Float64Array,
  values: Float64Array,
  n: number,
  scratch: Float64Array,
): void {
  let largest = 0;
  // NaN or infinite once any value is not finite (their garbage must be added as addExact adds it).
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const magnitude = Math.abs(values[i]!);
    finite += magnitude;
    if (magnitude > largest) largest = magnitude;
  }
  if (largest === 0 && finite === 0) return;
  bits[0] = largest;
  const exponent = ((words[HI]! >>> 20) & 0x7ff) - 1022; // largest < 2^exponent
  if (!(finite < Infinity && exponent > BATCH_MIN_EXPONENT && exponent < BATCH_MAX_EXPONENT)) {
    for (let i = 0; i < n; i++) addExact(chunks, values[i]!);
    return;
  }
  const spread = 32 - Math.clz32(n); // n < 2^spread
  const sigma = 2 ** (exponent + spread + 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const q = sigma + x - sigma;
    sum += q;
    scratch[i] = x - q;
  }
  addExact(chunks, sum);
  // Residuals are at most 2^(exponent + spread - 52) in magnitude.
  const sigma2 = 2 ** (exponent + 2 * spread - 51);
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const x = scratch[i]!;
    const q = sigma2 + x - sigma2;
    sum2 += q;
    const rest = x - q;
    if (rest !== 0) addExact(chunks, rest);
  }
  addExact(chunks, sum2);
}

/** The squares of values[0, n) as unevaluated sums high[i] + low[i] (Dekker's product, see addSquareExact). */
export function splitSquares(values: Float64Array, n: number, high: Float64Array, low: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const t = SPLITTER * x;
    const xh = t - (t - x);
    const xl = x - xh;
    const p = x * x;
    high[i] = p;
    low[i] = xh * xh - p + 2 * xh * xl + xl * xl;
  }
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** value * 2^exponent for an integer-valued double, in at most two exact steps (2^exponent may not be a double). */
function scale(value: number, exponent: number): number {
  if (exponent > 1000) return value * 2 ** 1000 * 2 ** (exponent - 1000);
  if (exponent < -1000) return value * 2 ** -1000 * 2 ** (exponent + 1000);
  return value * 2 ** exponent;
}

/**
 * numerator / denominator * 2^exponent rounded once to the nearest double (ties to even), for a positive
 * denominator. Results in the subnormal range round twice (not reached by the sums here in practice).
 */
export function roundRatio(numerator: bigint, denominator: bigint, exponent: number): number {
  if (numerator === 0n) return 0;
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  // A quotient of 55 or 56 bits: 53 kept, one to round on, and the remainder as the sticky bit.
  const shift = 55 - (bitLength(magnitude) - bitLength(denominator));
  const scaled = shift >= 0 ? magnitude << BigInt(shift) : magnitude;
  const divisor = shift >= 0 ? denominator : denominator << BigInt(-shift);
  let quotient = scaled / divisor;
  const sticky = scaled % divisor !== 0n;
  const drop = bitLength(quotient) - 53;
  const dropped = quotient & ((1n << BigInt(drop)) - 1n);
  quotient >>= BigInt(drop);
  const half = 1n << BigInt(drop - 1);
  if (dropped > half || (dropped === half && (sticky || (quotient & 1n) === 1n))) quotient += 1n;
  const result = scale(Number(quotient), exponent - shift + drop);
  return negative ? -result : result;
}

/** The mean of `count` values whose exact sum is `sum` (units of 2^-1074), rounded once. */
export function exactMean(sum: bigint, count: number): number {
  return roundRatio(sum, BigInt(count), -1074);
}

/**
 * The sum of squared deviations from the mean (M2 = S2 - S1^2 / n), rounded once from the exact sums S1 = sum
 * and S2 = squares (both in units of 2^-1074): (n S2 2^1074 - S1^2) / (n 2^2148).
 */
export function exactM2(sum: bigint, squares: bigint, count: number): number {
  const n = BigInt(count);
  const numerator = ((n * squares) << 1074n) - sum * sum;
  return numerator <= 0n ? 0 : roundRatio(numerator, n, -2148);
}
