import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatastoreContainer } from '../../azureml/datastore-blobs';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { LoggerPort } from '../../platform/ports';
import { DataError, InputError, StepError } from '../../step/errors';
import { jobArtifactPath } from '../../azureml/job-artifacts';
import { uploadSnapshot, type LocalUpload } from '../../azureml/local-upload';
import { snapshot } from '../../azureml/snapshot';
import type { ModelSource, RegisterModelConfig } from './config';
import { MLMODEL_FILE, type ModelType } from '../../azureml/model-types';
import { mlmodelFlavors, type ModelFlavors } from '../../azureml/mlmodel';
import { readJob, type JobFacts } from './source-job';
import { parseDatastoreUri } from '../../azureml/datastore-uri';

/** The model's files found (or uploaded), with what they are and where they came from. */
export interface ResolvedSource {
  /** Identifies what was registered, across runs: `azureml://jobs/<job>/outputs/<o>`, `local:<sha256>` or a URI. */
  readonly key: string;
  /** `modelUri` of the version. */
  readonly modelUri: string;
  /** For messages: `output 'model' of job 'train-42'`. */
  readonly what: string;
  /** The job that produced the model (lineage, metrics), when known. */
  readonly job?: JobFacts;
  readonly type: ModelType;
  /** Why this type: `given`, `MLmodel file found`, `job output type mlflow_model`, `no MLmodel file`. */
  readonly typeReason: string;
  /** The flavors of an MLflow model, read from its `MLmodel` file (sent unless the model YAML gives its own). */
  readonly flavors?: ModelFlavors;
  readonly upload?: LocalUpload;
}

/** What resolving a source needs: the workspace, its datastores (opened once each), the log. */
export interface SourceContext {
  readonly session: WorkspaceSession;
  /** A datastore's container by name; the default datastore without one. */
  readonly datastore: (name?: string) => Promise<DatastoreContainer>;
  readonly logger: LoggerPort;
  readonly signal: AbortSignal;
  /** Read only: a local path is hashed and looked for, never uploaded. */
  readonly dryRun?: boolean;
}

/** The datastore holding a job's artifacts (`ExperimentRun/dcid.<job>/...`). */
const ARTIFACT_DATASTORE = 'workspaceartifactstore';

/** Finds the model's files (uploading a local path), reads its job, and settles its type. */
export async function resolveSource(
  config: RegisterModelConfig,
  context: SourceContext,
): Promise<ResolvedSource> {
  const source = config.source;
  switch (source.kind) {
    case 'job':
      return jobSource(source, config.modelType, context);
    case 'local':
      return localSource(source, config.modelType, config.datastore, context);
    case 'uri':
      return uriSource(source, config.modelType, context);
  }
}

/** A job that must exist; a job named only for lineage may still be running (a warning). */
async function requireJob(jobName: string, forOutput: boolean, context: SourceContext): Promise<JobFacts> {
  const { session, logger } = context;
  const job = await readJob(session, jobName);
  if (!job)
    throw new InputError(
      'jobName',
      `Job '${jobName}' was not found in workspace '${session.resourceGroup}/${session.workspaceName}': check the name (the train step's jobName output) and the workspace.`,
    );
  if (job.status !== 'Completed') {
    if (forOutput)
      throw new DataError(
        `Job '${jobName}' is ${job.status}: only the outputs of a completed job are registered. Register it once it completed (the train step waits for it unless wait is false).`,
      );
    logger.warning(`Job '${jobName}' is ${job.status}, not Completed: its metrics may be incomplete.`);
  }
  return job;
}

type Content = {
  readonly kind: 'file' | 'folder' | 'missing';
  readonly hasMlmodel: boolean;
  /** The `MLmodel` file's text, when there is one. */
  readonly mlmodel?: string;
};

