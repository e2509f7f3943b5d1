/** A feature's drift in words, for the approver: what moved (before → after), then the gate that judged it. */
import type { FeatureComparison, SideSummary } from '../model';
import { formatNumber, formatPercent, gateText, statusWord } from './format';

const NUMERIC_FIGURES = ['mean', 'std', 'p50', 'p90'] as const;

/**
 * `humidity: mean 80.4 → 88.4, std 3.1 → 4.2, p50 80 → 88, p90 85 → 94; wasserstein_normalized 0.59 > 0.1 (fail)`,
 * `city: most moved Oslo 20 % → 35 %; jensen_shannon 0.2 > 0.1 (fail)`, `id: skipped (too many distinct values…)`.
 */
export function describeFeature(feature: FeatureComparison): string {
  const moved = feature.type === 'numeric' ? numericMoves(feature.summary) : categoricalMove(feature);
  const judged = feature.gate ? `${gateText(feature.gate)} (${statusWord(feature.status)})` : '';
  const parts = [moved, judged].filter(Boolean).join('; ');
  const why = feature.gate ? '' : feature.notes[0];
  const status = feature.gate ? '' : statusWord(feature.status) + (why ? ` (${why})` : '');
  return `${feature.name}: ${[parts, status].filter(Boolean).join('; ')}`;
}

function numericMoves(summary: FeatureComparison['summary']): string {
  const moves: string[] = [];
  for (const figure of NUMERIC_FIGURES) {
    const before = summary.baseline[figure];
    const after = summary.current[figure];
    if (before !== undefined && after !== undefined)
      moves.push(`${figure} ${formatNumber(before)} → ${formatNumber(after)}`);
  }
  return moves.join(', ');
}

function categoricalMove(feature: FeatureComparison): string {
  const moved = feature.moved;
  if (!moved) return '';
  return `most moved ${moved.value} ${formatPercent(moved.baseline)} → ${formatPercent(moved.current)}`;
}

/** The numeric figures of a side that the evidence keeps (the top categories stay in drift-report.json). */
export function sideFigures(side: SideSummary): Omit<SideSummary, 'top'> {
  const { top: _top, ...figures } = side;
  return figures;
}
