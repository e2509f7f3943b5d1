/**
 * One feature, baseline against current: every metric that applies, the method's gate, a status, notes, what the
 * charts draw and a summary of each side. docs/drift-methods.md describes the methods for users.
 */
import type { MetricName } from '../metrics';
import type {
  ColumnProfile,
  DriftMethod,
  FeatureComparison,
  FeatureMetrics,
  FeatureStatus,
  FeatureType,
  SideSummary,
} from '../model';
import {
  binLabels,
  chi2Contingency,
  chiSquareGoodnessOfFit,
  countAtMost,
  countBelow,
  histogramSorted,
  jensenShannonDistance,
  KS_MAX_AUTO_N,
  ks2samp,
  psiEpsilon,
  psiEvidently,
  psiLaplace,
  quantileEdges,
  quantileSorted,
  SortBuffers,
  sturgesCombinedEdges,
  sturgesSmallerEdges,
  twoProportionZTest,
  wasserstein1,
} from '../stats';
import { chooseGate, comparisonFor, judgeGate } from './gate';

/** What compareFeature needs besides the two profiles. */
export interface CompareOptions {
  readonly method: DriftMethod;
  readonly type: FeatureType;
  readonly typeSource: 'inferred' | 'override';
  readonly numericThreshold: number;
  readonly categoricalThreshold: number;
  /** Fraction of the threshold at which a feature warns (0.5). */
  readonly warnThreshold: number;
  /** Per-feature gate metric and threshold (thresholdsFile). */
  readonly override?: { readonly metric?: MetricName; readonly threshold?: number };
  readonly critical: boolean;
}

/** Fewer values than this on either side: insufficient_data (a warning, never a failure). */
export const MIN_VALUES = 30;
/** Evidently switches from p-value tests to distances above this many baseline values. */
export const EVIDENTLY_SMALL_ROWS = 1000;
/** Reference-quantile bins of the distance method. */
export const QUANTILE_BINS = 10;
/** Categories drawn in the distribution chart before the rest become "other". */
export const CHART_CATEGORIES = 20;
const SUMMARY_TOP = 10;
const LIST_LIMIT = 10;

interface Counts {
  readonly keys: string[];
  readonly baseline: Float64Array;
  readonly current: Float64Array;
  readonly baselineTotal: number;
  readonly currentTotal: number;
}

/** What the statistics of one feature type found: the gate's threshold follows from the metric (gate.ts). */
interface Measured {
  metrics: FeatureMetrics;
  notes: string[];
  defaultMetric: MetricName;
  distribution: FeatureComparison['distribution'];
  /** Median and 90th percentile per side (numeric), the category that moved most (categorical). */
  quantiles?: { baseline: Percentiles; current: Percentiles };
  moved?: FeatureComparison['moved'];
}

interface Percentiles {
  p50: number;
  p90: number;
}

const EMPTY_DISTRIBUTION: FeatureComparison['distribution'] = { labels: [], baseline: [], current: [] };

/** Statistics, gate and status of one feature, baseline against current. */
export function compareFeature(
  baseline: ColumnProfile,
  current: ColumnProfile,
  options: CompareOptions,
): FeatureComparison {
  const metrics: FeatureMetrics = {
    missing_rate_baseline: missingRate(baseline),
    missing_rate_current: missingRate(current),
  };
  const base = {
    name: baseline.name,
    type: options.type,
    typeSource: options.typeSource,
    critical: options.critical,
  };
  const summary = {
    baseline: sideSummary(baseline, options.type),
    current: sideSummary(current, options.type),
  };
  const measured = measure(baseline, current, options);
  if (typeof measured === 'string') {
    return {
      ...base,
      status: 'skipped',
      metrics,
      notes: [measured],
      distribution: EMPTY_DISTRIBUTION,
      summary,
    };
  }
  Object.assign(metrics, measured.metrics);
  const { status, gate, notes } = judgeFeature(metrics, measured, options, summary);
  const q = measured.quantiles;
  return {
    ...base,
    status,
    ...(gate ? { gate } : {}),
    metrics,
    notes,
    distribution: measured.distribution,
    summary: q
      ? { baseline: { ...summary.baseline, ...q.baseline }, current: { ...summary.current, ...q.current } }
      : summary,
    ...(measured.moved ? { moved: measured.moved } : {}),
  };
}

