import type { ScoringResult } from '../../../shared/src/smoke/http-client';
import { notReadyReason, waitUntilReady, type Clock } from '../../../shared/src/smoke/readiness';
import { AssertionFailure, CancelledError } from '../../../shared/src/step/errors';

const refused: ScoringResult = {
  kind: 'failure',
  code: 'ECONNREFUSED',
  message: 'connection refused (ECONNREFUSED)',
  durationMs: 0.3,
};
const reset: ScoringResult = {
  kind: 'failure',
  code: 'ECONNRESET',
  message: 'connection reset (ECONNRESET)',
  durationMs: 0.3,
};
const timedOut: ScoringResult = {
  kind: 'failure',
  code: 'ETIMEDOUT',
  message: 'no answer within 60 s',
  durationMs: 60000,
};
const status = (code: number, body = '', headers: Record<string, string> = {}): ScoringResult => ({
  kind: 'answer',
  status: code,
  headers,
  body,
  durationMs: 1,
});

function fakeClock() {
  const sleeps: number[] = [];
  let now = 0;
  const clock: Clock = {
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

function script(results: ScoringResult[]) {
  let index = 0;
  return { probe: async () => results[Math.min(index++, results.length - 1)]!, calls: () => index };
}

const quiet = { info: () => undefined, debug: () => undefined };
const signal = new AbortController().signal;

describe('notReadyReason', () => {
  it.each([
    [refused, 'connection refused (ECONNREFUSED)'],
    [reset, 'connection reset (ECONNRESET)'],
    [status(404, '{"error":"no such deployment"}'), 'HTTP 404: {"error":"no such deployment"}'],
    [status(502), 'HTTP 502'],
    [status(503, 'loading'), 'HTTP 503: loading'],
  ])('retries %j', (result, reason) => {
    expect(notReadyReason(result)).toBe(reason);
  });

  it.each([[status(200)], [status(400)], [status(401)], [status(500)], [status(504)], [timedOut]])(
    'treats %j as an answer',
    (result) => {
      expect(notReadyReason(result)).toBeUndefined();
    },
  );
});

describe('waitUntilReady', () => {
  it('returns at once when the first probe is answered', async () => {
    const { clock, sleeps } = fakeClock();
    const ready = await waitUntilReady({
      probe: script([status(200)]).probe,
      timeoutMs: 1000,
      signal,
      logger: quiet,
      clock,
    });
    expect(ready).toMatchObject({ attempts: 1, waitedMs: 0, last: { status: 200 } });
    expect(sleeps).toEqual([]);
  });

  it('backs off exponentially with jitter, capped, until the endpoint answers', async () => {
    const { clock, sleeps } = fakeClock();
    const results = [
      refused,
      refused,
      reset,
      status(502),
      status(503),
      status(404),
      status(503),
      status(503),
      status(200),
    ];
    const logs: string[] = [];
    const logger = {
      info: (m: string) => logs.push(`info ${m}`),
      debug: (m: string) => logs.push(`debug ${m}`),
    };
    const ready = await waitUntilReady({
      probe: script(results).probe,
      timeoutMs: 300_000,
      signal,
      logger,
      clock,
      random: () => 1,
    });
    expect(ready.attempts).toBe(9);
    // random() = 1 gives the full backoff: 250 ms doubling up to the 4 s cap.
    expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000, 4000]);
    expect(ready.waitedMs).toBe(19750);
    // A new reason is logged at info, a repeated one at debug.
    expect(logs[0]).toBe('info endpoint not ready (connection refused (ECONNREFUSED)); retrying in 0.3 s');
    expect(logs[1]).toMatch(/^debug endpoint not ready \(connection refused/);
    expect(logs[2]).toMatch(/^info endpoint not ready \(connection reset/);
  });

  it('waits at least half the backoff', async () => {
    const { clock, sleeps } = fakeClock();
    await waitUntilReady({
      probe: script([refused, refused, refused, status(200)]).probe,
      timeoutMs: 60_000,
      signal,
      logger: quiet,
      clock,
      random: () => 0,
    });
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it('honours Retry-After on a 503', async () => {
    const { clock, sleeps } = fakeClock();
    await waitUntilReady({
      probe: script([status(503, '', { 'retry-after': '3' }), status(200)]).probe,
      timeoutMs: 60_000,
      signal,
      logger: quiet,
      clock,
      random: () => 0,
    });
    expect(sleeps).toEqual([3000]);
  });

  it('gives up after the timeout with what it last saw', async () => {
    const { clock, sleeps } = fakeClock();
    const probe = script([refused, refused, status(503, '{"error":"model is loading"}')]);
    await expect(
      waitUntilReady({ probe: probe.probe, timeoutMs: 2000, signal, logger: quiet, clock, random: () => 1 }),
    ).rejects.toThrow(
      new AssertionFailure(
        'endpoint never became ready within 2 s (5 attempts); last answer: HTTP 503: {"error":"model is loading"}',
      ),
    );
    // The last sleep is cut to the deadline, then one final attempt.
    expect(sleeps).toEqual([250, 500, 1000, 250]);
    expect(probe.calls()).toBe(5);
  });

  it('tries exactly once with a zero timeout', async () => {
    const probe = script([refused]);
    await expect(
      waitUntilReady({ probe: probe.probe, timeoutMs: 0, signal, logger: quiet, clock: fakeClock().clock }),
    ).rejects.toThrow(
      'endpoint never became ready within 0 s (1 attempt); last answer: connection refused (ECONNREFUSED)',
    );
    expect(probe.calls()).toBe(1);
  });

  it('counts the time the probes themselves take', async () => {
    const { clock, advance } = fakeClock();
    const probe = async () => {
      advance(700);
      return refused;
    };
    await expect(
      waitUntilReady({ probe, timeoutMs: 1000, signal, logger: quiet, clock, random: () => 1 }),
    ).rejects.toThrow('(2 attempts)');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const { clock } = fakeClock();
    const probe = async () => {
      controller.abort();
      return refused;
    };
    const cancellingClock: Clock = {
      now: clock.now,
      sleep: async (_ms, s) => {
        if (s.aborted) throw new CancelledError('cancelled while waiting');
      },
    };
    await expect(
      waitUntilReady({
        probe,
        timeoutMs: 60_000,
        signal: controller.signal,
        logger: quiet,
        clock: cancellingClock,
      }),
    ).rejects.toThrow(CancelledError);
  });

  it('wakes the real clock early on cancellation', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await expect(
      waitUntilReady({
        probe: async () => refused,
        timeoutMs: 60_000,
        signal: controller.signal,
        logger: quiet,
        random: () => 1,
      }),
    ).rejects.toThrow(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
