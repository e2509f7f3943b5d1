import { edgesOfBins, niceScale, foldCategories } from '../../../../shared/src/drift/report/chart';
import {
  formatCount,
  formatNumber,
  formatPercent,
  gateText,
} from '../../../../shared/src/drift/report/format';
import {
  buildReport,
  renderReportHtml,
  renderReportJson,
  renderReportMarkdown,
} from '../../../../shared/src/drift/report';
import { fixtureFeatures, fixtureReport } from './fixtures';

const evil = '<img src=x onerror=alert(1)>|pipe*_';

describe('buildReport', () => {
  it('lists features worst first: status, critical, distance past the threshold, name', () => {
    expect(fixtureReport.features.map((f) => f.name)).toEqual([
      'age',
      evil,
      'city',
      'rare',
      'customer_id',
      'weekday_code',
      'income',
    ]);
  });

  it('carries the verdict, sources and rows', () => {
    expect(fixtureReport).toMatchObject({
      schemaVersion: 1,
      status: 'fail',
      method: 'distance',
      driftShare: 0.4,
      driftShareThreshold: 0.5,
      rows: { baseline: 1000, current: 800 },
      sources: { baseline: { contentHash: 'a'.repeat(64) }, current: { files: ['/data/prod.parquet'] } },
      generatedAt: '2025-01-02T03:04:05.000Z',
    });
  });

  it('does not reorder the array it was given', () => {
    expect(fixtureFeatures[0]!.name).toBe('income');
  });
});

describe('renderReportJson', () => {
  it('round-trips the report with the keys of drift-report.json', () => {
    const parsed = JSON.parse(renderReportJson(fixtureReport));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(fixtureReport)));
    const age = parsed.features[0];
    expect(Object.keys(age)).toEqual(
      expect.arrayContaining(['name', 'type', 'status', 'gate', 'metrics', 'notes', 'distribution']),
    );
    expect(age.gate).toEqual({
      metric: 'wasserstein_normalized',
      value: 0.31,
      threshold: 0.1,
      higherIsDrift: true,
    });
  });

  it('writes non-finite numbers as null', () => {
    const report = buildReport({
      ...base(),
      features: [
        {
          ...fixtureFeatures[0]!,
          metrics: { psi: Infinity, ks_pvalue: NaN },
        },
      ],
    });
    expect(JSON.parse(renderReportJson(report)).features[0].metrics).toEqual({ psi: null, ks_pvalue: null });
  });
});

