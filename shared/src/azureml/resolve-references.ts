import { createHash } from 'node:crypto';
import type { ComponentVersion } from '@azure/arm-machinelearning';
import type { DatastoreContainer } from './datastore-blobs';
import type { WorkspaceSession } from './workspace-session';
import type { LoggerPort } from '../platform/ports';
import { AzureError, CancelledError, DataError, type SourceLocation } from '../step/errors';
import { YamlErrors } from '../yaml/problems';
import { uploadPrefix, uploadSnapshot } from './local-upload';
import type { AssetName, ComponentReference, Reference } from './references';
import { snapshot, snapshotNotes } from './snapshot';

/** What resolving needs: the workspace, where local files go, and whether anything may be created. */
export interface ResolveContext {
  readonly session: WorkspaceSession;
  /** The workspace's default datastore container, opened on first use (uploads, code URIs). */
  readonly defaultDatastore: () => Promise<DatastoreContainer>;
  readonly dryRun: boolean;
  readonly logger: LoggerPort;
  readonly signal: AbortSignal;
}

/** One line of what resolving did (or, in a dry run, would do), for the log, the summary and the evidence. */
export interface ResolutionRecord {
  readonly what: string;
  readonly action: 'found' | 'reused' | 'uploaded' | 'registered' | 'would upload' | 'would register';
  readonly id: string;
  readonly detail?: string;
}

export interface Resolution {
  readonly resolved: Map<string, string>;
  readonly records: ResolutionRecord[];
}

/** A component version to register for a local component, once its code and environment are resolved. */
export interface AnonymousComponent {
  readonly name: string;
  readonly version: string;
  /** Body of PUT .../components/{name}/versions/{version}. */
  readonly body: ComponentVersion;
}

/** How a local component of type `Spec` becomes the component version to register (the train step's pipelines). */
export type AnonymousComponentOf<Spec> = (
  reference: Extract<ComponentReference<Spec>, { source: 'local' }>,
  resolved: ReadonlyMap<string, string>,
) => AnonymousComponent;

/** The anonymous environment name the CLI uses for inline environments; the version is a hash of the definition. */
export const ANONYMOUS_ENVIRONMENT_NAME = 'CliV2AnonymousEnvironment';

/**
 * Resolves every reference of a job or deployment: first looks up everything that must already exist (computes, datastores,
 * assets) and reports every missing one at its file:line at once, before anything is created; then uploads local
 * code and inputs (content-hashed: unchanged content is reused) and registers inline environments and
 * components. In a dry run nothing is created: the ids are the ones the uploads would get, since they are hashes.
 */
export async function resolveReferences<Spec>(
  references: readonly Reference<Spec>[],
  context: ResolveContext,
  /** Needed when `references` hold local components. */
  anonymousComponent?: AnonymousComponentOf<Spec>,
): Promise<Resolution> {
  const resolved = new Map<string, string>();
  const records: ResolutionRecord[] = [];
  const problems: DataError[] = [];
  const lookups = references.filter((r) => !creates(r));
  await Promise.all(
    lookups.map(async (reference) => {
      const found = await lookUp(reference, context);
      if (typeof found === 'string') {
        resolved.set(reference.key, found);
        records.push({ what: describe(reference), action: 'found', id: found });
      } else {
        problems.push(new DataError(found.problem, reference.location));
      }
    }),
  );
  if (problems.length > 0) throw new YamlErrors(problems);
  // Sequential: a local component needs its code and environment resolved first (the caller orders them so).
  for (const reference of references.filter(creates)) {
    const record = await create(reference, resolved, context, anonymousComponent);
    resolved.set(reference.key, record.id);
    records.push(record);
    context.logger.info(
      `${record.what}: ${record.action} ${record.id}${record.detail ? ` (${record.detail})` : ''}`,
    );
  }
  return { resolved, records };
}

function creates(reference: Reference): boolean {
  return (
    ((reference.kind === 'code' || reference.kind === 'environment') && reference.source !== 'workspace') ||
    reference.kind === 'localInput' ||
    (reference.kind === 'component' && reference.source === 'local')
  );
}

