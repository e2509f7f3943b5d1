/**
 * Microsoft.MachineLearningServices datastores (REST spec 2022-10-01): list (paged, `$skip`, `count`,
 * `isDefault`, `names`, `searchText`, `orderBy`, `orderByAsc`), get, put (200/201, synchronous), delete and
 * `listSecrets`. Secrets sent in a PUT are kept apart: GET and list never carry them, `listSecrets` does.
 * Every new workspace gets Azure ML's two blob datastores, whose containers are created in Azurite.
 */
import {
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { EmulatorRequest, EmulatorResponse } from '../server';
import type { BlobAccount } from '../storage';
import type { ArmEmulator } from './index';
import { ML_NAMESPACE } from './machine-learning';
import { userError, workspaceIdOf } from './ml-assets';
import { pagedResponse } from './paging';
import { findParent, findResource, isObject, ok, seededSystemData, systemData, type Json } from './resource';
import type { StoredResource } from './store';

export interface MlDatastoresOptions {
  /** The storage account behind the workspace datastores (Azurite). */
  readonly blob: BlobAccount;
  /** CA that Azurite's certificate chains to (the emulator's). */
  readonly caPem: string;
}

const DATASTORES = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ML_NAMESPACE}/workspaces/{workspaceName}/datastores`;
const TYPE = `${ML_NAMESPACE}/workspaces/datastores`;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const DATASTORE_TYPES = ['AzureBlob', 'AzureDataLakeGen1', 'AzureDataLakeGen2', 'AzureFile'];
const CREDENTIAL_TYPES = ['AccountKey', 'Certificate', 'None', 'Sas', 'ServicePrincipal'];

/** The names Azure ML gives a workspace's built-in datastores. */
export const DEFAULT_DATASTORE = 'workspaceblobstore';
export const ARTIFACT_DATASTORE = 'workspaceartifactstore';

export class MachineLearningDatastoresEmulator {
  /** Datastores per list page (the `count` query parameter overrides it). */
  pageSize = 30;
  private readonly pending = new Set<Promise<void>>();
  private readonly failures: Error[] = [];

  constructor(
    private readonly arm: ArmEmulator,
    private readonly options: MlDatastoresOptions,
  ) {}

  /**
   * Adds `workspaceblobstore` (default) and `workspaceartifactstore` to a new workspace and starts creating their
   * containers in Azurite; `ready()` waits for that.
   */
  seedWorkspace(workspaceId: string): void {
    const workspace = this.arm.store.get(workspaceId);
    if (!workspace) throw new Error(`No workspace ${workspaceId}`);
    const props = isObject(workspace.body['properties']) ? workspace.body['properties'] : {};
    const guid = String(props['workspaceId'] ?? '');
    const { accountName, accountKey } = this.options.blob;
    const blobStore = this.addDatastore(workspace.id, DEFAULT_DATASTORE, {
      datastoreType: 'AzureBlob',
      accountName,
      containerName: `azureml-blobstore-${guid}`,
      credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: accountKey } },
      description: '',
    });
    properties(blobStore)['isDefault'] = true;
    this.addDatastore(workspace.id, ARTIFACT_DATASTORE, {
      datastoreType: 'AzureBlob',
      accountName,
      containerName: 'azureml',
      credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: accountKey } },
      description: '',
    });
    this.track(this.createContainers([`azureml-blobstore-${guid}`, 'azureml']));
  }

  /** Adds (or replaces) a datastore as a PUT would; `props` may hold `credentials.secrets`. */
  addDatastore(workspaceId: string, name: string, props: Json): StoredResource {
    const workspace = this.arm.store.get(workspaceId);
    if (!workspace) throw new Error(`No workspace ${workspaceId}`);
    const built = datastoreProperties(props);
    if ('problem' in built) throw new Error(built.problem);
    const id = `${workspace.id}/datastores/${name}`;
    return this.arm.store.set({
      id,
      secrets: built.secrets === undefined ? {} : { secrets: built.secrets },
      body: { id, name, type: TYPE, properties: built.properties, systemData: seededSystemData() },
    });
  }

  /** Resolves once the containers of every seeded workspace exist in Azurite (rejects if one could not be made). */
  async ready(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const [failure] = this.failures;
    if (failure) throw failure;
  }

  register(): void {
    const arm = this.arm;
    arm.route('GET', DATASTORES, (req) => this.list(req));
    arm.route('GET', `${DATASTORES}/{name}`, (req) => this.get(req));
    arm.route('PUT', `${DATASTORES}/{name}`, (req) => this.put(req));
    arm.route('DELETE', `${DATASTORES}/{name}`, (req) => this.delete(req));
    arm.route('POST', `${DATASTORES}/{name}/listSecrets`, (req) => this.listSecrets(req));
  }

  // ---- routes --------------------------------------------------------------------------------------------

  private list(req: EmulatorRequest): EmulatorResponse {
    const ws = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in ws) return ws;
    let items = this.arm.store.children(ws.id, 'datastores');
    const isDefault = req.query.get('isDefault');
    if (isDefault !== null)
      items = items.filter((d) => properties(d)['isDefault'] === (isDefault === 'true'));
    const names = req.query.getAll('names').flatMap((n) => n.split(','));
    if (names.length > 0) {
      const wanted = new Set(names.map((n) => n.toLowerCase()));
      items = items.filter((d) => wanted.has(String(d.body['name']).toLowerCase()));
    }
    const searchText = req.query.get('searchText')?.toLowerCase();
    if (searchText) items = items.filter((d) => String(d.body['name']).toLowerCase().includes(searchText));
    const orderBy = req.query.get('orderBy')?.toLowerCase();
    if (orderBy) {
      const key = sortKey(orderBy);
      if (!key) {
        return userError(
          this.arm,
          req,
          400,
          `orderBy must be one of createdtime, modifiedtime, name; got '${orderBy}'.`,
          'BadArgument',
        );
      }
      const asc = req.query.get('orderByAsc') === 'true' ? 1 : -1;
      items = [...items].sort((a, b) => asc * key(a).localeCompare(key(b)));
    }
    const count = Number(req.query.get('count'));
    const pageSize = Number.isInteger(count) && count > 0 ? count : this.pageSize;
    return pagedResponse(
      req,
      items.map((d) => d.body),
      pageSize,
    );
  }

  private get(req: EmulatorRequest): EmulatorResponse {
    const found = findResource(this.arm, req, this.datastoreId(req));
    return 'status' in found ? found : ok(found.body);
  }

  private put(req: EmulatorRequest): EmulatorResponse {
    const ws = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in ws) return ws;
    const name = req.params['name'] ?? '';
    if (!NAME_PATTERN.test(name)) {
      return userError(
        this.arm,
        req,
        400,
        `The datastore name '${name}' is invalid: it must match ${NAME_PATTERN.source}.`,
        'ValidationError',
      );
    }
    const body = req.body;
    if (!isObject(body) || !isObject(body['properties'])) {
      return userError(this.arm, req, 400, "The request body must have 'properties'.", 'ValidationError');
    }
    const built = datastoreProperties(body['properties']);
    if ('problem' in built) return userError(this.arm, req, 400, built.problem, 'ValidationError');
    const id = `${ws.id}/datastores/${name}`;
    const existing = this.arm.store.get(id);
    // Only the service decides which datastore is the default.
    built.properties['isDefault'] = existing ? properties(existing)['isDefault'] === true : false;
    const resource: StoredResource = {
      id: existing?.id ?? id,
      secrets: built.secrets === undefined ? {} : { secrets: built.secrets },
      body: {
        id: existing?.id ?? id,
        name,
        type: TYPE,
        properties: built.properties,
        systemData: systemData(req, existing?.body['systemData']),
      },
    };
    this.arm.store.set(resource);
    return { status: existing ? 200 : 201, body: resource.body };
  }

  private delete(req: EmulatorRequest): EmulatorResponse {
    const scope = this.arm.checkScope(req);
    if (scope) return scope;
    // ARM answers 204 to a DELETE of a resource that does not exist.
    return { status: this.arm.store.delete(this.datastoreId(req)) ? 200 : 204 };
  }

  private listSecrets(req: EmulatorRequest): EmulatorResponse {
    const found = findResource(this.arm, req, this.datastoreId(req));
    if ('status' in found) return found;
    const secrets = found.secrets['secrets'];
    if (!isObject(secrets)) {
      const type = String(credentials(found)['credentialsType'] ?? 'None');
      return userError(
        this.arm,
        req,
        400,
        `Datastore '${String(found.body['name'])}' has no secrets: its credentials type is '${type}'.`,
        'BadArgument',
      );
    }
    return ok(secrets);
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private datastoreId(req: EmulatorRequest): string {
    return `${workspaceIdOf(req)}/datastores/${req.params['name'] ?? ''}`;
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.failures.push(error instanceof Error ? error : new Error(String(error)));
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async createContainers(names: string[]): Promise<void> {
    const { blobUrl, accountName, accountKey } = this.options.blob;
    const credential = new StorageSharedKeyCredential(accountName, accountKey);
    // storage-blob 12.32 types no `tlsOptions`, but hands its options to core-client's pipeline, which honours it.
    const pipelineOptions: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
      tlsOptions: { ca: this.options.caPem },
      retryOptions: { maxTries: 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
    };
    for (const name of names) {
      await new ContainerClient(`${blobUrl}/${name}`, credential, pipelineOptions).createIfNotExists();
    }
  }
}

function properties(resource: StoredResource): Json {
  const props = resource.body['properties'];
  return isObject(props) ? props : {};
}

function credentials(resource: StoredResource): Json {
  const creds = properties(resource)['credentials'];
  return isObject(creds) ? creds : {};
}

function sortKey(orderBy: string): ((d: StoredResource) => string) | undefined {
  const data = (d: StoredResource) => (isObject(d.body['systemData']) ? d.body['systemData'] : {});
  if (orderBy === 'name') return (d) => String(d.body['name']);
  if (orderBy === 'createdtime') return (d) => String(data(d)['createdAt'] ?? '');
  if (orderBy === 'modifiedtime') return (d) => String(data(d)['lastModifiedAt'] ?? '');
  return undefined;
}

/**
 * Checks datastore properties and splits them into what GET shows and the secrets (`credentials.secrets`).
 * Blob datastores get the spec's defaults (`endpoint` of the public cloud, `https`).
 */
function datastoreProperties(
  input: Json,
): { properties: Json; secrets: Json | undefined } | { problem: string } {
  const type = input['datastoreType'];
  if (typeof type !== 'string' || !DATASTORE_TYPES.includes(type)) {
    return { problem: `'datastoreType' must be one of ${DATASTORE_TYPES.join(', ')}.` };
  }
  const creds = input['credentials'];
  if (!isObject(creds) || typeof creds['credentialsType'] !== 'string') {
    return { problem: "'credentials.credentialsType' is required." };
  }
  if (!CREDENTIAL_TYPES.includes(creds['credentialsType'])) {
    return { problem: `'credentials.credentialsType' must be one of ${CREDENTIAL_TYPES.join(', ')}.` };
  }
  const { secrets, ...shownCredentials } = creds;
  if (creds['credentialsType'] !== 'None' && !isObject(secrets)) {
    return {
      problem: `'credentials.secrets' is required for credentials of type '${creds['credentialsType']}'.`,
    };
  }
  const { isDefault: _ignored, ...rest } = input;
  const props: Json = { description: null, tags: {}, properties: {}, ...rest, credentials: shownCredentials };
  if (type === 'AzureBlob' || type === 'AzureDataLakeGen2' || type === 'AzureFile') {
    props['endpoint'] ??= 'core.windows.net';
    props['protocol'] ??= 'https';
    props['serviceDataAccessAuthIdentity'] ??= 'None';
  }
  if (type === 'AzureBlob' && (typeof props['accountName'] !== 'string' || !props['accountName'])) {
    return { problem: "'accountName' is required for an AzureBlob datastore." };
  }
  props['isDefault'] = false;
  return { properties: props, secrets: isObject(secrets) ? secrets : undefined };
}
