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

/** What the gate asks of the candidate. */
type GateRule = Pick<GateSettings, 'metric' | 'higherIsBetter' | 'minImprovement' | 'minValue'>;

/** What the gate found so far: why it fails, and what the candidate reached, for the reason in words. */
interface Findings {
  readonly failures: readonly string[];
  readonly notes: readonly string[];
}

/** Decides the gate. Pure: everything it needs has been read already. */
export function evaluateGate(
  settings: GateRule,
  candidate: MetricReading,
  baseline: BaselineReading,
): GateResult {
  const findings = checkMinValue(settings, candidate);
  return 'none' in baseline
    ? gateWithoutBaseline(settings, candidate, baseline.none, findings)
    : gateAgainstBaseline(settings, candidate, baseline, findings);
}

/** Whether the candidate reaches `minValue` (a floor, or a ceiling when lower is better), when there is one. */
function checkMinValue({ metric, higherIsBetter, minValue }: GateRule, candidate: MetricReading): Findings {
  if (minValue === undefined) return { failures: [], notes: [] };
  const f = formatMetric;
  const reached = higherIsBetter
    ? atLeast(candidate.value, minValue, minValue)
    : atLeast(minValue, candidate.value, minValue);
  const bound = higherIsBetter ? 'floor' : 'ceiling';
  if (reached) return { failures: [], notes: [`reaches the ${bound} minValue ${f(minValue)}`] };
  return {
    failures: [
      `${metric} ${f(candidate.value)} is ${higherIsBetter ? 'below' : 'above'} the ${bound} minValue ${f(minValue)}`,
    ],
    notes: [],
  };
}

/** No baseline: only `minValue` can fail the candidate. */
function gateWithoutBaseline(
  settings: GateRule,
  candidate: MetricReading,
  none: string,
  { failures, notes }: Findings,
): GateResult {
  const f = formatMetric;
  const verdict = failures.length === 0 ? 'pass' : 'fail';
  const reason =
    verdict === 'pass'
      ? `No baseline to compare with: ${none}. The candidate (${settings.metric} ${f(candidate.value)}) passes` +
        (notes.length ? ` and ${notes.join(', ')}.` : ': there is nothing to beat.')
      : `${failures.join('; ')} (no baseline to compare with: ${none}).`;
  return gateResult(settings, candidate, null, null, verdict, reason);
}

/** The candidate must improve on the baseline by `minImprovement` (and reach `minValue`). */
function gateAgainstBaseline(
  settings: GateRule,
  candidate: MetricReading,
  baseline: Exclude<BaselineReading, { readonly none: string }>,
  findings: Findings,
): GateResult {
  const { metric, higherIsBetter, minImprovement } = settings;
  const delta = candidate.value - baseline.value;
  const improvement = higherIsBetter ? delta : -delta;
  const comparison = describeComparison(metric, candidate.value, baseline.value, higherIsBetter);
  const against = `${baseline.modelId} (${baseline.chosen})`;
  const improved = atLeast(improvement, minImprovement, candidate.value, baseline.value);
  const tie =
    atLeast(improvement, 0, candidate.value, baseline.value) &&
    atLeast(0, improvement, candidate.value, baseline.value);
  const failures = improved
    ? findings.failures
    : [`${comparison} of ${against}${shortfall(improvement, minImprovement)}`, ...findings.failures];
  const verdict = failures.length === 0 ? 'pass' : 'fail';
  const notes = findings.notes;
  const reason =
    verdict === 'fail'
      ? `${failures.join('; ')}.`
      : `${comparison} of ${against}: ${requirementMet(tie, minImprovement)}${notes.length ? `; it ${notes.join(', ')}` : ''}.`;
  const compared = { modelId: baseline.modelId, value: baseline.value, source: baseline.source };
  return gateResult(settings, candidate, compared, delta, verdict, reason);
}

/** Why an improvement falls short of `minImprovement`, appended to the comparison. */
function shortfall(improvement: number, minImprovement: number): string {
  const f = formatMetric;
  if (minImprovement > 0 && improvement > 0)
    return `, less than the required improvement of ${f(minImprovement)}`;
  if (minImprovement > 0) return `; an improvement of at least ${f(minImprovement)} is required`;
  if (minImprovement < 0) return `, more than the tolerated regression of ${f(-minImprovement)}`;
  return '';
}

/** What the candidate had to do to pass, for a passing verdict. */
function requirementMet(tie: boolean, minImprovement: number): string {
  const f = formatMetric;
  if (tie && minImprovement === 0) return 'a tie passes when minImprovement is 0 (the candidate is no worse)';
  if (minImprovement > 0) return `at least ${f(minImprovement)} better was required`;
  if (minImprovement < 0) return `a regression of up to ${f(-minImprovement)} is tolerated`;
  return 'no minimum improvement was required';
}

function gateResult(
  settings: GateRule,
  candidate: MetricReading,
  baseline: GateResult['baseline'],
  delta: number | null,
  verdict: GateResult['verdict'],
  reason: string,
): GateResult {
  return {
    metric: settings.metric,
    higherIsBetter: settings.higherIsBetter,
    candidate,
    baseline,
    delta,
    minImprovement: settings.minImprovement,
    minValue: settings.minValue ?? null,
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
