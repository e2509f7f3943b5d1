import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScoringResult } from '../../../shared/src/smoke/http-client';
import { measureLatency, percentile } from '../../../shared/src/smoke/latency';
import { FIXTURES } from './helpers';

interface Reference {
  numpy: string;
  percentiles: number[];
  datasets: { name: string; values: number[]; expected: number[] }[];
}

// Produced by tests/fixtures/smoke/percentiles.py with numpy (method='linear').
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'percentiles.json'), 'utf8')) as Reference;

describe('percentile', () => {
  describe.each(reference.datasets.map((d) => [d.name, d] as const))(
    'matches numpy %s on',
    (_name, dataset) => {
      const sorted = [...dataset.values].sort((a, b) => a - b);
      it.each(reference.percentiles.map((p, index) => [p, dataset.expected[index]!]))(
        'p%s',
        (p, expected) => {
          expect(percentile(sorted, p)).toBe(expected);
        },
      );
    },
  );

  it('refuses no values and percentiles outside 0-100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

const answer = (status: number, durationMs: number): ScoringResult => ({
  kind: 'answer',
  status,
  headers: {},
  body: '[0]',
  durationMs,
});

describe('measureLatency', () => {
  it('sends every request with at most `concurrency` in flight and summarises durations', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let sent = 0;
    const send = async (): Promise<ScoringResult> => {
      const duration = ++sent; // 1, 2, ..., 10 ms
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return answer(200, duration);
    };
    const stats = await measureLatency(send, {
      requests: 10,
      concurrency: 3,
      signal: new AbortController().signal,
    });
    expect(sent).toBe(10);
    expect(maxInFlight).toBe(3);
    expect(stats).toMatchObject({
      requests: 10,
      concurrency: 3,
      errors: 0,
      outcomes: { '200': 10 },
      minMs: 1,
      maxMs: 10,
      meanMs: 5.5,
    });
    expect(stats.p50Ms).toBe(5.5);
    expect(stats.p95Ms).toBeCloseTo(9.55, 10);
    expect(stats.p99Ms).toBeCloseTo(9.91, 10);
    expect(stats.requestsPerSecond).toBeGreaterThan(0);
    expect(stats.firstError).toBeUndefined();
  });

  it('counts non-2xx answers and connection failures as errors, and times only answered requests', async () => {
    const results: ScoringResult[] = [
      answer(200, 4),
      answer(500, 1),
      { kind: 'failure', code: 'ECONNRESET', message: 'connection reset (ECONNRESET)', durationMs: 0.1 },
      answer(204, 6),
    ];
    let index = 0;
    const stats = await measureLatency(async () => results[index++]!, {
      requests: 4,
      concurrency: 1,
      signal: new AbortController().signal,
    });
    expect(stats).toMatchObject({
      requests: 4,
      errors: 2,
      firstError: 'HTTP 500: [0]',
      outcomes: { '200': 1, '500': 1, ECONNRESET: 1, '204': 1 },
    });
    expect(stats.minMs).toBe(1);
    expect(stats.p50Ms).toBe(4);
  });

  it('has no percentiles when nothing answered', async () => {
    const failure: ScoringResult = {
      kind: 'failure',
      code: 'ECONNREFUSED',
      message: 'connection refused (ECONNREFUSED)',
      durationMs: 0.2,
    };
    const stats = await measureLatency(async () => failure, {
      requests: 3,
      concurrency: 2,
      signal: new AbortController().signal,
    });
    expect(stats).toMatchObject({ requests: 3, errors: 3 });
    expect(stats.p50Ms).toBeUndefined();
  });

  it('stops sending once cancelled', async () => {
    const controller = new AbortController();
    let sent = 0;
    const stats = await measureLatency(
      async () => {
        if (++sent === 5) controller.abort();
        return answer(200, 1);
      },
      { requests: 100, concurrency: 1, signal: controller.signal },
    );
    expect(sent).toBe(5);
    expect(stats.requests).toBe(5);
  });
});
