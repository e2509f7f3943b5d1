/**
 * drift-report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) that an approver
 * opens from the pipeline's artifacts. It holds aggregates only (shares per bin or category, moments), no rows.
 */
import { METRIC_NAMES } from '../metrics';
import type { DriftReport, FeatureComparison, SideSummary } from '../model';
import {
  BASELINE_COLOUR,
  CURRENT_COLOUR,
  escapeHtml as esc,
  foldCategories,
  hasChart,
  renderChart,
} from './chart';
import {
  driftedFeatureNames,
  formatCount,
  formatNumber,
  formatPercent,
  gateComparator,
  statusWord,
} from './format';

/** Symbols every system font has (the markdown's emoji are not everywhere); the word always follows. */
const ICON: Record<FeatureComparison['status'], string> = {
  pass: '✓',
  warn: '⚠',
  fail: '✗',
  skipped: '–',
  insufficient_data: '?',
};

/** Source files listed per side before the rest are counted. */
const MAX_FILES_SHOWN = 10;

const STYLE = `
:root { color-scheme: light; --fail: #B03A00; --warn: #8A5A00; --pass: #006B4F; --muted: #5A5A5A; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1B1B1B; background: #FAFAFA; }
header, main { max-width: 980px; margin: 0 auto; padding: 16px 24px; }
header { border-bottom: 1px solid #DDD; background: #FFF; max-width: none; }
header > * { max-width: 932px; margin-left: auto; margin-right: auto; }
h1 { font-size: 22px; margin: 8px auto; }
h2 { font-size: 18px; margin: 0 0 4px; word-break: break-word; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #DDD; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #F0F0F0; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, Consolas, monospace; font-size: 12px; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.status-fail { color: var(--fail); }
.status-warn { color: var(--warn); }
.status-pass { color: var(--pass); }
.status-skipped, .status-insufficient_data { color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 8px auto; }
.facts div { white-space: nowrap; }
.muted { color: var(--muted); }
section.feature { background: #FFF; border: 1px solid #DDD; border-left: 6px solid #BBB; border-radius: 4px; padding: 12px 16px; margin: 16px 0; }
section.feature.status-fail { border-left-color: var(--fail); }
section.feature.status-warn { border-left-color: var(--warn); }
section.feature.status-pass { border-left-color: var(--pass); }
section.feature > * { color: #1B1B1B; }
.columns { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
svg.chart { max-width: 100%; height: auto; background: #FFF; }
svg.chart text { font: 11px system-ui, sans-serif; fill: #333; }
svg.chart .axis-title { font-weight: 600; }
svg.chart .axis, svg.chart .tick-mark { stroke: #555; }
svg.chart .grid { stroke: #E4E4E4; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -1px; margin-right: 4px; }
details { margin-top: 4px; }
`;

export interface HtmlOptions {
  /** Shown in the page title and header, e.g. the pipeline run. */
  readonly context?: string;
}

