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
 * Sets `request.timeout` on every request that has none. core-rest-pipeline aborts a request after
 * `request.timeout` ms; the SDKs leave it at 0 (no timeout) unless an operation passes `requestOptions.timeout`.
 */
export function requestTimeoutPolicy(timeoutMs: number): AdditionalPolicy {
  return {
    position: 'perRetry',
    policy: {
      name: 'azuremlStepsRequestTimeout',
      sendRequest: (request, next) => {
        if (!request.timeout) request.timeout = timeoutMs;
        return next(request);
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
