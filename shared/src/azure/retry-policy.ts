/**
 * The one retry policy of every Azure request a step makes (ARM clients, raw ARM JSON requests, token requests,
 * MLflow): it replaces core-rest-pipeline's default retry policy (throttling + exponential strategies, which obey
 * any Retry-After, however long, and never retry a request that timed out).
 *
 * - A retriable answer (408, 429, 500, 502, 503, 504) waits its Retry-After (`retry-after-ms`,
 *   `x-ms-retry-after-ms`, `Retry-After` in seconds or as a date), else an exponential back-off with jitter; one wait
 *   is at most `maxWaitMs`, and all the waits of a step together at most `budgetMs` (a wait that does not fit fails
 *   the request, naming the status, the service and the seconds asked).
 * - A request that got no answer within the per-request timeout, or whose connection broke, is sent again at once
 *   when it is idempotent (GET, HEAD, PUT, DELETE, OPTIONS) or a read-only POST (ARM `list*` actions, token
 *   requests); any other POST is not sent twice blindly. A connection refused (nothing was sent) is retried always.
 * - Every wait and retry is logged: status, seconds, attempt n of m.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type {
  PipelinePolicy,
  PipelineRequest,
  PipelineResponse,
  SendRequest,
} from '@azure/core-rest-pipeline';
import type { RetryOverride } from '../platform/ports';
import { AzureError, InputError } from '../step/errors';

/** Environment variables that change the limits (README, "Retries and waits"). */
export const retryVariables = {
  maxWaitSeconds: 'AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS',
  budgetSeconds: 'AZUREML_STEPS_RETRY_BUDGET_SECONDS',
  requestTimeoutSeconds: 'AZUREML_STEPS_REQUEST_TIMEOUT_SECONDS',
} as const;

export interface RetryLimits {
  /** The longest one wait may take (a longer Retry-After waits this long), in milliseconds. */
  readonly maxWaitMs: number;
  /** All the waiting of one step together, in milliseconds. */
  readonly budgetMs: number;
}

export const defaultRetryLimits: RetryLimits = { maxWaitMs: 60_000, budgetMs: 300_000 };

/** Reads and checks the override; undefined fields keep their defaults. */
export function retrySettingsFrom(override: RetryOverride | undefined): {
  limits: RetryLimits;
  requestTimeoutMs?: number;
} {
  const seconds = (key: keyof typeof retryVariables): number | undefined => {
    const raw = override?.[key]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value > 86_400) {
      const variable = retryVariables[key];
      throw new InputError(variable, `${variable} must be a number of seconds above 0, got '${raw}'.`);
    }
    return Math.round(value * 1000);
  };
  const maxWaitMs = seconds('maxWaitSeconds') ?? defaultRetryLimits.maxWaitMs;
  const budgetMs = seconds('budgetSeconds') ?? defaultRetryLimits.budgetMs;
  const requestTimeoutMs = seconds('requestTimeoutSeconds');
  return { limits: { maxWaitMs, budgetMs }, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) };
}

/** The waiting of one step, shared by every client it makes; each wait is logged through `log`. */
export class RetryBudget {
  private waitedMs = 0;
  constructor(
    readonly limits: RetryLimits = defaultRetryLimits,
    readonly log: (line: string) => void = () => undefined,
  ) {}

  get spentMs(): number {
    return this.waitedMs;
  }

  /** Takes `ms` from the budget; false (nothing taken) when they do not fit in what is left. */
  take(ms: number): boolean {
    if (this.waitedMs + ms > this.limits.budgetMs) return false;
    this.waitedMs += ms;
    return true;
  }
}

export interface RetryPolicyOptions {
  readonly budget: RetryBudget;
  /** Who answers, for messages: `Azure Resource Manager`, `Entra ID (sign-in)`, `the MLflow tracking API`. */
  readonly service: string;
  readonly maxRetries: number;
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
  /** The per-request timeout, for messages. */
  readonly requestTimeoutMs: number;
}

export const retryPolicyName = 'azuremlStepsRetry';

