/** The drift report: built from the comparisons, rendered as JSON, markdown (job summary) and HTML. */
export { buildReport, type ReportInput } from './build';
export { renderReportJson } from './json';
export { renderReportMarkdown } from './markdown';
export { renderReportHtml, type HtmlOptions } from './html';
export { bySeverity, formatPercent, gateText } from './format';
export { describeFeature, sideFigures } from './describe';
