/**
 * Every drift metric, described once: its key in drift-report.json and in thresholds files, what it measures,
 * the direction that means drift, the feature types that have it and whether a feature can be gated on it.
 * The comparison, the gate, the thresholds file and the reports read names, kinds, types and order from this list;
 * `label` and `description` are for the reader of this file only (no output shows them yet: docs/drift-check.md
 * describes the metrics for users). The statistics themselves are computed in ./stats.
 */
import type { FeatureType } from './model';

/**
 * p-values drift when they fall below the threshold; distances, test statistics and shares when they rise
 * above it.
 */
export type MetricKind = 'p-value' | 'distance' | 'test statistic' | 'share';

export interface MetricInfo {
  /** The key in drift-report.json, in thresholds files and in the reports. */
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly kind: MetricKind;
  /** The feature types the comparison computes it for (not every method computes every one). */
  readonly types: readonly FeatureType[];
  /** Whether a thresholds file may gate a feature on it. */
  readonly gateable: boolean;
  /** p-values and shares live in [0, 1], so their thresholds do too; distances such as PSI do not. */
  readonly atMostOne: boolean;
  /** The threshold when none is given for it; without one, the threshold of the feature's type applies. */
  readonly defaultThreshold?: number;
  /** Position among the few metrics the markdown summary shows beside the gate, per feature type. */
  readonly summaryRank?: Partial<Record<FeatureType, number>>;
}

/** The significance level of the p-value tests when no threshold is given (Evidently's and Azure's 0.05). */
const DEFAULT_ALPHA = 0.05;

const NUMERIC = ['numeric'] as const;
const CATEGORICAL = ['categorical'] as const;
const BOTH = ['numeric', 'categorical'] as const;

/** In report order: the HTML report's metrics table and the thresholds file's list of metrics follow it. */
const METRICS = [
  {
    name: 'wasserstein_normalized',
    label: 'normalized Wasserstein distance',
    description: "Wasserstein-1 distance between the samples, divided by the baseline's standard deviation",
    kind: 'distance',
    types: NUMERIC,
    gateable: true,
    atMostOne: false,
    summaryRank: { numeric: 1 },
  },
  {
    name: 'ks_statistic',
    label: 'Kolmogorov-Smirnov statistic',
    description: 'largest gap between the two empirical distribution functions',
    kind: 'distance',
    types: NUMERIC,
    gateable: true,
    atMostOne: true,
  },
  {
    name: 'ks_pvalue',
    label: 'Kolmogorov-Smirnov p-value',
    description: 'two-sample Kolmogorov-Smirnov test',
    kind: 'p-value',
    types: NUMERIC,
    gateable: true,
    atMostOne: true,
    defaultThreshold: DEFAULT_ALPHA,
    summaryRank: { numeric: 2 },
  },
  {
    name: 'psi',
    label: 'population stability index',
    description: 'population stability index over shared bins or categories',
    kind: 'distance',
    types: BOTH,
    gateable: true,
    atMostOne: false,
    summaryRank: { numeric: 3, categorical: 3 },
  },
  {
    name: 'jensen_shannon',
    label: 'Jensen-Shannon distance',
    description: 'Jensen-Shannon distance between the binned or categorical distributions',
    kind: 'distance',
    types: BOTH,
    gateable: true,
    atMostOne: true,
    summaryRank: { categorical: 1 },
  },
  {
    name: 'chi2_statistic',
    label: 'chi-squared statistic',
    description: 'chi-squared statistic of the categories (contingency or goodness of fit, by method)',
    kind: 'test statistic',
    types: CATEGORICAL,
    gateable: true,
    atMostOne: false,
  },
  {
    name: 'chi2_pvalue',
    label: 'chi-squared p-value',
    description: 'chi-squared test of the categories (contingency or goodness of fit, by method)',
    kind: 'p-value',
    types: CATEGORICAL,
    gateable: true,
    atMostOne: true,
    defaultThreshold: DEFAULT_ALPHA,
    summaryRank: { categorical: 2 },
  },
  {
    name: 'l_infinity',
    label: 'L-infinity distance',
    description: 'largest change in the share of one category',
    kind: 'distance',
    types: CATEGORICAL,
    gateable: true,
    atMostOne: true,
  },
  {
    name: 'z_pvalue',
    label: 'two-proportion z-test p-value',
    description: 'two-proportion z test of a feature with at most two categories',
    kind: 'p-value',
    types: CATEGORICAL,
    gateable: true,
    atMostOne: true,
    defaultThreshold: DEFAULT_ALPHA,
  },
  {
    name: 'unseen_share',
    label: 'unseen share',
    description: 'share of current values in categories the baseline never had',
    kind: 'share',
    types: CATEGORICAL,
    gateable: true,
    atMostOne: true,
    summaryRank: { categorical: 4 },
  },
  {
    name: 'out_of_range_share',
    label: 'out-of-range share',
    description: "share of current values outside the baseline's range",
    kind: 'share',
    types: NUMERIC,
    gateable: true,
    atMostOne: true,
    summaryRank: { numeric: 4 },
  },
  {
    name: 'missing_rate_baseline',
    label: 'missing rate (baseline)',
    description: 'share of baseline rows with no value',
    kind: 'share',
    types: BOTH,
    gateable: false,
    atMostOne: true,
  },
  {
    name: 'missing_rate_current',
    label: 'missing rate (current)',
    description: 'share of current rows with no value',
    kind: 'share',
    types: BOTH,
    gateable: false,
    atMostOne: true,
  },
] as const satisfies readonly MetricInfo[];

type MetricEntry = (typeof METRICS)[number];
export type MetricName = MetricEntry['name'];
/** The metrics a thresholds file may gate a feature on. */
export type GateMetric = Extract<MetricEntry, { readonly gateable: true }>['name'];

/** The same list, typed by what every entry has. */
const INFOS: readonly MetricInfo[] = METRICS;
const BY_NAME: ReadonlyMap<string, MetricInfo> = new Map(INFOS.map((m) => [m.name, m]));

export function metricInfo(name: MetricName): MetricInfo {
  return BY_NAME.get(name)!;
}

/** Every metric, in report order. */
export const METRIC_NAMES: readonly MetricName[] = METRICS.map((m) => m.name);

/** The metrics a thresholds file may name, in report order. */
export const GATE_METRIC_NAMES = METRICS.filter((m) => m.gateable).map(
  (m) => m.name,
) as readonly GateMetric[];

export function isGateMetric(name: string): name is GateMetric {
  return BY_NAME.get(name)?.gateable === true;
}

/** False for p-values: drift is a value below the threshold. */
export function higherIsDrift(name: MetricName): boolean {
  return metricInfo(name).kind !== 'p-value';
}

/** The metrics the markdown summary shows beside the gate for a feature type, in its order. */
export function summaryMetrics(type: FeatureType): readonly MetricName[] {
  const ranked = INFOS.filter((m) => m.summaryRank?.[type] !== undefined);
  return ranked
    .sort((x, y) => x.summaryRank![type]! - y.summaryRank![type]!)
    .map((m) => m.name as MetricName);
}
