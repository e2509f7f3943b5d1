import type {
  FeatureComparison,
  FeatureMetrics,
  Gate,
  SideSummary,
} from '../../../../shared/src/drift/model';
import { buildReport } from '../../../../shared/src/drift/report';

const side = (count: number, extra: Partial<SideSummary> = {}): SideSummary => ({
  count,
  missing: 0,
  ...extra,
});

function feature(
  name: string,
  overrides: Partial<FeatureComparison> & { gate?: Gate; metrics?: FeatureMetrics },
): FeatureComparison {
  return {
    name,
    type: 'numeric',
    typeSource: 'inferred',
    status: 'pass',
    metrics: {},
    notes: [],
    critical: false,
    distribution: { labels: [], baseline: [], current: [] },
    summary: { baseline: side(1000), current: side(800) },
    ...overrides,
  };
}

const edges = (from: number, step: number, n: number) =>
  Array.from({ length: n + 1 }, (_, i) => String(from + i * step));
const normalish = (centre: number, n: number) => {
  const raw = Array.from({ length: n }, (_, i) => Math.exp(-((i - centre) ** 2) / 4));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / total);
};

/** Hand-made comparisons covering every status, both types and hostile names, in no particular order. */
export const fixtureFeatures: FeatureComparison[] = [
  feature('income', {
    status: 'pass',
    gate: { metric: 'wasserstein_normalized', value: 0.012, threshold: 0.1, higherIsDrift: true },
    metrics: { wasserstein_normalized: 0.012, ks_statistic: 0.01, ks_pvalue: 0.82, psi: 0.001 },
    distribution: {
      // As the comparison labels bins: one label per bin, open ends first and last.
      labels: [
        '< 10000',
        ...Array.from({ length: 8 }, (_, i) => `[${(i + 1) * 10000}, ${(i + 2) * 10000})`),
        '>= 90000',
      ],
      baseline: normalish(4.5, 10),
      current: normalish(4.6, 10),
    },
    summary: {
      baseline: side(1000, { mean: 45000, std: 12000, min: 3000, max: 99000 }),
      current: side(800, { mean: 45500, std: 12100, min: 2500, max: 98000 }),
    },
  }),
  feature('city', {
    type: 'categorical',
    status: 'warn',
    gate: { metric: 'jensen_shannon', value: 0.07, threshold: 0.1, higherIsDrift: true },
    metrics: {
      jensen_shannon: 0.07,
      chi2_statistic: 12.5,
      chi2_pvalue: 0.002,
      psi: 0.05,
      unseen_share: 0.01,
    },
    notes: ['most moved: Oslo (+6.0 %)'],
    distribution: {
      labels: ['Paris', 'Oslo', 'Lima', ''],
      baseline: [0.5, 0.2, 0.2, 0.1],
      current: [0.42, 0.26, 0.22, 0.1],
    },
    summary: {
      baseline: side(1000, {
        top: [
          { value: 'Paris', count: 500 },
          { value: 'Oslo', count: 200 },
        ],
      }),
      current: side(800, { top: [{ value: 'Paris', count: 336 }] }),
    },
  }),
  feature('age', {
    status: 'fail',
    critical: true,
    gate: { metric: 'wasserstein_normalized', value: 0.31, threshold: 0.1, higherIsDrift: true },
    metrics: {
      wasserstein_normalized: 0.31,
      ks_statistic: 0.4,
      ks_pvalue: 1e-12,
      psi: 0.9,
      out_of_range_share: 0.05,
      missing_rate_baseline: 0,
      missing_rate_current: 0.02,
    },
    distribution: { labels: edges(18, 6, 12), baseline: normalish(4, 12), current: normalish(8, 12) },
    summary: {
      baseline: side(1000, { mean: 40, std: 10, min: 18, max: 90 }),
      current: side(800, { missing: 16, mean: 55, std: 11, min: 20, max: 95 }),
    },
  }),
  feature('<img src=x onerror=alert(1)>|pipe*_', {
    type: 'categorical',
    typeSource: 'override',
    status: 'fail',
    gate: { metric: 'chi2_pvalue', value: 0.0001, threshold: 0.05, higherIsDrift: false },
    metrics: { chi2_pvalue: 0.0001, jensen_shannon: 0.2 },
    notes: ['category <b>bold</b> | moved'],
    distribution: { labels: ['<script>alert(1)</script>', 'b"q'], baseline: [0.7, 0.3], current: [0.3, 0.7] },
  }),
  feature('customer_id', {
    type: 'categorical',
    status: 'skipped',
    notes: ['too many distinct values to be categorical (high cardinality)'],
  }),
  feature('rare', { status: 'insufficient_data', notes: ['only 3 values in current data'] }),
  feature('weekday_code', {
    type: 'categorical',
    status: 'pass',
    gate: { metric: 'jensen_shannon', value: 0.02, threshold: 0.1, higherIsDrift: true },
    metrics: { jensen_shannon: 0.02 },
    distribution: {
      labels: Array.from({ length: 40 }, (_, i) => `code-${i}`),
      baseline: Array.from({ length: 40 }, () => 1 / 40),
      current: Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.6 : 1.4) / 40),
    },
  }),
];

export const fixtureReport = buildReport({
  method: 'distance',
  baseline: {
    rows: 1000,
    source: { files: ['/data/train/part-0.csv', '/data/train/part-1.csv'], contentHash: 'a'.repeat(64) },
  },
  current: { rows: 800, source: { files: ['/data/prod.parquet'], contentHash: 'b'.repeat(64) } },
  features: fixtureFeatures,
  verdict: { status: 'fail', driftShare: 0.4 },
  driftShareThreshold: 0.5,
  generatedAt: new Date('2025-01-02T03:04:05Z'),
});
