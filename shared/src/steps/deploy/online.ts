/**
 * Online endpoints and deployments in Azure: endpoints as raw JSON at 2024-04-01 (so `mirrorTraffic` is read and
 * written, decision 0008), deployments as raw JSON at 2025-12-01 (so `dataCollector` is, decision 0018), both
 * waited on with progress; deleting them goes the same way (raw DELETE, followed as Azure's Retry-After says).
 * Listing deployments and their logs go through the SDK.
 */
import type { ModelVersion } from '@azure/arm-machinelearning';
import { armJsonRequest } from '../../azure/arm-raw';
import { beginArmJsonOperation } from '../../azure/arm-raw-operation';
import { pollingOptions, waitForOperation } from '../../azure/arm-clients';
import { callAzure } from '../../azure/errors';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext } from '../../step/define';
import { AzureError } from '../../step/errors';
import { deploymentApiVersion, endpointApiVersion, type DeploymentBody, type EndpointBody } from './desired';
import type { ModelRef } from './names';
import type { Traffic } from './traffic';

/** An endpoint as the 2024-04-01 API returns it (the fields we read). */
export interface EndpointState {
  readonly raw: Record<string, unknown>;
  readonly authMode: string;
  readonly compute?: string;
  readonly provisioningState?: string;
  readonly scoringUri?: string;
  readonly swaggerUri?: string;
  readonly traffic: Traffic;
  readonly mirrorTraffic: Traffic;
}

/** A deployment of the endpoint: its name and provisioning state. */
export interface DeploymentState {
  readonly name: string;
  readonly provisioningState: string;
}

/** The endpoint API of one workspace session. */
export class OnlineEndpoints {
  constructor(
    private readonly session: WorkspaceSession,
    private readonly context: StepContext,
  ) {}

  /** Raw endpoint and deployment requests keep their api-version (see createArmJsonTransport). */
  private get transport() {
    return this.session.armJson;
  }

  private path(endpoint: string): string {
    return `${this.session.workspaceId}/onlineEndpoints/${endpoint}`;
  }

  /** The endpoint, or undefined when it does not exist. */
  async endpoint(name: string): Promise<EndpointState | undefined> {
    const { access } = this.session;
    const raw = await orMissing(() =>
      this.session.call(`Reading online endpoint '${name}'`, (o) =>
        armJsonRequest(this.transport, access.cloud.armEndpoint, 'GET', this.path(name), undefined, {
          ...o,
          apiVersion: endpointApiVersion,
        }),
      ),
    );
    return raw ? endpointState(raw) : undefined;
  }

  /** PUTs the endpoint (our own body) and waits for it; returns it as it then is. */
  async putEndpoint(name: string, body: EndpointBody, what: string): Promise<EndpointState> {
    const { access } = this.session;
    const operation = await this.session.call(`${what} (online endpoint '${name}')`, (o) =>
      beginArmJsonOperation(this.transport, access.cloud.armEndpoint, 'PUT', this.path(name), body, {
        ...o,
        apiVersion: endpointApiVersion,
        ...pollingOptions(2_000),
      }),
    );
    const raw = await callAzure(this.session.about(`${what} (online endpoint '${name}')`), () =>
      waitForOperation(operation, `${what} (online endpoint '${name}')`, this.context.logger, {
        signal: this.context.signal,
      }),
    );
    return endpointState(raw);
  }

