import { followJob, type JobWatch, pollInterval } from '../../../shared/src/azureml/follow-job';
import { memoryPlatform } from '../../harness/memory-platform';

/** A job whose status and logs advance one step per poll, as Azure ML's would between two GETs. */
function scriptedJob(statuses: string[], logs: Record<string, string[]> = {}, children: string[] = []) {
  let poll = -1;
  const cancelled: number[] = [];
  const watch: JobWatch = {
    status: async () => {
      poll = Math.min(poll + 1, statuses.length - 1);
      return statuses[poll]!;
    },
    children: async () => children,
    readLog: async (name, offset) => {
      const chunks = logs[name];
      if (!chunks) return undefined;
      const text = chunks.slice(0, poll + 1).join('');
      return { text: text.slice(offset), nextOffset: text.length };
    },
    cancel: async () => void cancelled.push(poll),
  };
  return { watch, cancelled };
}

/** The logger of an in-memory host, with its lines and the titles of the groups it opened. */
function memoryLogger() {
  const platform = memoryPlatform({});
  const logs = platform.recorded.logs;
  return Object.assign(platform.logger, {
    lines: () => logs.filter((l) => l.level !== 'group'),
    groups: () => logs.filter((l) => l.level === 'group').map((l) => l.message),
  });
}

function clock() {
  let t = Date.parse('2026-11-22T10:00:00Z');
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const base = { jobName: 'job-1', timeoutMs: 0, cancelOnStop: true, streamLogs: true };

describe('followJob', () => {
  test('logs every status change with its time and streams the log line by line as it grows', async () => {
    // Azure ML's documented order of states.
    const statuses = ['NotStarted', 'Starting', 'Preparing', 'Queued', 'Running', 'Running', 'Finalizing'];
    const { watch } = scriptedJob([...statuses, 'Completed'], {
      'job-1': ['', '', '', '', 'epoch 1\nepo', 'ch 2\n', 'done'],
    });
    const logger = memoryLogger();
    const result = await followJob(watch, {
      ...base,
      logger,
      signal: new AbortController().signal,
      ...clock(),
    });
    expect(result.status).toBe('Completed');
    expect(result.ending).toBe('ended');
    expect(result.history.map((h) => h.status)).toEqual([
      'NotStarted',
      'Starting',
      'Preparing',
      'Queued',
      'Running',
      'Finalizing',
      'Completed',
    ]);
    const lines = logger.lines().map((l) => l.message);
    expect(lines).toContain("[2026-11-22T10:00:00.000Z] Job 'job-1' is NotStarted.");
    expect(lines.filter((l) => !l.startsWith('['))).toEqual(['epoch 1', 'epoch 2']);
    expect(result.logTail).toEqual(['epoch 1', 'epoch 2', 'done']);
  });

  test('keeps following a job that is NotResponding (Azure ML: it may go back to any earlier state)', async () => {
    const { watch } = scriptedJob(['Running', 'NotResponding', 'Running', 'Completed']);
    const result = await followJob(watch, {
      ...base,
      logger: memoryLogger(),
      signal: new AbortController().signal,
      ...clock(),
    });
    expect(result.status).toBe('Completed');
    expect(result.history.map((h) => h.status)).toEqual(['Running', 'NotResponding', 'Running', 'Completed']);
  });

  test("streams each child's log in its own group and keeps the tail of the last writer", async () => {
    const { watch } = scriptedJob(
      ['Running', 'Running', 'Failed'],
      { prep: ['prep ok\n'], train: ['', 'Traceback\n', 'ValueError: bad\n'] },
      ['prep', 'train'],
    );
    const logger = memoryLogger();
    const result = await followJob(watch, {
      ...base,
      logger,
      signal: new AbortController().signal,
      ...clock(),
    });
    expect(result.status).toBe('Failed');
    expect(logger.groups()).toEqual(['Log of prep', 'Log of train', 'Log of train']);
    expect(result.logTail).toEqual(['Traceback', 'ValueError: bad']);
  });

  test('cancels the job when the timeout passes, and says so', async () => {
    const { watch, cancelled } = scriptedJob(['Running']);
    const logger = memoryLogger();
    const result = await followJob(watch, {
      ...base,
      timeoutMs: 60_000,
      logger,
      signal: new AbortController().signal,
      ...clock(),
    });
    expect(result.ending).toBe('timedOut');
    expect(result.cancelRequested).toBe(true);
    expect(cancelled).toHaveLength(1);
    expect(result.durationMs).toBe(60_000);
    expect(
      logger
        .lines()
        .filter((l) => l.level === 'warning')
        .map((l) => l.message),
    ).toEqual(["The timeout of 1 minute(s) was reached: job 'job-1' was asked to cancel in Azure ML."]);
  });

  test('leaves the job running when told not to cancel, and when the run is cancelled cancels it', async () => {
    const { watch, cancelled } = scriptedJob(['Running']);
    const kept = await followJob(watch, {
      ...base,
      timeoutMs: 5_000,
      cancelOnStop: false,
      logger: memoryLogger(),
      signal: new AbortController().signal,
      ...clock(),
    });
    expect(kept).toMatchObject({ ending: 'timedOut', cancelRequested: false });
    expect(cancelled).toEqual([]);

    const controller = new AbortController();
    const time = clock();
    const stopped = await followJob(watch, {
      ...base,
      logger: memoryLogger(),
      signal: controller.signal,
      now: time.now,
      sleep: async (ms) => {
        await time.sleep(ms);
        controller.abort();
      },
    });
    expect(stopped).toMatchObject({ ending: 'stopped', cancelRequested: true });
    expect(cancelled).toHaveLength(1);
  });

  test.each(['status', 'readLog'] as const)(
    'cancels the job when the run is cancelled during a poll (%s) that the cancellation aborts',
    async (aborted) => {
      const { watch, cancelled } = scriptedJob(['Running']);
      const controller = new AbortController();
      const abortingPoll = async () => {
        controller.abort();
        throw Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
      };
      const stopped = await followJob(
        { ...watch, [aborted]: abortingPoll },
        { ...base, logger: memoryLogger(), signal: controller.signal, ...clock() },
      );
      expect(stopped).toMatchObject({ ending: 'stopped', cancelRequested: true });
      expect(cancelled).toHaveLength(1);
    },
  );

  test('a failing poll of a run that is not cancelled fails', async () => {
    const { watch, cancelled } = scriptedJob(['Running']);
    const failing = { ...watch, status: () => Promise.reject(new Error('ARM said 500')) };
    await expect(
      followJob(failing, {
        ...base,
        logger: memoryLogger(),
        signal: new AbortController().signal,
        ...clock(),
      }),
    ).rejects.toThrow('ARM said 500');
    expect(cancelled).toEqual([]);
  });

  test('with streamLogs off prints no log but still keeps the tail for a failure', async () => {
    const { watch } = scriptedJob(['Running', 'Failed'], { 'job-1': ['a\n', 'b\nboom'] });
    const logger = memoryLogger();
    const result = await followJob(watch, {
      ...base,
      streamLogs: false,
      logger,
      signal: new AbortController().signal,
      ...clock(),
    });
    expect(
      logger
        .lines()
        .map((l) => l.message)
        .filter((m) => !m.startsWith('[')),
    ).toEqual([]);
    expect(result.logTail).toEqual(['a', 'b', 'boom']);
  });
});

describe('pollInterval', () => {
  it('polls every second for the first 10 s, then slows down to the CLI pace of 10 s after a minute', () => {
    expect([0, 9_999, 10_000, 29_999, 30_000, 59_999, 60_000, 3_600_000].map(pollInterval)).toEqual([
      1_000, 1_000, 2_000, 2_000, 5_000, 5_000, 10_000, 10_000,
    ]);
    // A job followed for an hour costs at most 10 + 10 + 6 + 354 = 380 status reads.
    let polls = 0;
    for (let t = 0; t < 3_600_000; t += pollInterval(t)) polls++;
    expect(polls).toBe(380);
  });
});
