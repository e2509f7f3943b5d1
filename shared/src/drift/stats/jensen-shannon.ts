/** Jensen-Shannon distance (scipy.spatial.distance.jensenshannon): the square root of the JS divergence. */

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * JS distance between two count or probability vectors of equal length, each normalized to sum 1 first;
 * `base` undefined means natural log (maximum sqrt(ln 2)), base 2 gives a distance in [0, 1].
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  if (p.length !== q.length) throw new RangeError('jensenShannonDistance needs vectors of equal length');
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const mi = (pi + qi) / 2;
    left += relEntr(pi, mi);
    right += relEntr(qi, mi);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  // Rounding can leave a tiny negative divergence for identical inputs.
  return Math.sqrt(Math.max(js, 0) / 2);
}
