import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DatasetVerdict } from '../../drift/compare';
import type { DriftReport, FeatureComparison } from '../../drift/model';
import {
  describeFeature,
  formatPercent,
  gateText,
  renderReportHtml,
  renderReportJson,
  renderReportMarkdown,
  sideFigures,
} from '../../drift/report';
import type { StepContext, StepOutcome } from '../../step/define';
import type { FinalReport } from '../../step/final-report';
import { fileInArtifacts } from '../../evidence/artifact-file';
import { InputError } from '../../step/errors';
import { redactDeep } from '../../step/redactor';
import type { DriftCheckConfig } from './config';
import { counted, type TimeRange } from './judge';

/** Features named in the step's result message before the rest are counted. */
const NAMED_IN_MESSAGE = 5;

/** The drift-check step's report, once the drift is judged: the markdown report, and the verdict per feature. */
export type DriftCheckReport = FinalReport<string>;

/** A judged drift: the report, the dataset verdict (drifted features in compare order), the current data's time. */
export interface Judgement {
  readonly report: DriftReport;
  readonly verdict: Pick<DatasetVerdict, 'status' | 'driftShare' | 'driftedFeatures'>;
  readonly timeRange: TimeRange;
}

/**
 * Publishes a judged drift the same way wherever it was judged: writes the reports (redacted first), sets the
 * outputs, fills the summary and evidence, and decides the outcome. `html` is the job's own HTML report, kept when
 * redacting changed nothing.
 */
export function publishJudgement(
  config: DriftCheckConfig,
  context: StepContext,
  reported: DriftCheckReport,
  judgement: Judgement,
  extra: { readonly baselineProfile?: string; readonly html?: string } = {},
): StepOutcome {
  const { report, verdict, timeRange } = judgement;
  const outputDir = config.outputDir ?? freshFolder(path.join(context.environment.tempDir, 'drift-report'));
  // Redacted before the reports escape (HTML, markdown, JSON) or cut anything.
  const redacted = redactDeep(report, (text) => context.redact(text));
  const html =
    extra.html !== undefined && renderReportJson(redacted) === renderReportJson(report)
      ? extra.html
      : undefined;
  const { files, markdown } = writeReports(outputDir, redacted, context.environment, html);
  context.logger.info(`Drift reports written to ${outputDir}`);

  const baselineProfile = extra.baselineProfile;
  context.setOutput('driftStatus', verdict.status);
  context.setOutput('driftShare', round(verdict.driftShare));
  context.setOutput('driftedFeatures', JSON.stringify(verdict.driftedFeatures));
  context.setOutput('reportJson', files.json);
  context.setOutput('reportHtml', files.html);
  context.setOutput('baselineProfile', baselineProfile ?? '');
  reported.summary = timeRange
    ? `${markdown}\nCurrent data from ${timeRange.from} to ${timeRange.to} (column \`${timeRange.column}\`).\n`
    : markdown;
  reported.evidence = {
    status: verdict.status,
    method: config.method,
    driftShare: verdict.driftShare,
    driftShareThreshold: config.driftShare,
    driftedFeatures: verdict.driftedFeatures,
    failOn: config.failOn,
    rows: report.rows,
    sources: report.sources,
    reports: files,
    baselineProfile: baselineProfile ?? null,
    features: report.features.map(featureEvidence),
    timeRange,
  };
  return outcome(config, report.features, verdict);
}

/** What the evidence file keeps of a feature: its verdict, what moved in words and figures (no distribution). */
function featureEvidence(f: FeatureComparison) {
  return {
    name: f.name,
    type: f.type,
    status: f.status,
    critical: f.critical,
    gate: f.gate ? { metric: f.gate.metric, value: f.gate.value, threshold: f.gate.threshold } : null,
    ...(f.notes.length > 0 ? { notes: f.notes } : {}),
    description: describeFeature(f),
    summary: { baseline: sideFigures(f.summary.baseline), current: sideFigures(f.summary.current) },
    ...(f.moved ? { moved: f.moved } : {}),
  };
}

