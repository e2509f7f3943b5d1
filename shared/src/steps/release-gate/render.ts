/**
 * The evidence page as markdown (the job summary) and as one self-contained HTML file (no script, no external
 * resource; every text escaped). Links are studio or run links (http/https only), never paths on the agent.
 */
import { escapeHtml } from '../../drift/report/chart';
import { escapeCell } from '../../smoke/report';
import type { ReleasePage } from './page-model';
import { formatMetric } from './words';

export const icon = { pass: '✅', fail: '❌', skipped: '⏭️' } as const;
const web = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);
const num = (value: number | null) => (value === null ? '–' : formatMetric(value));
export const mdLink = (text: string, url: string | undefined) =>
  web(url) ? `[${escapeCell(text)}](${url!.replace(/[()\s<>]/g, encodeURIComponent)})` : escapeCell(text);

/** One page, section by section: title and rows (cells are plain text; links are marked). */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly note?: string;
}
export type Cell = string | { readonly text: string; readonly href?: string; readonly mark?: boolean };

export function pageSections(page: ReleasePage): Section[] {
  const model = page.model;
  const l = page.lineage;
  return [
    {
      id: 'verdict',
      title: `Verdict: ${page.verdict.verdict.toUpperCase()}`,
      head: ['Rule', 'Result', 'Reason'],
      rows: page.verdict.rules.map((r) => [
        r.rule,
        { text: `${icon[r.status]} ${r.status}`, mark: r.status === 'fail' },
        r.reason,
      ]),
      note: `Policy: ${page.policy}.`,
    },
    {
      id: 'model',
      title: 'Model and lineage',
      head: ['', ''],
      rows: [
        [
          'Model',
          model ? { text: model.id, ...(model.studioUrl ? { href: model.studioUrl } : {}) } : 'unknown',
        ],
        ...(l.commit ? [['Commit', l.commit]] : []),
        ...(l.repository ? [['Repository', l.repository]] : []),
        ...(l.branch ? [['Branch', l.branch]] : []),
        ...(l.runUrl ? [['Run', { text: l.runUrl, href: l.runUrl }]] : []),
        ...(l.trainingJob ? [['Training job', l.trainingJob]] : []),
        ...l.dataAssets.map((d) => [
          `Data ${d.input}`,
          `${d.asset}${d.contentHash ? ` (content ${d.contentHash})` : ''}`,
        ]),
      ] as Cell[][],
    },
    metricsSection(page),
    smokeSection(page),
    driftSection(page),
    {
      id: 'approval',
      title: 'What approving will do',
      head: [],
      rows: [],
      note: page.onApproval ?? 'No evidence says what approving will do (no deploy evidence states it).',
    },
    {
      id: 'evidence',
      title: 'Evidence read',
      head: ['Step', 'Result', 'Finished', 'File'],
      rows: page.evidence.map((e) => [e.step, e.result, e.finishedAt, e.file]),
    },
  ];
}

export function metricsSection(page: ReleasePage): Section {
  const gate = page.registerGate;
  return {
    id: 'metrics',
    title: 'Metrics: candidate vs production',
    head: ['Metric', 'Candidate', 'Production', 'Better', 'Regression'],
    rows: page.metrics.map((m) => [
      m.metric,
      num(m.candidate),
      num(m.production),
      m.higherIsBetter ? 'higher' : 'lower',
      {
        text: m.regression === null ? '–' : m.regression > 0 ? `⚠️ ${num(m.regression)}` : 'none',
        mark: m.flagged,
      },
    ]),
    note: gate ? `Register gate: ${gate.verdict}. ${gate.reason}` : 'No register gate in the evidence.',
  };
}

function smokeSection(page: ReleasePage): Section {
  const s = page.smoke;
  if (!s) return { id: 'smoke', title: 'Smoke test', head: [], rows: [], note: 'No smoke-test evidence.' };
  return {
    id: 'smoke',
    title: `Smoke test: ${s.passed ? 'passed' : 'failed'}`,
    head: ['Case', 'Result'],
    rows: s.cases.map((c) => [c.name, { text: c.result, mark: c.result !== 'passed' }]),
    note: `Target: ${s.target}. Tested at ${s.testedAt}. Latency: ${s.latency}.`,
  };
}

