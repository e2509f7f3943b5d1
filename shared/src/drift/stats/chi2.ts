/** Chi-squared tests: homogeneity of a contingency table (scipy chi2_contingency) and goodness of fit (chisquare). */
import { chi2Sf } from './special';

export interface Chi2Result {
  readonly statistic: number;
  readonly pvalue: number;
  readonly dof: number;
}

/**
 * scipy.stats.chi2_contingency(table, correction): expected counts from the margins, dof = (r - 1)(c - 1),
 * Yates' correction only at dof 1, dof 0 gives (0, 1). Throws like scipy when an expected count is zero (an
 * all-zero row or column): drop those first.
 */
export function chi2Contingency(table: readonly (readonly number[])[], correction = true): Chi2Result {
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new RangeError('chi2Contingency needs a non-empty table');
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = table[r]!;
    if (row.length !== cols) throw new RangeError('chi2Contingency needs a rectangular table');
    for (let c = 0; c < cols; c++) {
      const x = row[c]!;
      if (x < 0) throw new RangeError('chi2Contingency needs non-negative counts');
      rowSums[r]! += x;
      colSums[c]! += x;
      total += x;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (rowSums[r]! === 0 || colSums[c]! === 0) {
        throw new RangeError(`chi2Contingency: expected frequency zero at (${r}, ${c})`);
      }
    }
  }
  const dof = (rows - 1) * (cols - 1);
  if (dof === 0) return { statistic: 0, pvalue: 1, dof: 0 };
  let statistic = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const expected = (rowSums[r]! * colSums[c]!) / total;
      let observed = table[r]![c]!;
      if (dof === 1 && correction) {
        const diff = expected - observed;
        observed += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      const d = observed - expected;
      statistic += (d * d) / expected;
    }
  }
  return { statistic, pvalue: chi2Sf(statistic, dof), dof };
}

/**
 * scipy.stats.chisquare(observed, expected): sum (o - e)^2 / e with k - 1 degrees of freedom. An expected zero
 * with a positive observation gives Infinity and p = 0 (a category new to the baseline); one category gives dof
 * 0 and p = NaN, as scipy does.
 */
export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, expected: ArrayLike<number>): Chi2Result {
  if (observed.length !== expected.length) throw new RangeError('chiSquareGoodnessOfFit needs equal lengths');
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!;
    const e = expected[i]!;
    const d = o - e;
    statistic += (d * d) / e;
  }
  const dof = observed.length - 1;
  return { statistic, pvalue: chi2Sf(statistic, dof), dof };
}
