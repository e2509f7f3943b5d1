/**
 * Every metric of the candidate against the baseline, not only the gate's: a gate that passes on its metric can
 * hide another that got worse (+0.003 F1 while recall fell 0.015). Pure: the gate step reads `regressions`.
 */
import { formatMetric } from './gate';

/** One metric both models have, candidate against baseline. */
export interface MetricComparison {
  readonly name: string;
  readonly candidate: number;
  readonly baseline: number;
  /** `candidate - baseline`, whatever the direction. */
  readonly delta: number;
  readonly higherIsBetter: boolean;
  /** `gate`: the gate's setting; `name`: read from the metric's name (loss, error, rmse... are lower-better). */
  readonly direction: 'gate' | 'name';
  /** Worse than the baseline (beyond floating-point noise). */
  readonly regressed: boolean;
}

/** Names of metrics where lower is better: losses, errors and their usual abbreviations. */
const LOWER_IS_BETTER =
  /(loss|error|(^|[_\W])(rmse|mse|mae|mape|smape|rmsle|msle|wer|cer|perplexity|brier|deviance|latency|fpr|fnr|fdr)($|[_\W]))/i;

export function higherIsBetterByName(name: string): boolean {
  return !LOWER_IS_BETTER.test(name);
}

/** The metrics both models have, the gate's first, then by name. */
export function compareMetrics(
  candidate: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number>>,
  gate: { readonly metric: string; readonly higherIsBetter: boolean },
): MetricComparison[] {
  const names = Object.keys(candidate)
    .filter((name) => name in baseline)
    .sort((a, b) => (a === gate.metric ? -1 : b === gate.metric ? 1 : a.localeCompare(b)));
  return names.map((name) => {
    const c = candidate[name]!;
    const b = baseline[name]!;
    const isGate = name === gate.metric;
    const higherIsBetter = isGate ? gate.higherIsBetter : higherIsBetterByName(name);
    const delta = c - b;
    const noise = 1e-9 * Math.max(1, Math.abs(c), Math.abs(b));
    const regressed = higherIsBetter ? delta < -noise : delta > noise;
    return {
      name,
      candidate: c,
      baseline: b,
      delta,
      higherIsBetter,
      direction: isGate ? 'gate' : 'name',
      regressed,
    };
  });
}

/** `recall 0.8 → 0.785 (−0.015, higher is better)`. */
export function describeRegression(m: MetricComparison): string {
  const sign = m.delta > 0 ? '+' : '−';
  return `${m.name} ${formatMetric(m.baseline)} → ${formatMetric(m.candidate)} (${sign}${formatMetric(Math.abs(m.delta))}, ${m.higherIsBetter ? 'higher' : 'lower'} is better)`;
}
