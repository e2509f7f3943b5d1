import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceRef } from '../../azureml/workspace-session';
import type { ParseContext } from '../../step/define';
import { InputError, InputErrors, type SourceLocation } from '../../step/errors';
import { existingFile, givenPath } from '../../step/input-paths';
import type { InputName } from '../../step/input-types';
import type { StepInputs } from '../../step/inputs';
import { workspaceRef } from '../workspace-inputs';
import { parseBaseline, type GateSettings } from './gate';
import { loadModelFile, type ModelFile } from '../../azureml/model-file';
import type { registerModelManifest } from './manifest';
import {
  MLMODEL_FILE,
  MODEL_NAME,
  RESERVED_PROPERTY_PREFIX,
  type ModelType,
} from '../../azureml/model-types';

type RegisterModelInputs = StepInputs<typeof registerModelManifest>;
type RegisterModelInput = InputName<typeof registerModelManifest>;

/** What to register. A job's output is resolved at run time: a named output first, else an artifact path. */
export type ModelSource =
  | {
      readonly kind: 'job';
      readonly jobName: string;
      readonly output: string;
      /** `either` for the `jobOutput` input; a model YAML's path says which. */
      readonly where: 'named' | 'artifacts' | 'either';
    }
  /** A local file or folder, uploaded; `jobName` (optional) is the job that produced it. */
  | {
      readonly kind: 'local';
      readonly path: string;
      readonly isFile: boolean;
      readonly jobName?: string;
    }
  /** A datastore URI or storage URL, registered as it is. */
  | { readonly kind: 'uri'; readonly uri: string; readonly jobName?: string };

export interface RegisterModelConfig {
  readonly workspace: WorkspaceRef;
  readonly modelName: string;
  readonly source: ModelSource;
  /** The model YAML, when the source came from one (for messages and its version's position). */
  readonly modelFile?: ModelFile;
  /** A fixed version (model YAML `version`); otherwise the next free number. */
  readonly version?: string;
  readonly versionLocation?: SourceLocation;
  /** Given (input, then YAML); detected from an `MLmodel` file when undefined. */
  readonly modelType?: ModelType;
  readonly description?: string;
  /** The YAML's tags, then the `tags` input. */
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly flavors?: ModelFile['flavors'];
  readonly allowDuplicate: boolean;
  /** Validate, resolve (reads only), run the gate and print the requests; upload and register nothing. */
  readonly dryRun: boolean;
  /** Where a local path is uploaded (model YAML `datastore`); the workspace's default datastore without it. */
  readonly datastore?: string;
  readonly gate?: GateSettings;
  /** Things accepted but not acted on, logged as warnings when the step runs. */
  readonly warnings: readonly string[];
}

/** The source inputs as given, once checked: `local` is `modelPath` when it exists. */
interface SourceInputs {
  readonly jobName?: string;
  readonly jobOutput?: string;
  readonly modelFilePath?: string;
  readonly local?: { readonly path: string; readonly isFile: boolean };
}

/** An input's name as the user wrote it, quoted, for messages. */
const shownIn =
  (inputs: RegisterModelInputs) =>
  (name: RegisterModelInput): string =>
    `'${inputs.displayName(name)}'`;

