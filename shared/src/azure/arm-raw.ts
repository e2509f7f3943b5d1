import { createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { machineLearningApiVersion } from './arm-clients';

/**
 * A JSON request through an SDK client's own pipeline (sign-in, retries, timeouts, user agent), for bodies the
 * SDK's serializer would damage: @azure/arm-machinelearning 2.1.1 maps job inputs and outputs through a
 * discriminator table that lacks the asset types (`JobInput.uri_folder`...), so it silently drops their `uri` and
 * `mode`; its deserializer drops them from a job GET the same way. Non-2xx answers become the RestError the SDK
 * would throw, so callAzure words them the same way. `options.apiVersion` reaches Azure only through a client
 * without the SDK's api-version policy (`createArmJsonTransport`): the pinned ML client rewrites it.
 */
export async function armJsonRequest(
  client: { sendRequest(request: PipelineRequest): Promise<PipelineResponse> },
  armEndpoint: string,
  method: 'GET' | 'PUT' | 'PATCH' | 'POST',
  resourcePath: string,
  body: unknown,
  options: { abortSignal?: AbortSignal; apiVersion?: string } = {},
): Promise<Record<string, unknown>> {
  return (await armJsonExchange(client, armEndpoint, method, resourcePath, body, options)).body;
}

/** One JSON request as armJsonRequest sends it, answered with the status and headers too (long-running writes). */
export async function armJsonExchange(
  client: { sendRequest(request: PipelineRequest): Promise<PipelineResponse> },
  armEndpoint: string,
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE',
  resourcePath: string,
  body: unknown,
  options: { abortSignal?: AbortSignal; apiVersion?: string } = {},
): Promise<{ status: number; headers: PipelineResponse['headers']; body: Record<string, unknown> }> {
  const url = /^https:\/\//.test(resourcePath)
    ? resourcePath
    : `${armEndpoint}${resourcePath}?api-version=${encodeURIComponent(options.apiVersion ?? machineLearningApiVersion)}`;
  const request = createPipelineRequest({
    url,
    method,
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify(body) }),
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  if (method !== 'GET' && method !== 'DELETE') request.headers.set('content-type', 'application/json');
  request.headers.set('accept', 'application/json');
  const response = await client.sendRequest(request);
  const text = response.bodyAsText ?? '';
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { raw: text };
  }
  if (response.status < 200 || response.status >= 300) {
    const error = (parsed as { error?: { code?: string; message?: string } }).error;
    throw new RestError(error?.message ?? `${method} ${resourcePath} answered ${response.status}.`, {
      code: error?.code ?? `Http${response.status}`,
      statusCode: response.status,
      request,
      response,
    });
  }
  return { status: response.status, headers: response.headers, body: parsed as Record<string, unknown> };
}