function describe(reference: Reference): string {
  switch (reference.kind) {
    case 'code':
      return reference.source === 'local' ? `code '${reference.path}'` : `code ${reference.asset.text}`;
    case 'environment':
      return reference.source === 'workspace' ? `environment ${reference.asset.text}` : 'inline environment';
    case 'compute':
      return `compute '${reference.name}'`;
    case 'datastore':
      return `datastore '${reference.name}'`;
    case 'asset':
      return `${reference.assetType} ${reference.asset.text}`;
    case 'localInput':
      return `input '${reference.path}'`;
    case 'component':
      return reference.source === 'local'
        ? `component of step '${reference.step}'`
        : `component ${reference.asset.text}`;
  }
}

// ---- lookups -------------------------------------------------------------------------------------------------

type Lookup = string | { problem: string };

async function lookUp(reference: Reference, context: ResolveContext): Promise<Lookup> {
  const { session } = context;
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const where = `workspace '${ws}'`;
  switch (reference.kind) {
    case 'compute': {
      const found = await orMissing(session, `Reading compute '${reference.name}'`, (o) =>
        ml.computeOperations.get(rg, ws, reference.name, o),
      );
      if (found?.id) return found.id;
      const names: string[] = [];
      for await (const compute of ml.computeOperations.list(rg, ws, { abortSignal: context.signal }))
        if (compute.name) names.push(compute.name);
      return {
        problem:
          `Compute '${reference.name}' was not found in ${where}` +
          (names.length ? ` (it has: ${names.join(', ')})` : ' (it has no computes)') +
          `. Create it (az ml compute create --name ${reference.name} --type amlcompute ...) or name an existing one.`,
      };
    }
    case 'datastore': {
      const found = await orMissing(session, `Reading datastore '${reference.name}'`, (o) =>
        ml.datastores.get(rg, ws, reference.name, o),
      );
      return found?.id ?? { problem: `Datastore '${reference.name}' was not found in ${where}.` };
    }
    case 'asset': {
      const id = await assetVersionId(context, reference.assetType, reference.asset);
      // Job inputs name registered assets by `azureml:` + their ARM id, as the CLI sends them.
      return typeof id === 'string' ? `azureml:${id}` : id;
    }
    case 'environment':
    case 'code':
    case 'component':
      if (reference.source !== 'workspace') throw new Error(`${reference.key} is created, not looked up`);
      return assetVersionId(
        context,
        reference.kind === 'environment'
          ? 'environments'
          : reference.kind === 'code'
            ? 'codes'
            : 'components',
        reference.asset,
      );
    case 'localInput':
      throw new Error(`${reference.key} is uploaded, not looked up`);
  }
}

type AssetKind = 'data' | 'model' | 'environments' | 'codes' | 'components';

/** What every asset version operation group of the SDK offers, as far as resolving needs it. */
interface VersionOperations {
  get(rg: string, ws: string, name: string, version: string, options?: object): Promise<{ id?: string }>;
  list(
    rg: string,
    ws: string,
    name: string,
    options?: { orderBy?: string; top?: number; abortSignal?: AbortSignal },
  ): AsyncIterable<{ id?: string }>;
}

async function assetVersionId(context: ResolveContext, kind: AssetKind, asset: AssetName): Promise<Lookup> {
  const { session } = context;
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const label = {
    data: 'Data asset',
    model: 'Model',
    environments: 'Environment',
    codes: 'Code asset',
    components: 'Component',
  }[kind];
  const operations: VersionOperations = {
    data: ml.dataVersions,
    model: ml.modelVersions,
    environments: ml.environmentVersions,
    codes: ml.codeVersions,
    components: ml.componentVersions,
  }[kind];
  if (asset.version !== undefined) {
    const version = asset.version;
    const found = await orMissing(session, `Reading ${asset.text}`, (o) =>
      operations.get(rg, ws, asset.name, version, o),
    );
    if (found?.id) return found.id;
    return {
      problem: `${label} '${asset.name}' version ${version} was not found in workspace '${ws}' (${asset.text}). Register it first, or use ${asset.name}@latest.`,
    };
  }
  const latest = await orMissing(session, `Listing the versions of ${asset.text}`, async (o) => {
    for await (const version of operations.list(rg, ws, asset.name, {
      orderBy: 'createdtime desc',
      top: 1,
      ...o,
    }))
      if (version.id) return version.id;
    return undefined;
  });
  if (latest) return latest;
  return {
    problem: `${label} '${asset.name}' has no version in workspace '${ws}' (${asset.text}). Register it first.`,
  };
}

