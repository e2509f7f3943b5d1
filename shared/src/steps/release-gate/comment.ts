/**
 * The release gate's pull request comment: the verdict and each failed rule's reason, the model, the metrics
 * (candidate vs production, regressions marked), the smoke test and drift in one line each, and where the whole
 * page is. Long lists are cut with a word of how many were left out, so the comment stays far below the hosts'
 * limit (pr-comment.ts cuts anything longer as a last resort).
 */
import { escapeCell } from '../../smoke/report';
import type { ReleasePage } from './page-model';
import { icon, markdownTable, mdLink, metricsSection, wherePageIs } from './render';

const MAX_RULES = 20;
const MAX_METRICS = 30;
const MAX_FEATURES = 10;
const MAX_TEXT = 300;

/** A text of the evidence cut to `max` characters. */
const clip = (text: string, max = MAX_TEXT) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const more = (left: number, what: string) =>
  left > 0 ? [`…and ${left} more ${what} (see the full page).`] : [];

/** Where the run is: its page, and its artifacts page when the host has one. */
export interface RunLinks {
  readonly runUrl?: string;
  readonly artifactsUrl?: string;
}

export function renderComment(page: ReleasePage, artifactName: string, links: RunLinks = {}): string {
  const { runUrl, artifactsUrl } = links;
  const verdict = page.verdict.verdict;
  const model = page.model ? mdLink(page.model.id, page.model.studioUrl) : 'no model version';
  const lines = [`### ${icon[verdict]} Release gate: ${verdict.toUpperCase()} for ${model}`, ''];

  const failed = page.verdict.rules.filter((r) => r.status === 'fail');
  if (failed.length > 0) {
    lines.push('Failed rules:');
    for (const r of failed.slice(0, MAX_RULES))
      lines.push(`- **${escapeCell(clip(r.rule))}**: ${escapeCell(clip(r.reason))}`);
    lines.push(...more(failed.length - MAX_RULES, 'failed rules'), '');
  } else lines.push(`Every rule of the policy (${escapeCell(page.policy)}) passed.`, '');

  const metrics = metricsSection(page);
  if (metrics.rows.length > 0) {
    lines.push(...markdownTable({ head: metrics.head, rows: metrics.rows.slice(0, MAX_METRICS) }));
    lines.push(...more(metrics.rows.length - MAX_METRICS, 'metrics'), '');
  } else lines.push('No metrics in the register-model evidence.', '');
  if (metrics.note) lines.push(escapeCell(clip(metrics.note)), '');

  lines.push(
    `**Smoke test:** ${escapeCell(smokeLine(page))}`,
    '',
    `**Drift:** ${escapeCell(driftLine(page))}`,
  );
  lines.push(
    '',
    `${wherePageIs(artifactName, artifactsUrl)}${runUrl ? ` ${mdLink('This run', runUrl)}.` : ''}`,
  );
  return lines.join('\n');
}

function smokeLine({ smoke }: ReleasePage): string {
  if (!smoke) return 'no smoke-test evidence.';
  const passed = smoke.cases.filter((c) => c.result === 'passed').length;
  return clip(
    `${smoke.passed ? 'passed' : 'failed'}, ${passed} of ${smoke.cases.length} cases passed against ${smoke.target}; latency ${smoke.latency}.`,
    2 * MAX_TEXT,
  );
}

function driftLine({ drift }: ReleasePage): string {
  if (!drift) return 'no drift-check evidence.';
  const moved = drift.features.filter((f) => f.status === 'warn' || f.status === 'fail');
  if (moved.length === 0) return `${drift.status}: no feature moved (${drift.features.length} compared).`;
  const named = moved
    .slice(0, MAX_FEATURES)
    .map((f) => `${clip(f.name, 80)} (${f.status}${f.critical ? ', critical' : ''})`);
  const rest = moved.length > MAX_FEATURES ? ` and ${moved.length - MAX_FEATURES} more` : '';
  return `${drift.status}: ${moved.length} of ${drift.features.length} features moved: ${named.join(', ')}${rest}.`;
}
