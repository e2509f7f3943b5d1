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
