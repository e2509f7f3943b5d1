import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import {
  budgetedRetryPolicy,
  describeRequest,
  isRepeatable,
  RetryBudget,
  retryAfterMs,
  retrySettingsFrom,
} from '../../../shared/src/azure/retry-policy';
import { AzureError, InputError } from '../../../shared/src/step/errors';

const url =
  'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/X/onlineEndpoints/e?api-version=1';
const answer = (
  request: PipelineRequest,
  status: number,
  headers: Record<string, string> = {},
): PipelineResponse => ({
  request,
  status,
  headers: createHttpHeaders(headers),
});
const abortError = () => Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });

function policy(budget: RetryBudget, maxRetries = 4) {
  return budgetedRetryPolicy({
    budget,
    service: 'Azure Resource Manager',
    maxRetries,
    retryDelayInMs: 1,
    maxRetryDelayInMs: 5,
    requestTimeoutMs: 65_000,
  });
}

/** A transport answering from a script, one entry per attempt. */
function script(steps: ((request: PipelineRequest) => PipelineResponse)[]) {
  let sent = 0;
  return {
    next: async (request: PipelineRequest) => steps[sent++]!(request),
    get sent() {
      return sent;
    },
  };
}

describe('retry policy', () => {
  test('caps a long Retry-After at the longest wait, logs status, seconds and attempt n of m', async () => {
    const lines: string[] = [];
    const budget = new RetryBudget({ maxWaitMs: 20, budgetMs: 1_000 }, (line) => lines.push(line));
    const transport = script([(r) => answer(r, 429, { 'retry-after': '100' }), (r) => answer(r, 200)]);
    const started = Date.now();
    const response = await policy(budget).sendRequest(createPipelineRequest({ url }), transport.next);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lines).toEqual([
      'Azure Resource Manager answered 429 to GET …/onlineEndpoints/e (Retry-After 100 s): waiting 0.02 s (the longest wait allowed) before attempt 2 of 5.',
    ]);
    expect(budget.spentMs).toBe(20);
  });

  test('fails naming status, service and the seconds asked when the budget is spent', async () => {
    const budget = new RetryBudget({ maxWaitMs: 30, budgetMs: 50 });
    const throttled = (r: PipelineRequest) => answer(r, 429, { 'retry-after': '100' });
    const transport = script([throttled, throttled, throttled]);
    const sent = policy(budget).sendRequest(createPipelineRequest({ url }), transport.next);
    await expect(sent).rejects.toThrow(AzureError);
    await expect(sent).rejects.toThrow(
      "Azure Resource Manager answered 429 and asked to wait 100 s, but this step's retry budget is spent",
    );
    expect(transport.sent).toBe(2);
  });

  test('a timed-out GET is sent again at once; a timed-out POST is not sent twice', async () => {
    const lines: string[] = [];
    const budget = new RetryBudget(undefined, (line) => lines.push(line));
    let calls = 0;
    const slowThenOk = async (request: PipelineRequest) => {
      if (calls++ === 0) throw abortError();
      return answer(request, 200);
    };
    const get = await policy(budget).sendRequest(createPipelineRequest({ url }), slowThenOk);
    expect(get.status).toBe(200);
    expect(lines).toEqual([
      'Azure Resource Manager did not answer GET …/onlineEndpoints/e within 65 s: sending it again, attempt 2 of 5.',
    ]);
    calls = 0;
    const post = createPipelineRequest({ url: `${url.split('?')[0]}/regenerateKeys`, method: 'POST' });
    await expect(policy(budget).sendRequest(post, slowThenOk)).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });

  test('a reset connection of a POST is retried only for read-only actions; a cancelled run is never retried', async () => {
    const reset = () => new RestError('socket hang up', { code: 'ECONNRESET' });
    let calls = 0;
    const resetThenOk = async (request: PipelineRequest) => {
      if (calls++ === 0) throw reset();
      return answer(request, 200);
    };
    const listKeys = createPipelineRequest({ url: `${url.split('?')[0]}/listKeys`, method: 'POST' });
    expect((await policy(new RetryBudget()).sendRequest(listKeys, resetThenOk)).status).toBe(200);
    calls = 0;
    const create = createPipelineRequest({ url: `${url.split('?')[0]}/jobs`, method: 'POST' });
    await expect(policy(new RetryBudget()).sendRequest(create, resetThenOk)).rejects.toThrow(
      'socket hang up',
    );
    const run = new AbortController();
    run.abort();
    const cancelled = createPipelineRequest({ url, abortSignal: run.signal });
    let sent = 0;
    const failing = async () => {
      sent += 1;
      throw abortError();
    };
    await expect(policy(new RetryBudget()).sendRequest(cancelled, failing)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(sent).toBe(1);
  });

  test('an error answer thrown by the deserializer is retried as the answer it carries', async () => {
    let calls = 0;
    const next = async (request: PipelineRequest) => {
      if (calls++ === 0)
        throw new RestError('busy', {
          statusCode: 503,
          response: answer(request, 503, { 'retry-after-ms': '1' }),
        });
      return answer(request, 200);
    };
    expect((await policy(new RetryBudget()).sendRequest(createPipelineRequest({ url }), next)).status).toBe(
      200,
    );
  });

  test('gives up after maxRetries and returns the last answer', async () => {
    const busy = (r: PipelineRequest) => answer(r, 503);
    const transport = script([busy, busy, busy]);
    const response = await policy(new RetryBudget(), 2).sendRequest(
      createPipelineRequest({ url }),
      transport.next,
    );
    expect(response.status).toBe(503);
    expect(transport.sent).toBe(3);
  });
});

describe('retry helpers', () => {
  test('Retry-After in ms, in seconds and as a date', () => {
    const request = createPipelineRequest({ url });
    expect(retryAfterMs(answer(request, 429, { 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(answer(request, 429, { 'retry-after': '100' }))).toBe(100_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(answer(request, 503, { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(
      30_000,
    );
    expect(retryAfterMs(answer(request, 503))).toBeUndefined();
  });

  test('which requests may be sent twice, and how a request is named (never its query)', () => {
    expect(isRepeatable({ method: 'PUT', url })).toBe(true);
    expect(isRepeatable({ method: 'POST', url: 'https://login/t/oauth2/v2.0/token' })).toBe(true);
    expect(isRepeatable({ method: 'POST', url: 'https://arm/x/listSecrets' })).toBe(true);
    expect(isRepeatable({ method: 'POST', url: 'https://arm/x/jobs/j/cancel' })).toBe(false);
    expect(describeRequest({ method: 'GET', url: 'https://acc.blob/c/b?sig=SECRET' })).toBe('GET /c/b');
  });

  test('limits from the variables, checked', () => {
    expect(retrySettingsFrom(undefined)).toEqual({ limits: { maxWaitMs: 60_000, budgetMs: 300_000 } });
    expect(
      retrySettingsFrom({ maxWaitSeconds: '0.2', budgetSeconds: '1', requestTimeoutSeconds: '1.5' }),
    ).toEqual({ limits: { maxWaitMs: 200, budgetMs: 1_000 }, requestTimeoutMs: 1_500 });
    expect(() => retrySettingsFrom({ budgetSeconds: 'five' })).toThrow(InputError);
    expect(() => retrySettingsFrom({ budgetSeconds: 'five' })).toThrow(
      "AZUREML_STEPS_RETRY_BUDGET_SECONDS must be a number of seconds above 0, got 'five'.",
    );
  });
});