function outcome(
  config: DriftCheckConfig,
  features: readonly FeatureComparison[],
  verdict: { status: 'pass' | 'warn' | 'fail'; driftShare: number; driftedFeatures: readonly string[] },
): StepOutcome {
  if (verdict.status === 'pass') return { result: 'succeeded' };
  const failing = verdict.status === 'fail' ? config.failOn !== 'never' : config.failOn === 'warn';
  const judged = features.filter((f) => f.status !== 'skipped' && f.status !== 'insufficient_data').length;
  const drifted = features.filter((f) => f.status === 'fail');
  const share = `${drifted.length} of ${counted(judged, 'feature')} drifted (${formatPercent(verdict.driftShare)}; fails at ${formatPercent(config.driftShare)}): ${listFeatures(drifted)}`;
  if (verdict.status === 'fail')
    return { result: failing ? 'failed' : 'succeededWithIssues', message: `drift: ${share}` };
  // A warning: features that drifted (too few to fail), near their threshold, or with too little data.
  const near = features.filter((f) => f.status === 'warn');
  const thin = features.filter((f) => f.status === 'insufficient_data');
  const parts = [
    ...(drifted.length > 0 ? [share] : []),
    ...(near.length > 0
      ? [
          `${counted(near.length, 'feature')} near ${near.length === 1 ? 'its' : 'their'} threshold: ${listFeatures(near)}`,
        ]
      : []),
    ...(thin.length > 0
      ? [`${counted(thin.length, 'feature')} with too little data: ${listFeatures(thin)}`]
      : []),
  ];
  const message = `drift warning: ${parts.join('; ')}`;
  return { result: failing ? 'failed' : 'succeededWithIssues', message };
}

/** Writes the JSON, markdown and HTML reports into `outputDir`; returns their paths and the markdown. */
function writeReports(
  outputDir: string,
  report: DriftReport,
  environment: StepContext['environment'],
  html: string | undefined,
): { files: { json: string; markdown: string; html: string }; markdown: string } {
  const files = {
    json: path.join(outputDir, 'drift-report.json'),
    markdown: path.join(outputDir, 'drift-report.md'),
    html: path.join(outputDir, 'drift-report.html'),
  };
  const markdown = renderReportMarkdown(report, { chartsAt: fileInArtifacts(environment, files.html) });
  writeFiles(outputDir, [
    [files.json, renderReportJson(report)],
    [files.markdown, markdown],
    [files.html, html ?? renderReportHtml(report, htmlOptions(environment))],
  ]);
  return { files, markdown };
}

function writeFiles(outputDir: string, files: readonly (readonly [string, string])[]): void {
  try {
    mkdirSync(outputDir, { recursive: true });
    for (const [file, text] of files) writeFileSync(file, text);
  } catch (error) {
    throw new InputError(
      'outputDir',
      `Cannot write the drift reports to ${outputDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
}

/** `folder`, or `folder-2`, `folder-3`...: a second drift check in the same job keeps the first one's reports. */
function freshFolder(folder: string): string {
  if (!existsSync(folder)) return folder;
  for (let n = 2; ; n++) if (!existsSync(`${folder}-${n}`)) return `${folder}-${n}`;
}

/** The first features named (with their gate), the rest counted. */
function listFeatures(features: readonly FeatureComparison[]): string {
  const listed = features
    .slice(0, NAMED_IN_MESSAGE)
    .map((f) => `${f.name}${f.critical ? ' (critical)' : ''}${f.gate ? ` (${gateText(f.gate)})` : ''}`);
  if (features.length > NAMED_IN_MESSAGE) listed.push(`and ${features.length - NAMED_IN_MESSAGE} more`);
  return listed.join(', ');
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/** What the HTML report says of the run it came from: the repository and commit. */
export function htmlOptions(environment: Pick<StepContext['environment'], 'repository' | 'commit'>): {
  context?: string;
} {
  const { repository, commit } = environment;
  const runContext = [repository, commit?.slice(0, 12)].filter(Boolean).join(' @ ');
  return runContext ? { context: runContext } : {};
}
