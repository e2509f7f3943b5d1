/**
 * A seeded 32-bit generator (splitmix32): integer arithmetic only, so the same seed draws the same numbers on
 * every platform and Node version, and a reservoir sample is reproducible.
 */
export class SplitMix32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** The next number in [0, 2^32). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}

/** A column's own seed: the run's seed mixed with its name, so selecting other columns does not change it. */
export function columnSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return Math.imul(hash ^ (hash >>> 12), 0x297a2d39) ^ Math.floor(seed / 4294967296);
}

/** Every row: the cutoff when the dataset has no more rows than the sample keeps. */
export const KEEP_EVERY_ROW = 4294967296;

/**
 * Which rows the numeric sample keeps, by their hash (rowHash), so that whether a row is in it depends on the row
 * alone, never on the order rows are read in or the pieces a dataset is cut into: rows hashed below `core` are
 * kept; rows hashed in [core, cutoff) are kept with their hashes, and as many of them as the sample has room for
 * are taken, smallest hash first (see finalSample). Set from the dataset's row count, known before profiling:
 * maxSampleRows minus and plus five standard deviations of rows expected below each (one dataset in millions
 * draws more or fewer); every row while they fit.
 */
export interface SampleRule {
  readonly core: number;
  readonly cutoff: number;
}

export const KEEP_EVERY_ROW_RULE: SampleRule = { core: KEEP_EVERY_ROW, cutoff: KEEP_EVERY_ROW };

export function sampleRule(totalRows: number, maxSampleRows: number): SampleRule {
  if (totalRows <= maxSampleRows) return KEEP_EVERY_ROW_RULE;
  const spread = 5 * Math.sqrt(maxSampleRows);
  const share = (rows: number) => Math.min(KEEP_EVERY_ROW, Math.floor((rows / totalRows) * KEEP_EVERY_ROW));
  return { core: share(Math.max(0, maxSampleRows - spread)), cutoff: share(maxSampleRows + spread) };
}

/** A file's share of a row's identity: its key (its path within the dataset) hashed (FNV-1a, then mixed). */
export function fileKeyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
  return (hash ^ (hash >>> 15)) | 0;
}

/**
 * The hash of a row (its ordinal in its file) for a column: `base` mixes the column's seed and the file's key.
 * A bijection of the low 32 bits of the ordinal for a given base (murmur3's finalizer), so rows spread evenly.
 */
export function rowHash(base: number, row: number): number {
  let z = (Math.imul(row >>> 0, 0x9e3779b1) + base) ^ Math.imul((row / 4294967296) | 0, 0x27d4eb2d);
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