/** Statuses worth another attempt: the service said it could not answer now. */
const retriableStatuses = new Set([408, 429, 500, 502, 503, 504]);
/** Connection failures before anything was sent: any request may be sent again. */
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Connection failures after the request may have arrived: only requests that can be repeated are sent again. */
const broken = new Set(['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'REQUEST_SEND_ERROR']);
const idempotent = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** True when sending the request twice does no more than sending it once. */
export function isRepeatable(request: Pick<PipelineRequest, 'method' | 'url'>): boolean {
  if (idempotent.has(request.method)) return true;
  const path = new URL(request.url).pathname;
  const last = path.split('/').filter(Boolean).at(-1) ?? '';
  return request.method === 'POST' && (/^list/i.test(last) || /^token$/i.test(last));
}

/** `GET …/onlineEndpoints/rain-prod`: the method and the path's last two segments (never the query: SAS tokens). */
export function describeRequest(request: Pick<PipelineRequest, 'method' | 'url'>): string {
  const segments = new URL(request.url).pathname.split('/').filter(Boolean);
  return `${request.method} ${segments.length > 2 ? '…/' : '/'}${segments.slice(-2).join('/')}`;
}

/** The Retry-After of an answer in milliseconds, or undefined when it has none (or an unreadable one). */
export function retryAfterMs(response: PipelineResponse, now = Date.now()): number | undefined {
  for (const [header, factor] of [
    ['retry-after-ms', 1],
    ['x-ms-retry-after-ms', 1],
    ['retry-after', 1000],
  ] as const) {
    const value = response.headers.get(header)?.trim();
    if (!value) continue;
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * factor;
    const date = header === 'retry-after' ? Date.parse(value) : NaN;
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

interface Outcome {
  readonly response?: PipelineResponse;
  readonly error?: unknown;
}

/** Why the outcome is worth another attempt (and how long the service asked to wait), or undefined. */
type Reason =
  | { readonly kind: 'status'; readonly status: number; readonly askedMs?: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'connection'; readonly code: string };

export function retryReason(request: PipelineRequest, outcome: Outcome): Reason | undefined {
  const error = outcome.error as { name?: string; code?: string; response?: PipelineResponse } | undefined;
  // Placed before core-client's deserialization, the policy sees an error answer as the RestError it threw.
  const response = outcome.response ?? (error?.name === 'RestError' ? error.response : undefined);
  if (response) {
    const { status } = response;
    if (!retriableStatuses.has(status)) return undefined;
    const askedMs = retryAfterMs(response);
    return askedMs === undefined ? { kind: 'status', status } : { kind: 'status', status, askedMs };
  }
  if (error?.name === 'AbortError') return isRepeatable(request) ? { kind: 'timeout' } : undefined;
  const code = error?.name === 'RestError' ? (error.code ?? '') : '';
  if (notSent.has(code) || (broken.has(code) && isRepeatable(request))) return { kind: 'connection', code };
  return undefined;
}

const secondsText = (ms: number) => `${Number((ms / 1000).toFixed(ms < 1_000 ? 2 : ms < 10_000 ? 1 : 0))} s`;

/** The policy; put it before the signing and the per-request timeout (a `perCall` policy), so each try gets both. */
export function budgetedRetryPolicy(options: RetryPolicyOptions): PipelinePolicy {
  const attempts = options.maxRetries + 1;
  return {
    name: retryPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      for (let attempt = 1; ; attempt += 1) {
        const outcome = await tryOnce(request, next);
        // A cancelled run is not retried: runStep reports the cancellation.
        const reason = request.abortSignal?.aborted ? undefined : retryReason(request, outcome);
        if (!reason || attempt >= attempts) return settle(outcome);
        const waitMs = plannedWait(reason, attempt, options);
        announce(request, reason, waitMs, attempt + 1, attempts, options);
        // Ends early when the run is cancelled: the next attempt then fails at once with the cancellation.
        if (waitMs > 0)
          await delay(waitMs, undefined, { signal: request.abortSignal as AbortSignal | undefined }).catch(
            () => undefined,
          );
      }
    },
  };
}

async function tryOnce(request: PipelineRequest, next: SendRequest): Promise<Outcome> {
  try {
    return { response: await next(request) };
  } catch (error) {
    return { error };
  }
}

function settle(outcome: Outcome): PipelineResponse {
  if (outcome.response) return outcome.response;
  throw outcome.error;
}

/** How long to wait before the next attempt, taken from the budget; throws when it does not fit. */
function plannedWait(reason: Reason, attempt: number, options: RetryPolicyOptions): number {
  if (reason.kind === 'timeout') return 0;
  const { budget } = options;
  const askedMs = reason.kind === 'status' ? reason.askedMs : undefined;
  const backoff = Math.min(
    options.maxRetryDelayInMs,
    options.retryDelayInMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4),
  );
  const waitMs = Math.round(Math.min(askedMs ?? backoff, budget.limits.maxWaitMs));
  if (budget.take(waitMs)) return waitMs;
  const status = reason.kind === 'status' ? `answered ${reason.status}` : `failed (${reason.code})`;
  const asked = askedMs !== undefined ? ` and asked to wait ${secondsText(askedMs)}` : '';
  throw new AzureError(
    `${options.service} ${status}${asked}, but this step's retry budget is spent ` +
      `(${secondsText(budget.spentMs)} of ${secondsText(budget.limits.budgetMs)} waited; one wait is at most ` +
      `${secondsText(budget.limits.maxWaitMs)}). Try again later, or raise ${retryVariables.budgetSeconds}.`,
    reason.kind === 'status' && reason.status === 429 ? 'TooManyRequests' : 'RetryBudgetSpent',
    reason.kind === 'status' ? reason.status : undefined,
  );
}

function announce(
  request: PipelineRequest,
  reason: Reason,
  waitMs: number,
  nextAttempt: number,
  attempts: number,
  options: RetryPolicyOptions,
): void {
  const what = describeRequest(request);
  const then = `attempt ${nextAttempt} of ${attempts}`;
  if (reason.kind === 'timeout') {
    options.budget.log(
      `${options.service} did not answer ${what} within ${secondsText(options.requestTimeoutMs)}: sending it again, ${then}.`,
    );
    return;
  }
  const cause =
    reason.kind === 'status'
      ? `answered ${reason.status} to ${what}${reason.askedMs !== undefined ? ` (Retry-After ${secondsText(reason.askedMs)})` : ''}`
      : `dropped the connection of ${what} (${reason.code})`;
  const capped = reason.kind === 'status' && reason.askedMs !== undefined && reason.askedMs > waitMs;
  options.budget.log(
    `${options.service} ${cause}: waiting ${secondsText(waitMs)}${capped ? ' (the longest wait allowed)' : ''} before ${then}.`,
  );
}
