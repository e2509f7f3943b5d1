import { setTimeout as delay } from 'node:timers/promises';
import type { LoggerPort } from '../platform/ports';
import { AssertionFailure, CancelledError } from '../step/errors';
import type { ScoringResult } from './http-client';
import { describeResult } from './text';

/** Time as the readiness wait sees it; tests inject a fake one so they never wait. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, rejects with CancelledError when the signal fires. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      if (signal.aborted) throw new CancelledError('smoke test cancelled while waiting for the endpoint');
      throw error;
    }
  },
};

export interface ReadinessOptions {
  /** Sends one request; the first valid case's body, so "ready" means "can score". */
  readonly probe: () => Promise<ScoringResult>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly logger: Pick<LoggerPort, 'info' | 'debug'>;
  readonly clock?: Clock;
  /** Uniform in [0, 1); injectable for deterministic tests. */
  readonly random?: () => number;
}

export interface Readiness {
  readonly attempts: number;
  readonly waitedMs: number;
  /** The answer that ended the wait (not necessarily a good one: the cases judge it). */
  readonly last: ScoringResult;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 4000;

/** Why a result means "not ready yet", or undefined when the endpoint answered for real. */
export function notReadyReason(result: ScoringResult): string | undefined {
  if (result.kind === 'failure') {
    return result.code === 'ECONNREFUSED' || result.code === 'ECONNRESET'
      ? describeResult(result)
      : undefined;
  }
  // 404: the route to a new deployment is published a little after the deployment reports success.
  return result.status === 404 || result.status === 502 || result.status === 503
    ? describeResult(result)
    : undefined;
}

/**
 * Retries the probe with exponential backoff and jitter until the endpoint answers with something other than
 * "not there yet"; throws AssertionFailure with the last thing it saw after `timeoutMs`.
 */
export async function waitUntilReady(options: ReadinessOptions): Promise<Readiness> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  let lastReason: string | undefined;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted)
      throw new CancelledError('smoke test cancelled while waiting for the endpoint');
    const result = await options.probe();
    const reason = notReadyReason(result);
    const now = clock.now();
    if (reason === undefined) return { attempts: attempt, waitedMs: now - started, last: result };
    if (now >= deadline) {
      throw new AssertionFailure(
        `endpoint never became ready within ${options.timeoutMs / 1000} s (${attempt} attempt${attempt === 1 ? '' : 's'}); last answer: ${reason}`,
      );
    }
    // Equal jitter: at least half the backoff, so retries spread out without collapsing to zero.
    const backoff = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
    const retryAfter = result.kind === 'answer' ? retryAfterMs(result.headers['retry-after']) : undefined;
    const wait = Math.min(Math.max(backoff / 2 + (random() * backoff) / 2, retryAfter ?? 0), deadline - now);
    const message = `endpoint not ready (${reason}); retrying in ${(wait / 1000).toFixed(1)} s`;
    if (reason !== lastReason) options.logger.info(message);
    else options.logger.debug(message);
    lastReason = reason;
    await clock.sleep(wait, options.signal);
  }
}

/** Retry-After in seconds (the only form endpoints send in practice), capped like our own backoff. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Math.min(Number(value) * 1000, MAX_DELAY_MS * 4);
}
