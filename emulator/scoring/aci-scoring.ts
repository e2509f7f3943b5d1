/**
 * Container groups that run the Azure ML inference image get a real local scoring server (README "Scoring").
 * The contract, read from the container definitions as sent (secure values included):
 *  - the scoring container is the one with `AZUREML_ENTRY_SCRIPT` (path of the scoring script in the code folder);
 *  - `AZUREML_MODEL_SAS_URL` (+ optional `AZUREML_MODEL_PREFIX`) and `AZUREML_SOURCE_SAS_URL` (+ optional
 *    `AZUREML_SOURCE_PREFIX`): where the init container downloads the model and the code with a read-only SAS,
 *    read from the init containers first, then the scoring container;
 *  - the scoring container's other plain and secure variables reach the server, `AZUREML_MODEL_DIR` and
 *    `AML_APP_ROOT` being replaced by the local folders.
 * The group answers on `127.0.0.1:<local port>` (`ipAddress.ip`, `fqdn` `localhost`, `ipAddress.ports[0]`).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ContainerGroupEndpoint,
  ContainerGroupStart,
  ContainerInstanceEmulator,
} from '../arm/container-instance';
import { isObject, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import type { BlobStore } from '../jobs/blob-store';
import { python3Interpreter } from '../python-interpreter';
import { freePort, InferenceServer } from './inference-process';
import { downloadWithSas, SasDownloadError, type SasSource } from './sas-download';

export const ACI_ENV = {
  entryScript: 'AZUREML_ENTRY_SCRIPT',
  modelSasUrl: 'AZUREML_MODEL_SAS_URL',
  modelPrefix: 'AZUREML_MODEL_PREFIX',
  sourceSasUrl: 'AZUREML_SOURCE_SAS_URL',
  sourcePrefix: 'AZUREML_SOURCE_PREFIX',
} as const;

/** Not passed to the server: the download contract, and what the emulator sets itself. */
const NOT_FOR_SERVER = new Set<string>([...Object.values(ACI_ENV), 'AZUREML_MODEL_DIR', 'AML_APP_ROOT']);

export interface AciScoringOptions {
  aci: ContainerInstanceEmulator;
  blobs: BlobStore;
  /** Azurite's blob service URL (`https://127.0.0.1:<port>/devstoreaccount1`). */
  blobServiceUrl: string;
  caPem: string;
  root: string;
  startTimeoutMs: () => number;
}

interface Container {
  name: string;
  env: Record<string, string>;
}

interface Running {
  server?: InferenceServer;
  dir: string;
  stopped: boolean;
}

export class AciScoring {
  private readonly groups = new Map<string, Running>();
  private count = 0;

  constructor(private readonly options: AciScoringOptions) {}

  /** The `onCreated` hook: a scoring group gets a port now and its server in the background. */
  readonly onCreated = async (group: StoredResource): Promise<ContainerGroupEndpoint | undefined> => {
    const request = isObject(group.secrets['request']) ? group.secrets['request'] : {};
    const props = isObject(request['properties']) ? request['properties'] : {};
    const containers = containersOf(props['containers']);
    const scorer = containers.find((c) => c.env[ACI_ENV.entryScript]);
    if (!scorer) return undefined;
    const running: Running = { dir: join(this.options.root, `group-${++this.count}`), stopped: false };
    this.groups.set(group.id.toLowerCase(), running);
    const port = await freePort();
    const ready = this.launch(group.id, running, scorer, containersOf(props['initContainers']), port);
    return { ip: '127.0.0.1', fqdn: 'localhost', port, ready };
  };

  /** The `onDeleted` hook: stops the group's server. */
  readonly onDeleted = async (group: StoredResource): Promise<void> => {
    const running = this.groups.get(group.id.toLowerCase());
    this.groups.delete(group.id.toLowerCase());
    if (running) await this.dispose(running);
  };

  /** The running server of a group (by ARM id). */
  serverOf(groupId: string): InferenceServer | undefined {
    const server = this.groups.get(groupId.toLowerCase())?.server;
    return server?.running ? server : undefined;
  }

  all(): InferenceServer[] {
    return [...this.groups.values()].flatMap((r) => (r.server ? [r.server] : []));
  }

