import { existsSync, statSync } from 'node:fs';
import type { DriftMethod } from '../../drift/model';
import type { ParseContext } from '../../step/define';
import { InputError, InputErrors } from '../../step/errors';
import type { InputName } from '../../step/input-types';
import type { StepInputs } from '../../step/inputs';
import { existingFile, givenPath } from '../../step/input-paths';
import type { driftCheckManifest } from './manifest';
import { readAzureMlRun, type AzureMlRun } from './azureml/config';
import { loadThresholdsFile, type ThresholdsFile } from '../../drift/thresholds-file';

type DriftCheckInputs = StepInputs<typeof driftCheckManifest>;

export type FailOn = 'fail' | 'warn' | 'never';

/** The inputs that name features, checked against the data's columns at run time. */
export const FEATURE_LIST_INPUTS = [
  'features',
  'excludeFeatures',
  'categoricalFeatures',
  'numericFeatures',
  'criticalFeatures',
] as const;
export type FeatureListInput = (typeof FEATURE_LIST_INPUTS)[number];

export interface DriftCheckConfig {
  /** As given: a file, folder or glob relative to the workspace, or a saved `.profile.json`. */
  readonly baselineData: string;
  readonly currentData: string;
  readonly workspaceDir: string;
  /** Features to compare; undefined means every column both sides share. */
  readonly features?: readonly string[];
  readonly excludeFeatures: readonly string[];
  readonly categoricalFeatures: readonly string[];
  readonly numericFeatures: readonly string[];
  readonly criticalFeatures: readonly string[];
  readonly method: DriftMethod;
  readonly numericThreshold: number;
  readonly categoricalThreshold: number;
  readonly warnThreshold: number;
  readonly thresholds?: ThresholdsFile;
  readonly driftShare: number;
  readonly failOn: FailOn;
  readonly maxSampleRows: number;
  readonly seed: number;
  /** Absolute; undefined means `<temp dir>/drift-report`, decided at run time. */
  readonly outputDir?: string;
  /** Absolute path to save the baseline profile to. */
  readonly writeBaselineProfile?: string;
  /** Set with `runOn: azureml`: the job profiles the data in Azure ML; undefined: this agent profiles it. */
  readonly azureml?: AzureMlRun;
  /** Input names as the user wrote them on their host, for messages about them. */
  readonly inputNames: Readonly<
    Record<
      | FeatureListInput
      | 'baselineData'
      | 'currentData'
      | 'thresholdsFile'
      | 'failOn'
      | 'runOn'
      | 'compute'
      | 'timeoutMinutes',
      string
    >
  >;
}

/** Validates the drift-check inputs and loads the thresholds file; throws InputError(s) or a located DataError. */
export function parseDriftCheckConfig(inputs: DriftCheckInputs, context: ParseContext): DriftCheckConfig {
  const errors: InputError[] = [];
  const limits = readLimits(inputs, errors);
  const lists = readFeatureLists(inputs, errors);
  const thresholdsPath = existingFile(inputs, 'thresholdsFile', context, errors);
  const outputDir = outputPath(inputs, 'outputDir', context, errors, 'directory');
  const writeBaselineProfile = outputPath(inputs, 'writeBaselineProfile', context, errors, 'file');
  const azureml = readAzureMlRun(inputs, errors);

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);

  // Load the thresholds only once the inputs are sound: their problems are in a file, not in the inputs.
  const thresholds = thresholdsPath === undefined ? undefined : loadThresholdsFile(thresholdsPath);
  return {
    baselineData: inputs.requiredString('baselineData'),
    currentData: inputs.requiredString('currentData'),
    workspaceDir: context.workspaceDir,
    ...(lists.features.length > 0 ? { features: lists.features } : {}),
    excludeFeatures: lists.excludeFeatures,
    categoricalFeatures: lists.categoricalFeatures,
    numericFeatures: lists.numericFeatures,
    criticalFeatures: lists.criticalFeatures,
    method: inputs.choice('method'),
    numericThreshold: limits.numericThreshold,
    categoricalThreshold: limits.categoricalThreshold,
    warnThreshold: limits.warnThreshold,
    ...(thresholds ? { thresholds } : {}),
    driftShare: limits.driftShare,
    failOn: inputs.choice('failOn'),
    maxSampleRows: inputs.number('maxSampleRows'),
    seed: inputs.number('seed'),
    ...(outputDir === undefined ? {} : { outputDir }),
    ...(writeBaselineProfile === undefined ? {} : { writeBaselineProfile }),
    ...(azureml ? { azureml } : {}),
    inputNames: inputNames(inputs),
  };
}

const shownName = (inputs: DriftCheckInputs, name: InputName<typeof driftCheckManifest>) =>
  `'${inputs.displayName(name)}'`;

