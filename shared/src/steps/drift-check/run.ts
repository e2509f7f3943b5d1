import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compareFeature, inferFeatureType, judgeDataset, type InferredType } from '../../drift/compare';
import { metricInfo } from '../../drift/metrics';
import type {
  ColumnProfile,
  DatasetProfile,
  DriftReport,
  FeatureComparison,
  FeatureType,
} from '../../drift/model';
import { profileBoth, saveProfile, type ProfileBothOptions } from '../../drift/profile';
import { shownNames } from '../../drift/read/names';
import {
  buildReport,
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
import { DataError, InputError, InputErrors } from '../../step/errors';
import { redactDeep } from '../../step/redactor';
import type { DriftCheckConfig } from './config';
import type { FeatureThreshold } from '../../drift/thresholds-file';

const ICONS = { pass: '✔', warn: '⚠', fail: '✘', skipped: '⏭', insufficient_data: '?' } as const;
/** Features named in the step's result message before the rest are counted. */
const NAMED_IN_MESSAGE = 5;

/** The drift-check step's report, once the drift is judged: the markdown report, and the verdict per feature. */
type DriftCheckReport = FinalReport<string>;

/** Profiles both sides, compares every feature, judges the dataset, writes the reports, decides the outcome. */
export async function runDriftCheck(
  config: DriftCheckConfig,
  context: StepContext,
  reported: DriftCheckReport,
): Promise<StepOutcome> {
  const { logger, signal } = context;
  logger.info(`Profiling baseline '${config.baselineData}' and current '${config.currentData}'`);
  const startedAt = Date.now();
  const { baseline, current, columns } = await profileBoth(
    config.baselineData,
    config.currentData,
    profileOptions(config, signal),
  );
  logger.info(
    `Read ${describeSide(baseline)} (baseline) and ${describeSide(current)} (current) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  checkNotEmpty(config, baseline, current);
  warnUndecodable(config, baseline, current, logger);

  let baselineProfile: string | undefined;
  if (config.writeBaselineProfile) {
    baselineProfile = config.writeBaselineProfile;
    writeBaselineProfile(baseline, baselineProfile);
    logger.info(
      `Baseline profile written to ${baselineProfile}: give it as the baseline data of later runs.`,
    );
  }

  const plan = planFeatures(config, columns, baseline, current);
  const features = compareFeatures(config, plan, logger);

  const verdict = judgeDataset(features, { driftShare: config.driftShare });
  const report = buildReport({
    method: config.method,
    baseline,
    current,
    features,
    verdict,
    driftShareThreshold: config.driftShare,
  });

  const outputDir = config.outputDir ?? freshFolder(path.join(context.environment.tempDir, 'drift-report'));
  // Redacted before the reports escape (HTML, markdown, JSON) or cut anything.
  const redacted = redactDeep(report, (text) => context.redact(text));
  const { files, markdown } = writeReports(outputDir, redacted, context.environment);
  logger.info(`Drift reports written to ${outputDir}`);

  context.setOutput('driftStatus', verdict.status);
  context.setOutput('driftShare', round(verdict.driftShare));
  context.setOutput('driftedFeatures', JSON.stringify(verdict.driftedFeatures));
  context.setOutput('reportJson', files.json);
  context.setOutput('reportHtml', files.html);
  context.setOutput('baselineProfile', baselineProfile ?? '');
  const timeRange = timeRangeOf(current);
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

/**
 * The time the current data covers: the first compared column whose every value is an ISO date or timestamp,
 * its earliest and latest value as written; null when there is none.
 */
function timeRangeOf(current: DatasetProfile): { column: string; from: string; to: string } | null {
  const column = current.columns.find(
    (c) => c.dates !== undefined && c.kinds.dates > 0 && c.kinds.dates === c.rows - c.missing,
  );
  return column?.dates ? { column: column.name, from: column.dates.earliest, to: column.dates.latest } : null;
}

function writeBaselineProfile(baseline: DatasetProfile, file: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    saveProfile(baseline, file);
  } catch (error) {
    if (error instanceof InputError || error instanceof DataError) throw error;
    throw new InputError(
      'writeBaselineProfile',
      `Cannot write the baseline profile ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
}

/** Compares every planned feature, logging one line each. */
function compareFeatures(
  config: DriftCheckConfig,
  plan: FeaturePlan,
  logger: StepContext['logger'],
): FeatureComparison[] {
  const features: FeatureComparison[] = [];
  for (const [baselineColumn, currentColumn] of plan.pairs) {
    const name = baselineColumn.name;
    const inferred = inferFeatureType(baselineColumn, plan.overrides.get(name));
    const threshold = config.thresholds?.features.get(name);
    if (threshold) checkMetricApplies(config, threshold, inferred);
    const comparison = compareFeature(baselineColumn, currentColumn, {
      method: config.method,
      type: inferred.type,
      typeSource: inferred.source,
      numericThreshold: config.numericThreshold,
      categoricalThreshold: config.categoricalThreshold,
      warnThreshold: config.warnThreshold,
      ...(threshold
        ? {
            override: {
              ...(threshold.metric ? { metric: threshold.metric } : {}),
              ...(threshold.threshold === undefined ? {} : { threshold: threshold.threshold }),
            },
          }
        : {}),
      critical: config.criticalFeatures.includes(name),
    });
    features.push(comparison);
    logger.info(
      `${ICONS[comparison.status]} ${name} (${comparison.type}): ${comparison.status}${comparison.gate ? `, ${gateText(comparison.gate)}` : ''}${comparison.notes.length > 0 ? ` (${comparison.notes.join('; ')})` : ''}`,
    );
  }
  return features;
}

/** A thresholds-file metric of the other feature type is an error at the metric's line. */
function checkMetricApplies(
  config: DriftCheckConfig,
  threshold: FeatureThreshold,
  inferred: InferredType,
): void {
  if (!threshold.metric || metricInfo(threshold.metric).types.includes(inferred.type)) return;
  const name = threshold.feature;
  const other = inferred.type === 'numeric' ? 'categorical' : 'numeric';
  throw new InputError(
    'thresholdsFile',
    `metric '${threshold.metric}' does not apply to '${name}', which is ${inferred.type} (${inferred.source === 'override' ? 'set by input' : 'inferred'}); choose a ${inferred.type} metric or list '${name}' in '${config.inputNames[`${other}Features`]}'.`,
    threshold.metricLocation ?? threshold.location,
  );
}

interface FeaturePlan {
  readonly pairs: readonly (readonly [ColumnProfile, ColumnProfile])[];
  readonly overrides: ReadonlyMap<string, FeatureType>;
}

/**
 * Pairs the profiled columns and checks the inputs that name features against them (profileBoth already checked
 * `features` and `excludeFeatures`): a critical feature, a type override or a thresholds-file entry for a
 * feature that is not compared is an error, unless the feature is excluded on purpose.
 */
function planFeatures(
  config: DriftCheckConfig,
  columns: readonly string[],
  baseline: DatasetProfile,
  current: DatasetProfile,
): FeaturePlan {
  const compared = new Set(columns);
  const excluded = new Set(config.excludeFeatures);
  const reason = `it is not a column of both sides. Features compared: ${listNames(columns)}`;
  const errors: InputError[] = [];
  const lists = ['criticalFeatures', 'categoricalFeatures', 'numericFeatures'] as const;
  for (const input of lists)
    for (const name of config[input])
      if (!compared.has(name) && !excluded.has(name))
        errors.push(
          new InputError(
            input,
            `Input '${config.inputNames[input]}' names '${name}', which is not compared: ${reason}.`,
          ),
        );
  for (const threshold of config.thresholds?.features.values() ?? [])
    if (!compared.has(threshold.feature) && !excluded.has(threshold.feature))
      errors.push(
        new InputError(
          'thresholdsFile',
          `feature '${threshold.feature}' is not compared: ${reason}.`,
          threshold.location,
        ),
      );
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);

  const byName = (profile: DatasetProfile) => new Map(profile.columns.map((c) => [c.name, c]));
  const baselineByName = byName(baseline);
  const currentByName = byName(current);
  const overrides = new Map<string, FeatureType>([
    ...config.categoricalFeatures.map((name) => [name, 'categorical'] as const),
    ...config.numericFeatures.map((name) => [name, 'numeric'] as const),
  ]);
  return {
    pairs: columns.map((name) => {
      const pair = [baselineByName.get(name), currentByName.get(name)] as const;
      if (!pair[0] || !pair[1]) throw new DataError(`feature '${name}' was not profiled on both sides`);
      return pair as readonly [ColumnProfile, ColumnProfile];
    }),
    overrides,
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

/** The profiling options the config sets. */
function profileOptions(config: DriftCheckConfig, signal: AbortSignal): ProfileBothOptions {
  return {
    workspaceDir: config.workspaceDir,
    ...(config.features ? { features: config.features } : {}),
    excludeFeatures: config.excludeFeatures,
    maxSampleRows: config.maxSampleRows,
    seed: config.seed,
    signal,
    // Both sides on two threads when the files are big enough to pay for it (the host entries run the step on
    // the main thread only, so a worker loading the bundle just profiles).
    workers: 'auto',
    inputNames: {
      baseline: config.inputNames.baselineData,
      current: config.inputNames.currentData,
      features: config.inputNames.features,
      excludeFeatures: config.inputNames.excludeFeatures,
    },
  };
}

/** Writes the JSON, markdown and HTML reports into `outputDir`; returns their paths and the markdown. */
function writeReports(
  outputDir: string,
  report: DriftReport,
  environment: StepContext['environment'],
): { files: { json: string; markdown: string; html: string }; markdown: string } {
  const files = {
    json: path.join(outputDir, 'drift-report.json'),
    markdown: path.join(outputDir, 'drift-report.md'),
    html: path.join(outputDir, 'drift-report.html'),
  };
  const markdown = renderReportMarkdown(report, { chartsAt: fileInArtifacts(environment, files.html) });
  const { repository, commit } = environment;
  const runContext = [repository, commit?.slice(0, 12)].filter(Boolean).join(' @ ');
  writeFiles(outputDir, [
    [files.json, renderReportJson(report)],
    [files.markdown, markdown],
    [files.html, renderReportHtml(report, runContext ? { context: runContext } : {})],
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

/** `1 feature`, `2 features`. */
function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The first features named (with their gate), the rest counted. */
function listFeatures(features: readonly FeatureComparison[]): string {
  const listed = features
    .slice(0, NAMED_IN_MESSAGE)
    .map((f) => `${f.name}${f.critical ? ' (critical)' : ''}${f.gate ? ` (${gateText(f.gate)})` : ''}`);
  if (features.length > NAMED_IN_MESSAGE) listed.push(`and ${features.length - NAMED_IN_MESSAGE} more`);
  return listed.join(', ');
}

/** A side with no row of data leaves nothing to compare: an error naming its files (both sides when both are). */
function checkNotEmpty(config: DriftCheckConfig, baseline: DatasetProfile, current: DatasetProfile): void {
  const errors = (
    [
      ['baselineData', baseline],
      ['currentData', current],
    ] as const
  )
    .filter(([, profile]) => profile.rows === 0)
    .map(([input, profile]) => {
      const files = profile.source.files;
      const what =
        files.length === 1
          ? `${files[0]} holds`
          : `its ${files.length} files (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}) hold`;
      return new InputError(
        input,
        `${config.inputNames[input]}: ${what} no row of data (a header at most): there is nothing to compare.`,
      );
    });
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);
}

/**
 * Bytes that are not UTF-8 are reported, not silently read: values holding them are kept as they are (such a
 * byte reads as U+FFFD), so a file in another encoding shows as drift in its text columns, with this warning
 * saying why.
 */
function warnUndecodable(
  config: DriftCheckConfig,
  baseline: DatasetProfile,
  current: DatasetProfile,
  logger: StepContext['logger'],
): void {
  for (const [input, profile] of [
    ['baselineData', baseline],
    ['currentData', current],
  ] as const)
    for (const found of profile.undecodable ?? [])
      logger.warning(
        `${config.inputNames[input]}: ${found.file} holds ${counted(found.invalidBytes, 'byte')} that ${found.invalidBytes === 1 ? 'is' : 'are'} not UTF-8 (the first on line ${found.line}, byte ${found.column}); values holding them are kept, each such byte read as U+FFFD (�). Save the file as UTF-8 to compare its text as written.`,
      );
}

function describeSide(profile: DatasetProfile): string {
  const files = profile.source.files.length;
  return `${profile.rows} rows, ${profile.columns.length} columns from ${files} file${files === 1 ? '' : 's'}`;
}

function listNames(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : shownNames(names, "'");
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
