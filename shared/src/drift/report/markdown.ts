import { escapeCell } from '../../smoke/report';
import { summaryMetrics } from '../metrics';
import type { DriftReport, FeatureComparison } from '../model';
import { describeFeature } from './describe';
import {
  driftedFeatureNames,
  formatCount,
  formatNumber,
  formatPercent,
  gateText,
  STATUS_ICON,
  statusWord,
} from './format';

/**
 * The job-summary section: verdict line, drifted share, then one row per feature, worst first. `chartsAt` says
 * where the HTML report is, as markdown (evidence/artifact-file.ts).
 */
export function renderReportMarkdown(report: DriftReport, options: { chartsAt?: string } = {}): string {
  const judged = report.features.filter((f) => f.status !== 'skipped' && f.status !== 'insufficient_data');
  const drifted = driftedFeatureNames(report.features);
  const notJudged = report.features.length - judged.length;
  const verdict = [
    `**Drift ${STATUS_ICON[report.status]} ${statusWord(report.status)}**`,
    `${drifted.length} of ${judged.length} feature${judged.length === 1 ? '' : 's'} drifted (${formatPercent(report.driftShare)}; fails at ${formatPercent(report.driftShareThreshold)})`,
    `method \`${report.method}\``,
    `rows: ${formatCount(report.rows.baseline)} baseline, ${formatCount(report.rows.current)} current`,
  ];
  if (notJudged > 0) verdict.push(`${notJudged} not judged`);
  const lines = [
    verdict.join(' · '),
    '',
    '| Feature | Type | Status | Gate | Other metrics | Notes |',
    '|---|---|---|---|---|---|',
  ];
  for (const feature of report.features) {
    const name = escapeCell(feature.name) + (feature.critical ? ' (critical)' : '');
    const type = feature.type + (feature.typeSource === 'override' ? ' (set)' : '');
    const status = `${STATUS_ICON[feature.status]} ${statusWord(feature.status)}`;
    const gate = feature.gate ? gateText(feature.gate) : '';
    lines.push(
      `| ${name} | ${type} | ${status} | ${gate} | ${otherMetrics(feature)} | ${escapeCell(feature.notes.join('; '))} |`,
    );
  }
  if (report.features.length === 0) lines.push('| (no feature compared) | | | | | |');
  else
    lines.push(
      '',
      '**In words** (baseline → current)',
      '',
      ...report.features.map((f) => `- ${escapeCell(describeFeature(f))}`),
    );
  if (options.chartsAt) lines.push('', `Charts per feature: ${options.chartsAt}`);
  lines.push('');
  return lines.join('\n');
}

function otherMetrics(feature: FeatureComparison): string {
  const shown: string[] = [];
  for (const metric of summaryMetrics(feature.type)) {
    const value = feature.metrics[metric];
    if (value !== undefined && metric !== feature.gate?.metric)
      shown.push(`${metric} ${formatNumber(value)}`);
  }
  const { missing_rate_baseline: before, missing_rate_current: after } = feature.metrics;
  if ((before ?? 0) > 0 || (after ?? 0) > 0)
    shown.push(`missing ${formatPercent(before ?? 0)} → ${formatPercent(after ?? 0)}`);
  return shown.join(' · ');
}
