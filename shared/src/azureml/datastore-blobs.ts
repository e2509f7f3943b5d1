import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AccountKeyDatastoreSecrets,
  AzureBlobDatastore,
  AzureMachineLearningWorkspaces,
  Datastore,
} from '@azure/arm-machinelearning';
import {
  BlobSASPermissions,
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { AzureError, CancelledError } from '../step/errors';
import { userAgentPrefix } from '../azure/arm-clients';
import { blobServiceUrl, type AzureCloud } from '../azure/cloud';
import { callAzure, toAzureError } from '../azure/errors';
import { walkFolder } from './local-walk';
import type { WorkspaceSession } from './workspace-session';
import {
  defaultRequestTimeoutMs,
  defaultRetryOptions,
  type AzureTransportOptions,
} from '../azure/pipeline-options';

/** Which workspace a datastore belongs to. */
export interface WorkspaceRef {
  readonly resourceGroup: string;
  readonly workspaceName: string;
}

export interface DatastoreBlobOptions extends AzureTransportOptions {
  /** Step id and host for the user agent (as the ARM clients send it). */
  readonly step: string;
  readonly host: string;
  /** Registers a secret with the run: the account key and every SAS go through it before anything else. */
  readonly addSecret: (secret: string) => void;
  /** A datastore by name; default: the workspace's default datastore. */
  readonly datastoreName?: string;
}

/** A datastore's blob container, opened with the datastore's account key. */
export interface DatastoreContainer {
  readonly datastoreName: string;
  readonly accountName: string;
  readonly containerName: string;
  readonly container: ContainerClient;
  /** @internal What readOnlySasUrl and uploadDirectory need besides the client. */
  readonly access: {
    readonly credential: StorageSharedKeyCredential;
    readonly addSecret: (secret: string) => void;
    readonly requestTimeoutMs: number;
  };
}

/**
 * Finds the datastore (the default one, or `options.datastoreName`), fetches its account key with
 * `datastores.listSecrets` (registered as a secret at once) and returns a client for its container.
 * Only Azure Blob datastores with account key credentials are supported.
 */
export async function openDatastoreContainer(
  client: AzureMachineLearningWorkspaces,
  workspace: WorkspaceRef,
  cloud: AzureCloud,
  options: DatastoreBlobOptions,
): Promise<DatastoreContainer> {
  const { resourceGroup, workspaceName } = workspace;
  const where = `workspace '${resourceGroup}/${workspaceName}'`;
  const datastore = options.datastoreName
    ? await callAzure({ operation: `Reading datastore '${options.datastoreName}' of ${where}` }, () =>
        client.datastores.get(resourceGroup, workspaceName, options.datastoreName ?? ''),
      )
    : await defaultDatastore(client, workspace);
  const name = datastore.name ?? options.datastoreName ?? '';
  const blob = accountKeyBlobDatastore(datastore, name, where);
  const secrets = await callAzure(
    { operation: `Reading the account key of datastore '${name}' of ${where}` },
    () => client.datastores.listSecrets(resourceGroup, workspaceName, name),
  );
  const key = secrets.secretsType === 'AccountKey' ? (secrets as AccountKeyDatastoreSecrets).key : undefined;
  if (!key) {
    throw new AzureError(
      `Datastore '${name}' of ${where} returned no account key. Update the datastore with the storage account's ` +
        `current key (\`az ml datastore update\`, or re-create it with account_key credentials).`,
      'DatastoreKeyMissing',
    );
  }
  options.addSecret(key);
  const credential = new StorageSharedKeyCredential(blob.accountName, key);
  const url = `${blobServiceUrl(cloud, blob.accountName, blob.endpoint)}/${encodeURIComponent(blob.containerName)}`;
  return {
    datastoreName: name,
    accountName: blob.accountName,
    containerName: blob.containerName,
    container: new ContainerClient(url, credential, storagePipelineOptions(options)),
    access: {
      credential,
      addSecret: options.addSecret,
      requestTimeoutMs: options.requestTimeoutMs ?? defaultRequestTimeoutMs,
    },
  };
}

/**
 * Opens the datastores of a session's workspace on first use, each once: `(name?)` gives the named datastore's
 * container, or the default datastore's when no name is given.
 */
export function datastoreOpener(
  session: Pick<WorkspaceSession, 'ml' | 'resourceGroup' | 'workspaceName' | 'access' | 'clientOptions'>,
  addSecret: (secret: string) => void,
): (name?: string) => Promise<DatastoreContainer> {
  const opened = new Map<string, Promise<DatastoreContainer>>();
  return (name) => {
    const key = name ?? '';
    let open = opened.get(key);
    if (!open) {
      open = openDatastoreContainer(session.ml, session, session.access.cloud, {
        ...session.clientOptions,
        addSecret,
        ...(name ? { datastoreName: name } : {}),
      });
      opened.set(key, open);
    }
    return open;
  };
}

/**
 * Storage client options matching the ARM clients' (pipeline-options.ts): the same retry budget, user agent and
 * TLS trust. storage-blob 12.32 does not type `tlsOptions`, but passes all options on to core-client's pipeline,
 * which applies them. Not `additionalPolicies`: every derived client (`getBlockBlobClient`) would add them again
 * to the shared pipeline ("Duplicate policy names"). Timeouts are set per operation instead (`abortSignal`).
 */
export function storagePipelineOptions(
  options: AzureTransportOptions & { step: string; host: string },
): StoragePipelineOptions & Pick<AzureTransportOptions, 'tlsOptions'> {
  const retry = { ...defaultRetryOptions, ...options.retryOptions };
  // The storage SDK keeps its own retry policy (its pipeline is built inside it): its waits are at least kept
  // within the step's longest wait (AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS).
  const longestWaitMs = options.retryBudget?.limits.maxWaitMs ?? Infinity;
  return {
    retryOptions: {
      maxTries: retry.maxRetries + 1,
      retryDelayInMs: Math.min(retry.retryDelayInMs, longestWaitMs),
      maxRetryDelayInMs: Math.min(retry.maxRetryDelayInMs, longestWaitMs),
    },
    userAgentOptions: { userAgentPrefix: userAgentPrefix(options.step, options.host) },
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  };
}

async function defaultDatastore(
  client: AzureMachineLearningWorkspaces,
  workspace: WorkspaceRef,
): Promise<Datastore> {
  const { resourceGroup, workspaceName } = workspace;
  const found = await callAzure(
    { operation: `Finding the default datastore of workspace '${resourceGroup}/${workspaceName}'` },
    async () => {
      for await (const datastore of client.datastores.list(resourceGroup, workspaceName, {
        isDefault: true,
      })) {
        return datastore;
      }
      return undefined;
    },
  );
  if (!found) {
    throw new AzureError(
      `Workspace '${resourceGroup}/${workspaceName}' has no default datastore. Set one (\`az ml datastore ` +
        'set-default`) or name the datastore to use.',
      'DefaultDatastoreNotFound',
    );
  }
  return found;
}

function accountKeyBlobDatastore(
  datastore: Datastore,
  name: string,
  where: string,
): { accountName: string; containerName: string; endpoint?: string } {
  const props = datastore.properties;
  if (props.datastoreType !== 'AzureBlob') {
    throw new AzureError(
      `Datastore '${name}' of ${where} is of type '${props.datastoreType}': only Azure Blob datastores are ` +
        'supported. Use an AzureBlob datastore (the workspace default, workspaceblobstore, is one).',
      'UnsupportedDatastoreType',
    );
  }
  const credentialsType = props.credentials.credentialsType;
  if (credentialsType !== 'AccountKey') {
    const kind =
      credentialsType === 'None'
        ? 'identity-based access (credentials type None), which is'
        : `'${credentialsType}' credentials, which are`;
    throw new AzureError(
      `Datastore '${name}' of ${where} uses ${kind} not supported yet: only datastores with account key ` +
        "credentials are. Give the datastore the storage account's key (`az ml datastore update` with " +
        'account_key credentials) or use a datastore that has one (workspaceblobstore has one unless the workspace ' +
        'uses identity-based storage access).',
      'UnsupportedDatastoreCredentials',
    );
  }
  const blob = props as AzureBlobDatastore;
  if (!blob.accountName || !blob.containerName) {
    throw new AzureError(
      `Datastore '${name}' of ${where} has no storage account or container name.`,
      'InvalidDatastore',
    );
  }
  return { accountName: blob.accountName, containerName: blob.containerName, endpoint: blob.endpoint };
}

/** A storage call's abort signal: the caller's, plus a timeout (unref'd: it never keeps the process alive). */
function operationSignal(timeoutMs: number, outer?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return outer ? AbortSignal.any([outer, timeout]) : timeout;
}

/** Bytes per request of an upload: bounds how long one request may take, so a per-request timeout fits. */
const BLOCK_SIZE = 8 * 1024 * 1024;

export interface UploadedFile {
  /** Path relative to the uploaded directory, with `/` separators. */
  readonly path: string;
  readonly blobName: string;
  readonly bytes: number;
}

export interface UploadResult {
  readonly files: UploadedFile[];
  readonly bytes: number;
}

/** A file to upload: its path relative to the directory, and its MD5 (base64) when known, kept as Content-MD5. */
export interface FileToUpload {
  readonly path: string;
  readonly md5?: string;
}

/**
 * Uploads every file under `localDir` to `<prefix>/<relative path>` in the container, `concurrency` files at a
 * time (default 8). The folder is walked loop-safe (`walkFolder`: linked folders are not followed, links out of
 * the folder are refused). The first failure cancels the other uploads and is thrown as an AzureError naming the
 * file; a connection that stays broken after the SDK's retries names the datastore and says a re-run resumes.
 */
export async function uploadDirectory(
  target: DatastoreContainer,
  localDir: string,
  prefix: string,
  options: {
    concurrency?: number;
    signal?: AbortSignal;
    /** Only these files (paths relative to `localDir`, `/`-separated), e.g. a code snapshot without ignored files. */
    files?: readonly (string | FileToUpload)[];
  } = {},
): Promise<UploadResult> {
  const chosen = options.files
    ? options.files.map((file) => (typeof file === 'string' ? { path: file } : file))
    : (await walkFolder(localDir, options.signal ? { signal: options.signal } : {})).files.map((path) => ({
        path,
      }));
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const planned = await Promise.all(
    chosen.map(async (file) => ({
      ...file,
      bytes: (await stat(join(localDir, file.path))).size,
      blobName: base ? `${base}/${file.path}` : file.path,
    })),
  );
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // The first failure is the cause; the uploads it cancels fail afterwards with aborts.
  let failure: unknown;
  let next = 0;
  const worker = async () => {
    while (next < planned.length && !signal.aborted) {
      const file = planned[next++];
      if (!file) return;
      try {
        await uploadOneFile(target, join(localDir, file.path), file, signal);
      } catch (error) {
        if (failure === undefined && !signal.aborted) failure = uploadFailure(target, file, error);
        stop.abort();
        return;
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, planned.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (options.signal?.aborted) throw new CancelledError(`Upload of '${localDir}' was cancelled.`);
  if (failure !== undefined) throw failure;
  return {
    files: planned.map(({ path, blobName, bytes }) => ({ path, blobName, bytes })),
    bytes: planned.reduce((sum, f) => sum + f.bytes, 0),
  };
}

async function uploadOneFile(
  target: DatastoreContainer,
  localPath: string,
  file: { blobName: string; bytes: number; md5?: string },
  signal: AbortSignal,
): Promise<void> {
  const requests = Math.ceil(file.bytes / BLOCK_SIZE) + 1;
  await target.container.getBlockBlobClient(file.blobName).uploadFile(localPath, {
    blockSize: BLOCK_SIZE,
    maxSingleShotSize: BLOCK_SIZE,
    concurrency: 4,
    // Kept as the blob's Content-MD5 (a multi-block upload has none otherwise): a re-run compares it.
    ...(file.md5 ? { blobHTTPHeaders: { blobContentMD5: Buffer.from(file.md5, 'base64') } } : {}),
    abortSignal: operationSignal(target.access.requestTimeoutMs * requests, signal),
  });
}

/** Network failures the SDK retried and gave up on (no HTTP answer at all). */
const brokenConnection = /^(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|REQUEST_SEND_ERROR)$/;

/** The code of a broken connection in an error's cause chain, when the error had no HTTP answer. */
function connectionErrorCode(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const { code, statusCode } = cause as { code?: unknown; statusCode?: unknown };
    if (typeof statusCode === 'number') return undefined;
    if (typeof code === 'string' && brokenConnection.test(code)) return code;
  }
  return undefined;
}

/** A failed upload as an error naming the file and where it went; a broken connection says what to do. */
function uploadFailure(
  target: DatastoreContainer,
  file: { path: string; blobName: string },
  error: unknown,
): unknown {
  const where = `${target.accountName}/${target.containerName}/${file.blobName}`;
  const code = connectionErrorCode(error);
  if (code) {
    return new AzureError(
      `Uploading '${file.path}' to datastore '${target.datastoreName}' (container '${target.containerName}' of ` +
        `storage account '${target.accountName}', blob ${file.blobName}) failed: the connection broke ` +
        `(${code}) and the retries failed too. Check the agent's network access to the storage account, then ` +
        're-run: the upload resumes (files already complete are not sent again).',
      'UploadConnectionFailed',
      undefined,
      undefined,
      { cause: error },
    );
  }
  return toAzureError(error, { operation: `Uploading '${file.path}' to ${where}` });
}

/** The longest a read-only SAS may live: it is meant for one short-lived consumer (an ACI init container). */
export const maxSasMinutes = 12 * 60;

export interface ReadOnlySas {
  /**
   * `{ blob }`: the blob URL with a read-only SAS. `{ prefix }`: the container URL with a read + list SAS;
   * list with `prefix`. A SAS cannot be narrowed to a prefix on flat-namespace accounts, so it covers the
   * whole container: keep what the consumer must not read in another container.
   */
  readonly url: string;
  readonly expiresOn: Date;
  readonly scope: 'blob' | 'container';
}

/**
 * A short-lived, read-only (read, and list for a prefix) HTTPS SAS for a blob or a prefix of the datastore's
 * container, signed with the datastore's account key. The SAS is registered as a secret before it is returned.
 */
export function readOnlySasUrl(
  target: DatastoreContainer,
  what: { blob: string } | { prefix: string },
  minutes: number,
): ReadOnlySas {
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > maxSasMinutes) {
    throw new RangeError(`A read-only SAS lives 1 to ${maxSasMinutes} minutes, not ${minutes}.`);
  }
  const expiresOn = new Date(Date.now() + minutes * 60_000);
  const blobName = 'blob' in what ? what.blob.replace(/^\/+/, '') : undefined;
  const sas = generateBlobSASQueryParameters(
    {
      containerName: target.containerName,
      ...(blobName !== undefined
        ? { blobName, permissions: BlobSASPermissions.parse('r') }
        : { permissions: ContainerSASPermissions.parse('rl') }),
      expiresOn,
      protocol: SASProtocol.Https,
    },
    target.access.credential,
  );
  const query = sas.toString();
  target.access.addSecret(query);
  target.access.addSecret(sas.signature);
  const base = blobName !== undefined ? target.container.getBlobClient(blobName).url : target.container.url;
  return { url: `${base}?${query}`, expiresOn, scope: blobName !== undefined ? 'blob' : 'container' };
}
