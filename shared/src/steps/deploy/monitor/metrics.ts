/**
 * Our drift metrics (shared/src/drift/metrics.ts) as an Azure ML data drift signal's metric thresholds
 * (2025-12-01: NumericalDataDriftMetric, CategoricalDataDriftMetric). A metric both feature types have is given for
 * both: which applies is the feature's type, which Azure infers (the thresholds file does not say it). The test
 * metrics are p-values in both places. What Azure has no metric for cannot be monitored (the summary names it).
 */
import type { GateMetric } from '../../../drift/metrics';

export type NumericalMetric =
  | 'JensenShannonDistance'
  | 'PopulationStabilityIndex'
  | 'NormalizedWassersteinDistance'
  | 'TwoSampleKolmogorovSmirnovTest';
export type CategoricalMetric =
  'JensenShannonDistance' | 'PopulationStabilityIndex' | 'PearsonsChiSquaredTest';

/** One entry of DataDriftMonitoringSignal.metricThresholds. */
export type MetricThreshold =
  | { dataType: 'Numerical'; metric: NumericalMetric; threshold: { value: number } }
  | { dataType: 'Categorical'; metric: CategoricalMetric; threshold: { value: number } };

const AZURE_METRICS: Readonly<
  Partial<Record<GateMetric, { numerical?: NumericalMetric; categorical?: CategoricalMetric }>>
> = {
  wasserstein_normalized: { numerical: 'NormalizedWassersteinDistance' },
  jensen_shannon: { numerical: 'JensenShannonDistance', categorical: 'JensenShannonDistance' },
  psi: { numerical: 'PopulationStabilityIndex', categorical: 'PopulationStabilityIndex' },
  ks_pvalue: { numerical: 'TwoSampleKolmogorovSmirnovTest' },
  chi2_pvalue: { categorical: 'PearsonsChiSquaredTest' },
};

/** drift-check's default gate (method `distance`): normalized Wasserstein for numbers, Jensen-Shannon for categories. */
export const DEFAULT_NUMERIC_METRIC = 'wasserstein_normalized' as const;
export const DEFAULT_CATEGORICAL_METRIC = 'jensen_shannon' as const;
/** drift-check's default thresholds (numericThreshold, categoricalThreshold). */
export const DEFAULT_THRESHOLD = 0.1;

/** Whether Azure ML's data drift signal has the metric. */
export function isMonitorable(metric: GateMetric): boolean {
  return AZURE_METRICS[metric] !== undefined;
}

/** The signal's thresholds for one of our metrics at `value` (both types where both have it). */
export function metricThresholds(metric: GateMetric, value: number): MetricThreshold[] {
  const azure = AZURE_METRICS[metric] ?? {};
  return [
    ...(azure.numerical
      ? [{ dataType: 'Numerical' as const, metric: azure.numerical, threshold: { value } }]
      : []),
    ...(azure.categorical
      ? [{ dataType: 'Categorical' as const, metric: azure.categorical, threshold: { value } }]
      : []),
  ];
}
