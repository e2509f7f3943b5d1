/**
 * The champion/challenger gate, as pure functions: which model is the baseline, and whether the candidate beats it.
 *
 * The rule (docs/decisions/0011-register-model.md): the improvement is `candidate - baseline` when higher is
 * better and `baseline - candidate` when lower is better; the gate passes when the improvement is at least
 * `minImprovement` (so with the default 0 a tie passes: the candidate is no worse) and the candidate reaches
 * `minValue` (a floor, or a ceiling when lower is better). Both bounds are inclusive, with a tolerance of one part
 * in a billion so that 0.85 - 0.84 counts as the 0.01 it is meant to be.
 */

/** Which model the candidate is compared with. */
export type BaselineSpec =
  | { readonly kind: 'production'; readonly endpoint: string }
  | { readonly kind: 'latest' }
  | { readonly kind: 'tag'; readonly key: string; readonly value?: string };

export interface GateSettings {
  readonly metric: string;
  readonly higherIsBetter: boolean;
  /** Absolute; negative values tolerate a regression of that size. */
  readonly minImprovement: number;
  readonly minValue?: number;
  readonly baseline: BaselineSpec;
  readonly onFail: 'fail' | 'skip';
}

/** A metric value and where it was read. */
export interface MetricReading {
  readonly value: number;
  /** e.g. `MLflow run of job 'train-42'`, `tag metric.f1 of azureml:rain:3`. */
  readonly source: string;
}

/** The baseline the gate found, or why there is none. */
export type BaselineReading =
  | (MetricReading & {
      readonly modelId: string;
      /** How it was chosen, e.g. `production: deployment 'blue' (90 % of traffic) on endpoint 'rain-prod'`. */
      readonly chosen: string;
    })
  | { readonly none: string };

/** The verdict, as the `gateResult` output and the evidence carry it. */
export interface GateResult {
  readonly metric: string;
  readonly higherIsBetter: boolean;
  readonly candidate: MetricReading;
  readonly baseline: { readonly modelId: string; readonly value: number; readonly source: string } | null;
  /** `candidate - baseline` (raw difference, whatever the direction); null without a baseline. */
  readonly delta: number | null;
  readonly minImprovement: number;
  readonly minValue: number | null;
  readonly verdict: 'pass' | 'fail';
  /** The verdict in words. */
  readonly reason: string;
}

const TOLERANCE = 1e-9;

/** `a >= b`, allowing for floating-point noise relative to the magnitudes involved. */
function atLeast(a: number, b: number, ...scale: number[]): boolean {
  const magnitude = Math.max(1, ...scale.map(Math.abs));
  return a >= b - TOLERANCE * magnitude;
}

/** A metric value for messages: four significant digits, no trailing zeros. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Decides the gate. Pure: everything it needs has been read already. */
export function evaluateGate(
  settings: Pick<GateSettings, 'metric' | 'higherIsBetter' | 'minImprovement' | 'minValue'>,
  candidate: MetricReading,
  baseline: BaselineReading,
): GateResult {
  const { metric, higherIsBetter, minImprovement } = settings;
  const minValue = settings.minValue ?? null;
  const f = formatMetric;
  const failures: string[] = [];
  const notes: string[] = [];

  if (minValue !== null) {
    const reached = higherIsBetter
      ? atLeast(candidate.value, minValue, minValue)
      : atLeast(minValue, candidate.value, minValue);
    const bound = higherIsBetter ? 'floor' : 'ceiling';
    if (reached) notes.push(`reaches the ${bound} minValue ${f(minValue)}`);
    else
      failures.push(
        `${metric} ${f(candidate.value)} is ${higherIsBetter ? 'below' : 'above'} the ${bound} minValue ${f(minValue)}`,
      );
  }

  if ('none' in baseline) {
    const verdict = failures.length === 0 ? 'pass' : 'fail';
    const reason =
      verdict === 'pass'
        ? `No baseline to compare with: ${baseline.none}. The candidate (${metric} ${f(candidate.value)}) passes` +
          (notes.length ? ` and ${notes.join(', ')}.` : ': there is nothing to beat.')
        : `${failures.join('; ')} (no baseline to compare with: ${baseline.none}).`;
    return {
      metric,
      higherIsBetter,
      candidate,
      baseline: null,
      delta: null,
      minImprovement,
      minValue,
      verdict,
      reason,
    };
  }

  const delta = candidate.value - baseline.value;
  const improvement = higherIsBetter ? delta : -delta;
  const comparison = describeComparison(metric, candidate.value, baseline.value, higherIsBetter);
  const against = `${baseline.modelId} (${baseline.chosen})`;
  const improved = atLeast(improvement, minImprovement, candidate.value, baseline.value);
  const tie =
    atLeast(improvement, 0, candidate.value, baseline.value) &&
    atLeast(0, improvement, candidate.value, baseline.value);
  if (!improved) {
    failures.unshift(
      `${comparison} of ${against}` +
        (minImprovement > 0 && improvement > 0
          ? `, less than the required improvement of ${f(minImprovement)}`
          : minImprovement > 0
            ? `; an improvement of at least ${f(minImprovement)} is required`
            : minImprovement < 0
              ? `, more than the tolerated regression of ${f(-minImprovement)}`
              : ''),
    );
  }
  const verdict = failures.length === 0 ? 'pass' : 'fail';
  let reason: string;
  if (verdict === 'fail') {
    reason = `${failures.join('; ')}.`;
  } else {
    const requirement =
      tie && minImprovement === 0
        ? 'a tie passes when minImprovement is 0 (the candidate is no worse)'
        : minImprovement > 0
          ? `at least ${f(minImprovement)} better was required`
          : minImprovement < 0
            ? `a regression of up to ${f(-minImprovement)} is tolerated`
            : 'no minimum improvement was required';
    reason = `${comparison} of ${against}: ${requirement}${notes.length ? `; it ${notes.join(', ')}` : ''}.`;
  }
  return {
    metric,
    higherIsBetter,
    candidate,
    baseline: { modelId: baseline.modelId, value: baseline.value, source: baseline.source },
    delta,
    minImprovement,
    minValue,
    verdict,
    reason,
  };
}

