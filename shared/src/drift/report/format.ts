/** Number formats, status words and severity order shared by the JSON, markdown and HTML renderings. */
import type { DatasetStatus, FeatureComparison, FeatureStatus, Gate } from '../model';

/** Worst first: the order features are listed in every rendering. */
const STATUS_RANK: Record<FeatureStatus, number> = {
  fail: 0,
  warn: 1,
  insufficient_data: 2,
  skipped: 3,
  pass: 4,
};

export const STATUS_ICON: Record<FeatureStatus, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  skipped: '⏭️',
  insufficient_data: '❔',
};

/** `insufficient_data` -> `insufficient data`. */
export function statusWord(status: FeatureStatus | DatasetStatus): string {
  return status.replace(/_/g, ' ');
}

/**
 * How far a gate is from its threshold, in units of the threshold: 1 at the threshold, above 1 beyond it.
 * P-values drift downwards, so their ratio is inverted.
 */
export function gateRatio(gate: Gate): number {
  if (gate.higherIsDrift) return gate.threshold === 0 ? Infinity : gate.value / gate.threshold;
  return gate.value <= 0 ? Infinity : gate.threshold / gate.value;
}

/** Worst first: status, then critical features, then distance past the threshold, then name. */
export function bySeverity(a: FeatureComparison, b: FeatureComparison): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    Number(b.critical) - Number(a.critical) ||
    compareRatios(a, b) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

function compareRatios(a: FeatureComparison, b: FeatureComparison): number {
  const ra = a.gate ? gateRatio(a.gate) : -1;
  const rb = b.gate ? gateRatio(b.gate) : -1;
  if (ra === rb) return 0;
  return ra > rb ? -1 : 1;
}

/** `psi 0.312 > 0.1`: the gate with the comparison that decided it. */
export function gateText(gate: Gate): string {
  return `${gate.metric} ${formatNumber(gate.value)} ${gateComparator(gate)} ${formatNumber(gate.threshold)}`;
}

/** The comparison sign between a gate's value and its threshold, in the direction that means drift. */
export function gateComparator(gate: Gate): string {
  if (gate.higherIsDrift) return gate.value > gate.threshold ? '>' : '≤';
  return gate.value < gate.threshold ? '<' : '≥';
}

/** Three significant digits; exponent notation for very small or very large magnitudes. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e7) return value.toExponential(2).replace('e+', 'e');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/** A share (0..1) as a percentage with one decimal when it needs it. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  const rounded = Math.round(percent * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} %`;
}

/** `1000000` -> `1,000,000`. */
export function formatCount(count: number): string {
  return String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The features a report counts as drifted: those whose status is `fail`. */
export function driftedFeatureNames(features: readonly FeatureComparison[]): string[] {
  return features.filter((f) => f.status === 'fail').map((f) => f.name);
}
