import { setTimeout as delay } from 'node:timers/promises';
import type { LoggerPort } from '../platform/ports';

/**
 * Azure ML job states after which nothing more happens. Not `NotResponding` (Azure ML: a run may go from it back to
 * any earlier state) nor `Paused`; every other state (NotStarted, Starting, Provisioning, Preparing, Queued, Running,
 * Finalizing, CancelRequested, Unknown) is logged and followed on.
 */
export const terminalStatuses = new Set(['Completed', 'Failed', 'Canceled']);

/** What following a job needs from Azure (a port: the train step reads ARM and the artifact store). */
export interface JobWatch {
  /** The job's current status (ARM `properties.status`). */
  status(): Promise<string>;
  /** Names of the child jobs (pipeline steps, sweep trials) known so far; empty for a command job. */
  children(): Promise<string[]>;
  /** New text of the job's `user_logs/std_log.txt` from byte `offset`, or undefined while it does not exist. */
  readLog(jobName: string, offset: number): Promise<{ text: string; nextOffset: number } | undefined>;
  /** Asks Azure ML to cancel the job (does not wait for it to be cancelled). */
  cancel(): Promise<void>;
}

export interface FollowOptions {
  readonly jobName: string;
  readonly logger: LoggerPort;
  /** The run's cancellation: when it fires, the job is cancelled (if `cancelOnStop`) and following stops. */
  readonly signal: AbortSignal;
  /** Stop waiting after this long (0 = no limit). */
  readonly timeoutMs: number;
  /** Cancel the Azure ML job on timeout or when the run is cancelled. */
  readonly cancelOnStop: boolean;
  readonly streamLogs: boolean;
  /** Lines of log kept for the failure report. */
  readonly tailLines?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface FollowResult {
  /** The last status seen. */
  readonly status: string;
  readonly durationMs: number;
  /** How following ended: the job ended, the timeout passed, or the run was cancelled. */
  readonly ending: 'ended' | 'timedOut' | 'stopped';
  /** Whether we asked Azure ML to cancel the job. */
  readonly cancelRequested: boolean;
  /** The last lines of the job's log (of the last child that wrote one, for pipelines and sweeps). */
  readonly logTail: readonly string[];
  /** Every status change with when it was seen. */
  readonly history: readonly { readonly status: string; readonly at: string }[];
}

/**
 * Poll interval by how long the job has been followed: every second for the first 10 s (a short job, or one that
 * fails at once, is seen ending within a second), then slower, and every 10 s after a minute as the CLI's stream does.
 */
export function pollInterval(elapsedMs: number): number {
  if (elapsedMs < 10_000) return 1_000;
  if (elapsedMs < 30_000) return 2_000;
  if (elapsedMs < 60_000) return 5_000;
  return 10_000;
}

const STOPPED = Symbol('stopped');

/**
 * Follows a submitted job until it ends: logs each status change with its time, streams every log as it grows
 * (one group per child job), and on timeout or cancellation of the run cancels the job when asked to.
 */
export async function followJob(watch: JobWatch, options: FollowOptions): Promise<FollowResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }));
  const started = now();
  const deadline = options.timeoutMs > 0 ? started + options.timeoutMs : Infinity;
  const logs = new LogStreams(watch, options);
  const history: { status: string; at: string }[] = [];
  let status = '';
  let ending: FollowResult['ending'] = 'ended';
  // The run's cancellation aborts a poll in flight: the job must still be cancelled, as between two polls.
  const unlessStopped = async <T>(poll: () => Promise<T>): Promise<T | typeof STOPPED> => {
    try {
      return await poll();
    } catch (error) {
      if (options.signal.aborted) return STOPPED;
      throw error;
    }
  };
  for (;;) {
    const seen = await unlessStopped(() => watch.status());
    if (seen === STOPPED) {
      ending = 'stopped';
      break;
    }
    if (seen !== status) {
      status = seen;
      const at = new Date(now()).toISOString();
      history.push({ status, at });
      options.logger.info(`[${at}] Job '${options.jobName}' is ${status}.`);
    }
    const pumped =
      options.streamLogs || terminalStatuses.has(status)
        ? await unlessStopped(() => logs.pump(!options.streamLogs))
        : undefined;
    if (terminalStatuses.has(status)) break;
    if (pumped === STOPPED || options.signal.aborted) {
      ending = 'stopped';
      break;
    }
    if (now() >= deadline) {
      ending = 'timedOut';
      break;
    }
    const wait = Math.min(pollInterval(now() - started), Math.max(0, deadline - now()));
    await sleep(wait, options.signal).catch(() => undefined);
    if (options.signal.aborted) {
      ending = 'stopped';
      break;
    }
  }
  let cancelRequested = false;
  if (ending !== 'ended') {
    const why =
      ending === 'timedOut'
        ? `The timeout of ${Math.round(options.timeoutMs / 60_000)} minute(s) was reached`
        : 'The pipeline run was cancelled';
    if (options.cancelOnStop) {
      await watch.cancel();
      cancelRequested = true;
      options.logger.warning(`${why}: job '${options.jobName}' was asked to cancel in Azure ML.`);
    } else {
      options.logger.warning(
        `${why}: job '${options.jobName}' keeps running in Azure ML (cancelOnTimeout is false).`,
      );
    }
  }
  return { status, durationMs: now() - started, ending, cancelRequested, logTail: logs.tail(), history };
}

/** Streams the log of the job and of each child as it grows, keeping the last lines for the failure report. */
class LogStreams {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private lastWriter: string | undefined;
  private readonly tails = new Map<string, string[]>();

  constructor(
    private readonly watch: JobWatch,
    private readonly options: FollowOptions,
  ) {}

  /** Reads what is new in every log; `quiet` keeps it for the tail without printing (streamLogs off). */
  async pump(quiet: boolean): Promise<void> {
    const names = [this.options.jobName, ...(await this.watch.children())];
    for (const name of names) {
      const chunk = await this.watch.readLog(name, this.offsets.get(name) ?? 0);
      if (!chunk || chunk.text.length === 0) continue;
      this.offsets.set(name, chunk.nextOffset);
      const text = (this.partial.get(name) ?? '') + chunk.text;
      const lines = text.split('\n');
      this.partial.set(name, lines.pop() ?? '');
      if (lines.length === 0) continue;
      this.keep(name, lines);
      if (quiet) continue;
      const child = name !== this.options.jobName;
      if (child) this.options.logger.startGroup(`Log of ${name}`);
      for (const line of lines) this.options.logger.info(line);
      if (child) this.options.logger.endGroup();
    }
  }

  tail(): string[] {
    if (!this.lastWriter) return [];
    const rest = this.partial.get(this.lastWriter);
    const lines = [...(this.tails.get(this.lastWriter) ?? []), ...(rest ? [rest] : [])];
    return lines.slice(-(this.options.tailLines ?? 30));
  }

  private keep(name: string, lines: string[]): void {
    const kept = [...(this.tails.get(name) ?? []), ...lines];
    this.tails.set(name, kept.slice(-(this.options.tailLines ?? 30)));
    this.lastWriter = name;
  }
}
