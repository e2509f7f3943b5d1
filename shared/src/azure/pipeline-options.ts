import type { TokenCredentialOptions } from '@azure/identity';

/** Transport settings every Azure client of a run shares (identity credentials and ARM clients alike). */
export interface AzureTransportOptions {
  /** Per-request timeout in milliseconds (default 60 s); each retry gets the full timeout again. */
  readonly requestTimeoutMs?: number;
  /** Retry settings for the SDK's exponential retry policy, which honours Retry-After on 429 and 503. */
  readonly retryOptions?: TokenCredentialOptions['retryOptions'];
  /** Extra TLS trust for in-process tests (`{ ca }` of the emulator); bundles use NODE_EXTRA_CA_CERTS instead. */
  readonly tlsOptions?: TokenCredentialOptions['tlsOptions'];
}

export const defaultRequestTimeoutMs = 60_000;

/** Retries as ARM advises: a handful, exponential with jitter, Retry-After honoured by the policy itself. */
export const defaultRetryOptions = {
  maxRetries: 4,
  retryDelayInMs: 1_000,
  maxRetryDelayInMs: 30_000,
} as const;

type AdditionalPolicy = NonNullable<TokenCredentialOptions['additionalPolicies']>[number];

/**
 * Aborts a request that gets no answer within `timeoutMs` (unless an operation set its own `request.timeout`).
 * Not through `request.timeout`: core-rest-pipeline clears that timer only when a response arrives, so a request
 * that failed (a reset connection) would keep the process alive for the whole timeout after the step finished.
 * Here the timer is unref'd and always cleared. A timeout surfaces as an AbortError (see errors.ts).
 */
export function requestTimeoutPolicy(timeoutMs: number): AdditionalPolicy {
  return {
    position: 'perRetry',
    policy: {
      name: 'azuremlStepsRequestTimeout',
      sendRequest: async (request, next) => {
        if (request.timeout) return next(request);
        const outer = request.abortSignal;
        const controller = new AbortController();
        const abort = () => controller.abort();
        if (outer?.aborted) abort();
        else outer?.addEventListener('abort', abort, { once: true });
        const timer = setTimeout(abort, timeoutMs);
        timer.unref();
        request.abortSignal = controller.signal;
        try {
          return await next(request);
        } finally {
          clearTimeout(timer);
          outer?.removeEventListener('abort', abort);
          request.abortSignal = outer;
        }
      },
    },
  };
}

/** The pipeline options both credentials and ARM clients take. */
export function pipelineOptions(options: AzureTransportOptions) {
  return {
    retryOptions: { ...defaultRetryOptions, ...options.retryOptions },
    additionalPolicies: [requestTimeoutPolicy(options.requestTimeoutMs ?? defaultRequestTimeoutMs)],
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  };
}