/** The statistics of a feature of the given type, or why it cannot be compared. */
function measure(
  baseline: ColumnProfile,
  current: ColumnProfile,
  options: CompareOptions,
): Measured | string {
  if (baseline.rows === baseline.missing) return 'no values in the baseline';
  if (current.rows === current.missing) return 'no values in the current data';
  if (options.type === 'numeric') {
    const b = baseline.numeric;
    const c = current.numeric;
    if (!b || b.count === 0 || b.sample.length === 0) return 'no numeric values in the baseline';
    if (!c || c.count === 0 || c.sample.length === 0) return 'no numeric values in the current data';
    return compareNumeric(baseline, current, options);
  }
  const b = categoryCounts(baseline);
  const c = categoryCounts(current);
  if (b === undefined || c === undefined) {
    const side = b === undefined ? 'baseline' : 'current data';
    return `too many distinct values in the ${side} to compare as categories`;
  }
  if (total(b) === 0) return 'no values in the baseline';
  if (total(c) === 0) return 'no values in the current data';
  return compareCategorical(unionCounts(b, c), options);
}

/** The gate and the status it gives; too few values on a side make the status insufficient_data. */
function judgeFeature(
  metrics: FeatureMetrics,
  measured: Measured,
  options: CompareOptions,
  summary: FeatureComparison['summary'],
): Pick<FeatureComparison, 'status' | 'gate' | 'notes'> {
  const typeThreshold = options.type === 'numeric' ? options.numericThreshold : options.categoricalThreshold;
  const notes = measured.notes;
  const { gate, note } = chooseGate(metrics, measured.defaultMetric, typeThreshold, options.override);
  if (note) notes.push(note);
  let status: FeatureStatus = gate
    ? judgeGate(gate, options.warnThreshold, comparisonFor(options.method, gate.metric))
    : 'skipped';
  if (gate && Number.isNaN(gate.value)) notes.push(`${gate.metric} could not be computed`);
  const small = Math.min(summary.baseline.count, summary.current.count);
  if (status !== 'skipped' && small < MIN_VALUES) {
    status = 'insufficient_data';
    notes.unshift(
      `fewer than ${MIN_VALUES} values on a side (baseline ${summary.baseline.count}, current ${summary.current.count}): ` +
        'the metrics are reported but not judged',
    );
  }
  return { status, ...(gate ? { gate } : {}), notes };
}

function missingRate(profile: ColumnProfile): number {
  return profile.rows === 0 ? 0 : profile.missing / profile.rows;
}

function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const c of counts.values()) sum += c;
  return sum;
}

/** Exact counts per category; numeric columns use their distinct-value counts when they have them. */
function categoryCounts(profile: ColumnProfile): ReadonlyMap<string, number> | undefined {
  const k = profile.kinds;
  const distinct = profile.numeric?.distinct;
  if (distinct !== undefined && k.strings === 0 && k.booleans === 0 && k.dates === 0) {
    const out = new Map<string, number>();
    for (const [value, count] of distinct) out.set(String(value), count);
    return out;
  }
  if (profile.categories !== undefined && !profile.highCardinality) return profile.categories;
  if (profile.rows === profile.missing) return new Map();
  return undefined;
}

/** Counts over the union of categories: baseline categories by count, then new ones by count. */
function unionCounts(b: ReadonlyMap<string, number>, c: ReadonlyMap<string, number>): Counts {
  const byCount = (m: ReadonlyMap<string, number>): string[] =>
    [...m.entries()]
      .filter(([, n]) => n > 0)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .map(([key]) => key);
  const keys = byCount(b);
  for (const key of byCount(c)) if (!((b.get(key) ?? 0) > 0)) keys.push(key);
  const baseline = Float64Array.from(keys, (key) => b.get(key) ?? 0);
  const current = Float64Array.from(keys, (key) => c.get(key) ?? 0);
  return { keys, baseline, current, baselineTotal: sum(baseline), currentTotal: sum(current) };
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

function sideSummary(profile: ColumnProfile, type: FeatureType): SideSummary {
  if (type === 'numeric') {
    const n = profile.numeric;
    if (!n || n.count === 0) return { count: 0, missing: profile.missing };
    return {
      count: n.count,
      missing: profile.missing,
      mean: n.mean,
      std: Math.sqrt(n.m2 / n.count),
      min: n.min,
      max: n.max,
    };
  }
  const counts = categoryCounts(profile);
  if (counts === undefined) return { count: profile.rows - profile.missing, missing: profile.missing };
  const top = [...counts.entries()]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, SUMMARY_TOP)
    .map(([value, count]) => ({ value, count }));
  return { count: total(counts), missing: profile.missing, top };
}

