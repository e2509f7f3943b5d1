/** First Wasserstein distance between two empirical distributions (scipy.stats.wasserstein_distance, unweighted). */

/** W1 = integral of |F_a(x) - F_b(x)| dx over the merged ascending samples, in one pass, without allocating. */
export function wasserstein1(aSorted: Float64Array, bSorted: Float64Array): number {
  const n = aSorted.length;
  const m = bSorted.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let previous = Math.min(aSorted[0]!, bSorted[0]!);
  let total = 0;
  while (i < n || j < m) {
    // Next merged value; the CDFs at `previous` (searchsorted side='right') are i/n and j/m.
    const next = j >= m || (i < n && aSorted[i]! <= bSorted[j]!) ? aSorted[i]! : bSorted[j]!;
    total += Math.abs(i / n - j / m) * (next - previous);
    previous = next;
    if (j >= m || (i < n && aSorted[i]! <= bSorted[j]!)) i++;
    else j++;
  }
  return total;
}

/** Weighted W1 (scipy's u_weights / v_weights), for the reference vectors; values need not be sorted. */
export function wasserstein1Weighted(
  u: readonly number[],
  v: readonly number[],
  uWeights?: readonly number[],
  vWeights?: readonly number[],
): number {
  const all = [...u, ...v].sort((x, y) => x - y);
  const cdf = (values: readonly number[], weights: readonly number[] | undefined): number[] => {
    const order = values.map((x, k) => [x, weights?.[k] ?? 1] as const).sort((p, q) => p[0] - q[0]);
    const total = order.reduce((s, p) => s + p[1], 0);
    const out: number[] = [];
    let k = 0;
    let cum = 0;
    for (let t = 0; t < all.length - 1; t++) {
      while (k < order.length && order[k]![0] <= all[t]!) cum += order[k++]![1];
      out.push(cum / total);
    }
    return out;
  };
  const U = cdf(u, uWeights);
  const V = cdf(v, vWeights);
  let sum = 0;
  for (let t = 0; t < all.length - 1; t++) sum += Math.abs(U[t]! - V[t]!) * (all[t + 1]! - all[t]!);
  return sum;
}
