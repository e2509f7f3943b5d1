/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, with scipy.stats.ks_2samp's semantics: the statistic over all
 * pooled points (ties advance both empirical CDFs together), the exact p-value (Hodges' lattice paths with
 * Viehmann's recursion) when max(n, m) <= 10000 in 'auto' mode, otherwise kstwo.sf(D, round(n m / (n + m))).
 */
import { kstwoSf } from './kolmogorov';

export type KsMode = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  readonly statistic: number;
  readonly pvalue: number;
  /** The p-value computation used (exact falls back to asymp when it cannot be computed, as scipy does). */
  readonly method: 'exact' | 'asymp';
}

/** scipy's MAX_AUTO_N: 'auto' is exact when both samples have at most this many values. */
export const KS_MAX_AUTO_N = 10000;

/** D = max |F_a(x) - F_b(x)| over the pooled values of two ascending samples. */
export function ksStatistic(aSorted: Float64Array, bSorted: Float64Array): number {
  const n = aSorted.length;
  const m = bSorted.length;
  let i = 0;
  let j = 0;
  let maxPos = 0;
  let maxNeg = 0;
  while (i < n && j < m) {
    const x = Math.min(aSorted[i]!, bSorted[j]!);
    while (i < n && aSorted[i]! <= x) i++;
    while (j < m && bSorted[j]! <= x) j++;
    const diff = i / n - j / m;
    if (diff > maxPos) maxPos = diff;
    if (-diff > maxNeg) maxNeg = -diff;
  }
  // Past the end of one sample the difference only shrinks towards 0.
  return Math.max(maxPos, maxNeg);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy.round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** P(D_{n,n} >= h/n): alternating binomial sum in a Horner-like scheme (scipy _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** 1 - (share of lattice paths staying strictly inside |x/m - y/n| < h/lcm) (scipy _compute_outer_prob_inside_method). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/** scipy _attempt_exact_2kssamp, two-sided: the snapped statistic and the exact p-value, or undefined. */
function exactPvalue(n1: number, n2: number, d: number): { d: number; p: number | undefined } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  return { d: snapped, p: Number.isFinite(p) && p >= 0 && p <= 1 ? p : undefined };
}

/** Two-sided two-sample KS test on two ascending samples (scipy.stats.ks_2samp). */
export function ks2samp(aSorted: Float64Array, bSorted: Float64Array, mode: KsMode = 'auto'): KsResult {
  const n1 = aSorted.length;
  const n2 = bSorted.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp needs two non-empty samples');
  let d = ksStatistic(aSorted, bSorted);
  let method: 'exact' | 'asymp' = mode === 'asymp' ? 'asymp' : 'exact';
  if (mode === 'auto') method = Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp';
  else if (mode === 'exact') {
    const g = gcd(n1, n2);
    if (n1 / g >= 2147483647 / (n2 / g)) method = 'asymp';
  }
  if (method === 'exact') {
    const exact = exactPvalue(n1, n2, d);
    d = exact.d;
    if (exact.p !== undefined) return { statistic: d, pvalue: exact.p, method };
    method = 'asymp';
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pvalue: Math.min(Math.max(kstwoSf(d, roundHalfEven(en)), 0), 1), method };
}