describe('renderReportMarkdown', () => {
  const markdown = renderReportMarkdown(fixtureReport, { chartsAt: 'HERE' });
  const rows = markdown.split('\n').filter((line) => line.startsWith('| '));

  it('starts with the verdict line', () => {
    expect(markdown.split('\n')[0]).toBe(
      '**Drift ❌ fail** · 2 of 5 features drifted (40 %; fails at 50 %) · method `distance` · rows: 1,000 baseline, 800 current · 2 not judged',
    );
  });

  it('has one row per feature, worst first, with the gate against its threshold', () => {
    expect(rows).toHaveLength(1 + fixtureReport.features.length);
    expect(rows[1]).toBe(
      '| age (critical) | numeric | ❌ fail | wasserstein_normalized 0.31 > 0.1 | ks_pvalue 1.00e-12 · psi 0.9 · out_of_range_share 0.05 · missing 0 % → 2 % |  |',
    );
    expect(rows[3]).toContain('| city | categorical | ⚠️ warn | jensen_shannon 0.07 ≤ 0.1 |');
    expect(rows[3]).toContain('most moved: Oslo (+6.0 %)');
    expect(rows[2]).toContain('chi2_pvalue 1.00e-4 < 0.05');
    expect(rows[5]).toContain('| customer\\_id | categorical | ⏭️ skipped |  |');
    expect(rows[4]).toContain('❔ insufficient data');
  });

  it('escapes names and notes so that no cell breaks the table or injects markup', () => {
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(8);
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('<b>');
    expect(rows[2]).toContain('| &lt;img src=x onerror=alert(1)&gt;\\|pipe\\*\\_ | categorical (set) |');
  });

  it('points to the HTML report where it is said to be', () => {
    expect(markdown).toContain('\nCharts per feature: HERE\n');
    expect(renderReportMarkdown(fixtureReport)).not.toContain('Charts per feature');
  });

  it('says so when nothing was compared', () => {
    const empty = renderReportMarkdown(buildReport({ ...base(), features: [] }));
    expect(empty).toContain('| (no feature compared) |');
    expect(empty.split('\n')[0]).toContain('0 of 0 features drifted');
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(fixtureReport, { context: 'weather-ml #4242' });

  it('is one self-contained page: no script, nothing fetched', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('escapes every user string', () => {
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;|pipe*_');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('b&quot;q');
    expect(html).toContain('category &lt;b&gt;bold&lt;/b&gt; | moved');
  });

  it('has a section per feature, worst first, with a chart wherever there is a distribution', () => {
    const sections = [
      ...html.matchAll(
        /<section class="feature status-(\w+)" id="feature-(\d+)" data-feature="([^"]*)"[^>]*data-chart="(\w+)"/g,
      ),
    ];
    expect(sections.map((s) => s[1])).toEqual(fixtureReport.features.map((f) => f.status));
    expect(sections.map((s) => s[4])).toEqual(['true', 'true', 'true', 'false', 'false', 'true', 'true']);
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBe(5);
    expect(html).toContain('No chart: too many distinct values to be categorical (high cardinality)');
  });

  it('gives each chart a title, a description, axis titles and a legend', () => {
    const chart = html.slice(html.indexOf('<svg class="chart"'), html.indexOf('</svg>'));
    expect(chart).toMatch(/role="img" aria-labelledby="feature-0-chart-title feature-0-chart-desc"/);
    expect(chart).toContain(
      '<title id="feature-0-chart-title">Distribution of age: baseline and current</title>',
    );
    expect(chart).toMatch(
      /<desc id="feature-0-chart-desc">Share of values per bin, 12 bins\. Largest difference at \[/,
    );
    expect(chart).toContain('share of values');
    expect(chart).toContain('>value</text>');
    expect(chart).toContain('>baseline</text>');
    expect(chart).toContain('>current</text>');
    expect(chart).toContain('class="mark baseline"');
    expect(chart).toContain('class="mark current"');
  });

  it('draws at most 30 categories, folding the rest into one', () => {
    const at = html.indexOf('data-feature="weekday_code"');
    const section = html.slice(at, html.indexOf('</section>', at));
    const svg = section.slice(section.indexOf('<svg'), section.indexOf('</svg>'));
    expect((svg.match(/class="mark baseline"/g) ?? []).length).toBe(30);
    expect(svg).toContain('other (11 categories)');
  });

  it('shows the verdict, method, rows and sources with their hashes', () => {
    expect(html).toContain('<span class="badge status-fail" id="verdict">✗ fail</span>');
    expect(html).toContain('2 of 5 features (40 %; fails at 50 %)');
    expect(html).toContain('<code>distance</code>');
    expect(html).toContain('1,000 baseline, 800 current');
    expect(html).toContain('<code>/data/train/part-1.csv</code>');
    expect(html).toContain(`<code>${'b'.repeat(64)}</code>`);
    expect(html).toContain('<title>Drift report: fail · weather-ml #4242</title>');
  });

  it('lists at most ten files per side', () => {
    const files = Array.from({ length: 25 }, (_, i) => `/data/part-${i}.csv`);
    const page = renderReportHtml(
      buildReport({ ...base(), baseline: { rows: 1, source: { files, contentHash: 'c' } }, features: [] }),
    );
    expect(page).toContain('/data/part-9.csv');
    expect(page).not.toContain('/data/part-10.csv');
    expect(page).toContain('and 15 more');
  });
});

describe('formats', () => {
  it.each([
    [0, '0'],
    [0.1, '0.1'],
    [0.123456, '0.123'],
    [12.3456, '12.3'],
    [45000, '45000'],
    [0.0001, '1.00e-4'],
    [1e-12, '1.00e-12'],
    [-0.5, '-0.5'],
    [Infinity, '∞'],
    [NaN, 'NaN'],
  ])('formatNumber(%p) = %p', (value, text) => expect(formatNumber(value)).toBe(text));

  it('formats shares and counts', () => {
    expect(formatPercent(0.4)).toBe('40 %');
    expect(formatPercent(0.0625)).toBe('6.3 %');
    expect(formatCount(1000000)).toBe('1,000,000');
  });

  it.each([
    [{ metric: 'psi', value: 0.3, threshold: 0.2, higherIsDrift: true }, 'psi 0.3 > 0.2'],
    [{ metric: 'psi', value: 0.2, threshold: 0.2, higherIsDrift: true }, 'psi 0.2 ≤ 0.2'],
    [{ metric: 'ks_pvalue', value: 0.01, threshold: 0.05, higherIsDrift: false }, 'ks_pvalue 0.01 < 0.05'],
    [{ metric: 'ks_pvalue', value: 0.5, threshold: 0.05, higherIsDrift: false }, 'ks_pvalue 0.5 ≥ 0.05'],
  ] as const)('gateText(%o) = %p', (gate, text) => expect(gateText(gate)).toBe(text));

  it.each([
    [0.31, { max: 0.4, step: 0.1 }],
    [0.07, { max: 0.08, step: 0.02 }],
    [1, { max: 1, step: 0.25 }],
    [0, { max: 0.01, step: 0.0025 }],
  ])('niceScale(%p)', (maximum, scale) => {
    const result = niceScale(maximum);
    expect(result.step).toBeCloseTo(scale.step, 10);
    expect(result.max).toBeCloseTo(scale.max, 10);
  });

  it.each([
    [
      ['[0, 5)', '[5, 10)', '[10, 15]'],
      ['0', '5', '10', '15'],
    ],
    [
      ['< 5', '[5, 10)', '>= 10'],
      ['', '5', '10', ''],
    ],
    [['all'], undefined],
    [['[0, 5)', '[6, 10)'], undefined],
    [['Paris', 'Oslo'], undefined],
  ])('edgesOfBins(%p) = %p', (labels, edges) => expect(edgesOfBins(labels)).toEqual(edges));

  it('folds categories keeping the heaviest on either side', () => {
    const labels = Array.from({ length: 31 }, (_, i) => `c${i}`);
    const baseline = labels.map((_, i) => (i === 30 ? 0.5 : 0.5 / 30));
    const folded = foldCategories({ labels, baseline, current: baseline });
    expect(folded.labels).toHaveLength(30);
    expect(folded.labels).toContain('c30');
    expect(folded.labels[29]).toBe('other (2 categories)');
    expect(folded.baseline.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });
});

function base() {
  return {
    method: 'distance' as const,
    baseline: { rows: 10, source: { files: ['a.csv'], contentHash: 'x' } },
    current: { rows: 10, source: { files: ['b.csv'], contentHash: 'y' } },
    verdict: { status: 'pass' as const, driftShare: 0 },
    driftShareThreshold: 0.5,
    generatedAt: new Date(0),
  };
}
