/**
 * Creates what a seed file lists in the emulator's workspace, through the emulator's own ARM routes (so every body
 * meets the strict validator and the handlers, as the CLI's would): computes and endpoints wait for their
 * long-running operation; local paths are uploaded to the default datastore (Azurite) under
 * `LocalUpload/<content hash>/<name>`, as the CLI does.
 *
 *   const seeded = await seedWorkspace(emulator, 'team.yml');   // { computes: ['cpu-cluster'], data: ['weather:1'], ... }
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import type { Emulator } from '../emulator';
import { httpsCall } from '../https-call';
import { BlobStore, filesUnder } from '../jobs/blob-store';
import {
  amlComputeBody,
  componentBody,
  DATA_TYPES,
  dataBody,
  endpointBody,
  environmentBody,
  inlineConda,
  isMapping,
  kubernetesComputeBody,
  modelBody,
  problem,
  requiredString,
  typeOf,
  versionOf,
  type Json,
} from './cli-forms';
import { readSeedFile, SEED_KINDS, SeedError, type SeedEntry, type SeedKind } from './seed-file';

export type Seeded = Record<SeedKind, string[]>;
/** How long seeding waits for one long-running PUT (a deployment takes minutes at time factor 1). */
const SEED_OPERATION_LIMIT_MS = 30 * 60_000;
const API_VERSION = '2022-10-01';

/** Reads `file` and creates each entry, in the file's order within kinds ordered computes → endpoints. */
export async function seedWorkspace(emulator: Emulator, file: string): Promise<Seeded> {
  const entries = readSeedFile(file);
  const seeder = new Seeder(emulator);
  const seeded = {} as Seeded;
  for (const kind of SEED_KINDS) {
    seeded[kind] = [];
    for (const entry of entries.filter((e) => e.kind === kind)) seeded[kind].push(await seeder.create(entry));
  }
  return seeded;
}

interface ArmAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

class Seeder {
  private readonly blobs: BlobStore;

  constructor(private readonly emulator: Emulator) {
    this.blobs = new BlobStore(emulator.blob, emulator.caPem);
  }

  async create(written: SeedEntry): Promise<string> {
    const entry = { ...written, value: this.substituted(written.value) as Json };
    const name = requiredString(entry, 'name');
    switch (entry.kind) {
      case 'computes':
        return this.compute(entry, name);
      case 'data': {
        const type = typeOf(entry, DATA_TYPES, 'uri_folder');
        const uri = await this.pathUri(entry, 'path', type === 'uri_file' ? 'file' : 'folder');
        return this.version(entry, 'data', name, dataBody(entry, type, uri));
      }
      case 'environments':
        return this.version(entry, 'environments', name, await this.environment(entry));
      case 'components':
        return this.version(entry, 'components', name, componentBody(entry, await this.componentRefs(entry)));
      case 'models':
        return this.version(
          entry,
          'models',
          name,
          modelBody(entry, await this.pathUri(entry, 'path', 'any')),
        );
      case 'endpoints':
        await this.put(entry, `onlineEndpoints/${name}`, endpointBody(entry, this.emulator.location));
        return name;
    }
  }