  /** Every deployment of the endpoint with its state. */
  async deployments(endpoint: string): Promise<DeploymentState[]> {
    const { ml, resourceGroup: rg, workspaceName: ws } = this.session;
    const found: DeploymentState[] = [];
    await callAzure(
      this.session.about(`Listing the deployments of online endpoint '${endpoint}'`),
      async () => {
        for await (const deployment of ml.onlineDeployments.list(rg, ws, endpoint, {
          abortSignal: this.context.signal,
        }))
          found.push({
            name: deployment.name ?? '',
            provisioningState: deployment.properties.provisioningState ?? 'Unknown',
          });
      },
    );
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The deployment as the 2025-12-01 API returns it, or undefined when it does not exist. */
  async deployment(endpoint: string, name: string): Promise<DeploymentBody | undefined> {
    const { access } = this.session;
    const raw = await orMissing(() =>
      this.session.call(`Reading deployment '${name}' of online endpoint '${endpoint}'`, (o) =>
        armJsonRequest(
          this.transport,
          access.cloud.armEndpoint,
          'GET',
          `${this.path(endpoint)}/deployments/${name}`,
          undefined,
          { ...o, apiVersion: deploymentApiVersion },
        ),
      ),
    );
    return raw ? ({ ...raw, properties: raw['properties'] ?? {} } as DeploymentBody) : undefined;
  }

  /**
   * PUTs the deployment and waits until it ends or `signal` fires (the timeout). Resolves with the deployment as it
   * then is; a failed operation is not thrown but read back (its state says Failed), so the caller decides.
   */
  async putDeployment(
    endpoint: string,
    name: string,
    body: DeploymentBody,
    signal: AbortSignal,
  ): Promise<{ deployment?: DeploymentBody; error?: string; timedOut: boolean }> {
    const { access } = this.session;
    const what = `Deployment '${name}' of online endpoint '${endpoint}'`;
    const path = `${this.path(endpoint)}/deployments/${name}`;
    const poller = await this.session.call(`Writing deployment '${name}'`, (o) =>
      beginArmJsonOperation(this.transport, access.cloud.armEndpoint, 'PUT', path, body, {
        ...o,
        apiVersion: deploymentApiVersion,
        abortSignal: signal,
        ...pollingOptions(2_000),
      }),
    );
    let error: string | undefined;
    let timedOut = false;
    try {
      await waitForOperation(poller, what, this.context.logger, {
        signal,
        readState: async () => (await this.deployment(endpoint, name))?.properties.provisioningState,
      });
    } catch (caught) {
      if (this.context.signal.aborted) throw caught;
      if (signal.aborted) timedOut = true;
      else error = firstLine((caught as Error).message ?? String(caught));
    }
    const deployment = await this.deployment(endpoint, name);
    return { ...(deployment ? { deployment } : {}), ...(error ? { error } : {}), timedOut };
  }

  /** The last `lines` lines of a deployment's inference server log (and of its storage initializer when empty). */
  async logTail(endpoint: string, name: string, lines = 60): Promise<string[]> {
    const { ml, resourceGroup: rg, workspaceName: ws } = this.session;
    const read = async (containerType: 'InferenceServer' | 'StorageInitializer') => {
      try {
        const logs = await ml.onlineDeployments.getLogs(
          rg,
          ws,
          endpoint,
          name,
          { containerType, tail: lines },
          {
            abortSignal: this.context.signal,
          },
        );
        return (logs.content ?? '')
          .split(/\r?\n/)
          .filter((line, i, all) => line !== '' || i < all.length - 1);
      } catch {
        return [];
      }
    };
    const server = await read('InferenceServer');
    return server.length > 0 ? server : read('StorageInitializer');
  }

  /** Deletes a deployment and waits for it. */
  deleteDeployment(endpoint: string, name: string): Promise<void> {
    return this.deleteAndWait(
      `${this.path(endpoint)}/deployments/${name}`,
      deploymentApiVersion,
      `Deleting deployment '${name}' of online endpoint '${endpoint}'`,
    );
  }

  /** Deletes an endpoint (its deployments go with it) and waits for it. */
  deleteEndpoint(name: string): Promise<void> {
    return this.deleteAndWait(this.path(name), endpointApiVersion, `Deleting online endpoint '${name}'`);
  }

  /** A raw DELETE, followed until it ends (Retry-After as Azure sends it; 2 s when it does not say). */
  private async deleteAndWait(path: string, apiVersion: string, what: string): Promise<void> {
    const { access } = this.session;
    const operation = await this.session.call(what, (o) =>
      beginArmJsonOperation(this.transport, access.cloud.armEndpoint, 'DELETE', path, undefined, {
        ...o,
        apiVersion,
        ...pollingOptions(2_000),
      }),
    );
    await callAzure(this.session.about(what), () =>
      waitForOperation(operation, what, this.context.logger, { signal: this.context.signal }),
    );
  }

  /** The endpoint's primary key (registered as a secret first). */
  async primaryKey(endpoint: string): Promise<string | undefined> {
    const { ml, resourceGroup: rg, workspaceName: ws } = this.session;
    const keys = await this.session.call(`Listing the keys of online endpoint '${endpoint}'`, (o) =>
      ml.onlineEndpoints.listKeys(rg, ws, endpoint, o),
    );
    for (const key of [keys.primaryKey, keys.secondaryKey]) if (key) this.context.addSecret(key);
    return keys.primaryKey;
  }
}

function endpointState(raw: Record<string, unknown>): EndpointState {
  const props = (raw['properties'] ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof props[key] === 'string' ? (props[key] as string) : undefined);
  const compute = text('compute');
  const provisioningState = text('provisioningState');
  const scoringUri = text('scoringUri');
  const swaggerUri = text('swaggerUri');
  return {
    raw,
    authMode: text('authMode') ?? 'Key',
    ...(compute ? { compute } : {}),
    ...(provisioningState ? { provisioningState } : {}),
    ...(scoringUri ? { scoringUri } : {}),
    ...(swaggerUri ? { swaggerUri } : {}),
    traffic: numbers(props['traffic']),
    mirrorTraffic: numbers(props['mirrorTraffic']),
  };
}

function numbers(value: unknown): Traffic {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'number')
      .sort(([a], [b]) => a.localeCompare(b)),
  ) as Traffic;
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim()) ?? text).trim();
}

/** The value, or undefined when Azure answered 404 (every other failure is thrown as it came). */
export async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** The registered model version to deploy; a ModelNotFound AzureError when the workspace lacks it. */
export async function readModelVersion(
  session: WorkspaceSession,
  model: ModelRef,
): Promise<ModelVersion & { id: string }> {
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const version = await orMissing(() =>
    session.call(`Reading model ${model.text}`, (o) =>
      ml.modelVersions.get(rg, ws, model.name, model.version, o),
    ),
  );
  if (!version?.id)
    throw new AzureError(
      `Model '${model.name}' version ${model.version} was not found in workspace '${ws}' (${model.text}): register it first (the register-model step outputs the id to deploy).`,
      'ModelNotFound',
      404,
    );
  return version as ModelVersion & { id: string };
}
