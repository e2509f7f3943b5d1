/**
 * Population Stability Index, PSI = sum (q_i - p_i) ln(q_i / p_i), with the zero handling of each method:
 * a 1e-4 floor (distance method), Evidently's per-distribution fill, and Azure ML's add-one smoothing.
 */

/** PSI of two proportion vectors as given (no zero handling: a zero on one side gives Infinity). */
export function psiFromProportions(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    const qi = q[i]!;
    if (pi === qi) continue;
    sum += (qi - pi) * Math.log(qi / pi);
  }
  return sum;
}

function proportions(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]! / total;
  return out;
}

/** Distance method: proportions from counts, each clipped below at `epsilon` (1e-4), not renormalized. */
export function psiEpsilon(pCounts: ArrayLike<number>, qCounts: ArrayLike<number>, epsilon = 1e-4): number {
  const p = proportions(pCounts).map((x) => Math.max(x, epsilon));
  const q = proportions(qCounts).map((x) => Math.max(x, epsilon));
  return psiFromProportions(p, q);
}

/**
 * Evidently's feel_zeroes: in each distribution separately, zero proportions become min_nonzero / 1e6 when the
 * smallest non-zero proportion is <= 1e-4, otherwise 1e-4; no renormalization.
 */
export function evidentlyFillZeroes(proportionsIn: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(proportionsIn as ArrayLike<number>);
  let minNonZero = Infinity;
  for (const x of out) if (x !== 0 && x < minNonZero) minNonZero = x;
  const fill = minNonZero <= 1e-4 ? minNonZero / 1e6 : 1e-4;
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = fill;
  return out;
}

/** Evidently's PSI on counts: proportions over each side's total, zeros filled per distribution. */
export function psiEvidently(pCounts: ArrayLike<number>, qCounts: ArrayLike<number>): number {
  return psiFromProportions(
    evidentlyFillZeroes(proportions(pCounts)),
    evidentlyFillZeroes(proportions(qCounts)),
  );
}

/**
 * Azure ML's add-one PSI: (count + 1) / N per bin on each side. N is the side's row count (what Azure's
 * data_drift_compute_metrics divides by, so the shares sum to more than 1); `addBins` divides by N + bins
 * instead (textbook Laplace smoothing).
 */
export function psiLaplace(
  pCounts: ArrayLike<number>,
  qCounts: ArrayLike<number>,
  options: { readonly addBins?: boolean } = {},
): number {
  const bins = pCounts.length;
  let np = 0;
  let nq = 0;
  for (let i = 0; i < bins; i++) {
    np += pCounts[i]!;
    nq += qCounts[i]!;
  }
  const dp = options.addBins ? np + bins : np;
  const dq = options.addBins ? nq + bins : nq;
  const p = new Float64Array(bins);
  const q = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    p[i] = (pCounts[i]! + 1) / dp;
    q[i] = (qCounts[i]! + 1) / dq;
  }
  return psiFromProportions(p, q);
}
