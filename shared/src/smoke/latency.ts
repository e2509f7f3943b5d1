import type { ScoringResult } from './http-client';
import { describeResult } from './text';

export interface LatencyOptions {
  readonly requests: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
}

export interface LatencyStats {
  readonly requests: number;
  readonly concurrency: number;
  /** Requests answered with a non-2xx status or not answered at all. */
  readonly errors: number;
  readonly firstError?: string;
  /** How many requests got each status; connection failures under their code (ECONNREFUSED, ETIMEDOUT). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Percentiles over the requests that got an HTTP answer; undefined when none did. */
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly meanMs?: number;
  readonly requestsPerSecond: number;
  readonly wallMs: number;
}

/** Sends `requests` requests with `concurrency` workers and summarises their durations. */
export async function measureLatency(
  send: () => Promise<ScoringResult>,
  options: LatencyOptions,
): Promise<LatencyStats> {
  const total = options.requests;
  const durations = new Float64Array(total);
  let answered = 0;
  let errors = 0;
  let firstError: string | undefined;
  const outcomes: Record<string, number> = {};
  let next = 0;

  const worker = async () => {
    while (next < total && !options.signal.aborted) {
      next++;
      const result = await send();
      const key = result.kind === 'answer' ? String(result.status) : result.code;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (result.kind === 'answer') durations[answered++] = result.durationMs;
      if (result.kind === 'failure' || result.status < 200 || result.status > 299) {
        errors++;
        firstError ??= describeResult(result);
      }
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, total) }, worker));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;

  const sorted = durations.subarray(0, answered).sort();
  const sent = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
  const base = {
    requests: sent,
    concurrency: options.concurrency,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    outcomes,
    requestsPerSecond: wallMs > 0 ? (sent * 1000) / wallMs : 0,
    wallMs,
  };
  if (answered === 0) return base;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    ...base,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    minMs: sorted[0],
    maxMs: sorted[answered - 1],
    meanMs: sum / answered,
  };
}

/**
 * The p-th percentile (0-100) of ascending values by linear interpolation between the closest ranks: numpy's
 * default `method='linear'` (Hyndman & Fan type 7), including numpy's two-sided lerp so figures match to the bit.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, got ${p}`);
  const position = (n - 1) * (p / 100);
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  const a = sorted[below]!;
  const b = sorted[above]!;
  const t = position - below;
  const difference = b - a;
  // numpy interpolates from the nearer end, which keeps the result within [a, b] under rounding.
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}
