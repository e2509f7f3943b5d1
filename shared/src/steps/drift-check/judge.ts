import {
  compareFeature,
  inferFeatureType,
  judgeDataset,
  type DatasetVerdict,
  type InferredType,
} from '../../drift/compare';
import { metricInfo } from '../../drift/metrics';
import type {
  ColumnProfile,
  DatasetProfile,
  DriftReport,
  FeatureComparison,
  FeatureType,
} from '../../drift/model';
import { shownNames } from '../../drift/read/names';
import { buildReport, gateText } from '../../drift/report';
import type { LoggerPort } from '../../platform/ports';
import { DataError, InputError, InputErrors } from '../../step/errors';
import type { DriftCheckConfig } from './config';
import type { FeatureThreshold } from '../../drift/thresholds-file';

const ICONS = { pass: '✔', warn: '⚠', fail: '✘', skipped: '⏭', insufficient_data: '?' } as const;

/**
 * What judging both profiles needs of the config: plain data, so the Azure ML job's merge step judges with the
 * same settings as this step (azureml/job-settings.ts carries it there).
 */
export type JudgeSettings = Pick<
  DriftCheckConfig,
  | 'method'
  | 'numericThreshold'
  | 'categoricalThreshold'
  | 'warnThreshold'
  | 'thresholds'
  | 'driftShare'
  | 'excludeFeatures'
  | 'categoricalFeatures'
  | 'numericFeatures'
  | 'criticalFeatures'
  | 'inputNames'
>;

/** Both sides' profiles and the features profiled on both, in order. */
export interface ProfiledPair {
  readonly baseline: DatasetProfile;
  readonly current: DatasetProfile;
  readonly columns: readonly string[];
}

/**
 * Judges two profiles as the step does wherever they were made: refuses an empty side, warns of bytes that are not
 * UTF-8, checks the inputs naming features against the columns, compares each feature (one log line each), judges
 * the dataset and builds the report.
 */
export function judgeProfiles(
  settings: JudgeSettings,
  pair: ProfiledPair,
  logger: LoggerPort,
): { report: DriftReport; verdict: DatasetVerdict } {
  const { baseline, current, columns } = pair;
  checkNotEmpty(settings, baseline, current);
  warnUndecodable(settings, baseline, current, logger);
  const plan = planFeatures(settings, columns, baseline, current);
  const features = compareFeatures(settings, plan, logger);
  const verdict = judgeDataset(features, { driftShare: settings.driftShare });
  const report = buildReport({
    method: settings.method,
    baseline,
    current,
    features,
    verdict,
    driftShareThreshold: settings.driftShare,
  });
  return { report, verdict };
}

/** The time the current data covers (see timeRangeOf), kept beside the report. */
export type TimeRange = { column: string; from: string; to: string } | null;

/**
 * The time the current data covers: the first compared column whose every value is an ISO date or timestamp,
 * its earliest and latest value as written; null when there is none.
 */
export function timeRangeOf(current: DatasetProfile): TimeRange {
  const column = current.columns.find(
    (c) => c.dates !== undefined && c.kinds.dates > 0 && c.kinds.dates === c.rows - c.missing,
  );
  return column?.dates ? { column: column.name, from: column.dates.earliest, to: column.dates.latest } : null;
}

/** `1 feature`, `2 features`. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Compares every planned feature, logging one line each. */
function compareFeatures(config: JudgeSettings, plan: FeaturePlan, logger: LoggerPort): FeatureComparison[] {
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
  config: JudgeSettings,
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
  config: JudgeSettings,
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

/** A side with no row of data leaves nothing to compare: an error naming its files (both sides when both are). */
function checkNotEmpty(config: JudgeSettings, baseline: DatasetProfile, current: DatasetProfile): void {
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
  config: JudgeSettings,
  baseline: DatasetProfile,
  current: DatasetProfile,
  logger: LoggerPort,
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

function listNames(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : shownNames(names, "'");
}