function shares(counts: ArrayLike<number>): number[] {
  const t = sum(counts);
  return Array.from(counts as ArrayLike<number>, (x) => (t === 0 ? 0 : x / t));
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

// ------------------------------------------------------------------------------------------------ numeric

/** Nothing keeps the sorted samples past compareNumeric, so its buffers serve every feature in turn. */
const sortBuffers = new SortBuffers();

function compareNumeric(baseline: ColumnProfile, current: ColumnProfile, options: CompareOptions): Measured {
  const b = baseline.numeric!;
  const c = current.numeric!;
  // Sorted copies: the profile's arrays are left as they are.
  const a = sortBuffers.sorted(b.sample, 0);
  const z = sortBuffers.sorted(c.sample, 1);
  const measured = measureNumeric(baseline, current, options, { a, z });
  return { ...measured, quantiles: { baseline: percentiles(a), current: percentiles(z) } };
}

function percentiles(sorted: Float64Array): Percentiles {
  return { p50: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9) };
}

function measureNumeric(
  baseline: ColumnProfile,
  current: ColumnProfile,
  options: CompareOptions,
  { a, z }: { a: Float64Array; z: Float64Array },
): Measured {
  const b = baseline.numeric!;
  const notes = numericNotes(baseline, current);
  const w1 = wasserstein1(a, z);
  const metrics: FeatureMetrics = {};
  const below = countBelow(z, b.min);
  const above = z.length - countAtMost(z, b.max);
  metrics.out_of_range_share = (below + above) / z.length;
  if (options.method === 'azure') return azureNumeric(baseline, current, { a, z, w1 }, metrics, notes);

  const popStd = Math.sqrt(b.m2 / b.count);
  metrics.wasserstein_normalized = w1 / Math.max(popStd, 0.001);
  const ks = ks2samp(a, z);
  metrics.ks_statistic = ks.statistic;
  metrics.ks_pvalue = ks.pvalue;
  if (ks.method === 'asymp')
    notes.push('KS p-value from the asymptotic distribution (more than 10000 values)');

  if (options.method === 'distance') {
    const edges = quantileEdges(a, QUANTILE_BINS);
    const hb = histogramSorted(a, edges);
    const hc = histogramSorted(z, edges);
    metrics.psi = psiEpsilon(hb, hc);
    metrics.jensen_shannon = jensenShannonDistance(hb, hc, 2);
    return {
      metrics,
      notes,
      defaultMetric: 'wasserstein_normalized',
      distribution: { labels: binLabels(edges), baseline: shares(hb), current: shares(hc) },
    };
  }
  return evidentlyNumeric(baseline, current, { a, z }, metrics, notes);
}

/** Samples in place of the full columns, values that are not numbers. */
function numericNotes(baseline: ColumnProfile, current: ColumnProfile): string[] {
  const b = baseline.numeric!;
  const c = current.numeric!;
  const notes: string[] = [];
  if (b.sampled || c.sampled) {
    notes.push(
      `distribution statistics on seeded samples (baseline ${b.sample.length} of ${b.count}, current ` +
        `${c.sample.length} of ${c.count} values); mean, std, min and max are exact`,
    );
  }
  const nonNumeric = (p: ColumnProfile): number => p.rows - p.missing - (p.numeric?.count ?? 0);
  if (nonNumeric(baseline) > 0 || nonNumeric(current) > 0) {
    notes.push(
      `non-numeric values ignored (baseline ${nonNumeric(baseline)}, current ${nonNumeric(current)})`,
    );
  }
  return notes;
}

/** Both sides' numeric samples, sorted. */
interface SortedSamples {
  readonly a: Float64Array;
  readonly z: Float64Array;
}

function azureNumeric(
  baseline: ColumnProfile,
  current: ColumnProfile,
  { a, z, w1 }: SortedSamples & { readonly w1: number },
  metrics: FeatureMetrics,
  notes: string[],
): Measured {
  const b = baseline.numeric!;
  const c = current.numeric!;
  // Spark's stddev is the sample standard deviation.
  const sampleStd = b.count > 1 ? Math.sqrt(b.m2 / (b.count - 1)) : 0;
  metrics.wasserstein_normalized = w1 / Math.max(sampleStd, 0.001);
  if (b.count < KS_MAX_AUTO_N && c.count < KS_MAX_AUTO_N) {
    const ks = ks2samp(a, z);
    metrics.ks_statistic = ks.statistic;
    metrics.ks_pvalue = ks.pvalue;
  } else {
    notes.push('Azure ML computes no KS test on 10000 rows or more: not reported');
  }
  const edges = sturgesSmallerEdges(a, z);
  const hb = histogramSorted(a, edges);
  const hc = histogramSorted(z, edges);
  metrics.jensen_shannon = jensenShannonDistance(hb, hc, 2);
  metrics.psi = psiLaplace(hb, hc);
  return {
    metrics,
    notes,
    defaultMetric: 'wasserstein_normalized',
    distribution: { labels: binLabels(edges), baseline: shares(hb), current: shares(hc) },
  };
}