/** The resource, or undefined when Azure answers 404; other failures are AzureErrors naming the fix. */
async function orMissing<T>(
  session: WorkspaceSession,
  operation: string,
  call: (options: { abortSignal: AbortSignal }) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await session.call(operation, call);
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 404) return undefined;
    throw error;
  }
}

// ---- uploads and registrations ------------------------------------------------------------------------------

async function create<Spec>(
  reference: Reference<Spec>,
  resolved: ReadonlyMap<string, string>,
  context: ResolveContext,
  anonymousComponent: AnonymousComponentOf<Spec> | undefined,
): Promise<ResolutionRecord> {
  switch (reference.kind) {
    case 'code':
      if (reference.source !== 'local') break;
      return localCode(reference.path, reference.isFile, reference.location, context);
    case 'localInput':
      return localInput(reference.path, reference.isFile, reference.inputType, context);
    case 'environment':
      if (reference.source !== 'inline') break;
      return inlineEnvironment(reference, context);
    case 'component': {
      if (reference.source !== 'local') break;
      if (!anonymousComponent)
        throw new Error(`${reference.key} is a local component, and nothing makes its version`);
      const { name, version, body } = anonymousComponent(reference, resolved);
      const { ml, resourceGroup: rg, workspaceName: ws, workspaceId } = context.session;
      return register(
        context,
        describe(reference),
        `${workspaceId}/components/${name}/versions/${version}`,
        (o) => ml.componentVersions.get(rg, ws, name, version, o),
        (o) => ml.componentVersions.createOrUpdate(rg, ws, name, version, body, o),
      );
    }
    default:
      break;
  }
  throw new Error(`${reference.key} is looked up, not created`);
}

