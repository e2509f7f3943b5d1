/**
 * The numeric sample's last step: the rows under the rule's core and as many of its band as there is room for,
 * smallest hash first (see SampleRule). Should the core alone hold more than maxSampleRows values (one dataset in
 * millions, or an accumulator told no row count), it is cut to
 * exactly maxSampleRows, by a rule that looks at the kept values as a multiset only, so the cut sample does not
 * depend on the order rows came in or on how the dataset was split. Sorted, the j-th copy of a value v gets the
 * key hash(v, j, seed); the values with the smallest keys stay. Copies of one value are alike, so which copy
 * goes does not matter, and the j in the key spreads a frequent value's losses like a random draw would.
 */

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function valueKey(value: number, copy: number, seed: number): number {
  bits[0] = value;
  let z = Math.imul(words[0]! ^ seed, 0x9e3779b1) ^ Math.imul(words[1]! + copy, 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  z = Math.imul(z ^ copy ^ (z >>> 16), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** `values` itself when it holds at most `limit` of them; otherwise `limit` of them, sorted, cut as above. */
export function cutSample(values: Float64Array, limit: number, seed: number): Float64Array {
  const n = values.length;
  if (n <= limit) return values;
  values.sort();
  const keys = new Uint32Array(n);
  let copy = 0;
  for (let i = 0; i < n; i++) {
    copy = i > 0 && values[i] === values[i - 1] ? copy + 1 : 0;
    keys[i] = valueKey(values[i]!, copy, seed);
  }
  // The limit-th smallest key: its 16-bit bucket by counting, then the bucket's few keys sorted.
  const buckets = new Uint32Array(65536);
  for (let i = 0; i < n; i++) buckets[keys[i]! >>> 16]!++;
  let bucket = 0;
  let before = 0;
  while (before + buckets[bucket]! < limit) before += buckets[bucket++]!;
  const inBucket = new Uint32Array(buckets[bucket]!);
  let found = 0;
  for (let i = 0; i < n; i++) if (keys[i]! >>> 16 === bucket) inBucket[found++] = keys[i]!;
  inBucket.sort();
  const cut = inBucket[limit - before - 1]!;
  let lower = 0;
  for (let i = 0; i < found; i++) if (inBucket[i]! < cut) lower++;
  // Keys equal to the cut (rare) are taken lowest value first: still a function of the multiset.
  let equalWanted = limit - before - lower;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    if (key < cut || (key === cut && equalWanted-- > 0)) values[out++] = values[i]!;
  }
  return values.slice(0, limit);
}

/**
 * The sample of a whole dataset from what its pass kept: `core` (rows hashed under the rule's core) and the band
 * (values with their row hashes). Writes into core's buffer when it has room (core is core[0, coreCount)).
 */
export function finalSample(
  core: Float64Array,
  coreCount: number,
  bandValues: Float64Array,
  bandHashes: Uint32Array,
  bandCount: number,
  limit: number,
  seed: number,
): Float64Array {
  if (coreCount > limit) return cutSample(core.subarray(0, coreCount), limit, seed);
  const room = Math.min(limit - coreCount, bandCount);
  const length = coreCount + room;
  const out = core.length >= length ? core : copyInto(new Float64Array(length), core, coreCount);
  if (room === bandCount) out.set(bandValues.subarray(0, bandCount), coreCount);
  else if (room > 0) {
    // The room smallest (hash, value) pairs, kept in the order they came.
    const order = Array.from({ length: bandCount }, (_, i) => i);
    order.sort((a, b) => bandHashes[a]! - bandHashes[b]! || bandValues[a]! - bandValues[b]!);
    const chosen = new Uint8Array(bandCount);
    for (let i = 0; i < room; i++) chosen[order[i]!] = 1;
    let at = coreCount;
    for (let i = 0; i < bandCount; i++) if (chosen[i]) out[at++] = bandValues[i]!;
  }
  return length * 2 >= out.length ? out.subarray(0, length) : out.slice(0, length);
}

function copyInto(target: Float64Array, source: Float64Array, count: number): Float64Array {
  target.set(source.subarray(0, count));
  return target;
}
