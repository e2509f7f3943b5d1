import type { LatencyStats } from './latency';

export type Result = 'passed' | 'failed' | 'skipped';

/** One row of the results table: a case or a check across cases. */
export interface ResultRow {
  readonly name: string;
  readonly result: Result;
  /** HTTP status or connection error code. */
  readonly status?: string;
  readonly latencyMs?: number;
  readonly reason?: string;
}

export interface SmokeSummary {
  readonly scoringUri: string;
  readonly deploymentName?: string;
  readonly readiness?: { readonly attempts: number; readonly waitedMs: number };
  readonly rows: readonly ResultRow[];
  /** Stats, or why latency was not measured. */
  readonly latency: LatencyStats | { readonly skipped: string };
  readonly maxP95Ms?: number;
}

const ICONS: Record<Result, string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' };

/** The markdown the approver reads: endpoint, results table, latency line. */
export function renderSummary(summary: SmokeSummary): string {
  const endpoint = [`**Endpoint** ${code(summary.scoringUri)}`];
  if (summary.deploymentName) endpoint.push(`deployment ${code(summary.deploymentName)}`);
  if (summary.readiness) {
    const { attempts, waitedMs } = summary.readiness;
    endpoint.push(
      attempts === 1
        ? 'ready at once'
        : `ready after ${attempts} attempts (${(waitedMs / 1000).toFixed(1)} s)`,
    );
  }
  const lines = [
    endpoint.join(' · '),
    '',
    '| Case | Result | Status | Latency | Reason |',
    '|---|---|---|---|---|',
  ];
  for (const row of summary.rows) {
    const latency = row.latencyMs === undefined ? '' : formatMs(row.latencyMs);
    lines.push(
      `| ${escapeCell(row.name)} | ${ICONS[row.result]} | ${escapeCell(row.status ?? '')} | ${latency} | ${escapeCell(row.reason ?? '')} |`,
    );
  }
  lines.push('', latencyLine(summary.latency, summary.maxP95Ms), '');
  return lines.join('\n');
}

function latencyLine(latency: SmokeSummary['latency'], maxP95Ms: number | undefined): string {
  if ('skipped' in latency) return `**Latency** not measured: ${escapeInline(latency.skipped)}`;
  const head = `**Latency** (${latency.requests} requests, concurrency ${latency.concurrency})`;
  const figures =
    latency.p50Ms === undefined
      ? ['no request was answered']
      : [
          `p50 ${formatMs(latency.p50Ms)}`,
          `p95 ${formatMs(latency.p95Ms!)}${maxP95Ms === undefined ? '' : ` (max ${formatMs(maxP95Ms)})`}`,
          `p99 ${formatMs(latency.p99Ms!)}`,
        ];
  figures.push(
    `${latency.requestsPerSecond.toFixed(1)} req/s`,
    `${latency.errors} error${latency.errors === 1 ? '' : 's'}`,
  );
  return `${head}: ${figures.join(' · ')}`;
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** Makes any text safe inside a markdown table cell: no column breaks, no line breaks, no stray markup. */
export function escapeCell(text: string): string {
  return escapeInline(text).replace(/\r\n|\r|\n/g, '<br>');
}

function escapeInline(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (char) => `\\${char}`);
}

function code(text: string): string {
  return text.includes('`') || /[\r\n|]/.test(text) ? escapeCell(text) : `\`${text}\``;
}
