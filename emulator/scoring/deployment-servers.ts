/**
 * The scoring servers behind online deployments: one local inference server per deployment, started when its PUT
 * operation runs (the operation completes when the server answers `GET /`, or fails with Azure ML's error and the
 * server's log), replaced when the deployment is written again, stopped when it is deleted.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArmEmulator } from '../arm/index';
import { DEPLOYMENT_LOG_KEYS, type DeploymentContainer } from '../arm/machine-learning';
import { properties, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import type { BlobStore } from '../jobs/blob-store';
import { JobFailure } from '../jobs/job-handle';
import { WorkspacePaths } from '../jobs/workspace-paths';
import { prepareDeploymentFiles } from './deployment-files';
import { python3Interpreter } from '../python-interpreter';
import { freePort, InferenceServer, type ServerStart } from './inference-process';

export interface OperationError {
  code: string;
  message: string;
}

export interface DeploymentServersOptions {
  arm: ArmEmulator;
  blobs: BlobStore;
  /** Temp folder: one subfolder per server. */
  root: string;
  /** How long a server may take to answer `GET /` (read at each start). */
  startTimeoutMs: () => number;
}

interface Running {
  server: InferenceServer;
  dir: string;
}

const TSG = 'Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-resourcenotready';

export class DeploymentServers {
  private readonly running = new Map<string, Running>();
  /** Servers not healthy yet, by deployment: stopping a deployment (or closing) must reach them too. */
  private readonly starting = new Map<string, Running>();
  /** Bumped by every start and stop, so that a start that lost the race does not install its server. */
  private readonly generations = new Map<string, number>();
  private count = 0;

  constructor(private readonly options: DeploymentServersOptions) {}

  /** The running server of a deployment (by ARM id). */
  serverOf(deploymentId: string): InferenceServer | undefined {
    const entry = this.running.get(deploymentId.toLowerCase());
    return entry?.server.running ? entry.server : undefined;
  }

  /** Every server, started or starting (for the exit handler). */
  all(): InferenceServer[] {
    return [...this.running.values(), ...this.starting.values()].map((r) => r.server);
  }

  /** Starts the server of a deployment being written; resolves to the error that fails its operation, if any. */
  async start(deployment: StoredResource): Promise<OperationError | undefined> {
    const key = deployment.id.toLowerCase();
    const generation = this.bump(key);
    const dir = join(this.options.root, `deployment-${++this.count}`);
    const props = properties(deployment);
    let server: InferenceServer;
    const initLog: string[] = [];
    try {
      const paths = new WorkspacePaths(this.options.arm, this.options.blobs, workspaceIdOf(deployment.id));
      const files = await prepareDeploymentFiles(paths, this.options.blobs, props, dir, initLog);
      this.setLogs(deployment.id, generation, `${initLog.join('\n')}\n`, 'StorageInitializer');
      await mkdir(join(dir, 'home'), { recursive: true });
      if (this.generations.get(key) !== generation) {
        await rm(dir, { recursive: true, force: true });
        return undefined;
      }
      server = new InferenceServer({
        ...files,
        port: await freePort(),
        python: await python3Interpreter(),
        home: join(dir, 'home'),
        onLog: (log) => this.setLogs(deployment.id, generation, log),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      initLog.push(`Unable to download the model or code: ${message}`);
      this.setLogs(deployment.id, generation, `${initLog.join('\n')}\n`, 'StorageInitializer');
      await rm(dir, { recursive: true, force: true });
      if (this.generations.get(key) === generation) await this.stop(deployment.id);
      return { code: error instanceof JobFailure ? 'BadArgument' : 'InternalServerError', message };
    }
    const entry = { server, dir };
    this.starting.set(key, entry);
    const started = await server.ready(this.options.startTimeoutMs());
    if (this.generations.get(key) !== generation) {
      await this.dispose(entry);
      return undefined;
    }
    this.starting.delete(key);
    if (!started.ok) {
      await this.dispose(entry);
      await this.stop(deployment.id);
      return startError(started, server.log, props, this.options.startTimeoutMs());
    }
    const previous = this.running.get(key);
    this.running.set(key, entry);
    if (previous) await this.dispose(previous);
    return undefined;
  }

  /** Stops the server of a deployment (and any start in progress). */
  async stop(deploymentId: string): Promise<void> {
    const key = deploymentId.toLowerCase();
    this.bump(key);
    const entries = [this.running.get(key), this.starting.get(key)];
    this.running.delete(key);
    this.starting.delete(key);
    await Promise.all(entries.map((entry) => entry && this.dispose(entry)));
  }

  /** Stops the servers of every deployment under `resourceId` (an endpoint), or of that deployment. */
  async stopUnder(resourceId: string): Promise<void> {
    const prefix = resourceId.toLowerCase();
    const keys = new Set([...this.running.keys(), ...this.generations.keys()]);
    await Promise.all(
      [...keys].filter((k) => k === prefix || k.startsWith(`${prefix}/`)).map((k) => this.stop(k)),
    );
  }

  async close(): Promise<void> {
    await this.stopUnder('');
  }

  private bump(key: string): number {
    const next = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, next);
    return next;
  }

  /**
   * `getLogs` shows the current start's logs: the inference server's output, or the storage initializer's
   * download lines. A start that was overtaken writes nothing.
   */
  private setLogs(
    deploymentId: string,
    generation: number,
    text: string,
    container: DeploymentContainer = 'InferenceServer',
  ): void {
    if (this.generations.get(deploymentId.toLowerCase()) !== generation) return;
    const deployment = this.options.arm.store.get(deploymentId);
    if (deployment) deployment.secrets[DEPLOYMENT_LOG_KEYS[container]] = text;
  }

  private async dispose(entry: Running): Promise<void> {
    await entry.server.stop();
    await rm(entry.dir, { recursive: true, force: true });
  }
}

function workspaceIdOf(deploymentId: string): string {
  return deploymentId.slice(0, deploymentId.toLowerCase().indexOf('/onlineendpoints/'));
}

/** The operation error Azure ML reports when the user container does not come up. */
function startError(
  started: Exclude<ServerStart, { ok: true }>,
  log: string,
  props: Json,
  timeoutMs: number,
): OperationError {
  const kubernetes = String(props['endpointComputeType'] ?? '').toLowerCase() === 'kubernetes';
  if (started.reason === 'timeout') {
    return {
      code: 'ResourceNotReady',
      message:
        `User container has crashed or terminated: Liveness probe failed: the scoring server did not answer ` +
        `GET / within ${Math.round(timeoutMs / 1000)} s. ${TSG}`,
    };
  }
  if (kubernetes && log.includes("User's init function failed")) {
    return { code: 'UserScriptInitFailed', message: `The scoring script's init() failed. ${TSG}` };
  }
  if (kubernetes && log.includes('Failed to import user script')) {
    return { code: 'UserScriptImportError', message: `The scoring script could not be imported. ${TSG}` };
  }
  const status = started.exitCode === null ? 'was killed' : `exited with status ${started.exitCode}`;
  return {
    code: 'ResourceNotReady',
    message: `User container has crashed or terminated: the inference server ${status}. ${TSG}`,
  };
}
