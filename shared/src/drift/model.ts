/**
 * The shapes the drift pieces hand each other: readers and profiles (what one streaming pass over a dataset
 * keeps), comparisons (statistics of one feature, baseline against current), and the report.
 * Data flows one way: files -> DatasetProfile (x2) -> FeatureComparison[] -> DriftReport -> JSON, markdown, HTML.
 */
import type { MetricName } from './metrics';
import type { UndecodableText } from './read/dataset';

export type FeatureType = 'numeric' | 'categorical';
export type FeatureStatus = 'pass' | 'warn' | 'fail' | 'skipped' | 'insufficient_data';
export type DatasetStatus = 'pass' | 'warn' | 'fail';
export type DriftMethod = 'distance' | 'evidently' | 'azure';

/** What type inference saw in a column's non-missing values. */
export interface ValueKinds {
  readonly numbers: number;
  /** Numbers that are whole (a subset of `numbers`). */
  readonly integers: number;
  readonly booleans: number;
  readonly dates: number;
  readonly strings: number;
}

/** Everything one streaming pass keeps of one column: exact counts and moments, a bounded numeric sample. */
export interface ColumnProfile {
  readonly name: string;
  /** Rows seen (missing included). */
  readonly rows: number;
  /** Empty, null, NaN and +-inf values: dropped from every statistic, reported as missing. */
  readonly missing: number;
  readonly kinds: ValueKinds;
  /** Over every finite numeric value (not only the sample). */
  readonly numeric?: {
    readonly count: number;
    readonly mean: number;
    /** Sum of squared deviations from the mean (M2): population variance = m2 / count. */
    readonly m2: number;
    readonly min: number;
    readonly max: number;
    /**
     * Every value while the dataset has at most maxSampleRows rows; otherwise the values of the rows whose
     * seeded hash of their identity (file, row) is under a cutoff set from the row count, cut to at most
     * maxSampleRows (see profile/sample.ts): the same rows whatever the order or pieces they were read in.
     * A part of a dataset (see profile/merge.ts) keeps its rows under the cutoff, not cut yet.
     */
    readonly sample: Float64Array;
    /** Whether the sample holds fewer values than count. */
    readonly sampled: boolean;
    /**
     * The exact sums of the values and of their squares, as decimal integers in units of 2^-1074: mean and
     * m2 are rounded from them once, and parts merge by adding them. Absent from profiles saved before.
     */
    readonly sums?: { readonly sum: string; readonly squares: string };
    /**
     * A part's values from rows in the sample rule's band, with their rows' hashes (see SampleRule): the merge
     * takes as many as the whole's sample has room for. Absent from a whole dataset's profile.
     */
    readonly band?: { readonly values: Float64Array; readonly hashes: Uint32Array };
    /** Distinct values while there are at most 21 of them (enough to call an integer column categorical). */
    readonly distinct?: ReadonlyMap<number, number>;
  };
  /** Exact counts per category (values as text), unless the column has too many distinct values to be one. */
  readonly categories?: ReadonlyMap<string, number>;
  /** More distinct text values than a category map keeps: not usable as categorical. */
  readonly highCardinality: boolean;
  /** The earliest and latest ISO date values as written (compared as text), when the column holds dates. */
  readonly dates?: { readonly earliest: string; readonly latest: string };
}

export interface DatasetProfile {
  /** Files read, in order, and a SHA-256 over their bytes: a saved baseline profile says what it came from. */
  readonly source: { readonly files: readonly string[]; readonly contentHash: string };
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
  readonly maxSampleRows: number;
  readonly seed: number;
  /**
   * How the sample was drawn: the dataset's row count it was set from (an upper bound: newlines for text
   * files) and the rule (see SampleRule; 2^32: every row). Parts merge only when they share it. Absent from
   * older profiles.
   */
  readonly sampling?: { readonly rows: number; readonly core: number; readonly cutoff: number };
  /** Whether this is a part of a dataset, its sample not cut to maxSampleRows yet (see profile/merge.ts). */
  readonly part?: boolean;
  /** Text files holding bytes that are not UTF-8 (not kept in a saved profile). */
  readonly undecodable?: readonly UndecodableText[];
}

/** The statistics of one feature. Keys as in drift-report.json (see ./metrics); absent where they do not apply. */
export type FeatureMetrics = { [K in MetricName]?: number };

/** The metric a feature is judged on. `higherIsDrift` is false for p-values (drift when below the threshold). */
export interface Gate {
  readonly metric: MetricName;
  readonly value: number;
  readonly threshold: number;
  readonly higherIsDrift: boolean;
}

export interface FeatureComparison {
  readonly name: string;
  readonly type: FeatureType;
  /** How the type was decided: inferred from the values, or an override input. */
  readonly typeSource: 'inferred' | 'override';
  readonly status: FeatureStatus;
  readonly gate?: Gate;
  readonly metrics: FeatureMetrics;
  /** Why a feature was skipped or has insufficient data; notes such as the category that moved most. */
  readonly notes: readonly string[];
  readonly critical: boolean;
  /** What the charts draw: shared bin edges (numeric) or categories, with both sides' shares. No raw rows. */
  readonly distribution: {
    readonly labels: readonly string[];
    readonly baseline: readonly number[];
    readonly current: readonly number[];
  };
  readonly summary: {
    readonly baseline: SideSummary;
    readonly current: SideSummary;
  };
  /** Categorical features: the category whose share moved most, with both sides' shares (0..1). */
  readonly moved?: { readonly value: string; readonly baseline: number; readonly current: number };
}

export interface SideSummary {
  readonly count: number;
  readonly missing: number;
  readonly mean?: number;
  readonly std?: number;
  readonly min?: number;
  readonly max?: number;
  /** Median and 90th percentile of the values compared (the sample when the column was sampled). */
  readonly p50?: number;
  readonly p90?: number;
  /** Top categories with their counts (categorical features). */
  readonly top?: readonly { readonly value: string; readonly count: number }[];
}

/** drift-report.json. */
export interface DriftReport {
  readonly schemaVersion: 1;
  readonly status: DatasetStatus;
  readonly method: DriftMethod;
  readonly driftShare: number;
  readonly driftShareThreshold: number;
  readonly rows: { readonly baseline: number; readonly current: number };
  readonly sources: {
    readonly baseline: DatasetProfile['source'];
    readonly current: DatasetProfile['source'];
  };
  readonly features: readonly FeatureComparison[];
  readonly generatedAt: string;
}