/** Validates the inputs and reads the model YAML (file:line:column errors); no network. */
export function parseRegisterModelConfig(
  inputs: RegisterModelInputs,
  context: ParseContext,
): RegisterModelConfig {
  const errors: InputError[] = [];
  const warnings: string[] = [];
  const shown = shownIn(inputs);
  const collect = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof InputError) errors.push(error);
      else throw error;
      return fallback;
    }
  };

  const modelNameInput = inputs.string('modelName');
  if (modelNameInput !== undefined && !MODEL_NAME.test(modelNameInput))
    errors.push(
      new InputError(
        'modelName',
        `Input ${shown('modelName')} must start with a letter or digit and hold only letters, digits, '-' and '_' (at most 255), got '${modelNameInput}'.`,
      ),
    );
  const given = readSourceInputs(inputs, context, errors);
  const tags = collect(() => inputs.keyValues('tags'), {});
  const properties = collect(() => inputs.keyValues('properties'), {});
  const reserved = Object.keys(properties).filter((key) => key.startsWith(RESERVED_PROPERTY_PREFIX));
  if (reserved.length > 0)
    errors.push(
      new InputError(
        'properties',
        `Input ${shown('properties')}: ${reserved.map((k) => `'${k}'`).join(', ')} ${reserved.length > 1 ? 'are' : 'is'} written by this step (lineage and re-run detection); use another name.`,
      ),
    );
  const gate = collect(() => gateSettings(inputs, warnings), undefined);

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);

  // The model YAML is read once the inputs are sound: its problems are in a file, not in the inputs.
  const file = given.modelFilePath ? loadModelFile(given.modelFilePath) : undefined;
  const source = chooseSource(file, given);
  const modelName = modelNameInput ?? file?.name;
  if (modelName === undefined)
    throw new InputError(
      'modelName',
      file
        ? `Input ${shown('modelName')} is required: the model YAML ${file.file} has no 'name'.`
        : `Input ${shown('modelName')} is required (or give ${shown('modelFile')} with a 'name').`,
    );
  if (file) warnings.push(...modelFileWarnings(file, modelName, shown));
  const modelType: ModelType | undefined = inputs.choice('modelType') ?? file?.type;
  if (inputs.choice('modelType') === 'mlflow_model' && source.kind === 'local')
    checkMlflowInput(source, shown('modelType'));
  const description = inputs.string('description') ?? file?.description;
  return {
    workspace: workspaceRef(inputs),
    modelName,
    source,
    ...(file ? { modelFile: file } : {}),
    ...(file?.version !== undefined
      ? { version: file.version, ...(file.versionLocation ? { versionLocation: file.versionLocation } : {}) }
      : {}),
    ...(modelType ? { modelType } : {}),
    ...(description ? { description } : {}),
    tags: { ...(file?.tags ?? {}), ...tags },
    properties: { ...(file?.properties ?? {}), ...properties },
    ...(file?.flavors ? { flavors: file.flavors } : {}),
    allowDuplicate: inputs.boolean('allowDuplicate'),
    dryRun: inputs.boolean('dryRun'),
    ...(file?.datastore !== undefined ? { datastore: file.datastore } : {}),
    ...(gate ? { gate } : {}),
    warnings,
  };
}

/** Reads the source inputs; exactly one source must be given: `jobOutput` (with `jobName`), `modelPath` or `modelFile`. */
function readSourceInputs(
  inputs: RegisterModelInputs,
  context: ParseContext,
  errors: InputError[],
): SourceInputs {
  const shown = shownIn(inputs);
  const jobName = inputs.string('jobName');
  const jobOutput = inputs.string('jobOutput');
  const modelPath = givenPath(inputs, 'modelPath', context);
  const modelFilePath = existingFile(inputs, 'modelFile', context, errors);
  const givenSources = [
    ...(jobOutput !== undefined ? (['jobOutput'] as const) : []),
    ...(modelPath !== undefined ? (['modelPath'] as const) : []),
    ...(givenPath(inputs, 'modelFile', context) !== undefined ? (['modelFile'] as const) : []),
  ];
  const sourceChoice = `${shown('jobOutput')} (with ${shown('jobName')}), ${shown('modelPath')} or ${shown('modelFile')}`;
  if (givenSources.length === 0)
    errors.push(
      new InputError(
        jobName ? 'jobOutput' : 'jobName',
        jobName
          ? `Input ${shown('jobOutput')} is required with ${shown('jobName')}: the job's output that holds the model (e.g. model), or an artifact path of the job. Or give ${shown('modelPath')} or ${shown('modelFile')}.`
          : `Say what to register: give one of ${sourceChoice}.`,
      ),
    );
  else if (givenSources.length > 1)
    errors.push(
      new InputError(
        givenSources[1]!,
        `Give one model source, not ${givenSources.map(shown).join(' and ')}: one of ${sourceChoice}.`,
      ),
    );
  if (jobOutput !== undefined && jobName === undefined)
    errors.push(
      new InputError(
        'jobName',
        `Input ${shown('jobOutput')} needs ${shown('jobName')}: the job whose output it is.`,
      ),
    );
  const onlyModelPath = givenSources.length === 1 && givenSources[0] === 'modelPath';
  const local = onlyModelPath && modelPath !== undefined ? localModel(inputs, modelPath, errors) : undefined;
  return {
    ...(jobName !== undefined ? { jobName } : {}),
    ...(jobOutput !== undefined ? { jobOutput } : {}),
    ...(modelFilePath ? { modelFilePath } : {}),
    ...(local ? { local } : {}),
  };
}

/** `modelPath` as a local file or folder; an error when it does not exist. */
function localModel(
  inputs: RegisterModelInputs,
  modelPath: string,
  errors: InputError[],
): SourceInputs['local'] {
  if (existsSync(modelPath)) return { path: modelPath, isFile: statSync(modelPath).isFile() };
  errors.push(
    new InputError(
      'modelPath',
      `Input ${shownIn(inputs)('modelPath')}: '${inputs.string('modelPath') ?? ''}' does not exist (looked for ${modelPath}).`,
    ),
  );
  return undefined;
}

