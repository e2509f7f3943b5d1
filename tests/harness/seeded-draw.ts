import { SplitMix32 } from '../../shared/src/drift/profile/random';

/** Seeded draws for test and benchmark data: the same seed writes the same data on every machine. */
export class SeededDraw {
  private readonly random: SplitMix32;
  private spare: number | undefined;

  constructor(seed: number) {
    this.random = new SplitMix32(seed);
  }

  /** Uniform in (0, 1), never 0 (safe under log). */
  uniform(): number {
    return (this.random.next() + 0.5) / 4294967296;
  }

  /** Normal by Box-Muller; the second value of each pair is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return mean + sd * value;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(angle);
    return mean + sd * r * Math.cos(angle);
  }

  /** One of `values`, with probabilities proportional to `weights`. */
  pick<T>(values: readonly T[], weights: readonly number[]): T {
    let u = this.uniform() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < values.length; i++) {
      u -= weights[i]!;
      if (u <= 0) return values[i]!;
    }
    return values[values.length - 1]!;
  }
}