/** Evidently: its statistics on values, the auto choice on the baseline size and the unique values of both. */
function evidentlyNumeric(
  baseline: ColumnProfile,
  current: ColumnProfile,
  { a, z }: SortedSamples,
  metrics: FeatureMetrics,
  notes: string[],
): Measured {
  const perValue = distinctUnion(baseline, current);
  const uniqueBoth = perValue?.keys.length ?? Infinity;
  const baselineUnique = baseline.numeric?.distinct?.size ?? Infinity;
  let hb: Float64Array;
  let hc: Float64Array;
  let labels: string[];
  if (baselineUnique > 20 || perValue === undefined) {
    const edges = sturgesCombinedEdges(a, z);
    hb = histogramSorted(a, edges);
    hc = histogramSorted(z, edges);
    labels = binLabels(edges);
  } else {
    hb = perValue.baseline;
    hc = perValue.current;
    labels = perValue.keys;
  }
  metrics.psi = psiEvidently(hb, hc);
  metrics.jensen_shannon = jensenShannonDistance(hb, hc);
  const small = baseline.numeric!.count <= EVIDENTLY_SMALL_ROWS;
  let defaultMetric: MetricName;
  if (perValue !== undefined && uniqueBoth <= 5) {
    addEvidentlyCategoricalTests(metrics, notes, perValue);
    defaultMetric = !small ? 'jensen_shannon' : uniqueBoth > 2 ? 'chi2_pvalue' : 'z_pvalue';
  } else {
    defaultMetric = small ? 'ks_pvalue' : 'wasserstein_normalized';
  }
  return {
    metrics,
    notes,
    defaultMetric,
    distribution: { labels, baseline: shares(hb), current: shares(hc) },
  };
}

/** Per-value counts of two numeric columns over the union of their values, when both have few values. */
function distinctUnion(baseline: ColumnProfile, current: ColumnProfile): Counts | undefined {
  const b = baseline.numeric?.distinct;
  const c = current.numeric?.distinct;
  if (b === undefined || c === undefined) return undefined;
  const values = [...new Set([...b.keys(), ...c.keys()])].sort((x, y) => x - y);
  const hb = Float64Array.from(values, (v) => b.get(v) ?? 0);
  const hc = Float64Array.from(values, (v) => c.get(v) ?? 0);
  return {
    keys: values.map(String),
    baseline: hb,
    current: hc,
    baselineTotal: sum(hb),
    currentTotal: sum(hc),
  };
}

// ------------------------------------------------------------------------------------------------ categorical

