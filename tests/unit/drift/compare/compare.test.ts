import {
  compareFeature,
  inferFeatureType,
  judgeDataset,
  type CompareOptions,
} from '../../../../shared/src/drift/compare';
import type {
  DriftMethod,
  FeatureComparison,
  FeatureMetrics,
  FeatureType,
} from '../../../../shared/src/drift/model';
import { SeededDraw } from '../../../harness/seeded-draw';
import { expectClose, loadReference, worst, type RefNumber } from '../stats/reference';
import { buildProfile, fromCounts, numericProfile, type Cell } from './profile-builder';

interface CompareCase {
  name: string;
  type: FeatureType;
  method: DriftMethod;
  baseline?: number[];
  current?: number[];
  baselineCounts?: Record<string, number>;
  currentCounts?: Record<string, number>;
  missing?: [number, number];
  metrics: Partial<Record<keyof FeatureMetrics, RefNumber>>;
  gate: keyof FeatureMetrics;
  threshold: number;
  status: string;
}

const reference = loadReference<{ cases: CompareCase[] }>('compare.json');

afterAll(() => {
  console.log(`worst relative error vs the reference figures: ${worst.rel.toExponential(2)} (${worst.name})`);
});

function options(
  method: DriftMethod,
  type: FeatureType,
  extra: Partial<CompareOptions> = {},
): CompareOptions {
  return {
    method,
    type,
    typeSource: 'override',
    numericThreshold: 0.1,
    categoricalThreshold: 0.1,
    warnThreshold: 0.5,
    critical: false,
    ...extra,
  };
}

function columns(c: CompareCase): [Cell[], Cell[]] {
  if (c.type === 'numeric') return [c.baseline!, c.current!];
  return [fromCounts(c.baselineCounts!, c.missing?.[0]), fromCounts(c.currentCounts!, c.missing?.[1])];
}

describe('compareFeature against numpy/scipy re-implementations of each method', () => {
  it.each(reference.cases.map((c) => [`${c.name} (${c.type}, ${c.method})`, c] as const))('%s', (name, c) => {
    const [b, cur] = columns(c);
    const result = compareFeature(buildProfile('x', b), buildProfile('x', cur), options(c.method, c.type));
    for (const [key, expected] of Object.entries(c.metrics)) {
      const actual = result.metrics[key as keyof FeatureMetrics];
      expect(actual).toBeDefined();
      // Exact p-values of 0 (a new category) and huge statistics compare exactly.
      expectClose(actual!, expected, 1e-9, `${name} ${key}`, 1e-14);
    }
    for (const key of Object.keys(result.metrics)) expect(c.metrics).toHaveProperty(key);
    expect(result.gate?.metric).toBe(c.gate);
    expect(result.gate?.threshold).toBe(c.threshold);
    expect(result.status).toBe(c.status);
    expect(result.distribution.labels.length).toBe(result.distribution.baseline.length);
  });

  it('reproduces the research document figures for the Evidently example', () => {
    const c = reference.cases.find((x) => x.name.startsWith('grid 2000') && x.method === 'evidently')!;
    const result = compareFeature(
      buildProfile('x', c.baseline!),
      buildProfile('x', c.current!),
      options('evidently', 'numeric'),
    );
    expectClose(result.metrics.wasserstein_normalized!, 0.3466986887411863, 1e-12, 'doc W');
    expectClose(result.metrics.psi!, 0.1437672876114624, 1e-12, 'doc PSI');
    expectClose(result.metrics.jensen_shannon!, 0.13271230316961768, 1e-12, 'doc JS');
    expectClose(result.metrics.ks_statistic!, 0.14866666666666667, 1e-12, 'doc D');
    expect(result.distribution.labels).toHaveLength(13);
  });

  it('names the category that moved most and those that appeared or disappeared', () => {
    const result = compareFeature(
      buildProfile('c', fromCounts({ a: 600, b: 300, c: 100, e: 10 })),
      buildProfile('c', fromCounts({ a: 500, b: 300, c: 150, d: 50 })),
      options('distance', 'categorical'),
    );
    expect(result.notes).toEqual(
      expect.arrayContaining([
        'category that moved most: a (59.4% -> 50.0%)',
        'categories new in the current data: d',
        'categories that disappeared: e',
      ]),
    );
    expect(result.metrics.unseen_share).toBeCloseTo(0.05, 15);
  });
});

