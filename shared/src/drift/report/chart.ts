/**
 * Inline SVG charts of one feature's distribution, baseline over current, drawn in TypeScript so the HTML report
 * needs no script and no network. Colours are the Okabe-Ito blue and vermillion, told apart by colour-blind
 * readers too; the two sides also differ in shape (filled bars against an outline) on numeric charts.
 */
import type { FeatureComparison } from '../model';
import { formatNumber, formatPercent } from './format';

export const BASELINE_COLOUR = '#0072B2';
export const CURRENT_COLOUR = '#D55E00';

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 34, right: 16, bottom: 66, left: 56 } as const;
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Categorical charts keep this many categories and fold the others into one bar. */
const MAX_CATEGORIES = 30;

export interface ChartSeries {
  readonly labels: readonly string[];
  readonly baseline: readonly number[];
  readonly current: readonly number[];
}

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Whether a feature has anything to draw. */
export function hasChart(feature: FeatureComparison): boolean {
  const { baseline, current } = feature.distribution;
  return (
    baseline.length > 0 && baseline.length === current.length && [...baseline, ...current].some((s) => s > 0)
  );
}

/** The SVG of a feature's distribution; `id` makes its element ids unique in the page. */
export function renderChart(feature: FeatureComparison, id: string): string {
  const series = feature.type === 'categorical' ? foldCategories(feature.distribution) : feature.distribution;
  const shares = [...series.baseline, ...series.current].filter(Number.isFinite);
  const { max: yMax, step } = niceScale(Math.max(0, ...shares));
  const y = (share: number) => MARGIN.top + PLOT_HEIGHT * (1 - Math.min(share, yMax) / yMax);
  const kind = feature.type === 'numeric' ? 'bin' : 'category';
  const marks = feature.type === 'numeric' ? numericMarks(series, y) : categoricalMarks(series, y);
  const xLabels =
    feature.type === 'numeric'
      ? numericLabels(series.labels, series.baseline.length)
      : categoryLabels(series.labels);
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return [
    `<svg class="chart" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${titleId}">Distribution of ${escapeHtml(feature.name)}: baseline and current</title>`,
    `<desc id="${descId}">${escapeHtml(describe(series, kind))}</desc>`,
    yAxis(yMax, step, y),
    `<g class="marks">${marks}</g>`,
    xAxis(xLabels),
    `<text class="axis-title" x="${MARGIN.left + PLOT_WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle">${feature.type === 'numeric' ? 'value' : 'category'}</text>`,
    `<text class="axis-title" transform="translate(14 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">share of values</text>`,
    legend(feature.type),
    '</svg>',
  ].join('\n');
}

/** Bars for the baseline, a step outline for the current side. */
function numericMarks(series: ChartSeries, y: (share: number) => number): string {
  const n = series.baseline.length;
  const width = PLOT_WIDTH / n;
  const x = (i: number) => MARGIN.left + i * width;
  const base = y(0);
  const parts: string[] = [];
  series.baseline.forEach((share, i) => {
    if (!(share > 0)) return;
    // Any share above zero stays visible, however small.
    const top = Math.min(y(share), base - 0.5);
    parts.push(
      `<rect class="mark baseline" x="${fixed(x(i))}" y="${fixed(top)}" width="${fixed(width)}" height="${fixed(Math.max(base - top, 0.5))}" fill="${BASELINE_COLOUR}" fill-opacity="0.45"><title>${escapeHtml(`baseline ${binName(series.labels, i, n)}: ${formatPercent(share)}`)}</title></rect>`,
    );
  });
  const path = [`M${fixed(x(0))} ${fixed(base)}`];
  series.current.forEach((share, i) => {
    const level = y(Number.isFinite(share) ? share : 0);
    path.push(`V${fixed(level)}`, `H${fixed(x(i + 1))}`);
  });
  path.push(`V${fixed(base)}`);
  parts.push(
    `<path class="mark current" d="${path.join(' ')}" fill="${CURRENT_COLOUR}" fill-opacity="0.08" stroke="${CURRENT_COLOUR}" stroke-width="2"><title>current distribution</title></path>`,
  );
  // Invisible per-bin targets give the current side's shares as tooltips too.
  series.current.forEach((share, i) => {
    if (!(share > 0)) return;
    const top = y(share);
    parts.push(
      `<rect class="hit" x="${fixed(x(i))}" y="${fixed(top - 3)}" width="${fixed(width)}" height="6" fill="transparent"><title>${escapeHtml(`current ${binName(series.labels, i, n)}: ${formatPercent(share)}`)}</title></rect>`,
    );
  });
  return parts.join('\n');
}

