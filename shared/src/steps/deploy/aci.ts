/** The `aci` target against Azure: the model's files, a container group's creation, readiness, logs, deletion. */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import type { ContainerGroup, ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { pollingOptions, waitForOperation } from '../../azure/arm-clients';
import { maxSasMinutes, readOnlySasUrl, type DatastoreContainer } from '../../azureml/datastore-blobs';
import { callAzure } from '../../azure/errors';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import { CancelledError, DataError } from '../../step/errors';
import { groupBaseUrl, type SasSource } from './aci-group';
import type { AciDeployConfig } from './config';
import type { ModelRef } from './names';
import { orMissing, readModelVersion } from './online';
import type { DeployReport } from './summary';
import { parseDatastoreUri } from '../../azureml/datastore-uri';

/** Where a registered model's files are: a datastore and a path in its container. */
export interface ModelLocation {
  /** Datastore name; undefined: the workspace's default datastore. */
  readonly datastore?: string;
  readonly path: string;
}

/**
 * The datastore and path of a model version's `modelUri`: `azureml://datastores/<d>/paths/<p>`, the long
 * `azureml://subscriptions/.../datastores/<d>/paths/<p>` form, or a blob URL inside the default datastore's
 * container (`defaultContainerUrl`). Undefined for anything else (a registry, a job output not yet resolved).
 */
export function modelLocation(modelUri: string, defaultContainerUrl?: string): ModelLocation | undefined {
  const onDatastore = parseDatastoreUri(modelUri);
  if (onDatastore?.path) return { datastore: onDatastore.datastore, path: onDatastore.path };
  if (defaultContainerUrl && /^https:\/\//i.test(modelUri)) {
    const base = defaultContainerUrl.replace(/\/+$/, '');
    const url = modelUri.split('?')[0]!;
    if (url.toLowerCase().startsWith(`${base.toLowerCase()}/`))
      return { path: decodeURIComponent(url.slice(base.length + 1)) };
  }
  return undefined;
}

/** How long the SAS URLs live: the init container uses them at start, and again if ACI restarts the group. */
export function sasMinutes(timeoutMinutes: number): number {
  return Math.min(maxSasMinutes, Math.max(60, timeoutMinutes * 2));
}

const POLL_MS = 1_000;

/** The container group as it is now. */
export function readGroup(
  aci: ContainerInstanceManagementClient,
  session: WorkspaceSession,
  name: string,
): Promise<ContainerGroup> {
  return session.call(`Reading container group '${name}'`, (o) =>
    aci.containerGroups.get(session.resourceGroup, name, o),
  );
}

export async function modelSource(
  session: WorkspaceSession,
  ref: ModelRef,
  datastore: (name?: string) => Promise<DatastoreContainer>,
  minutes: number,
  context: StepContext,
): Promise<{ source: SasSource; uri: string; expiresOn: string }> {
  const version = await readModelVersion(session, ref);
  const uri = version.properties.modelUri ?? '';
  const defaultStore = await datastore();
  const where = modelLocation(uri, defaultStore.container.url);
  if (!where)
    throw new DataError(
      `Model ${ref.text} is stored at '${uri}': the aci target downloads models from the workspace's datastores only (azureml://datastores/<name>/paths/<path>). Deploy it to a managed endpoint instead.`,
    );
  const store = where.datastore ? await datastore(where.datastore) : defaultStore;
  const path = where.path.replace(/^\/+/, '');
  const isFile =
    !path.endsWith('/') &&
    (await store.container.getBlobClient(path).exists({ abortSignal: context.signal }));
  const sas = isFile
    ? readOnlySasUrl(store, { blob: path }, minutes)
    : readOnlySasUrl(store, { prefix: path }, minutes);
  context.logger.info(
    `Model ${ref.text}: ${uri} (${isFile ? 'a file' : 'a folder'}), read by the init container with a read-only SAS valid until ${sas.expiresOn.toISOString()}.`,
  );
  return {
    source: isFile ? { url: sas.url } : { url: sas.url, prefix: path },
    uri,
    expiresOn: sas.expiresOn.toISOString(),
  };
}

export async function createGroup(
  aci: ContainerInstanceManagementClient,
  session: WorkspaceSession,
  name: string,
  body: ContainerGroup,
  signal: AbortSignal,
  context: StepContext,
): Promise<string | undefined> {
  const what = `Creating container group '${name}'`;
  const poller = await session.call(what, (o) =>
    aci.containerGroups.beginCreateOrUpdate(session.resourceGroup, name, body, {
      ...o,
      abortSignal: signal,
      ...pollingOptions(2_000),
    }),
  );
  try {
    await waitForOperation(poller, what, context.logger, { signal });
    return undefined;
  } catch (error) {
    if (context.signal.aborted)
      throw new CancelledError(`The run was cancelled while ${what.toLowerCase()}.`);
    if (signal.aborted) return `Container group '${name}' was not created within the timeout.`;
    return `${what} failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

export async function deleteGroup(
  aci: ContainerInstanceManagementClient,
  session: WorkspaceSession,
  name: string,
  context: StepContext,
): Promise<void> {
  const what = `Deleting container group '${name}'`;
  const poller = await session.call(what, (o) =>
    aci.containerGroups.beginDelete(session.resourceGroup, name, { ...o, ...pollingOptions(2_000) }),
  );
  await callAzure(session.about(what), () =>
    waitForOperation(poller, what, context.logger, { signal: context.signal }),
  );
}

/** Waits for the group to run, then for the inference server to answer `GET /` with 200. */
export async function waitUntilServing(
  aci: ContainerInstanceManagementClient,
  session: WorkspaceSession,
  name: string,
  first: ContainerGroup,
  deadline: number,
  context: StepContext,
): Promise<{ baseUrl: string } | { problem: string }> {
  let group = first;
  for (;;) {
    const state = group.instanceView?.state;
    if (state === 'Running') break;
    if (state === 'Failed' || state === 'Stopped' || state === 'Succeeded')
      return { problem: `Container group '${name}' is ${state}${describeContainers(group)}.` };
    if (Date.now() > deadline)
      return {
        problem: `Container group '${name}' did not run within the timeout (state ${state ?? 'unknown'}).`,
      };
    await delay(POLL_MS, undefined, { signal: context.signal });
    group = await readGroup(aci, session, name);
  }
  const baseUrl = groupBaseUrl(group);
  if (!baseUrl) return { problem: `Container group '${name}' has no IP address.` };
  let last = '';
  for (;;) {
    const answer = await httpGet(`${baseUrl}/`, 5_000, context.signal);
    if (answer === 200) {
      context.logger.info(`Container group '${name}' answers GET ${baseUrl}/ with 200.`);
      return { baseUrl };
    }
    last = typeof answer === 'number' ? `HTTP ${answer}` : answer;
    if (Date.now() > deadline)
      return {
        problem: `The inference server of container group '${name}' did not answer GET ${baseUrl}/ within the timeout (last: ${last}).`,
      };
    await delay(POLL_MS, undefined, { signal: context.signal });
  }
}

function describeContainers(group: ContainerGroup): string {
  const states = [...(group.initContainers ?? []), ...group.containers]
    .map((c) => {
      const current = c.instanceView?.currentState;
      if (!current?.state) return undefined;
      const exit = current.exitCode !== undefined ? `, exit code ${current.exitCode}` : '';
      return `${c.name} ${current.state}${exit}${current.detailStatus ? ` (${current.detailStatus})` : ''}`;
    })
    .filter(Boolean);
  return states.length ? `: ${states.join('; ')}` : '';
}

/** GET a URL: the status code, or the connection failure's code. */
function httpGet(url: string, timeoutMs: number, signal: AbortSignal): Promise<number | string> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const request = get(url, { timeout: timeoutMs, signal }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

export async function failed(
  aci: ContainerInstanceManagementClient,
  session: WorkspaceSession,
  config: AciDeployConfig,
  report: DeployReport,
  problem: string,
  created: boolean,
  context: StepContext,
): Promise<StepOutcome> {
  const name = config.endpointName;
  const group = await orMissing(() => readGroup(aci, session, name)).catch(() => undefined);
  const logTail: string[] = [];
  for (const container of [...(group?.initContainers ?? []), ...(group?.containers ?? [])]) {
    const logs = await aci.containers
      .listLogs(session.resourceGroup, name, container.name, { tail: 40, abortSignal: context.signal })
      .catch(() => undefined);
    const lines = (logs?.content ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
    if (lines.length) logTail.push(`--- ${container.name} ---`, ...lines.map((l) => context.redact(l)));
  }
  if (logTail.length) {
    context.logger.startGroup(`Logs of container group '${name}'`);
    for (const line of logTail) context.logger.info(line);
    context.logger.endGroup();
  }
  if (created && config.rollbackOnFailure) {
    await deleteGroup(aci, session, name, context).then(
      () => report.changes.push(`deleted the failed container group '${name}' (rollbackOnFailure)`),
      (error: unknown) =>
        context.logger.warning(`Could not delete container group '${name}': ${(error as Error).message}`),
    );
  }
  report.logTail = logTail;
  report.error = problem;
  report.evidence = { group: name };
  const tail = logTail.slice(-15);
  return {
    result: 'failed',
    message: `${problem}${tail.length ? `\nLast lines of its logs:\n${tail.join('\n')}` : ''}`,
  };
}
