import { setTimeout as delay } from 'node:timers/promises';
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { AzureError } from '../step/errors';
import { armJsonExchange } from './arm-raw';

type Client = { sendRequest(request: PipelineRequest): Promise<PipelineResponse> };

/** What a raw long-running write reports to `waitForOperation` (the shape of the SDK pollers' state). */
export interface RawOperationState {
  readonly isStarted: boolean;
  readonly isCompleted: boolean;
  /** The service's last word on it: the operation status or the resource's provisioning state. */
  readonly status?: string;
}

/** A raw long-running write, started; `waitForOperation` follows it like an SDK poller. */
export interface RawOperation {
  onProgress(callback: (state: RawOperationState) => void): () => void;
  /** Polls until the operation ends; resolves with the resource (PUT) or `{}`, throws AzureError when it failed. */
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);

/**
 * Sends a PUT or DELETE with a JSON body of our own (armJsonExchange: the client's pipeline, any api-version) and
 * returns a poller following ARM's asynchronous-operation contract as core-lro does: `Azure-AsyncOperation`
 * (status body), else `Location` (202 until done), else the resource's `provisioningState`. `Retry-After` wins over
 * `updateIntervalInMs`. For the bodies the pinned SDK cannot carry (decision 0008: `mirrorTraffic`).
 */
export async function beginArmJsonOperation(
  client: Client,
  armEndpoint: string,
  method: 'PUT' | 'DELETE',
  resourcePath: string,
  body: unknown,
  options: { apiVersion: string; abortSignal?: AbortSignal; updateIntervalInMs?: number },
): Promise<RawOperation> {
  const request = { apiVersion: options.apiVersion };
  const first = await armJsonExchange(client, armEndpoint, method, resourcePath, body, {
    ...request,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  const asyncUrl = first.headers.get('azure-asyncoperation');
  const locationUrl = first.headers.get('location');
  const listeners = new Set<(state: RawOperationState) => void>();
  const report = (state: RawOperationState) => listeners.forEach((listener) => listener(state));
  let retryAfterMs = retryAfter(first.headers);
  const interval = options.updateIntervalInMs ?? 5_000;

  const finalResource = async (signal?: AbortSignal): Promise<Record<string, unknown>> => {
    if (method === 'DELETE') return {};
    const read = await armJsonExchange(client, armEndpoint, 'GET', resourcePath, undefined, {
      ...request,
      ...(signal ? { abortSignal: signal } : {}),
    });
    return read.body;
  };
  const failed = (status: string, error: unknown): never =>
    operationFailed(method, resourcePath, status, error);

  return {
    onProgress(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async pollUntilDone(pollOptions = {}) {
      const signal = pollOptions.abortSignal;
      // A write that finished at once (200/201 with a final state, or 200/204 for a DELETE) needs no polling.
      if (!asyncUrl && !locationUrl) {
        const state = provisioningState(first.body);
        if (method === 'DELETE' || state === undefined || TERMINAL.has(state.toLowerCase())) {
          report({ isStarted: true, isCompleted: true, ...(state ? { status: state } : {}) });
          if (state && state.toLowerCase() !== 'succeeded') failed(state, undefined);
          return method === 'DELETE' ? {} : first.body;
        }
      }
      for (;;) {
        await delay(retryAfterMs ?? interval, undefined, signal ? { signal } : undefined);
        const poll = await armJsonExchange(
          client,
          armEndpoint,
          'GET',
          asyncUrl ?? locationUrl ?? resourcePath,
          undefined,
          { ...request, ...(signal ? { abortSignal: signal } : {}) },
        );
        retryAfterMs = retryAfter(poll.headers);
        const status = pollStatus(poll, asyncUrl, locationUrl);
        const done = status !== undefined && TERMINAL.has(status.toLowerCase());
        report({ isStarted: true, isCompleted: done, ...(status ? { status } : {}) });
        if (!done) continue;
        if (status!.toLowerCase() !== 'succeeded') failed(status!, poll.body['error']);
        return locationUrl && !asyncUrl && method === 'PUT' && Object.keys(poll.body).length > 0
          ? poll.body
          : finalResource(signal);
      }
    },
  };
}

/** The operation's status as the poll answered it, read the way the followed URL reports it. */
function pollStatus(
  poll: { status: number; body: Record<string, unknown> },
  asyncUrl: string | undefined,
  locationUrl: string | undefined,
): string | undefined {
  if (asyncUrl) return typeof poll.body['status'] === 'string' ? poll.body['status'] : undefined;
  if (locationUrl) return poll.status === 202 ? 'InProgress' : 'Succeeded';
  return provisioningState(poll.body);
}

/** The resource's `properties.provisioningState`, when it has one. */
function provisioningState(resource: Record<string, unknown>): string | undefined {
  const props = resource['properties'];
  const state =
    props && typeof props === 'object' ? (props as Record<string, unknown>)['provisioningState'] : undefined;
  return typeof state === 'string' ? state : undefined;
}

function operationFailed(method: string, resourcePath: string, status: string, error: unknown): never {
  const detail = (error ?? {}) as { code?: string; message?: string };
  const code =
    detail.code ?? (status.toLowerCase().startsWith('cancel') ? 'OperationCanceled' : 'OperationFailed');
  throw new AzureError(
    `The long-running ${method} of ${resourcePath} ended ${status}${detail.message ? `: ${detail.message}` : '.'}`,
    code,
  );
}

function retryAfter(headers: PipelineResponse['headers']): number | undefined {
  const value = headers.get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
