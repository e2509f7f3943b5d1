/**
 * The model a deployment runs, as Azure expects it in `properties.model` (decision 0017): a workspace version's
 * ARM id, the newest version for `@latest`, a registry id as written, or an inline model uploaded (content-hashed,
 * once) and registered the way the CLI does, with the lineage tags register-model gives. A re-run with the same
 * content reuses the version. In a dry run nothing is uploaded or registered: the version it would be is named.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelVersionProperties } from '@azure/arm-machinelearning';
import type { DatastoreContainer } from '../../../azureml/datastore-blobs';
import { lineageTags } from '../../../azureml/lineage';
import { uploadSnapshot, type LocalUpload } from '../../../azureml/local-upload';
import type { ModelFile } from '../../../azureml/model-file';
import {
  findRegistered,
  getVersion,
  newestVersion,
  nextVersion,
  registerVersion,
} from '../../../azureml/model-registry';
import { MLMODEL_FILE, modelReference, PROPERTY, type ModelType } from '../../../azureml/model-types';
import { snapshot } from '../../../azureml/snapshot';
import type { WorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext } from '../../../step/define';
import { AzureError, CancelledError, DataError } from '../../../step/errors';
import type { DeployModel, InlineModel, LatestModel } from '../model-reference';
import { readModelVersion } from '../online';

/** What the deployment's `model` is, once resolved. */
export interface ResolvedModel {
  /** `properties.model` of the deployment: the version's ARM id, or the registry id. */
  readonly id: string;
  /** For messages and the summary: `azureml:<name>:<version>`, or the registry id. */
  readonly text: string;
  /** Whether Azure ML serves it without scoring code; undefined when it cannot be read (a registry model). */
  readonly mlflow?: boolean;
  /** An inline model: what the step did (or, in a dry run, would do) with it. */
  readonly inline?: InlineRecord;
}

export interface InlineRecord {
  readonly name: string;
  readonly version: string;
  readonly action: 'registered' | 'reused' | 'would register';
  readonly anonymous: boolean;
  readonly modelUri: string;
  readonly type: ModelType;
  readonly source: string;
  readonly upload?: LocalUpload;
  /** The version body sent (or that would be sent). */
  readonly body?: ModelVersionProperties;
}

export interface ModelContext {
  readonly session: WorkspaceSession;
  readonly context: StepContext;
  readonly datastore: (name?: string) => Promise<DatastoreContainer>;
  readonly dryRun: boolean;
}

const isMlflow = (type: string | undefined) =>
  (type ?? '').toLowerCase().replace(/[^a-z]/g, '') === 'mlflowmodel';

/** Resolves the deployment's model to the id Azure expects. */
export async function resolveDeployModel(model: DeployModel, how: ModelContext): Promise<ResolvedModel> {
  const { session } = how;
  switch (model.kind) {
    case 'version': {
      const version = await readModelVersion(session, model);
      return { id: version.id, text: model.text, mlflow: isMlflow(version.properties.modelType) };
    }
    case 'latest': {
      const newest = await latestVersion(session, model);
      const text = modelReference(model.name, newest.version);
      how.context.logger.info(`${model.text} is ${text}.`);
      return { id: newest.resource.id, text, mlflow: isMlflow(newest.resource.properties.modelType) };
    }
    case 'registry':
      return { id: model.id, text: model.text };
    case 'inline':
      return inlineModel(model, how);
  }
}

/** The newest version of a `@latest` model; a model with no version is refused. */
export async function latestVersion(session: WorkspaceSession, model: LatestModel) {
  const newest = await newestVersion(session, model.name);
  if (!newest?.resource.id)
    throw new AzureError(
      `Model '${model.name}' has no version in workspace '${session.workspaceName}' (${model.text}): register it first (the register-model step).`,
      'ModelNotFound',
      404,
    );
  return { ...newest, resource: { ...newest.resource, id: newest.resource.id } };
}

