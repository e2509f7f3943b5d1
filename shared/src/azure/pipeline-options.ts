import type { TokenCredentialOptions } from '@azure/identity';
import { budgetedRetryPolicy, RetryBudget } from './retry-policy';

/** Transport settings every Azure client of a run shares (identity credentials and ARM clients alike). */
export interface AzureTransportOptions {
  /** Per-request timeout in milliseconds (default 60 s); each retry gets the full timeout again. */
  readonly requestTimeoutMs?: number;
  /** Attempts and back-off of our retry policy (retry-policy.ts), which replaces the SDK's. */
  readonly retryOptions?: TokenCredentialOptions['retryOptions'];
  /** The step's retry budget (shared by all its clients; logs each wait); default: a fresh one, silent. */
  readonly retryBudget?: RetryBudget;
  /** Who answers, for retry messages (`Azure Resource Manager`). */
  readonly service?: string;
  /** Extra TLS trust for in-process tests (`{ ca }` of the emulator); bundles use NODE_EXTRA_CA_CERTS instead. */
  readonly tlsOptions?: TokenCredentialOptions['tlsOptions'];
}

export const defaultRequestTimeoutMs = 60_000;

/** Retries as ARM advises: a handful, exponential with jitter, Retry-After honoured (capped: retry-policy.ts). */
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

/**
 * The pipeline options both credentials and ARM clients take: the per-request timeout, and our retry policy in
 * place of the SDK's (whose retries are turned off: it would obey any Retry-After and never retry a timeout).
 */
export function pipelineOptions(options: AzureTransportOptions) {
  const retry = { ...defaultRetryOptions, ...options.retryOptions };
  const requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const retryPolicy: AdditionalPolicy = {
    position: 'perCall',
    policy: budgetedRetryPolicy({
      budget: options.retryBudget ?? new RetryBudget(),
      service: options.service ?? 'Azure',
      maxRetries: retry.maxRetries ?? defaultRetryOptions.maxRetries,
      retryDelayInMs: retry.retryDelayInMs ?? defaultRetryOptions.retryDelayInMs,
      maxRetryDelayInMs: retry.maxRetryDelayInMs ?? defaultRetryOptions.maxRetryDelayInMs,
      requestTimeoutMs,
    }),
  };
  return {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [requestTimeoutPolicy(requestTimeoutMs), retryPolicy],
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  };
}