/** The model YAML's source, else the local path, else the job's output (the inputs were checked: one is given). */
function chooseSource(file: ModelFile | undefined, { jobName, jobOutput, local }: SourceInputs): ModelSource {
  const source = file
    ? sourceOfFile(file, jobName)
    : local
      ? { kind: 'local' as const, ...local, ...(jobName ? { jobName } : {}) }
      : undefined;
  return source ?? { kind: 'job', jobName: jobName!, output: jobOutput!, where: 'either' };
}

/** The model YAML's own warnings, and one when it names the model otherwise than `modelName`. */
function modelFileWarnings(
  file: ModelFile,
  modelName: string,
  shown: (name: RegisterModelInput) => string,
): string[] {
  return [
    ...file.warnings,
    ...(file.name !== undefined && file.name !== modelName
      ? [
          `${file.file}: the model YAML names the model '${file.name}'; input ${shown('modelName')} wins: it is registered as '${modelName}'.`,
        ]
      : []),
  ];
}

/** A model YAML's path as a source; `jobName` (the input) names the producing job when the path does not. */
function sourceOfFile(file: ModelFile, jobName: string | undefined): ModelSource {
  const path = file.path;
  if (path.kind === 'job') {
    if (jobName !== undefined && jobName !== path.jobName)
      throw new InputError(
        'jobName',
        `Input 'jobName' is '${jobName}' but the model YAML's path is an output of job '${path.jobName}'.`,
        file.pathLocation,
      );
    return { kind: 'job', jobName: path.jobName, output: path.output, where: path.where };
  }
  const producer = file.jobName ?? jobName;
  if (file.jobName !== undefined && jobName !== undefined && file.jobName !== jobName)
    throw new InputError(
      'jobName',
      `Input 'jobName' is '${jobName}' but the model YAML's job_name is '${file.jobName}'.`,
      file.pathLocation,
    );
  return path.kind === 'local'
    ? { kind: 'local', path: path.path, isFile: path.isFile, ...(producer ? { jobName: producer } : {}) }
    : { kind: 'uri', uri: path.uri, ...(producer ? { jobName: producer } : {}) };
}

/** `modelType` mlflow_model on a local path: an MLflow model is a folder with an `MLmodel` file at its root. */
function checkMlflowInput(source: Extract<ModelSource, { kind: 'local' }>, shown: string): void {
  const problem = source.isFile
    ? `'${source.path}' is a file: an MLflow model is a folder with an ${MLMODEL_FILE} file; give the folder, or modelType custom_model.`
    : !existsSync(join(source.path, MLMODEL_FILE))
      ? `the folder '${source.path}' has no ${MLMODEL_FILE} file: save the model with mlflow (mlflow.<flavor>.save_model), or use modelType custom_model.`
      : undefined;
  if (problem) throw new InputError('modelType', `Input ${shown} is mlflow_model but ${problem}`);
}

/** The gate, when `compareMetric` is given; gate inputs without it are ignored with a warning. */
function gateSettings(inputs: RegisterModelInputs, warnings: string[]): GateSettings | undefined {
  const shown = shownIn(inputs);
  const metric = inputs.string('compareMetric');
  const baselineText = inputs.string('baseline');
  const endpoint = inputs.string('baselineEndpoint');
  const baseline = parseBaseline(baselineText, endpoint);
  if (!baseline)
    throw new InputError(
      'baseline',
      `Input ${shown('baseline')} must be production, latest or tag:<key>=<value>, got '${baselineText}'.`,
    );
  if (metric === undefined) {
    const ignored = [
      ...(endpoint !== undefined ? (['baselineEndpoint'] as const) : []),
      ...(inputs.number('minValue') !== undefined ? (['minValue'] as const) : []),
    ];
    if (ignored.length)
      warnings.push(
        `${ignored.map(shown).join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored: there is no gate without ${shown('compareMetric')}.`,
      );
    return undefined;
  }
  if (baseline.kind === 'production' && !baseline.endpoint)
    throw new InputError(
      'baselineEndpoint',
      `Input ${shown('baselineEndpoint')} is required with ${shown('baseline')} production: the online endpoint whose live model is the one to beat. Or compare with baseline latest or tag:<key>=<value>.`,
    );
  if (baseline.kind !== 'production' && endpoint !== undefined)
    warnings.push(
      `${shown('baselineEndpoint')} is ignored: the baseline is '${baselineText}', not production.`,
    );
  const minValue = inputs.number('minValue');
  return {
    metric,
    higherIsBetter: inputs.boolean('higherIsBetter'),
    minImprovement: inputs.number('minImprovement'),
    ...(minValue !== undefined ? { minValue } : {}),
    baseline:
      baseline.kind === 'production' ? { kind: 'production', endpoint: baseline.endpoint! } : baseline,
    onFail: inputs.choice('onGateFail'),
  };
}