function compareCategorical(counts: Counts, options: CompareOptions): Measured {
  const metrics: FeatureMetrics = {};
  const notes: string[] = [];
  const { keys, baseline: hb, current: hc, baselineTotal: nb, currentTotal: nc } = counts;

  // L-infinity and the category that moved most; unseen and disappeared categories.
  let lInf = 0;
  let moved = -1;
  let unseen = 0;
  const appeared: string[] = [];
  const disappeared: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const pb = hb[i]! / nb;
    const pc = hc[i]! / nc;
    if (Math.abs(pb - pc) > lInf) {
      lInf = Math.abs(pb - pc);
      moved = i;
    }
    if (hb[i] === 0) {
      unseen += hc[i]!;
      appeared.push(keys[i]!);
    }
    if (hc[i] === 0) disappeared.push(keys[i]!);
  }
  metrics.l_infinity = lInf;
  metrics.unseen_share = unseen / nc;
  if (moved >= 0) {
    notes.push(
      `category that moved most: ${keys[moved]} (${percent(hb[moved]! / nb)} -> ${percent(hc[moved]! / nc)})`,
    );
  }
  if (appeared.length > 0) notes.push(`categories new in the current data: ${listOf(appeared)}`);
  if (disappeared.length > 0) notes.push(`categories that disappeared: ${listOf(disappeared)}`);
  if (keys.length <= 2) {
    const z = zTestOnFirstKey(counts);
    metrics.z_pvalue = z;
  }

  let defaultMetric: MetricName = 'jensen_shannon';
  if (options.method === 'distance') {
    metrics.jensen_shannon = jensenShannonDistance(hb, hc, 2);
    metrics.psi = psiEpsilon(hb, hc);
    const chi2 = chi2Contingency([Array.from(hb), Array.from(hc)]);
    metrics.chi2_statistic = chi2.statistic;
    metrics.chi2_pvalue = chi2.pvalue;
  } else if (options.method === 'azure') {
    metrics.jensen_shannon = jensenShannonDistance(hb, hc, 2);
    metrics.psi = psiLaplace(hb, hc);
    addGoodnessOfFit(metrics, notes, counts);
  } else {
    metrics.jensen_shannon = jensenShannonDistance(hb, hc);
    metrics.psi = psiEvidently(Float64Array.from(hb), Float64Array.from(hc));
    addEvidentlyCategoricalTests(metrics, notes, counts);
    if (nb <= EVIDENTLY_SMALL_ROWS) defaultMetric = keys.length > 2 ? 'chi2_pvalue' : 'z_pvalue';
  }
  const movedMost =
    moved >= 0 ? { value: keys[moved]!, baseline: hb[moved]! / nb, current: hc[moved]! / nc } : undefined;
  return {
    metrics,
    notes,
    defaultMetric,
    distribution: chartCategories(counts),
    ...(movedMost ? { moved: movedMost } : {}),
  };
}

/** Evidently's z test: values mapped to 1 when equal to the first of the sorted keys. */
function zTestOnFirstKey(counts: Counts): number {
  const order = [...counts.keys.keys()].sort((i, j) => compareKeys(counts.keys[i]!, counts.keys[j]!));
  const first = order[0]!;
  return twoProportionZTest(
    counts.baseline[first]!,
    counts.baselineTotal,
    counts.current[first]!,
    counts.currentTotal,
  ).pvalue;
}

function compareKeys(x: string, y: string): number {
  const nx = Number(x);
  const ny = Number(y);
  if (x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** scipy.stats.chisquare(current, baseline share * current total), as Evidently and Azure ML test categories. */
function addGoodnessOfFit(metrics: FeatureMetrics, notes: string[], counts: Counts): void {
  const k = counts.currentTotal / counts.baselineTotal;
  const expected = Float64Array.from(counts.baseline, (x) => x * k);
  const gof = chiSquareGoodnessOfFit(counts.current, expected);
  if (Number.isNaN(gof.pvalue)) {
    // One category on both sides: scipy gives NaN (evidently#1929); nothing moved.
    metrics.chi2_statistic = 0;
    metrics.chi2_pvalue = 1;
    return;
  }
  metrics.chi2_statistic = gof.statistic;
  metrics.chi2_pvalue = gof.pvalue;
  if (gof.statistic === Infinity) {
    notes.push('a category new in the current data makes the goodness-of-fit chi-squared infinite (p = 0)');
  }
}

function addEvidentlyCategoricalTests(metrics: FeatureMetrics, notes: string[], counts: Counts): void {
  addGoodnessOfFit(metrics, notes, counts);
  if (counts.keys.length <= 2) metrics.z_pvalue = zTestOnFirstKey(counts);
}

function listOf(keys: readonly string[]): string {
  const shown = keys.slice(0, LIST_LIMIT).join(', ');
  return keys.length > LIST_LIMIT ? `${shown} and ${keys.length - LIST_LIMIT} more` : shown;
}

/** The top categories by combined count, the rest as "other". */
function chartCategories(counts: Counts): FeatureComparison['distribution'] {
  const { keys, baseline, current, baselineTotal: nb, currentTotal: nc } = counts;
  const order = [...keys.keys()].sort(
    (i, j) => baseline[j]! / nb + current[j]! / nc - (baseline[i]! / nb + current[i]! / nc),
  );
  const shown = order.slice(0, CHART_CATEGORIES);
  const labels = shown.map((i) => keys[i]!);
  const b = shown.map((i) => baseline[i]! / nb);
  const c = shown.map((i) => current[i]! / nc);
  if (order.length > CHART_CATEGORIES) {
    labels.push('other');
    b.push(Math.max(0, 1 - b.reduce((s, x) => s + x, 0)));
    c.push(Math.max(0, 1 - c.reduce((s, x) => s + x, 0)));
  }
  return { labels, baseline: b, current: c };
}