/** Side-by-side bars per category: baseline left, current right. */
function categoricalMarks(series: ChartSeries, y: (share: number) => number): string {
  const n = series.labels.length;
  const group = PLOT_WIDTH / n;
  const bar = group * 0.4;
  const base = y(0);
  const parts: string[] = [];
  series.labels.forEach((label, i) => {
    const sides = [
      ['baseline', series.baseline[i] ?? 0, BASELINE_COLOUR, 0.1],
      ['current', series.current[i] ?? 0, CURRENT_COLOUR, 0.5],
    ] as const;
    for (const [side, share, colour, offset] of sides) {
      if (!(share > 0)) continue;
      const top = y(share);
      parts.push(
        `<rect class="mark ${side}" x="${fixed(MARGIN.left + i * group + group * offset)}" y="${fixed(top)}" width="${fixed(bar)}" height="${fixed(Math.max(base - top, 0.5))}" fill="${colour}"><title>${escapeHtml(`${side} ${label}: ${formatPercent(share)}`)}</title></rect>`,
      );
    }
  });
  return parts.join('\n');
}

function yAxis(yMax: number, step: number, y: (share: number) => number): string {
  const parts = [
    `<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_HEIGHT}" />`,
  ];
  for (let tick = 0; tick <= yMax + step / 1000; tick += step) {
    const at = fixed(y(tick));
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" y1="${at}" x2="${MARGIN.left + PLOT_WIDTH}" y2="${at}" />`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${formatPercent(tick)}</text>`,
    );
  }
  return `<g class="y-axis">${parts.join('')}</g>`;
}

interface XLabel {
  readonly x: number;
  readonly text: string;
  readonly full: string;
}

function xAxis(labels: readonly XLabel[]): string {
  const base = MARGIN.top + PLOT_HEIGHT;
  const rotate = labels.length > 8;
  const parts = [
    `<line class="axis" x1="${MARGIN.left}" y1="${base}" x2="${MARGIN.left + PLOT_WIDTH}" y2="${base}" />`,
  ];
  for (const label of labels) {
    const x = fixed(label.x);
    const placement = rotate
      ? `transform="translate(${x} ${base + 10}) rotate(-40)" text-anchor="end"`
      : `x="${x}" y="${base + 16}" text-anchor="middle"`;
    parts.push(
      `<line class="tick-mark" x1="${x}" y1="${base}" x2="${x}" y2="${base + 4}" />`,
      `<text class="tick" ${placement}><title>${escapeHtml(label.full)}</title>${escapeHtml(label.text)}</text>`,
    );
  }
  return `<g class="x-axis">${parts.join('')}</g>`;
}

function legend(type: FeatureComparison['type']): string {
  const current =
    type === 'numeric'
      ? `<rect x="${MARGIN.left + 110}" y="8" width="14" height="14" fill="${CURRENT_COLOUR}" fill-opacity="0.08" stroke="${CURRENT_COLOUR}" stroke-width="2" />`
      : `<rect x="${MARGIN.left + 110}" y="8" width="14" height="14" fill="${CURRENT_COLOUR}" />`;
  return [
    '<g class="legend">',
    `<rect x="${MARGIN.left}" y="8" width="14" height="14" fill="${BASELINE_COLOUR}" fill-opacity="${type === 'numeric' ? 0.45 : 1}" />`,
    `<text x="${MARGIN.left + 20}" y="19">baseline</text>`,
    current,
    `<text x="${MARGIN.left + 130}" y="19">current</text>`,
    '</g>',
  ].join('');
}

/**
 * Numeric labels are either the n+1 shared bin edges or one label per bin: edges are marked at the bin
 * boundaries, bin labels at the bin centres; at most 7 of either are written.
 */
function numericLabels(given: readonly string[], bins: number): XLabel[] {
  const width = PLOT_WIDTH / bins;
  const labels = given.length === bins + 1 ? given : (edgesOfBins(given) ?? given);
  const edges = labels.length === bins + 1;
  const count = labels.length;
  const wanted = Math.min(count, 7);
  const picked = new Set<number>();
  for (let k = 0; k < wanted; k++)
    picked.add(wanted === 1 ? 0 : Math.round((k * (count - 1)) / (wanted - 1)));
  return [...picked]
    .filter((i) => labels[i] !== '')
    .map((i) => ({
      x: MARGIN.left + (edges ? i * width : (i + 0.5) * width),
      text: shorten(numericText(labels[i] ?? ''), 14),
      full: labels[i] ?? '',
    }));
}