/** Whether a datastore path holds a blob, or blobs below it, and an `MLmodel` file at its root (read). */
async function inspect(container: DatastoreContainer, path: string, signal: AbortSignal): Promise<Content> {
  const base = path.replace(/^\/+|\/+$/g, '');
  const client = container.container;
  if (base && (await client.getBlobClient(base).exists({ abortSignal: signal })))
    return { kind: 'file', hasMlmodel: false };
  const prefix = base ? `${base}/` : '';
  for await (const page of client.listBlobsFlat({ prefix, abortSignal: signal }).byPage({ maxPageSize: 1 })) {
    if (page.segment.blobItems.length === 0) break;
    const mlmodel = client.getBlobClient(`${prefix}${MLMODEL_FILE}`);
    if (!(await mlmodel.exists({ abortSignal: signal }))) return { kind: 'folder', hasMlmodel: false };
    const text = (await mlmodel.downloadToBuffer(undefined, undefined, { abortSignal: signal })).toString(
      'utf8',
    );
    return { kind: 'folder', hasMlmodel: true, mlmodel: text };
  }
  return { kind: 'missing', hasMlmodel: false };
}

/** What a model's content says of its type: an `MLmodel` file (and its text), a job output's declared type. */
interface Detected {
  readonly hasMlmodel: boolean;
  readonly mlmodel?: string | undefined;
  readonly outputType?: string | undefined;
  /** Whether the content could be looked at (a URI outside the workspace's datastores cannot). */
  readonly looked?: boolean;
}

/**
 * The type (given, else detected) and, for an MLflow model, the flavors of its `MLmodel` file. A given type
 * mlflow_model on content without an `MLmodel` file is refused: Azure ML could not serve it as an MLflow model.
 */
function typeAndFlavors(
  given: ModelType | undefined,
  detected: Detected,
  where: string,
): { type: ModelType; typeReason: string; flavors?: ModelFlavors } {
  const settled = settleType(given, detected);
  if (given === 'mlflow_model' && !detected.hasMlmodel && detected.looked !== false)
    throw new DataError(
      `The model type is mlflow_model but the ${where} has no ${MLMODEL_FILE} file at its root: register the folder mlflow saved the model to (it holds ${MLMODEL_FILE}), or use type custom_model.`,
    );
  if (settled.type !== 'mlflow_model' || detected.mlmodel === undefined) return settled;
  return {
    ...settled,
    flavors: mlmodelFlavors(detected.mlmodel, `The ${MLMODEL_FILE} file of the ${where}`),
  };
}

function settleType(
  given: ModelType | undefined,
  detected: Detected,
): { type: ModelType; typeReason: string } {
  if (given) return { type: given, typeReason: 'given' };
  const outputType = detected.outputType?.toLowerCase();
  if (outputType === 'mlflow_model' || outputType === 'triton_model')
    return { type: outputType, typeReason: `job output type ${outputType}` };
  return detected.hasMlmodel
    ? { type: 'mlflow_model', typeReason: `${MLMODEL_FILE} file found` }
    : { type: 'custom_model', typeReason: `no ${MLMODEL_FILE} file` };
}

