/**
 * Real local scoring behind the emulated endpoints (README "Scoring"): each online deployment with
 * a scoring script runs a local inference server (`inference_server.py`) on its model and code; each online
 * endpoint created through ARM gets an HTTPS listener that authenticates and routes like Azure ML; container
 * groups running the inference image get a server too, fed through a read-only SAS.
 *
 *   const scoring = new ScoringEmulator({ arm, ml, aci, aad, blob, caPem, certPem, keyPem });
 *   scoring.attach();          // ml.hooks, aci.onCreated / aci.onDeleted
 *   await scoring.close();     // stops every server and listener, removes the temp folder
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ML_AUDIENCE, type AadEmulator } from '../aad';
import type { ContainerInstanceEmulator } from '../arm/container-instance';
import type { ArmEmulator } from '../arm/index';
import { properties } from '../arm/resource';
import type { MachineLearningEmulator } from '../arm/machine-learning';
import { BlobStore } from '../jobs/blob-store';
import type { BlobAccount } from '../storage';
import { AciScoring } from './aci-scoring';
import { scoringScriptOf } from './deployment-files';
import { DeploymentServers } from './deployment-servers';
import { EndpointListeners } from './endpoint-listener';
import type { InferenceServer } from './inference-process';

export interface ScoringOptions {
  arm: ArmEmulator;
  ml: MachineLearningEmulator;
  aci: ContainerInstanceEmulator;
  aad: AadEmulator;
  blob: BlobAccount;
  caPem: string;
  /** The emulator's server certificate (`localhost` / `127.0.0.1`), for the endpoints' HTTPS listeners. */
  certPem: string;
  keyPem: string;
}

export class ScoringEmulator {
  /** When false, deployments and container groups written from now on get no server (data only, as before). */
  enabled = true;
  /** How long a server may take to answer `GET /` before its deployment or group fails (default 20 s). */
  startTimeoutMs = 20_000;
  readonly deployments: DeploymentServers;
  readonly endpoints: EndpointListeners;
  readonly aci: AciScoring;
  private readonly root: string;
  private closing: Promise<void> | undefined;
  /** A parent process exiting without close() still takes the servers with it. */
  private readonly killAll = () => {
    for (const server of this.servers()) server.killNow();
  };

  constructor(private readonly options: ScoringOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'aml-scoring-'));
    const blobs = new BlobStore(options.blob, options.caPem);
    const startTimeoutMs = () => this.startTimeoutMs;
    this.deployments = new DeploymentServers({ arm: options.arm, blobs, root: this.root, startTimeoutMs });
    this.endpoints = new EndpointListeners({
      arm: options.arm,
      deployments: this.deployments,
      tls: { certPem: options.certPem, keyPem: options.keyPem },
      auth: { aadToken: (token) => options.aad.verifyToken(token, [ML_AUDIENCE]).ok },
    });
    this.aci = new AciScoring({
      aci: options.aci,
      blobs,
      blobServiceUrl: options.blob.blobUrl,
      caPem: options.caPem,
      root: this.root,
      startTimeoutMs,
    });
    process.once('exit', this.killAll);
  }

  /** Hooks the servers to the endpoint, deployment and container group writes. */
  attach(): void {
    const { ml, aci } = this.options;
    ml.hooks = {
      endpointCreated: (id) =>
        this.enabled && !this.closing ? this.endpoints.open(id) : Promise.resolve(undefined),
      deploymentWritten: (deployment) =>
        this.enabled && !this.closing && scoringScriptOf(properties(deployment))
          ? this.deployments.start(deployment)
          : undefined,
      deleting: async (id) => {
        await Promise.all([this.deployments.stopUnder(id), this.endpoints.close(id)]);
        return undefined;
      },
    };
    aci.onCreated = (group) => (this.enabled && !this.closing ? this.aci.onCreated(group) : undefined);
    aci.onDeleted = (group) => this.aci.onDeleted(group);
  }

  /** Every server running now. */
  servers(): InferenceServer[] {
    return [...this.deployments.all(), ...this.aci.all()];
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([this.deployments.close(), this.aci.close(), this.endpoints.closeAll()]);
      process.off('exit', this.killAll);
      rmSync(this.root, { recursive: true, force: true });
    })();
    return this.closing;
  }
}
