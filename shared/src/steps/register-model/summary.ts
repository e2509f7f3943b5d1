import { finalReporter, type FinalReport } from '../../step/final-report';
import type { RegisterModelConfig } from './config';
import { formatMetric, type GateResult } from './gate';
import { describeRegression, type MetricComparison } from './metric-comparison';

export interface RegisterModelSummary {
  readonly modelName: string;
  /** What happened to the model: registered now, found from an earlier run, or held back by the gate. */
  readonly outcome: 'registered' | 'existing' | 'not registered' | 'dry run';
  /** A dry run: read and judged, nothing uploaded or registered. */
  readonly dryRun?: boolean;
  readonly version?: string;
  readonly modelId?: string;
  readonly sourceWhat: string;
  readonly modelUri: string;
  readonly type: string;
  readonly typeReason: string;
  readonly lineage: Readonly<Record<string, string>>;
  readonly dataAssets: Readonly<Record<string, string>>;
  readonly gate?: GateResult;
  /** Without a gate, why (no compareMetric, or the version existed already). */
  readonly gateNote?: string;
  readonly candidateMetrics: Readonly<Record<string, number>>;
  readonly baselineMetrics?: Readonly<Record<string, number>>;
  /** The registered version in Azure ML studio. */
  readonly studioUrl?: string;
  /** Metrics other than the gate's (or the gate's, when the gate tolerates it) that got worse than the baseline. */
  readonly regressions?: readonly MetricComparison[];
}

/** What the register-model step reports once the outcome is known: registered, found already, or held back. */
export type RegisterModelReport = FinalReport<RegisterModelSummary>;

export const registerModelReporter = finalReporter<RegisterModelConfig, RegisterModelSummary>(
  renderRegisterModelSummary,
);

/** What follows the model id in the summary's first row. */
const MODEL_NOTE = {
  registered: ' (registered)',
  existing: ' (already registered from this source: re-run)',
  'dry run': ' (dry run: would be registered)',
} as const;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The register-model step's part of the job summary: the model, its lineage, and the gate metric by metric. */
export function renderRegisterModelSummary(summary: RegisterModelSummary): string {
  const parts: string[] = [];
  const model =
    summary.outcome === 'not registered'
      ? `\`${summary.modelName}\`: **not registered**`
      : `\`${summary.modelId ?? ''}\`${MODEL_NOTE[summary.outcome]}`;
  const lineage = Object.entries(summary.lineage).map(([k, v]) =>
    k === 'ci.runUrl' ? `[pipeline run](${v})` : `${k.replace(/^ci\./, '')} \`${v}\``,
  );
  const gate = summary.gate
    ? `${summary.gate.verdict === 'pass' ? '✅ pass' : '❌ fail'}: ${cell(summary.gate.reason)}`
    : `no gate${summary.gateNote ? ` (${cell(summary.gateNote)})` : ''}`;
  const rows = [
    ...(summary.dryRun ? ['| Status | **dry run**: nothing uploaded or registered |'] : []),
    `| Model | ${model} |`,
    `| Source | ${cell(summary.sourceWhat)}: \`${summary.modelUri}\` |`,
    `| Type | ${summary.type} (${summary.typeReason}) |`,
    ...(lineage.length ? [`| Lineage | ${cell(lineage.join(', '))} |`] : []),
    ...(Object.keys(summary.dataAssets).length
      ? [
          `| Data | ${cell(
            Object.entries(summary.dataAssets)
              .map(([input, asset]) => `${input}: ${asset}`)
              .join(', '),
          )} |`,
        ]
      : []),
    `| Gate | ${gate} |`,
    ...(summary.regressions?.length
      ? [`| Regressions | ⚠️ ${cell(summary.regressions.map(describeRegression).join('; '))} |`]
      : []),
    ...(summary.studioUrl
      ? [`| Studio | [${summary.modelId ?? summary.modelName}](${summary.studioUrl}) |`]
      : []),
  ];
  parts.push(['| | |', '|---|---|', ...rows].join('\n'));
  parts.push(metricTable(summary));
  parts.push(`**Verdict:** ${verdictInWords(summary)}`);
  return parts.filter((part) => part).join('\n\n');
}

/** Candidate against baseline for every metric both have (the gate's first); the candidate's alone without one. */
function metricTable(summary: RegisterModelSummary): string {
  const gateMetric = summary.gate?.metric;
  const candidate = summary.candidateMetrics;
  const baseline = summary.baselineMetrics;
  const label = (name: string) =>
    name === gateMetric
      ? `**${cell(name)}** (gate, ${summary.gate?.higherIsBetter ? 'higher' : 'lower'} is better)`
      : cell(name);
  const order = (names: string[]) =>
    names.sort((a, b) => (a === gateMetric ? -1 : b === gateMetric ? 1 : a.localeCompare(b)));
  if (summary.gate?.baseline && baseline) {
    const shared = order(Object.keys(candidate).filter((name) => name in baseline));
    if (shared.length === 0) return '';
    return [
      `### Candidate against ${summary.gate.baseline.modelId}`,
      '| Metric | Candidate | Baseline | Δ |',
      '|---|---:|---:|---:|',
      ...shared.map((name) => {
        const delta = candidate[name]! - baseline[name]!;
        const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
        return `| ${label(name)} | ${formatMetric(candidate[name]!)} | ${formatMetric(baseline[name]!)} | ${sign}${formatMetric(Math.abs(delta))} |`;
      }),
    ].join('\n');
  }
  const names = order(Object.keys(candidate));
  if (names.length === 0) return '';
  return [
    '### Metrics of the candidate',
    '| Metric | Value |',
    '|---|---:|',
    ...names.map((name) => `| ${label(name)} | ${formatMetric(candidate[name]!)} |`),
  ].join('\n');
}

function verdictInWords(summary: RegisterModelSummary): string {
  const where = summary.version ? `version ${summary.version} of \`${summary.modelName}\`` : '';
  switch (summary.outcome) {
    case 'existing':
      return `this model was registered before as ${where}; nothing new was registered.`;
    case 'not registered':
      return 'the candidate did not pass the gate (see above), so it was not registered.';
    case 'dry run':
      return summary.gate
        ? `the candidate passed the gate and would be registered as ${where}; this was a dry run, so nothing was uploaded or registered.`
        : `would be registered as ${where} without a gate; this was a dry run, so nothing was uploaded or registered.`;
    case 'registered':
      return summary.gate
        ? `the candidate passed the gate and was registered as ${where}.`
        : `registered as ${where} without a gate.`;
  }
}