/** The HTML page of a drift report: header with the verdict and sources, then one section per feature. */
export function renderReportHtml(report: DriftReport, options: HtmlOptions = {}): string {
  const drifted = driftedFeatureNames(report.features);
  const judged = report.features.filter((f) => f.status !== 'skipped' && f.status !== 'insufficient_data');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the page is read from an artifact, perhaps offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Drift report: ${esc(statusWord(report.status))}${options.context ? ` · ${esc(options.context)}` : ''}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>Drift report <span class="badge status-${report.status}" id="verdict">${ICON[report.status]} ${esc(statusWord(report.status))}</span></h1>`,
    options.context ? `<p class="muted">${esc(options.context)}</p>` : '',
    '<div class="facts">',
    `<div><strong>Drifted:</strong> ${drifted.length} of ${judged.length} features (${formatPercent(report.driftShare)}; fails at ${formatPercent(report.driftShareThreshold)})</div>`,
    `<div><strong>Method:</strong> <code>${esc(report.method)}</code></div>`,
    `<div><strong>Rows:</strong> ${formatCount(report.rows.baseline)} baseline, ${formatCount(report.rows.current)} current</div>`,
    `<div><strong>Generated:</strong> ${esc(report.generatedAt)}</div>`,
    '</div>',
    sources(report),
    '</header>',
    '<main>',
    overview(report.features),
    ...report.features.map((feature, i) => featureSection(feature, i)),
    '</main>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function sources(report: DriftReport): string {
  const row = (side: 'baseline' | 'current') => {
    const source = report.sources[side];
    const files = source.files.slice(0, MAX_FILES_SHOWN).map((f) => `<code>${esc(f)}</code>`);
    const more = source.files.length - files.length;
    if (more > 0) files.push(`and ${more} more`);
    const swatch = side === 'baseline' ? BASELINE_COLOUR : CURRENT_COLOUR;
    return `<tr><th scope="row"><span class="swatch" style="background:${swatch}"></span>${side}</th><td class="num">${formatCount(report.rows[side])}</td><td>${files.join('<br>') || '<span class="muted">(none)</span>'}</td><td><code>${esc(source.contentHash)}</code></td></tr>`;
  };
  return [
    '<table class="sources">',
    '<caption class="muted" style="text-align:left">Sources</caption>',
    '<thead><tr><th scope="col">Side</th><th scope="col">Rows</th><th scope="col">Files</th><th scope="col">Content hash</th></tr></thead>',
    `<tbody>${row('baseline')}${row('current')}</tbody>`,
    '</table>',
  ].join('\n');
}

function overview(features: readonly FeatureComparison[]): string {
  if (features.length === 0) return '<p>No feature was compared.</p>';
  const rows = features.map(
    (f, i) =>
      `<tr><td><a href="#feature-${i}">${esc(f.name)}</a>${f.critical ? ' <strong>(critical)</strong>' : ''}</td><td>${f.type}</td><td class="status-${f.status}">${ICON[f.status]} ${esc(statusWord(f.status))}</td><td>${gateCell(f)}</td></tr>`,
  );
  return [
    '<table class="overview">',
    '<caption class="muted" style="text-align:left">Features, worst first</caption>',
    '<thead><tr><th scope="col">Feature</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Gate</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function gateCell(feature: FeatureComparison): string {
  const { gate } = feature;
  if (!gate) return '<span class="muted">none</span>';
  return `<code>${esc(gate.metric)}</code> ${formatNumber(gate.value)} ${esc(gateComparator(gate))} ${formatNumber(gate.threshold)}`;
}

function featureSection(feature: FeatureComparison, index: number): string {
  const id = `feature-${index}`;
  const tags = [
    `${feature.type}${feature.typeSource === 'override' ? ' (set by input)' : ' (inferred)'}`,
    ...(feature.critical ? ['critical'] : []),
  ];
  const chart = hasChart(feature)
    ? renderChart(feature, `${id}-chart`)
    : `<p class="no-chart muted">No chart: ${esc(feature.notes[0] ?? 'no values to draw')}</p>`;
  return [
    `<section class="feature status-${feature.status}" id="${id}" data-feature="${esc(feature.name)}" data-status="${feature.status}" data-chart="${hasChart(feature)}">`,
    `<h2>${esc(feature.name)} <span class="badge status-${feature.status}">${ICON[feature.status]} ${esc(statusWord(feature.status))}</span></h2>`,
    `<p class="muted">${esc(tags.join(' · '))}${feature.gate ? ` · gate ${gateCell(feature)}` : ''}</p>`,
    feature.notes.length > 0
      ? `<ul class="notes">${feature.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
      : '',
    chart,
    '<div class="columns">',
    metricsTable(feature),
    summaryTable(feature),
    '</div>',
    hasChart(feature) ? dataTable(feature) : '',
    '</section>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function metricsTable(feature: FeatureComparison): string {
  const rows = METRIC_NAMES.filter((m) => feature.metrics[m] !== undefined).map((metric) => {
    const gated = feature.gate?.metric === metric;
    return `<tr${gated ? ' class="gate"' : ''}><th scope="row"><code>${metric}</code>${gated ? ' (gate)' : ''}</th><td class="num">${formatNumber(feature.metrics[metric]!)}</td></tr>`;
  });
  if (rows.length === 0) return '';
  return `<table class="metrics"><caption class="muted" style="text-align:left">Metrics</caption><tbody>${rows.join('')}</tbody></table>`;
}

function summaryTable(feature: FeatureComparison): string {
  const { baseline, current } = feature.summary;
  const line = (label: string, pick: (side: SideSummary) => string) =>
    `<tr><th scope="row">${label}</th><td class="num">${pick(baseline)}</td><td class="num">${pick(current)}</td></tr>`;
  const optional = (value: number | undefined) => (value === undefined ? '' : formatNumber(value));
  const rows = [line('values', (s) => formatCount(s.count)), line('missing', (s) => formatCount(s.missing))];
  if (baseline.mean !== undefined || current.mean !== undefined) {
    rows.push(
      line('mean', (s) => optional(s.mean)),
      line('std', (s) => optional(s.std)),
      line('min', (s) => optional(s.min)),
      line('max', (s) => optional(s.max)),
    );
  }
  if (baseline.top || current.top) {
    const top = (s: SideSummary) =>
      (s.top ?? [])
        .slice(0, 5)
        .map((t) => `${esc(t.value === '' ? '(empty)' : t.value)}: ${formatCount(t.count)}`)
        .join('<br>');
    rows.push(line('top categories', top));
  }
  return `<table class="summary"><caption class="muted" style="text-align:left">Summary</caption><thead><tr><th></th><th scope="col">baseline</th><th scope="col">current</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The chart's figures as a table: the accessible alternative, collapsed. */
function dataTable(feature: FeatureComparison): string {
  const series = feature.type === 'categorical' ? foldCategories(feature.distribution) : feature.distribution;
  const edges = series.labels.length === series.baseline.length + 1;
  const label = (i: number) =>
    edges ? `[${series.labels[i]}, ${series.labels[i + 1]})` : (series.labels[i] ?? '');
  const rows = series.baseline.map(
    (share, i) =>
      `<tr><td>${esc(label(i))}</td><td class="num">${formatPercent(share)}</td><td class="num">${formatPercent(series.current[i] ?? 0)}</td></tr>`,
  );
  return `<details><summary>Chart data</summary><table><thead><tr><th scope="col">${feature.type === 'numeric' ? 'bin' : 'category'}</th><th scope="col">baseline</th><th scope="col">current</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}
