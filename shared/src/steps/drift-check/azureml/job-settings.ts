import type { GateMetric } from '../../../drift/metrics';
import type { SourceLocation } from '../../../step/errors';
import type { DriftCheckConfig } from '../config';
import type { JudgeSettings } from '../judge';
import type { FeatureThreshold } from '../../../drift/thresholds-file';

/** What the job's engine needs of the step's config: how to profile each partition, and how to judge. */
export interface JobSettings {
  /** Features to profile and compare (undefined: every column both sides share). */
  readonly features?: readonly string[];
  readonly maxSampleRows: number;
  readonly seed: number;
  readonly judge: JudgeSettings;
  /** What the HTML report says of the run it came from (repository @ commit). */
  readonly html: { readonly context?: string };
}

/** The thresholds file as plain JSON: its entries, in file order. */
interface SerialisedSettings extends Omit<JobSettings, 'judge'> {
  readonly judge: Omit<JudgeSettings, 'thresholds'> & {
    readonly thresholds?: {
      readonly file: string;
      readonly features: readonly {
        readonly feature: string;
        readonly metric?: GateMetric;
        readonly threshold?: number;
        readonly location: SourceLocation;
        readonly metricLocation?: SourceLocation;
      }[];
    };
  };
}

export function jobSettings(config: DriftCheckConfig, html: { context?: string }): JobSettings {
  return {
    ...(config.features ? { features: config.features } : {}),
    maxSampleRows: config.maxSampleRows,
    seed: config.seed,
    judge: {
      method: config.method,
      numericThreshold: config.numericThreshold,
      categoricalThreshold: config.categoricalThreshold,
      warnThreshold: config.warnThreshold,
      ...(config.thresholds ? { thresholds: config.thresholds } : {}),
      driftShare: config.driftShare,
      excludeFeatures: config.excludeFeatures,
      categoricalFeatures: config.categoricalFeatures,
      numericFeatures: config.numericFeatures,
      criticalFeatures: config.criticalFeatures,
      inputNames: config.inputNames,
    },
    html,
  };
}

/**
 * The settings as one command-line word (base64url of their JSON): a literal job input, so the same settings give
 * the same job and no file is uploaded for them.
 */
export function encodeJobSettings(settings: JobSettings): string {
  const { thresholds, ...judge } = settings.judge;
  const serialised: SerialisedSettings = {
    ...settings,
    judge: {
      ...judge,
      ...(thresholds
        ? { thresholds: { file: thresholds.file, features: [...thresholds.features.values()] } }
        : {}),
    },
  };
  return Buffer.from(JSON.stringify(serialised), 'utf8').toString('base64url');
}

export function decodeJobSettings(word: string): JobSettings {
  const serialised = JSON.parse(Buffer.from(word, 'base64url').toString('utf8')) as SerialisedSettings;
  const { thresholds, ...judge } = serialised.judge;
  return {
    ...serialised,
    judge: {
      ...judge,
      ...(thresholds
        ? {
            thresholds: {
              file: thresholds.file,
              features: new Map<string, FeatureThreshold>(thresholds.features.map((t) => [t.feature, t])),
            },
          }
        : {}),
    },
  };
}