  /** `${SUBSCRIPTION_ID}`, `${RESOURCE_GROUP}`, `${WORKSPACE_NAME}` in strings: the emulator's (random) ids. */
  private substituted(value: unknown): unknown {
    if (typeof value === 'string') {
      return value
        .replaceAll('${SUBSCRIPTION_ID}', this.emulator.subscriptionId)
        .replaceAll('${RESOURCE_GROUP}', this.emulator.resourceGroup)
        .replaceAll('${WORKSPACE_NAME}', this.emulator.workspaceName);
    }
    if (Array.isArray(value)) return value.map((v) => this.substituted(v));
    if (isMapping(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.substituted(v)]));
    return value;
  }

  private async compute(entry: SeedEntry, name: string): Promise<string> {
    const type = typeOf(entry, ['amlcompute', 'kubernetes']);
    const body =
      type === 'amlcompute'
        ? amlComputeBody(entry, this.emulator.location)
        : kubernetesComputeBody(entry, this.emulator.location);
    if (type === 'kubernetes') this.ensureCluster(entry, String((body['properties'] as Json)['resourceId']));
    await this.put(entry, `computes/${name}`, body);
    return name;
  }

  /** An AKS cluster named by a Kubernetes compute is created in the emulator when it is missing. */
  private ensureCluster(entry: SeedEntry, clusterId: string): void {
    if (this.emulator.store.get(clusterId)) return;
    const m =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i.exec(
        clusterId,
      );
    if (!m || m[1] !== this.emulator.subscriptionId) {
      throw problem(
        entry,
        'resource_id',
        `resource_id '${clusterId}' is not a managed cluster of subscription ${this.emulator.subscriptionId}`,
      );
    }
    this.emulator.aks.createCluster({ name: m[3]!, resourceGroup: m[2]! });
  }

  private async version(entry: SeedEntry, type: string, name: string, body: Json): Promise<string> {
    const version = versionOf(entry);
    await this.put(entry, `${type}/${name}/versions/${version}`, body);
    return `${name}:${version}`;
  }

  private async environment(entry: SeedEntry): Promise<Json> {
    let conda = inlineConda(entry);
    const condaPath = entry.value['conda_file'];
    if (typeof condaPath === 'string')
      conda = readFileSync(this.localPath(entry, 'conda_file', 'file'), 'utf8');
    const build = entry.value['build'];
    let contextUri: string | undefined;
    if (build !== undefined) {
      if (!isMapping(build) || typeof build['path'] !== 'string') {
        throw problem(entry, 'build', "'build' needs 'path' (the Docker build context)");
      }
      contextUri = await this.upload(
        entry,
        this.checkedPath(entry, 'build', build['path'], 'folder'),
        'blob',
      );
    }
    return environmentBody(entry, conda, contextUri);
  }

  /** A component's local `code` uploaded and registered as a code asset; `azureml:<name>:<version>` made ids. */
  private async componentRefs(entry: SeedEntry): Promise<{ code?: string; environment?: string }> {
    const refs: { code?: string; environment?: string } = {};
    const code = entry.value['code'];
    if (typeof code === 'string' && !/^(azureml:|https?:|wasbs?:)/i.test(code)) {
      const codeUri = await this.upload(entry, this.localPath(entry, 'code', 'folder'), 'blob');
      const codeName = createHash('sha256').update(codeUri).digest('hex').slice(0, 32);
      await this.put(entry, `codes/${codeName}/versions/1`, { properties: { codeUri, isAnonymous: true } });
      refs.code = `azureml:${this.emulator.workspaceId}/codes/${codeName}/versions/1`;
    }
    const environment = entry.value['environment'];
    const named =
      typeof environment === 'string' ? /^azureml:([^:@/]+)(?::([^:@/]+)|@latest)$/i.exec(environment) : null;
    if (named) refs.environment = `azureml:${this.latestOrVersion(entry, named[1]!, named[2])}`;
    return refs;
  }

  private latestOrVersion(entry: SeedEntry, name: string, version: string | undefined): string {
    const container = this.emulator.store.get(`${this.emulator.workspaceId}/environments/${name}`);
    const props =
      container && isMapping(container.body['properties']) ? container.body['properties'] : undefined;
    const chosen =
      version ?? (typeof props?.['latestVersion'] === 'string' ? props['latestVersion'] : undefined);
    const id = `${this.emulator.workspaceId}/environments/${name}/versions/${chosen ?? ''}`;
    if (chosen && this.emulator.store.get(id)) return id;
    throw problem(
      entry,
      'environment',
      `environment '${name}${version ? `:${version}` : '@latest'}' is not in the workspace (list it under environments first)`,
    );
  }

  /** `path:` as a URI: remote ones as they are, local ones uploaded (the long `azureml://` datastore form). */
  private async pathUri(entry: SeedEntry, key: string, kind: 'file' | 'folder' | 'any'): Promise<string> {
    const raw = requiredString(entry, key);
    if (/^(azureml|https?|wasbs?|abfss?):/i.test(raw)) return raw;
    return this.upload(entry, this.localPath(entry, key, kind), 'datastore');
  }

  private localPath(entry: SeedEntry, key: string, kind: 'file' | 'folder' | 'any'): string {
    return this.checkedPath(entry, key, requiredString(entry, key), kind);
  }

  private checkedPath(entry: SeedEntry, key: string, raw: string, kind: 'file' | 'folder' | 'any'): string {
    const path = resolve(entry.baseDir, raw);
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw problem(entry, key, `${key} '${raw}' does not exist (${path})`);
    }
    if ((kind === 'file' && isDir) || (kind === 'folder' && !isDir)) {
      throw problem(entry, key, `${key} '${raw}' must be a ${kind}`);
    }
    return path;
  }

  /** Uploads a file or folder under `LocalUpload/<hash>/<name>` of the default datastore; answers its URI. */
  private async upload(entry: SeedEntry, path: string, as: 'datastore' | 'blob'): Promise<string> {
    const datastore = this.emulator.store.get(`${this.emulator.workspaceId}/datastores/workspaceblobstore`);
    const props = datastore && isMapping(datastore.body['properties']) ? datastore.body['properties'] : {};
    const container = String(props['containerName']);
    const isDir = statSync(path).isDirectory();
    const files = isDir ? await filesUnder(path) : [path];
    const hash = createHash('sha256');
    for (const file of files) hash.update(relative(path, file)).update(readFileSync(file));
    const prefix = `LocalUpload/${hash.digest('hex').slice(0, 32)}/${basename(path)}`;
    if (isDir) await this.blobs.uploadFolder(path, { container, path: prefix });
    else await this.blobs.container(container).getBlockBlobClient(prefix).uploadFile(path);
    if (files.length === 0) throw problem(entry, undefined, `'${path}' holds no file to upload`);
    const suffix = isDir ? '/' : '';
    if (as === 'blob') return `${this.emulator.blob.blobUrl}/${container}/${prefix}`;
    const { subscriptionId: s, resourceGroup: rg, workspaceName: w } = this.emulator;
    return `azureml://subscriptions/${s}/resourcegroups/${rg}/workspaces/${w}/datastores/workspaceblobstore/paths/${prefix}${suffix}`;
  }

  /** PUT under the workspace; a long-running one is followed to its end. Refusals name the entry's line. */
  private async put(entry: SeedEntry, path: string, body: Json): Promise<void> {
    let answer = await this.call(
      'PUT',
      `${this.emulator.armUrl}${this.emulator.workspaceId}/${path}?api-version=${API_VERSION}`,
      body,
    );
    if (answer.status >= 400)
      throw problem(entry, undefined, `Azure ML refused ${path}: ${errorText(answer)}`);
    const poll = header(answer, 'azure-asyncoperation') ?? header(answer, 'location');
    if (!poll) return;
    // Operations take the profile's time (minutes at time factor 1): follow them as a client does, by Retry-After.
    const deadline = Date.now() + SEED_OPERATION_LIMIT_MS;
    while (Date.now() < deadline) {
      const retryAfter = Number(header(answer, 'retry-after') ?? 0);
      await new Promise((r) => setTimeout(r, Math.max(10, retryAfter * 1000)));
      answer = await this.call('GET', poll);
      const status = answer.body['status'];
      if (status === 'Succeeded' || (answer.status === 200 && status === undefined)) return;
      if (status === 'Failed' || status === 'Canceled' || answer.status >= 400) {
        throw problem(entry, undefined, `creating ${path} failed: ${errorText(answer)}`);
      }
    }
    throw problem(
      entry,
      undefined,
      `creating ${path} did not finish within ${SEED_OPERATION_LIMIT_MS / 60_000} minutes`,
    );
  }

  private async call(method: string, url: string, body?: unknown): Promise<ArmAnswer> {
    const token = this.emulator.aad.issueToken({
      tenantId: this.emulator.tenantId,
      clientId: this.emulator.clientId,
      audience: 'https://management.azure.com/',
    });
    const { status, headers, text } = await httpsCall(this.emulator.caPem, method, url, { token, body });
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return { status, headers, body: isMapping(parsed) ? parsed : {} };
  }
}

function header(answer: ArmAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function errorText(answer: ArmAnswer): string {
  const error = isMapping(answer.body['error']) ? answer.body['error'] : {};
  return typeof error['message'] === 'string' ? error['message'] : `HTTP ${answer.status}`;
}

export { SeedError };
