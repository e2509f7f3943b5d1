import { waitForOperation } from '../../../shared/src/azure/arm-clients';
import { toAzureError } from '../../../shared/src/azure/errors';
import { defaultRequestTimeoutMs, pipelineOptions } from '../../../shared/src/azure/pipeline-options';
import { AzureError } from '../../../shared/src/step/errors';
import type { LoggerPort } from '../../../shared/src/platform/ports';

describe('transport options', () => {
  type Sent = { timeout: number; abortSignal?: AbortSignal };
  const policyOf = (timeoutMs: number) => {
    const options = pipelineOptions({ requestTimeoutMs: timeoutMs, retryOptions: { maxRetries: 1 } });
    // The SDK's own retries are off: our retry policy (retry-policy.ts) runs per call, before the timeout.
    expect(options.retryOptions).toEqual({ maxRetries: 0 });
    expect(options.additionalPolicies.map((p) => [p.position, p.policy.name])).toEqual([
      ['perRetry', 'azuremlStepsRequestTimeout'],
      ['perCall', 'azuremlStepsRetry'],
    ]);
    return options.additionalPolicies[0]!.policy.sendRequest as unknown as (
      r: Sent,
      n: (r: Sent) => Promise<string>,
    ) => Promise<string>;
  };
  /** A transport that never answers: it settles only when the request is aborted. */
  const silent = (request: Sent) =>
    new Promise<string>((_resolve, reject) =>
      request.abortSignal?.addEventListener('abort', () =>
        reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })),
      ),
    );

  test('aborts a request that gets no answer within the timeout, as an AbortError', async () => {
    await expect(policyOf(20)({ timeout: 0 }, silent)).rejects.toMatchObject({ name: 'AbortError' });
    expect(defaultRequestTimeoutMs).toBe(60_000);
    expect(pipelineOptions({}).additionalPolicies).toHaveLength(2);
  });

  test('leaves a request alone whose operation set its own timeout, and passes answers through', async () => {
    const seen: Sent[] = [];
    const answer = async (request: Sent) => {
      seen.push({ ...request });
      return 'answered';
    };
    await expect(policyOf(20)({ timeout: 50 }, answer)).resolves.toBe('answered');
    await expect(policyOf(20)({ timeout: 0 }, answer)).resolves.toBe('answered');
    expect(seen[0]!.abortSignal).toBeUndefined();
    expect(seen[1]!.abortSignal).toBeDefined();
  });

  test('passes a cancellation of the run through to the request', async () => {
    const run = new AbortController();
    const sent = policyOf(60_000)({ timeout: 0, abortSignal: run.signal }, silent);
    run.abort();
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
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
  test('logs start, progress (with the last status seen) at most every interval, and the end', async () => {
    const lines: string[] = [];
    const logger = { info: (message: string) => void lines.push(message) } as unknown as LoggerPort;
    let clock = 0;
    let progress: ((state: { isCompleted?: boolean; status?: string }) => void) | undefined;
    let stopped = false;
    const poller = {
      onProgress(callback: (state: { isCompleted?: boolean; status?: string }) => void) {
        progress = callback;
        return () => void (stopped = true);
      },
      async pollUntilDone() {
        for (const at of [10_000, 31_000, 45_000, 62_000]) {
          clock = at;
          progress?.({ isCompleted: false, ...(at > 40_000 ? { status: 'Creating' } : {}) });
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
      "Creating endpoint 'e': still running after 62 s (Creating).",
      "Creating endpoint 'e': done in 70 s.",
    ]);
    expect(stopped).toBe(true);
  });

  test('progress lines show what readState answers (the resource state), none after the end', async () => {
    const lines: string[] = [];
    const logger = { info: (message: string) => void lines.push(message) } as unknown as LoggerPort;
    let clock = 0;
    let progress: ((state: { isCompleted?: boolean }) => void) | undefined;
    const reads: ((state: string) => void)[] = [];
    let readCount = 0;
    const poller = {
      onProgress(callback: (state: { isCompleted?: boolean }) => void) {
        progress = callback;
        return () => undefined;
      },
      async pollUntilDone() {
        clock = 31_000;
        progress?.({ isCompleted: false });
        await new Promise((resolve) => setImmediate(resolve));
        reads.shift()?.('Creating');
        // A poll inside the interval logs nothing and reads nothing.
        clock = 45_000;
        progress?.({ isCompleted: false });
        clock = 65_000;
        progress?.({ isCompleted: false });
        clock = 70_000;
        return 'result';
      },
    };
    await waitForOperation(poller, "Deployment 'green'", logger, {
      now: () => clock,
      readState: () => {
        readCount += 1;
        return new Promise<string>((resolve) => reads.push(resolve));
      },
    });
    // The second read answers after the operation ended: no progress line for it.
    reads.shift()?.('Succeeded');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      "Deployment 'green': started.",
      "Deployment 'green': still running after 31 s (Creating).",
      "Deployment 'green': done in 70 s.",
    ]);
    expect(readCount).toBe(2);
  });
});