/** `f1 0.85 is 0.01 better than 0.84`, `rmse 0.3 is 0.02 lower (better) than 0.32`, `f1 0.84 equals 0.84`. */
function describeComparison(
  metric: string,
  candidate: number,
  baseline: number,
  higherIsBetter: boolean,
): string {
  const f = formatMetric;
  const delta = candidate - baseline;
  if (atLeast(delta, 0, candidate, baseline) && atLeast(0, delta, candidate, baseline))
    return `${metric} ${f(candidate)} equals ${f(baseline)}`;
  const higher = delta > 0;
  const better = higher === higherIsBetter;
  const direction = higher ? 'higher' : 'lower';
  return `${metric} ${f(candidate)} is ${f(Math.abs(delta))} ${direction} (${better ? 'better' : 'worse'}) than ${f(baseline)}`;
}

/**
 * The deployments that carry the most traffic of an endpoint (several when tied), or none when no deployment
 * gets any. The model behind them is the one in production.
 */
export function liveDeployments(traffic: Readonly<Record<string, number>>): {
  readonly names: string[];
  readonly percent: number;
} {
  const entries = Object.entries(traffic).filter(([, percent]) => Number.isFinite(percent) && percent > 0);
  const percent = Math.max(0, ...entries.map(([, p]) => p));
  return {
    names: entries
      .filter(([, p]) => p === percent)
      .map(([name]) => name)
      .sort(),
    percent,
  };
}

/** Of several baselines (tied deployments), the strongest: the candidate must beat every live model. */
export function strongest<T extends { readonly value: number }>(
  readings: readonly T[],
  higherIsBetter: boolean,
): T {
  return readings.reduce((best, next) =>
    higherIsBetter ? (next.value > best.value ? next : best) : next.value < best.value ? next : best,
  );
}

/** `production`, `latest` or `tag:<key>[=<value>]`; undefined when the text is none of them. */
export function parseBaseline(
  text: string,
  endpoint: string | undefined,
):
  | { kind: 'production'; endpoint?: string }
  | { kind: 'latest' }
  | { kind: 'tag'; key: string; value?: string }
  | undefined {
  const trimmed = text.trim();
  if (trimmed === 'production') return { kind: 'production', ...(endpoint ? { endpoint } : {}) };
  if (trimmed === 'latest') return { kind: 'latest' };
  const tag = /^tag:([^=,]+?)\s*(?:=\s*([^,]*))?$/.exec(trimmed);
  if (!tag?.[1]?.trim()) return undefined;
  const value = tag[2]?.trim();
  return { kind: 'tag', key: tag[1].trim(), ...(value !== undefined && value !== '' ? { value } : {}) };
}
