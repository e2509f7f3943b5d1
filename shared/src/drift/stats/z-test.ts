/** Two-proportion z test as Evidently's z_stattest computes it (pooled proportion, two-sided). */
import { normalSf } from './special';

export interface ZTestResult {
  readonly z: number;
  readonly pvalue: number;
}

/**
 * z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)) with the pooled P, p = 2 (1 - Phi(|z|)). Evidently computes
 * 1 - cdf; this uses the normal survival function, equal to within 1e-16 absolute and exact in the far tail.
 * When both samples hold one and the same value (P is 0 or 1), p = 1.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { z: 0, pvalue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { z, pvalue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
