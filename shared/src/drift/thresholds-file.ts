/**
 * The drift-check thresholds file (deploy's `monitor` reads it too): a gate metric and/or threshold per feature,
 * overriding the method's defaults.
 *
 * ```yaml
 * features:
 *   age: { metric: psi, threshold: 0.2 }
 *   income: 0.15            # threshold only, on the method's metric
 *   city: { metric: chi2_pvalue, threshold: 0.01 }
 * ```
 * Every problem is reported with its file:line:column.
 */
import { GATE_METRIC_NAMES, isGateMetric, metricInfo, type GateMetric } from './metrics';
import { DataError, formatLocation, type SourceLocation } from '../step/errors';
import { readYamlFile, type DocumentPath, type LocatedDocument } from '../yaml/load-yaml';

export interface FeatureThreshold {
  readonly feature: string;
  readonly metric?: GateMetric;
  readonly threshold?: number;
  /** Where the feature's entry is, for errors found later (a feature that does not exist, a metric of the wrong type). */
  readonly location: SourceLocation;
  readonly metricLocation?: SourceLocation;
}

export interface ThresholdsFile {
  readonly file: string;
  readonly features: ReadonlyMap<string, FeatureThreshold>;
}

/** Reads and validates a thresholds file; throws a located DataError listing every problem. */
export function loadThresholdsFile(file: string): ThresholdsFile {
  return parseThresholds(readYamlFile(file));
}

/** Validates a parsed thresholds document. */
export function parseThresholds(document: LocatedDocument): ThresholdsFile {
  const problems: { message: string; location: SourceLocation }[] = [];
  const report = (message: string, at: DocumentPath, part: 'key' | 'value' = 'value') =>
    problems.push({ message, location: document.locate(at, part) });
  const features = new Map<string, FeatureThreshold>();
  const root = document.value;

  if (!isMapping(root)) {
    report(`a thresholds file must be a mapping with a 'features' key, got ${describe(root)}`, []);
  } else {
    for (const key of Object.keys(root))
      if (key !== 'features') report(`unknown key '${key}'; allowed keys: features`, [key], 'key');
    const entries = root.features;
    if (!('features' in root)) report(`missing 'features': a mapping of feature name to threshold`, []);
    else if (!isMapping(entries))
      report(`'features' must be a mapping of feature name to threshold, got ${describe(entries)}`, [
        'features',
      ]);
    else {
      if (Object.keys(entries).length === 0) report(`'features' is empty`, ['features']);
      for (const [feature, entry] of Object.entries(entries)) {
        const at: DocumentPath = ['features', feature];
        const parsed = parseEntry(feature, entry, at, report);
        if (parsed)
          features.set(feature, {
            feature,
            ...parsed,
            location: document.locate(at, 'key'),
            ...(parsed.metric ? { metricLocation: document.locate([...at, 'metric']) } : {}),
          });
      }
    }
  }
  if (problems.length > 0) {
    const [first] = problems;
    const message =
      problems.length === 1
        ? first!.message
        : problems.map((p) => `${formatLocation(p.location)}: ${p.message}`).join('\n');
    throw new DataError(message, first!.location);
  }
  return { file: document.file, features };
}

function parseEntry(
  feature: string,
  entry: unknown,
  at: DocumentPath,
  report: (message: string, at: DocumentPath, part?: 'key' | 'value') => void,
): { metric?: GateMetric; threshold?: number } | undefined {
  if (typeof entry === 'number') {
    return validThreshold(entry, undefined, at, feature, report) ? { threshold: entry } : undefined;
  }
  if (!isMapping(entry)) {
    report(
      `'${feature}' must be a threshold number or a mapping with 'metric' and/or 'threshold', got ${describe(entry)}`,
      at,
    );
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(entry))
    if (key !== 'metric' && key !== 'threshold') {
      report(
        `unknown key '${key}' for feature '${feature}'; allowed keys: metric, threshold`,
        [...at, key],
        'key',
      );
      ok = false;
    }
  let metric: GateMetric | undefined;
  if ('metric' in entry) {
    const value = entry.metric;
    if (typeof value === 'string' && isGateMetric(value)) metric = value;
    else {
      report(
        `'metric' of '${feature}' must be one of ${GATE_METRIC_NAMES.join(', ')}; got ${describe(value)}`,
        [...at, 'metric'],
      );
      ok = false;
    }
  }
  let threshold: number | undefined;
  if ('threshold' in entry) {
    const value = entry.threshold;
    if (typeof value !== 'number') {
      report(`'threshold' of '${feature}' must be a number, got ${describe(value)}`, [...at, 'threshold']);
      ok = false;
    } else if (validThreshold(value, metric, [...at, 'threshold'], feature, report)) threshold = value;
    else ok = false;
  }
  if (ok && metric === undefined && threshold === undefined) {
    report(`'${feature}' needs a 'metric', a 'threshold' or both`, at);
    ok = false;
  }
  return ok
    ? { ...(metric ? { metric } : {}), ...(threshold === undefined ? {} : { threshold }) }
    : undefined;
}

function validThreshold(
  value: number,
  metric: GateMetric | undefined,
  at: DocumentPath,
  feature: string,
  report: (message: string, at: DocumentPath) => void,
): boolean {
  if (!Number.isFinite(value) || value <= 0) {
    report(`the threshold of '${feature}' must be greater than 0, got ${value}`, at);
    return false;
  }
  if (metric && metricInfo(metric).atMostOne && value > 1) {
    report(`the threshold of '${feature}' must be at most 1 for ${metric}, got ${value}`, at);
    return false;
  }
  return true;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