  async close(): Promise<void> {
    const all = [...this.groups.values()];
    this.groups.clear();
    await Promise.all(all.map((r) => this.dispose(r)));
  }

  private async launch(
    groupId: string,
    running: Running,
    scorer: Container,
    inits: Container[],
    port: number,
  ): Promise<ContainerGroupStart> {
    // The PUT stores the group once this hook has returned; its logs can be set from then on.
    await new Promise((resolve) => setImmediate(resolve));
    const lookup = (name: string) => inits.find((c) => c.env[name])?.env[name] ?? scorer.env[name];
    const downloader = inits.find((c) => c.env[ACI_ENV.modelSasUrl]) ?? inits[0] ?? scorer;
    const modelDir = join(running.dir, 'model');
    const appRoot = join(running.dir, 'code');
    let log = '';
    try {
      const { blobs, blobServiceUrl, caPem } = this.options;
      const model = source(lookup, ACI_ENV.modelSasUrl, ACI_ENV.modelPrefix);
      const code = source(lookup, ACI_ENV.sourceSasUrl, ACI_ENV.sourcePrefix);
      log += (await downloadWithSas(blobs, blobServiceUrl, caPem, model, modelDir)).log;
      log += (await downloadWithSas(blobs, blobServiceUrl, caPem, code, appRoot)).log;
      this.setLogs(groupId, downloader.name, log);
    } catch (error) {
      log += error instanceof Error ? error.message : String(error);
      this.setLogs(groupId, downloader.name, log);
      const reason = log.trim().split('\n').pop() ?? log;
      return { state: 'Failed', container: downloader.name, exitCode: 1, reason };
    }
    if (running.stopped) return { state: 'Running' };
    await mkdir(join(running.dir, 'home'), { recursive: true });
    const env = Object.fromEntries(Object.entries(scorer.env).filter(([name]) => !NOT_FOR_SERVER.has(name)));
    const server = new InferenceServer({
      appRoot,
      entryScript: scorer.env[ACI_ENV.entryScript] ?? 'score.py',
      modelDir,
      port,
      python: await python3Interpreter(),
      home: join(running.dir, 'home'),
      env,
      onLog: (log) => this.setLogs(groupId, scorer.name, log),
    });
    running.server = server;
    const started = await server.ready(this.options.startTimeoutMs());
    if (started.ok || running.stopped) return { state: 'Running' };
    await server.stop();
    const reason =
      started.reason === 'timeout'
        ? `The inference server did not answer GET / within ${Math.round(this.options.startTimeoutMs() / 1000)} s.`
        : `The inference server exited with status ${started.exitCode ?? 'unknown'}: see the container logs.`;
    return {
      state: 'Failed',
      container: scorer.name,
      exitCode: started.reason === 'timeout' ? 137 : (started.exitCode ?? 1),
      reason,
    };
  }

  private setLogs(groupId: string, container: string, text: string): void {
    try {
      this.options.aci.setContainerLogs(groupId, container, text);
    } catch {
      // The group was deleted meanwhile.
    }
  }

  private async dispose(running: Running): Promise<void> {
    running.stopped = true;
    await running.server?.stop();
    await rm(running.dir, { recursive: true, force: true });
  }
}

function source(
  lookup: (name: string) => string | undefined,
  urlName: string,
  prefixName: string,
): SasSource {
  const url = lookup(urlName);
  if (!url)
    throw new SasDownloadError(`ERROR: ${urlName} is not set: the init container has nothing to download.\n`);
  const prefix = lookup(prefixName);
  return prefix === undefined ? { url } : { url, prefix };
}

/** Name and environment (plain and secure values) of each container definition. */
function containersOf(value: unknown): Container[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((container) => {
    const props: Json = isObject(container['properties']) ? container['properties'] : {};
    const vars = Array.isArray(props['environmentVariables'])
      ? props['environmentVariables'].filter(isObject)
      : [];
    const env: Record<string, string> = {};
    for (const v of vars) {
      const value = v['secureValue'] ?? v['value'];
      if (typeof v['name'] === 'string' && value !== undefined && value !== null)
        env[v['name']] = String(value);
    }
    return { name: String(container['name'] ?? ''), env };
  });
}