/** The drift thresholds (above 0) and the fractions (above 0, at most 1); each one out of range is an error. */
function readLimits(inputs: DriftCheckInputs, errors: InputError[]) {
  const positive = (name: 'numericThreshold' | 'categoricalThreshold') => {
    const value = inputs.number(name);
    if (!(value > 0))
      errors.push(
        new InputError(name, `Input ${shownName(inputs, name)} must be greater than 0, got ${value}.`),
      );
    return value;
  };
  const numericThreshold = positive('numericThreshold');
  const categoricalThreshold = positive('categoricalThreshold');
  const fraction = (name: 'warnThreshold' | 'driftShare', meaning: string) => {
    const value = inputs.number(name);
    if (!(value > 0 && value <= 1))
      errors.push(
        new InputError(
          name,
          `Input ${shownName(inputs, name)} must be greater than 0 and at most 1 (${meaning}), got ${value}.`,
        ),
      );
    return value;
  };
  const warnThreshold = fraction('warnThreshold', 'a fraction of each threshold');
  const driftShare = fraction('driftShare', 'a share of the features');
  return { numericThreshold, categoricalThreshold, warnThreshold, driftShare };
}

/** The inputs naming features, without repeats; lists that contradict each other are errors. */
function readFeatureLists(
  inputs: DriftCheckInputs,
  errors: InputError[],
): Record<FeatureListInput, string[]> {
  const shown = (name: InputName<typeof driftCheckManifest>) => shownName(inputs, name);
  const lists = Object.fromEntries(
    FEATURE_LIST_INPUTS.map((name) => [name, unique(inputs.list(name))]),
  ) as Record<FeatureListInput, string[]>;
  const both = lists.categoricalFeatures.filter((f) => lists.numericFeatures.includes(f));
  if (both.length > 0)
    errors.push(
      new InputError(
        'numericFeatures',
        `${quoteList(both)} ${both.length === 1 ? 'is' : 'are'} in both ${shown('categoricalFeatures')} and ${shown('numericFeatures')}: a feature has one type.`,
      ),
    );
  const includedAndExcluded = lists.features.filter((f) => lists.excludeFeatures.includes(f));
  if (includedAndExcluded.length > 0)
    errors.push(
      new InputError(
        'excludeFeatures',
        `${quoteList(includedAndExcluded)} ${includedAndExcluded.length === 1 ? 'is' : 'are'} in both ${shown('features')} and ${shown('excludeFeatures')}.`,
      ),
    );
  const criticalExcluded = lists.criticalFeatures.filter((f) => lists.excludeFeatures.includes(f));
  if (criticalExcluded.length > 0)
    errors.push(
      new InputError(
        'criticalFeatures',
        `${quoteList(criticalExcluded)} ${criticalExcluded.length === 1 ? 'is' : 'are'} critical but excluded by ${shown('excludeFeatures')}.`,
      ),
    );
  // A critical feature that is not compared could never fail the check: that is a mistake, not a choice.
  const criticalOutside =
    lists.features.length === 0 ? [] : lists.criticalFeatures.filter((f) => !lists.features.includes(f));
  if (criticalOutside.length > 0)
    errors.push(
      new InputError(
        'criticalFeatures',
        `${quoteList(criticalOutside)} ${criticalOutside.length === 1 ? 'is' : 'are'} critical but not among ${shown('features')}.`,
      ),
    );
  return lists;
}

function inputNames(inputs: DriftCheckInputs): DriftCheckConfig['inputNames'] {
  return {
    baselineData: inputs.displayName('baselineData'),
    currentData: inputs.displayName('currentData'),
    features: inputs.displayName('features'),
    excludeFeatures: inputs.displayName('excludeFeatures'),
    categoricalFeatures: inputs.displayName('categoricalFeatures'),
    numericFeatures: inputs.displayName('numericFeatures'),
    criticalFeatures: inputs.displayName('criticalFeatures'),
    thresholdsFile: inputs.displayName('thresholdsFile'),
    failOn: inputs.displayName('failOn'),
    runOn: inputs.displayName('runOn'),
    compute: inputs.displayName('compute'),
    timeoutMinutes: inputs.displayName('timeoutMinutes'),
  };
}

/** Azure Pipelines hands an empty filePath input over as the sources directory: that means "not given". */
/** A path the step writes to: it must not be a file where a directory is wanted, or the reverse. */
function outputPath(
  inputs: DriftCheckInputs,
  name: 'outputDir' | 'writeBaselineProfile',
  context: ParseContext,
  errors: InputError[],
  kind: 'file' | 'directory',
): string | undefined {
  const resolved = givenPath(inputs, name, context);
  if (resolved === undefined || !existsSync(resolved)) return resolved;
  const isDirectory = statSync(resolved).isDirectory();
  if (kind === 'directory' && !isDirectory)
    errors.push(
      new InputError(
        name,
        `Input '${inputs.displayName(name)}' is a file, not a folder: '${inputs.string(name)}'.`,
      ),
    );
  if (kind === 'file' && isDirectory)
    errors.push(
      new InputError(
        name,
        `Input '${inputs.displayName(name)}' is a folder: give a file path such as baseline.profile.json.`,
      ),
    );
  return resolved;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