/** A code asset name from the content hash (GUID-shaped, as the CLI's anonymous code assets are). */
function codeAssetName(hash: string): string {
  const h = hash.slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

async function localCode(
  path: string,
  isFile: boolean,
  location: SourceLocation,
  context: ResolveContext,
): Promise<ResolutionRecord> {
  const { session } = context;
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const files = await snapshot(path, isFile, { signal: context.signal, what: 'code folder' }).catch(
    (error: unknown) => {
      if (error instanceof CancelledError) throw error;
      // The walk's own errors name the folder and the fix; others say what could not be read.
      const message =
        error instanceof DataError
          ? error.message
          : `Code '${path}' cannot be read: ${(error as Error).message}`;
      throw new DataError(message, location, { cause: error });
    },
  );
  if (files.files.length === 0)
    throw new DataError(`Code folder '${path}' has no files to upload.`, location);
  const name = codeAssetName(files.hash);
  const what = `code '${path}'`;
  const existing = await orMissing(session, `Reading code asset ${name}`, (o) =>
    ml.codeVersions.get(rg, ws, name, '1', o),
  );
  const notes = snapshotNotes(files);
  const detail = `${files.files.length} file(s), ${files.bytes} bytes${notes ? `, ${notes}` : ''}`;
  // The code asset is registered after its upload is complete: its existence is the upload's completion marker.
  if (existing?.id) return { what, action: 'reused', id: existing.id, detail: `unchanged: ${detail}` };
  const container = await context.defaultDatastore();
  const prefix = isFile ? uploadPrefix(files) : `${uploadPrefix(files)}/${files.name}`;
  const id = `${session.workspaceId}/codes/${name}/versions/1`;
  if (context.dryRun) return { what, action: 'would upload', id, detail };
  // An upload a cut run left half-done is completed, the files already there and right kept.
  const upload = await uploadSnapshot(container, files, isFile, { signal: context.signal });
  const codeUri = `${container.container.url}/${prefix}`;
  const created = await session.call(`Registering code asset ${name}`, (o) =>
    ml.codeVersions.createOrUpdate(rg, ws, name, '1', { properties: { codeUri, isAnonymous: true } }, o),
  );
  const resumed = upload.kept
    ? `; completed an earlier upload (${upload.kept} file(s) were there already)`
    : '';
  return { what, action: 'uploaded', id: created.id ?? id, detail: `${detail}${resumed}` };
}

/**
 * A local input, uploaded. Its URI ends with '/' for a uri_folder input only: the CLI's rule
 * (JobOperations._resolve_job_input); an mltable or model folder is named without it.
 */
async function localInput(
  path: string,
  isFile: boolean,
  inputType: string,
  context: ResolveContext,
): Promise<ResolutionRecord> {
  const files = await snapshot(path, isFile, { signal: context.signal, what: 'input folder' });
  const container = await context.defaultDatastore();
  const upload = await uploadSnapshot(container, files, isFile, {
    dryRun: context.dryRun,
    signal: context.signal,
  });
  const id = inputType === 'uri_folder' ? upload.uri : upload.uri.replace(/\/$/, '');
  return { what: `input '${path}'`, action: upload.action, id, detail: upload.detail };
}

async function inlineEnvironment(
  reference: Extract<Reference, { kind: 'environment'; source: 'inline' }>,
  context: ResolveContext,
): Promise<ResolutionRecord> {
  let build: { contextUri: string; dockerfilePath?: string } | undefined;
  let buildDetail = '';
  /** Uploads the local build context; called only when the environment version is not registered yet. */
  let uploadContext: (() => Promise<unknown>) | undefined;
  if (reference.build) {
    if (reference.build.local) {
      const files = await snapshot(reference.build.path, false, {
        signal: context.signal,
        what: 'build context folder',
      });
      const container = await context.defaultDatastore();
      const prefix = `${uploadPrefix(files)}/${files.name}`;
      // The context's URI is its content hash: known before any upload, so an unchanged environment sends nothing.
      uploadContext = () =>
        uploadSnapshot(container, files, false, { dryRun: context.dryRun, signal: context.signal });
      build = { contextUri: `${container.container.url}/${prefix}/` };
      buildDetail = `build context ${files.files.length} file(s)`;
    } else {
      build = { contextUri: reference.build.path };
    }
    if (reference.build.dockerfilePath) build.dockerfilePath = reference.build.dockerfilePath;
  }
  const properties = {
    ...(reference.image ? { image: reference.image } : {}),
    ...(reference.condaFile ? { condaFile: reference.condaFile.content } : {}),
    ...(build ? { build } : {}),
    osType: reference.osType === 'windows' ? ('Windows' as const) : ('Linux' as const),
    isAnonymous: true,
    ...(reference.description ? { description: reference.description } : {}),
    ...(Object.keys(reference.tags).length ? { tags: { ...reference.tags } } : {}),
  };
  // Same definition, same version: re-running converges on the registered environment.
  const version = createHash('md5').update(JSON.stringify(properties)).digest('hex');
  const { ml, resourceGroup: rg, workspaceName: ws, workspaceId } = context.session;
  const name = ANONYMOUS_ENVIRONMENT_NAME;
  const record = await register(
    context,
    'inline environment',
    `${workspaceId}/environments/${name}/versions/${version}`,
    (o) => ml.environmentVersions.get(rg, ws, name, version, o),
    async (o) => {
      await uploadContext?.();
      return ml.environmentVersions.createOrUpdate(rg, ws, name, version, { properties }, o);
    },
  );
  return buildDetail ? { ...record, detail: buildDetail } : record;
}

/** A version that is its own content hash: reused when it exists, registered otherwise (not in a dry run). */
async function register(
  context: ResolveContext,
  what: string,
  id: string,
  get: (options: { abortSignal: AbortSignal }) => Promise<{ id?: string }>,
  put: (options: { abortSignal: AbortSignal }) => Promise<{ id?: string }>,
): Promise<ResolutionRecord> {
  const existing = await orMissing(context.session, `Reading ${id}`, get);
  if (existing?.id) return { what, action: 'reused', id: existing.id };
  if (context.dryRun) return { what, action: 'would register', id };
  const created = await context.session.call(`Registering ${what} as ${id}`, put);
  return { what, action: 'registered', id: created.id ?? id };
}