/**
 * Bin labels such as `< 5`, `[5, 10)`, `[10, 15]` or `>= 15` turned into the n+1 edges they share (an open end
 * is ''), so the axis can mark the bin boundaries; undefined when the labels are not of that form.
 */
export function edgesOfBins(labels: readonly string[]): string[] | undefined {
  const edges: string[] = [];
  for (const [i, label] of labels.entries()) {
    const closed = /^[[(]\s*([^,]+?)\s*,\s*([^\])]+?)\s*[\])]$/.exec(label);
    const below = /^<\s*(.+)$/.exec(label);
    const above = /^>=?\s*(.+)$/.exec(label);
    let lo: string;
    let hi: string;
    if (closed) [lo, hi] = [closed[1]!, closed[2]!];
    else if (below && i === 0) [lo, hi] = ['', below[1]!];
    else if (above && i === labels.length - 1) [lo, hi] = [above[1]!, ''];
    else return undefined;
    if (i === 0) edges.push(lo);
    else if (edges[i] !== lo) return undefined;
    edges.push(hi);
  }
  return edges.length === labels.length + 1 ? edges : undefined;
}

function categoryLabels(labels: readonly string[]): XLabel[] {
  const group = PLOT_WIDTH / labels.length;
  const room = labels.length > 8 ? 12 : Math.max(4, Math.floor(group / 7));
  return labels.map((label, i) => ({
    x: MARGIN.left + (i + 0.5) * group,
    text: shorten(label === '' ? '(empty)' : label, room),
    full: label,
  }));
}

/** A label that is a plain number is shortened to three significant digits. */
function numericText(label: string): string {
  const value = Number(label);
  return label.trim() !== '' && Number.isFinite(value) ? formatNumber(value) : label;
}

function binName(labels: readonly string[], i: number, bins: number): string {
  if (labels.length === bins + 1) return `[${numericText(labels[i]!)}, ${numericText(labels[i + 1]!)})`;
  return labels[i] ?? `bin ${i + 1}`;
}

/** Keeps the categories that weigh most on either side and folds the rest into one `other` bar. */
export function foldCategories(series: ChartSeries): ChartSeries {
  if (series.labels.length <= MAX_CATEGORIES) return series;
  const weight = (i: number) => Math.max(series.baseline[i] ?? 0, series.current[i] ?? 0);
  const order = series.labels.map((_, i) => i).sort((a, b) => weight(b) - weight(a));
  const kept = new Set(order.slice(0, MAX_CATEGORIES - 1));
  const labels: string[] = [];
  const baseline: number[] = [];
  const current: number[] = [];
  let otherBaseline = 0;
  let otherCurrent = 0;
  series.labels.forEach((label, i) => {
    if (kept.has(i)) {
      labels.push(label);
      baseline.push(series.baseline[i] ?? 0);
      current.push(series.current[i] ?? 0);
    } else {
      otherBaseline += series.baseline[i] ?? 0;
      otherCurrent += series.current[i] ?? 0;
    }
  });
  labels.push(`other (${series.labels.length - kept.size} categories)`);
  baseline.push(otherBaseline);
  current.push(otherCurrent);
  return { labels, baseline, current };
}

/** The text alternative: what the chart shows and where the sides differ most. */
function describe(series: ChartSeries, kind: 'bin' | 'category'): string {
  let worst = 0;
  let worstDiff = -1;
  series.baseline.forEach((share, i) => {
    const diff = Math.abs(share - (series.current[i] ?? 0));
    if (diff > worstDiff) {
      worstDiff = diff;
      worst = i;
    }
  });
  const name =
    kind === 'bin' ? binName(series.labels, worst, series.baseline.length) : (series.labels[worst] ?? '');
  return `Share of values per ${kind}, ${series.baseline.length} ${kind === 'bin' ? 'bins' : 'categories'}. Largest difference at ${name}: ${formatPercent(series.baseline[worst] ?? 0)} baseline, ${formatPercent(series.current[worst] ?? 0)} current.`;
}

/** A round maximum for the share axis and its tick step. */
export function niceScale(maximum: number): { max: number; step: number } {
  const top = Math.min(Math.max(maximum, 0.01), 1);
  const rough = top / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return { max: Math.ceil(top / step - 1e-9) * step, step };
}

function shorten(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}