describe('robustness', () => {
  const many = (n: number, f: (i: number) => Cell): Cell[] => Array.from({ length: n }, (_, i) => f(i));

  it('an all-missing column is skipped, not a crash', () => {
    const empty = buildProfile(
      'e',
      many(50, () => null),
    );
    const full = buildProfile(
      'e',
      many(50, (i) => i / 7),
    );
    for (const method of ['distance', 'evidently', 'azure'] as const) {
      for (const type of ['numeric', 'categorical'] as const) {
        const result = compareFeature(empty, full, options(method, type));
        expect(result.status).toBe('skipped');
        expect(result.notes[0]).toMatch(/no (numeric )?values in the baseline/);
        expect(result.metrics.missing_rate_baseline).toBe(1);
      }
    }
  });

  it('a constant column on both sides has distance 0 and p = 1, no NaN', () => {
    const p = buildProfile(
      'k',
      many(100, () => 3.5),
    );
    for (const method of ['distance', 'evidently', 'azure'] as const) {
      const result = compareFeature(p, p, options(method, 'numeric'));
      expect(result.status).toBe('pass');
      for (const v of Object.values(result.metrics)) expect(Number.isNaN(v)).toBe(false);
      expect(result.metrics.wasserstein_normalized).toBe(0);
      expect(result.metrics.ks_pvalue).toBe(1);
      const cat = compareFeature(p, p, options(method, 'categorical'));
      expect(cat.status).toBe('pass');
      expect(cat.metrics.jensen_shannon).toBe(0);
      for (const v of Object.values(cat.metrics)) expect(Number.isNaN(v)).toBe(false);
    }
  });

  it('a different constant: W1 / 0.001 and JS 1', () => {
    const a = buildProfile(
      'k',
      many(100, () => 1),
    );
    const b = buildProfile(
      'k',
      many(100, () => 1.5),
    );
    expect(compareFeature(a, b, options('distance', 'numeric')).metrics.wasserstein_normalized).toBeCloseTo(
      500,
      9,
    );
    expect(compareFeature(a, b, options('distance', 'categorical')).metrics.jensen_shannon).toBe(1);
  });

  it('fewer than 30 values on a side is insufficient_data with metrics reported', () => {
    const result = compareFeature(
      buildProfile(
        's',
        many(29, (i) => i),
      ),
      buildProfile(
        's',
        many(100, (i) => i * 3),
      ),
      options('distance', 'numeric'),
    );
    expect(result.status).toBe('insufficient_data');
    expect(result.metrics.wasserstein_normalized).toBeGreaterThan(0);
    expect(result.gate).toBeDefined();
  });

  it('infinities and NaN are missing values, dropped per column', () => {
    const result = compareFeature(
      buildProfile('i', [...many(100, (i) => i), Infinity, -Infinity, NaN, null]),
      buildProfile(
        'i',
        many(100, (i) => i),
      ),
      options('distance', 'numeric'),
    );
    expect(result.summary.baseline.count).toBe(100);
    expect(result.summary.baseline.missing).toBe(4);
    expect(result.metrics.missing_rate_baseline).toBeCloseTo(4 / 104, 15);
    expect(result.metrics.wasserstein_normalized).toBe(0);
  });

  it('does not mutate the profile samples', () => {
    const values = many(200, (i) => Math.sin(i));
    const p = buildProfile('m', values);
    const before = Array.from(p.numeric!.sample);
    compareFeature(
      p,
      buildProfile(
        'm',
        many(200, (i) => Math.cos(i)),
      ),
      options('distance', 'numeric'),
    );
    expect(Array.from(p.numeric!.sample)).toEqual(before);
  });

  it('per-feature overrides pick the gate metric and threshold', () => {
    const b = buildProfile(
      'o',
      many(500, (i) => i / 500),
    );
    const c = buildProfile(
      'o',
      many(500, (i) => (i / 500) ** 1.2),
    );
    const psi = compareFeature(
      b,
      c,
      options('distance', 'numeric', { override: { metric: 'psi', threshold: 0.5 } }),
    );
    expect(psi.gate).toMatchObject({ metric: 'psi', threshold: 0.5, higherIsDrift: true });
    const ks = compareFeature(b, c, options('distance', 'numeric', { override: { metric: 'ks_pvalue' } }));
    expect(ks.gate).toMatchObject({ metric: 'ks_pvalue', threshold: 0.05, higherIsDrift: false });
    const bad = compareFeature(b, c, options('distance', 'numeric', { override: { metric: 'chi2_pvalue' } }));
    expect(bad.gate?.metric).toBe('wasserstein_normalized');
    expect(bad.notes.join(' ')).toMatch(/chi2_pvalue does not apply/);
  });

  it('U(0,1) vs 1.01 U(0,1) at 1M values passes in distance mode while KS only reports', () => {
    const n = 1_000_000;
    const draw = new SeededDraw(12345);
    const random = () => draw.uniform();
    const a = numericProfile(
      'u',
      Float64Array.from({ length: n }, () => random()),
    );
    const b = numericProfile(
      'u',
      Float64Array.from({ length: n }, () => 1.01 * random()),
    );
    // Speed is measured outside jest (about 0.7 s for this comparison with tsx); jest's module sandbox is slower.
    const result = compareFeature(a, b, options('distance', 'numeric'));
    expect(result.status).toBe('pass');
    expect(result.metrics.wasserstein_normalized!).toBeGreaterThan(0.01);
    expect(result.metrics.wasserstein_normalized!).toBeLessThan(0.03);
    expect(result.metrics.ks_pvalue!).toBeLessThan(1e-20);
  });
});