/** Where an inline model's files are: uploaded (local, content-hashed) or a URI registered as written. */
async function inlineSource(model: Omit<ModelFile, 'warnings'>, how: ModelContext) {
  const { path } = model;
  if (path.kind === 'uri') return { key: path.uri, modelUri: path.uri, hasMlmodel: false };
  if (path.kind === 'job') {
    const uri =
      path.where === 'named'
        ? `azureml://jobs/${path.jobName}/outputs/${path.output}`
        : `azureml://jobs/${path.jobName}/outputs/artifacts/paths/${path.output}`;
    return { key: uri, modelUri: uri, hasMlmodel: false };
  }
  const files = await snapshot(path.path, path.isFile, {
    signal: how.context.signal,
    what: 'model folder',
  }).catch((error: unknown) => {
    if (error instanceof CancelledError) throw error;
    // The walk's own errors name the folder and the fix; others say what could not be read.
    const message =
      error instanceof DataError
        ? error.message
        : `The model at '${path.path}' cannot be read: ${(error as Error).message}`;
    throw new DataError(message, model.pathLocation, { cause: error });
  });
  if (files.files.length === 0)
    throw new DataError(`The model folder '${path.path}' has no files to upload.`, model.pathLocation);
  const hasMlmodel =
    !path.isFile && files.files.includes(MLMODEL_FILE) && existsSync(join(path.path, MLMODEL_FILE));
  const upload = await uploadSnapshot(await how.datastore(model.datastore), files, path.isFile, {
    dryRun: how.dryRun,
    signal: how.context.signal,
  });
  how.context.logger.info(
    `Model ${path.isFile ? 'file' : 'folder'} '${path.path}': ${upload.action} ${upload.uri} (${upload.detail}).`,
  );
  return { key: `local:${files.hash}`, modelUri: upload.uri, hasMlmodel, upload };
}

/**
 * The CLI names an anonymous model with a random GUID, version 1; the step derives the GUID from the content, so
 * the same content is the same version again.
 */
export function anonymousModelName(sourceKey: string): string {
  const hex = createHash('sha256').update(sourceKey).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function inlineModel({ model }: InlineModel, how: ModelContext): Promise<ResolvedModel> {
  const { session, context, dryRun } = how;
  const source = await inlineSource(model, how);
  const type: ModelType = model.type ?? (source.hasMlmodel ? 'mlflow_model' : 'custom_model');
  const anonymous = model.name === undefined;
  const name = model.name ?? anonymousModelName(source.key);
  const body: ModelVersionProperties = {
    modelUri: source.modelUri,
    modelType: type,
    ...(model.description !== undefined ? { description: model.description } : {}),
    tags: { ...model.tags, ...lineageTags(context.environment) },
    properties: { ...model.properties, [PROPERTY.source]: source.key },
    ...(model.flavors
      ? { flavors: Object.fromEntries(Object.entries(model.flavors).map(([k, data]) => [k, { data }])) }
      : {}),
    ...(model.jobName !== undefined ? { jobName: model.jobName } : {}),
    ...(anonymous ? { isAnonymous: true } : {}),
  };
  const fixed = model.version ?? (anonymous ? '1' : undefined);
  const existing = await existingVersion(session, name, fixed, source.key, model);
  const record = { name, anonymous, modelUri: source.modelUri, type, source: source.key, body };
  const withUpload = source.upload ? { upload: source.upload } : {};
  if (existing) {
    const text = modelReference(name, existing.version);
    context.logger.info(`The inline model is registered already as ${text} (same content): reused.`);
    const inline = { ...record, ...withUpload, version: existing.version, action: 'reused' as const };
    return { id: existing.id, text, mlflow: type === 'mlflow_model', inline };
  }
  if (dryRun) {
    const version = fixed ?? (await nextVersion(session, name));
    const text = modelReference(name, version);
    const inline = { ...record, ...withUpload, version, action: 'would register' as const };
    return {
      id: `${session.workspaceId}/models/${name}/versions/${version}`,
      text,
      mlflow: type === 'mlflow_model',
      inline,
    };
  }
  const location = model.versionLocation ?? model.pathLocation;
  const registered = await registerVersion(
    session,
    name,
    fixed ? { version: fixed, location } : undefined,
    body,
  );
  const text = modelReference(name, registered.version);
  context.logger.info(`Registered the inline model as ${text} (${type}) from ${source.modelUri}.`);
  const inline = { ...record, ...withUpload, version: registered.version, action: 'registered' as const };
  return { id: registered.resource.id ?? '', text, mlflow: type === 'mlflow_model', inline };
}

/** The version registered from this source before: the given (or anonymous) version, else the newest from it. */
async function existingVersion(
  session: WorkspaceSession,
  name: string,
  fixed: string | undefined,
  key: string,
  model: Omit<ModelFile, 'warnings'>,
): Promise<{ version: string; id: string } | undefined> {
  if (fixed === undefined) {
    const found = await findRegistered(session, name, key);
    return found ? { version: found.version, id: found.resource.id ?? '' } : undefined;
  }
  const here = { resourceGroup: session.resourceGroup, workspaceName: session.workspaceName };
  const found = await getVersion(session, here, name, fixed);
  if (!found) return undefined;
  const from = found.resource.properties.properties?.[PROPERTY.source];
  if (from !== key)
    throw new DataError(
      `Model '${name}' version ${fixed} already exists${from ? ` (registered from ${from})` : ''} with other content: versions cannot be changed. Leave 'version' out of the inline model to register the next one, or give a new version.`,
      model.versionLocation ?? model.pathLocation,
    );
  return { version: fixed, id: found.resource.id ?? '' };
}
