/** Choosing the gate metric of a feature and judging it against its threshold. */
import { higherIsDrift, metricInfo, type MetricName } from '../metrics';
import type { DriftMethod, FeatureMetrics, FeatureStatus, Gate } from '../model';

/** How a gate value is compared with its threshold; the methods differ (see docs/drift-methods.md). */
export interface Comparison {
  /** Distances: drift when value > threshold (Azure) instead of >= (distance, Evidently). */
  readonly strictAbove: boolean;
  /** p-values: drift when p <= threshold (Evidently's KS) instead of p < threshold. */
  readonly inclusiveBelow: boolean;
}

export function comparisonFor(method: DriftMethod, metric: MetricName): Comparison {
  return {
    strictAbove: method === 'azure',
    inclusiveBelow: method === 'evidently' && metric === 'ks_pvalue',
  };
}

/**
 * pass / warn / fail of a gate. Distances warn at warnThreshold * threshold. p-values warn below
 * threshold / warnThreshold (p < 0.1 for alpha 0.05 and warnThreshold 0.5): the same factor, read on the p scale.
 */
export function judgeGate(gate: Gate, warnThreshold: number, comparison: Comparison): FeatureStatus {
  const { value, threshold } = gate;
  if (Number.isNaN(value)) return 'skipped';
  if (gate.higherIsDrift) {
    const above = (limit: number): boolean => (comparison.strictAbove ? value > limit : value >= limit);
    if (above(threshold)) return 'fail';
    return above(warnThreshold * threshold) ? 'warn' : 'pass';
  }
  if (comparison.inclusiveBelow ? value <= threshold : value < threshold) return 'fail';
  const warnLimit = warnThreshold > 0 ? threshold / warnThreshold : Infinity;
  return value < warnLimit ? 'warn' : 'pass';
}

/**
 * The gate: the override's metric if the feature has it, otherwise the method's default metric. The threshold is
 * the override's, else the metric's default (0.05 for p-values), else the type's. Returns a note when an override
 * metric is missing.
 */
export function chooseGate(
  metrics: FeatureMetrics,
  defaultMetric: MetricName,
  typeThreshold: number,
  override: { readonly metric?: MetricName; readonly threshold?: number } | undefined,
): { gate?: Gate; note?: string } {
  const thresholdOf = (name: MetricName) => metricInfo(name).defaultThreshold ?? typeThreshold;
  let metric = defaultMetric;
  let threshold = thresholdOf(defaultMetric);
  let note: string | undefined;
  if (override?.metric !== undefined && override.metric !== defaultMetric) {
    if (metrics[override.metric] !== undefined) {
      metric = override.metric;
      threshold = thresholdOf(metric);
    } else {
      note = `metric ${override.metric} does not apply to this feature; judged on ${defaultMetric}`;
    }
  }
  if (override?.threshold !== undefined && (note === undefined || override.metric === undefined)) {
    threshold = override.threshold;
  }
  const value = metrics[metric];
  if (value === undefined) return note === undefined ? {} : { note };
  const gate: Gate = { metric, value, threshold, higherIsDrift: higherIsDrift(metric) };
  return note === undefined ? { gate } : { gate, note };
}
