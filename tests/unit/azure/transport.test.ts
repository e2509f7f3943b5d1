import { waitForOperation } from '../../../shared/src/azure/arm-clients';
import { toAzureError } from '../../../shared/src/azure/errors';
import { defaultRequestTimeoutMs, pipelineOptions } from '../../../shared/src/azure/pipeline-options';
import { AzureError } from '../../../shared/src/step/errors';
import type { LoggerPort } from '../../../shared/src/platform/ports';

describe('transport options', () => {
  test('every request gets the timeout unless an operation set its own; retries keep the SDK policy', async () => {
    const options = pipelineOptions({ requestTimeoutMs: 1234, retryOptions: { maxRetries: 1 } });
    expect(options.retryOptions).toEqual({ maxRetries: 1, retryDelayInMs: 1000, maxRetryDelayInMs: 30000 });
    const [timeout] = options.additionalPolicies;
    const seen: number[] = [];
    const next = async (request: { timeout: number }) => {
      seen.push(request.timeout);
      return {} as never;
    };
    const send = timeout!.policy.sendRequest as unknown as (
      r: { timeout: number },
      n: typeof next,
    ) => Promise<never>;
    await send({ timeout: 0 }, next);
    await send({ timeout: 50 }, next);
    expect(seen).toEqual([1234, 50]);
    expect(pipelineOptions({}).additionalPolicies).toHaveLength(1);
    expect(defaultRequestTimeoutMs).toBe(60_000);
  });

  test('an aborted request (timeout) becomes AzureError RequestTimeout', () => {
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    const error = toAzureError(abort, { operation: 'Reading the workspace' }) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.code).toBe('RequestTimeout');
    expect(error.message).toBe(
      'Reading the workspace failed: Azure did not answer within the request timeout.',
    );
  });
});

describe('waitForOperation', () => {
  test('logs start, progress at most every interval, and the end', async () => {
    const lines: string[] = [];
    const logger = { info: (message: string) => void lines.push(message) } as unknown as LoggerPort;
    let clock = 0;
    let progress: ((state: { isCompleted?: boolean }) => void) | undefined;
    let stopped = false;
    const poller = {
      onProgress(callback: (state: { isCompleted?: boolean }) => void) {
        progress = callback;
        return () => void (stopped = true);
      },
      async pollUntilDone() {
        for (const at of [10_000, 31_000, 45_000, 62_000]) {
          clock = at;
          progress?.({ isCompleted: false });
        }
        clock = 70_000;
        progress?.({ isCompleted: true });
        return 'result';
      },
    };
    const result = await waitForOperation(poller, "Creating endpoint 'e'", logger, { now: () => clock });
    expect(result).toBe('result');
    expect(lines).toEqual([
      "Creating endpoint 'e': started.",
      "Creating endpoint 'e': still running after 31 s.",
      "Creating endpoint 'e': still running after 62 s.",
      "Creating endpoint 'e': done in 70 s.",
    ]);
    expect(stopped).toBe(true);
  });
});