describe('inferFeatureType', () => {
  it.each([
    ['strings', ['a', 'b', 'a'], 'categorical'],
    ['booleans', [true, false, true], 'categorical'],
    ['integers with 3 values', [1, 2, 3, 1, 2, 3], 'categorical'],
    ['integers with 25 values', Array.from({ length: 50 }, (_, i) => i % 25), 'numeric'],
    ['floats', [0.5, 1.5, 0.5], 'numeric'],
    ['mixed numbers and text', [1, 'x'], 'categorical'],
    ['all missing', [null, null], 'numeric'],
  ] as const)('%s', (_name, values, expected) => {
    expect(inferFeatureType(buildProfile('t', values as readonly Cell[]))).toEqual({
      type: expected,
      source: 'inferred',
    });
  });

  it('an override wins and says so', () => {
    expect(inferFeatureType(buildProfile('t', ['a']), 'numeric')).toEqual({
      type: 'numeric',
      source: 'override',
    });
  });

  it('dates are categorical', () => {
    const p = {
      ...buildProfile('d', ['2024-01-01']),
      kinds: { numbers: 0, integers: 0, booleans: 0, dates: 1, strings: 0 },
    };
    expect(inferFeatureType(p).type).toBe('categorical');
  });
});

describe('judgeDataset', () => {
  const feature = (
    name: string,
    status: FeatureComparison['status'],
    critical = false,
  ): FeatureComparison => ({
    name,
    type: 'numeric',
    typeSource: 'inferred',
    status,
    metrics: {},
    notes: [],
    critical,
    distribution: { labels: [], baseline: [], current: [] },
    summary: { baseline: { count: 0, missing: 0 }, current: { count: 0, missing: 0 } },
  });

  it('2 drifted of 4 at driftShare 0.5 fails (>=), 1 of 4 warns', () => {
    expect(
      judgeDataset([feature('a', 'fail'), feature('b', 'fail'), feature('c', 'pass'), feature('d', 'pass')], {
        driftShare: 0.5,
      }),
    ).toEqual({ status: 'fail', driftShare: 0.5, driftedFeatures: ['a', 'b'] });
    expect(
      judgeDataset([feature('a', 'fail'), feature('b', 'pass'), feature('c', 'pass'), feature('d', 'pass')], {
        driftShare: 0.5,
      }),
    ).toEqual({ status: 'warn', driftShare: 0.25, driftedFeatures: ['a'] });
  });

  it('a critical feature that drifts fails the dataset', () => {
    const verdict = judgeDataset([feature('a', 'fail', true), feature('b', 'pass'), feature('c', 'pass')], {
      driftShare: 0.5,
    });
    expect(verdict.status).toBe('fail');
  });

  it('skipped and insufficient_data are not in the denominator; insufficient_data warns', () => {
    const verdict = judgeDataset(
      [
        feature('a', 'fail'),
        feature('b', 'pass'),
        feature('c', 'skipped'),
        feature('d', 'insufficient_data'),
      ],
      { driftShare: 0.5 },
    );
    expect(verdict).toEqual({ status: 'fail', driftShare: 0.5, driftedFeatures: ['a'] });
    expect(judgeDataset([feature('c', 'skipped')], { driftShare: 0.5 }).status).toBe('pass');
    expect(judgeDataset([feature('d', 'insufficient_data')], { driftShare: 0 }).status).toBe('warn');
    expect(judgeDataset([feature('b', 'pass'), feature('e', 'warn')], { driftShare: 0.5 }).status).toBe(
      'warn',
    );
  });
});