async function jobSource(
  source: Extract<ModelSource, { kind: 'job' }>,
  givenType: ModelType | undefined,
  context: SourceContext,
): Promise<ResolvedSource> {
  const { jobName, output, where } = source;
  const job = await requireJob(jobName, true, context);
  const named = where === 'artifacts' ? undefined : job.outputs[output];
  const outputNames = Object.keys(job.outputs);
  const outputList = outputNames.length
    ? `its outputs: ${outputNames.join(', ')}`
    : 'it has no named outputs';
  if (named) {
    const what = `output '${output}' of job '${jobName}'`;
    const key = `azureml://jobs/${jobName}/outputs/${output}`;
    const onDatastore = parseDatastoreUri(named.uri);
    if (!onDatastore) {
      context.logger.info(`${what} is at ${named.uri}: not a datastore path, registered as it is.`);
      return {
        key,
        modelUri: named.uri,
        what,
        job,
        ...typeAndFlavors(givenType, { hasMlmodel: false, outputType: named.type, looked: false }, what),
      };
    }
    const container = await context.datastore(onDatastore.datastore);
    const content = await inspect(container, onDatastore.path, context.signal);
    if (content.kind === 'missing')
      throw new DataError(
        `The ${what} is empty: nothing was found at ${named.uri}. Did the job write its model there?`,
      );
    return {
      key,
      modelUri: named.uri,
      what,
      job,
      ...typeAndFlavors(givenType, { ...content, outputType: named.type }, what),
    };
  }
  if (where === 'named') throw new DataError(`Job '${jobName}' has no output '${output}' (${outputList}).`);
  const path = output.replace(/^\/+|\/+$/g, '');
  const container = await context.datastore(ARTIFACT_DATASTORE);
  const blobPath = jobArtifactPath(jobName, path);
  const content = await inspect(container, blobPath, context.signal);
  if (content.kind === 'missing')
    throw new DataError(
      where === 'artifacts'
        ? `Job '${jobName}' has no artifact '${path}' (nothing at ${ARTIFACT_DATASTORE}/${blobPath}).`
        : `Job '${jobName}' has no output '${output}' (${outputList}) and no artifact at '${path}'.`,
    );
  return {
    key: `azureml://jobs/${jobName}/outputs/artifacts/paths/${path}`,
    modelUri: `azureml://datastores/${container.datastoreName}/paths/${blobPath}${content.kind === 'folder' ? '/' : ''}`,
    what: `artifact '${path}' of job '${jobName}'`,
    job,
    ...typeAndFlavors(givenType, content, `artifact '${path}' of job '${jobName}'`),
  };
}

async function localSource(
  source: Extract<ModelSource, { kind: 'local' }>,
  givenType: ModelType | undefined,
  datastore: string | undefined,
  context: SourceContext,
): Promise<ResolvedSource> {
  const job = source.jobName ? await requireJob(source.jobName, false, context) : undefined;
  const files = await snapshot(source.path, source.isFile, {
    signal: context.signal,
    what: 'model folder',
  }).catch((error: unknown) => {
    if (error instanceof StepError) throw error;
    throw new DataError(`The model at '${source.path}' cannot be read: ${(error as Error).message}`);
  });
  if (files.files.length === 0)
    throw new DataError(`The model folder '${source.path}' has no files to upload.`);
  const hasMlmodel =
    !source.isFile && files.files.includes(MLMODEL_FILE) && existsSync(join(source.path, MLMODEL_FILE));
  const what = `${source.isFile ? 'file' : 'folder'} '${source.path}'`;
  const typed = typeAndFlavors(
    givenType,
    { hasMlmodel, ...(hasMlmodel ? { mlmodel: readFileSync(join(source.path, MLMODEL_FILE), 'utf8') } : {}) },
    what,
  );
  const container = await context.datastore(datastore);
  const upload = await uploadSnapshot(container, files, source.isFile, {
    signal: context.signal,
    ...(context.dryRun ? { dryRun: true } : {}),
  });
  context.logger.info(
    `${source.isFile ? 'File' : 'Folder'} '${source.path}': ${upload.action} to ${upload.uri} (${upload.detail}).`,
  );
  return {
    key: `local:${files.hash}`,
    modelUri: upload.uri,
    what,
    ...(job ? { job } : {}),
    ...typed,
    upload,
  };
}

async function uriSource(
  source: Extract<ModelSource, { kind: 'uri' }>,
  givenType: ModelType | undefined,
  context: SourceContext,
): Promise<ResolvedSource> {
  const job = source.jobName ? await requireJob(source.jobName, false, context) : undefined;
  const onDatastore = parseDatastoreUri(source.uri);
  let content: Content & { looked?: boolean } = { kind: 'folder', hasMlmodel: false, looked: false };
  if (onDatastore) {
    const container = await context.datastore(onDatastore.datastore);
    content = await inspect(container, onDatastore.path, context.signal);
    if (content.kind === 'missing') throw new DataError(`Nothing was found at ${source.uri}.`);
  } else {
    context.logger.info(
      `${source.uri} is not a datastore path: registered as it is, without looking inside.`,
    );
  }
  return {
    key: source.uri,
    modelUri: source.uri,
    what: source.uri,
    ...(job ? { job } : {}),
    ...typeAndFlavors(givenType, content, source.uri),
  };
}
