import type { JobBase } from '@azure/arm-machinelearning';
import type { JobMetrics } from '../../azureml/job-metrics';
import type { ResolutionRecord } from '../../azureml/resolve-references';
import { finalReporter, type FinalReport } from '../../step/final-report';
import type { TrainConfig } from './config';

export interface TrainSummary {
  readonly jobName: string;
  readonly jobType: string;
  readonly experimentName: string;
  readonly dryRun?: boolean;
  readonly studioUrl?: string;
  readonly status?: string;
  readonly durationMs?: number;
  readonly metrics?: JobMetrics;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly resolution: readonly ResolutionRecord[];
  readonly request?: JobBase;
  readonly error?: string;
  readonly logTail?: readonly string[];
}

/** What the train step reports once the job is known: validated (dry run), submitted, or followed to its end. */
export type TrainReport = FinalReport<TrainSummary>;

export const trainReporter = finalReporter<TrainConfig, TrainSummary>(renderTrainSummary);

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The train step's part of the job summary: what ran, how it ended, what it measured, where its outputs are. */
export function renderTrainSummary(summary: TrainSummary): string {
  const parts: string[] = [];
  const job = summary.studioUrl ? `[${summary.jobName}](${summary.studioUrl})` : `\`${summary.jobName}\``;
  const facts = [
    `| Job | ${job} |`,
    `| Type | ${summary.jobType} |`,
    `| Experiment | ${cell(summary.experimentName)} |`,
    ...(summary.dryRun ? ['| Status | dry run: not submitted |'] : []),
    ...(summary.status ? [`| Status | ${summary.status} |`] : []),
    ...(summary.durationMs !== undefined ? [`| Duration | ${formatDuration(summary.durationMs)} |`] : []),
  ];
  parts.push(['| | |', '|---|---|', ...facts].join('\n'));
  if (summary.error) parts.push(`**Error:** ${cell(summary.error)}`);
  if (summary.logTail?.length)
    parts.push(['**Last lines of the log:**', '```', ...summary.logTail, '```'].join('\n'));
  const metrics = summary.metrics;
  if (metrics && Object.keys(metrics.values).length > 0) {
    parts.push(
      [
        '### Metrics',
        '| Metric | Value |',
        '|---|---:|',
        ...Object.entries(metrics.values)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, value]) => `| ${cell(name)} | ${formatNumber(value)} |`),
      ].join('\n'),
    );
  }
  if (metrics?.bestTrial) {
    const best = metrics.bestTrial;
    const params = Object.entries(best.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    parts.push(
      `**Best trial:** \`${best.jobName}\`: ${best.metric} = ${formatNumber(best.value)} (${best.goal})` +
        (params ? `, with ${cell(params)}` : '') +
        ` — best of ${metrics.children.length} trial(s).`,
    );
  }
  if (summary.outputs && Object.keys(summary.outputs).length > 0) {
    parts.push(
      [
        '### Outputs',
        '| Output | Path |',
        '|---|---|',
        ...Object.entries(summary.outputs).map(([n, p]) => `| ${cell(n)} | \`${p}\` |`),
      ].join('\n'),
    );
  }
  if (summary.resolution.length > 0) {
    parts.push(
      [
        '<details><summary>What the job uses</summary>',
        '',
        '| Reference | Action | Id |',
        '|---|---|---|',
        ...summary.resolution.map(
          (r) => `| ${cell(r.what)} | ${r.action}${r.detail ? ` (${cell(r.detail)})` : ''} | \`${r.id}\` |`,
        ),
        '',
        '</details>',
      ].join('\n'),
    );
  }
  if (summary.request) {
    parts.push(
      [
        '<details><summary>Request</summary>',
        '',
        '```json',
        JSON.stringify(summary.request, null, 2),
        '```',
        '',
        '</details>',
      ].join('\n'),
    );
  }
  return parts.join('\n\n');
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
