/** Small formatting helpers of the release gate's texts. */

/** A metric value for texts: four significant digits, no trailing zeros. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A value of unknown shape read from evidence, as text (undefined when it is not a string or number). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return formatMetric(value);
  return undefined;
}
