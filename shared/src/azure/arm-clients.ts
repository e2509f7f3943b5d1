import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { LoggerPort } from '../platform/ports';
import { version } from '../version';
import { machineLearningApiVersion } from './api-versions';
import type { AzureCloud } from './cloud';
import { pipelineOptions, type AzureTransportOptions } from './pipeline-options';

export { machineLearningApiVersion };

/**
 * The other ARM api-versions, each the one its SDK's models were generated from (the SDK default, written out so
 * an SDK upgrade cannot change what we send without a diff here).
 */
export const containerServiceApiVersion = '2026-04-01';
export const kubernetesConfigurationApiVersion = '2023-05-01';
export const containerInstanceApiVersion = '2023-05-01';

/** Which subscription and cloud a client talks to. */
export interface ArmTarget {
  readonly cloud: AzureCloud;
  readonly subscriptionId: string;
}

export interface ArmClientOptions extends AzureTransportOptions {
  /** Step id for the user agent (`register-model`). */
  readonly step: string;
  /** Host for the user agent (`azure-pipelines`, `github`, `local`). */
  readonly host: string;
}

/** `azureml-steps/<version> (<step>; <host>)`: lets Azure support find our calls in their logs. */
export function userAgentPrefix(step: string, host: string): string {
  return `azureml-steps/${version} (${step}; ${host})`;
}

/** What every ARM client of a run shares: the cloud's endpoint and token scope, retries, timeouts, user agent. */
function armClientSettings(target: ArmTarget, options: ArmClientOptions) {
  return {
    ...pipelineOptions({ service: 'Azure Resource Manager', ...options }),
    endpoint: target.cloud.armEndpoint,
    credentialScopes: [target.cloud.armScope],
    userAgentOptions: { userAgentPrefix: userAgentPrefix(options.step, options.host) },
  };
}

/** The one way to create the Azure ML ARM client: cloud endpoint and scope, pinned api-version, retries, timeouts. */
export function createMachineLearningClient(
  credential: TokenCredential,
  target: ArmTarget,
  options: ArmClientOptions,
): AzureMachineLearningWorkspaces {
  return new AzureMachineLearningWorkspaces(credential, target.subscriptionId, {
    ...armClientSettings(target, options),
    apiVersion: machineLearningApiVersion,
  });
}

/** What raw JSON requests are sent through (arm-raw.ts). */
export interface ArmJsonTransport {
  sendRequest(request: PipelineRequest): Promise<PipelineResponse>;
}

/**
 * A transport for raw JSON requests (arm-raw.ts) that carry an api-version of their own, e.g. online endpoints at a
 * version with `mirrorTraffic`. The client above cannot carry them: the SDK's api-version policy rewrites the
 * `api-version` of every request it sends, raw ones included, to the pinned version. Same sign-in, retries,
 * timeouts and user agent; only `sendRequest` is offered, so no SDK operation goes out at an unpinned version.
 */
export function createArmJsonTransport(
  credential: TokenCredential,
  target: ArmTarget,
  options: ArmClientOptions,
): ArmJsonTransport {
  const client = new AzureMachineLearningWorkspaces(
    credential,
    target.subscriptionId,
    armClientSettings(target, options),
  );
  return { sendRequest: (request) => client.sendRequest(request) };
}

/** AKS managed clusters (checked before a Kubernetes deployment). */
export function createContainerServiceClient(
  credential: TokenCredential,
  target: ArmTarget,
  options: ArmClientOptions,
): ContainerServiceClient {
  const settings = armClientSettings(target, options);
  // This SDK generation (TypeSpec) takes the token scope as `credentials.scopes`, not `credentialScopes`.
  return new ContainerServiceClient(credential, target.subscriptionId, {
    ...settings,
    credentials: { scopes: settings.credentialScopes },
    apiVersion: containerServiceApiVersion,
  });
}

/** Cluster extensions (the Azure ML extension on AKS). */
export function createKubernetesConfigurationClient(
  credential: TokenCredential,
  target: ArmTarget,
  options: ArmClientOptions,
): SourceControlConfigurationClient {
  return new SourceControlConfigurationClient(credential, target.subscriptionId, {
    ...armClientSettings(target, options),
    apiVersion: kubernetesConfigurationApiVersion,
  });
}

/** Azure Container Instances (the ACI test target). */
export function createContainerInstanceClient(
  credential: TokenCredential,
  target: ArmTarget,
  options: ArmClientOptions,
): ContainerInstanceManagementClient {
  return new ContainerInstanceManagementClient(credential, target.subscriptionId, {
    ...armClientSettings(target, options),
    apiVersion: containerInstanceApiVersion,
  });
}

/** Operation state as the SDK's long-running-operation pollers (core-lro 2) report it. */
interface PollState {
  readonly isStarted?: boolean;
  readonly isCompleted?: boolean;
  readonly isCancelled?: boolean;
  readonly error?: Error;
  /** The last status seen (core-lro's `running`, an operation status or a provisioning state). */
  readonly status?: unknown;
}

interface ProgressPoller<TState extends PollState, TResult> {
  onProgress(callback: (state: TState) => void): () => void;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<TResult>;
}

/** Options for `begin...` calls: how often to poll when Azure does not say (Retry-After wins otherwise). */
export function pollingOptions(updateIntervalInMs = 5_000): { updateIntervalInMs: number } {
  return { updateIntervalInMs };
}

/**
 * Waits for a long-running operation, logging when it started, progress every `everyMs` (elapsed time and the
 * state: what `readState` answers, e.g. the resource's provisioning state, else the poller's last status) and the
 * end, so a deployment that takes twenty minutes is visibly alive. Stops waiting when `signal` fires.
 */
export async function waitForOperation<TState extends PollState, TResult>(
  poller: ProgressPoller<TState, TResult>,
  what: string,
  logger: LoggerPort,
  options: {
    signal?: AbortSignal;
    everyMs?: number;
    now?: () => number;
    readState?: () => Promise<string | undefined>;
  } = {},
): Promise<TResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const everyMs = options.everyMs ?? 30_000;
  let lastReport = started;
  let waiting = true;
  logger.info(`${what}: started.`);
  const report = (seconds: number, status: unknown) => {
    if (waiting)
      logger.info(
        `${what}: still running after ${seconds} s${typeof status === 'string' ? ` (${status})` : ''}.`,
      );
  };
  const stop = poller.onProgress((state) => {
    const at = now();
    if (state.isCompleted || at - lastReport < everyMs) return;
    lastReport = at;
    const seconds = Math.round((at - started) / 1000);
    if (!options.readState) return report(seconds, state.status);
    options.readState().then(
      (read) => report(seconds, read ?? state.status),
      () => report(seconds, state.status),
    );
  });
  try {
    const result = await poller.pollUntilDone(options.signal ? { abortSignal: options.signal } : undefined);
    logger.info(`${what}: done in ${Math.round((now() - started) / 1000)} s.`);
    return result;
  } finally {
    waiting = false;
    stop();
  }
}
