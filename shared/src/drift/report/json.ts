import type { DriftReport } from '../model';

/** drift-report.json: the report as it is, indented, with non-finite numbers as null (JSON has no NaN). */
export function renderReportJson(report: DriftReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