function driftSection(page: ReleasePage): Section {
  const d = page.drift;
  if (!d) return { id: 'drift', title: 'Drift', head: [], rows: [], note: 'No drift-check evidence.' };
  return {
    id: 'drift',
    title: `Drift: ${d.status}`,
    head: ['Feature', 'Status', 'What moved'],
    rows: d.features.map((f) => [
      `${f.name}${f.critical ? ' (critical)' : ''}`,
      { text: f.status, mark: f.status === 'fail' },
      f.words,
    ]),
    note: `Current data: ${d.currentTimeRange ?? 'time range not in the evidence'}.`,
  };
}

const cellText = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);

/** A section's rows as a markdown table (no lines when it has none). */
export function markdownTable(s: Pick<Section, 'head' | 'rows'>): string[] {
  if (s.rows.length === 0 || s.head.length === 0) return [];
  return [
    `| ${s.head.map(escapeCell).join(' | ')} |`,
    `|${s.head.map(() => '---').join('|')}|`,
    ...s.rows.map(
      (row) =>
        `| ${row.map((c) => (typeof c !== 'string' && c.href ? mdLink(c.text, c.href) : escapeCell(cellText(c)))).join(' | ')} |`,
    ),
  ];
}

/** Where the whole page is: its file in the artifact, never a path on the agent. */
export function wherePageIs(artifactName: string, artifactsUrl?: string): string {
  const link = artifactsUrl ? ` (${mdLink("the run's artifacts", artifactsUrl)})` : '';
  return `The full page: \`release-evidence.html\` in the \`${escapeCell(artifactName)}\` artifact${link}.`;
}

/** The job summary's part: every section as a markdown table, then where the full page is (linked when known). */
export function renderMarkdown(page: ReleasePage, artifactName: string, artifactsUrl?: string): string {
  const parts = pageSections(page).map((s) => {
    const lines = [`### ${escapeCell(s.title)}`, ...markdownTable(s)];
    if (s.note) lines.push('', escapeCell(s.note));
    return lines.join('\n');
  });
  parts.push(wherePageIs(artifactName, artifactsUrl));
  return parts.join('\n\n');
}

function htmlCell(cell: Cell, tag: 'td' | 'th'): string {
  if (typeof cell === 'string') return `<${tag}>${escapeHtml(cell)}</${tag}>`;
  const inner = web(cell.href)
    ? `<a href="${escapeHtml(cell.href!)}" rel="noopener noreferrer">${escapeHtml(cell.text)}</a>`
    : escapeHtml(cell.text);
  return `<${tag}${cell.mark ? ' class="flag"' : ''}>${inner}</${tag}>`;
}

const style = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1 .pass{color:#11703a}h1 .fail{color:#b3261e}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}.flag{background:#fde7e5;font-weight:600}
section{margin-bottom:1.5rem}`;

/** The self-contained HTML page. */
export function renderHtml(page: ReleasePage): string {
  const verdict = page.verdict.verdict;
  const title = `Release evidence: ${page.model?.id ?? 'unknown model'}`;
  const sections = pageSections(page).map((s) => {
    const table =
      s.rows.length === 0
        ? ''
        : `<table>${s.head.some(Boolean) ? `<tr>${s.head.map((h) => htmlCell(h, 'th')).join('')}</tr>` : ''}${s.rows
            .map((r) => `<tr>${r.map((c) => htmlCell(c, 'td')).join('')}</tr>`)
            .join('')}</table>`;
    const note = s.note ? `<p>${escapeHtml(s.note)}</p>` : '';
    return `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${table}${note}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body><h1>${escapeHtml(title)}: <span id="verdict-value" class="${verdict}">${verdict.toUpperCase()}</span></h1>
<p>Generated ${escapeHtml(page.generatedAt)}.</p>
${sections.join('\n')}
</body></html>
`;
}
