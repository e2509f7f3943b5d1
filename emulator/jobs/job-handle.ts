/** A running job's stop switch, shared by the job, its user process and its child jobs. */

/** Why a job stops before its own end. */
export type StopReason = 'canceled' | 'timeout' | 'closing' | 'deleted' | 'sibling-failed';

/** Thrown at a checkpoint of a job that was stopped. */
export class JobStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`The job was stopped (${reason}).`);
  }
}

/** A user error that fails the job with this message (code `UserError` unless given). */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly code = 'UserError',
  ) {
    super(message);
  }
}

export class JobHandle {
  private readonly controller = new AbortController();
  private stopReason: StopReason | undefined;
  readonly children = new Set<JobHandle>();

  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): StopReason | undefined {
    return this.stopReason;
  }

  /** Stops the job and every child job it started (the first reason wins). */
  stop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.controller.abort();
    for (const child of this.children) child.stop(reason === 'timeout' ? 'canceled' : reason);
  }

  throwIfStopped(): void {
    if (this.stopReason) throw new JobStopped(this.stopReason);
  }

  /** Waits `ms` (returns early when the job is stopped), then throws if it was. */
  async pause(ms: number): Promise<void> {
    await sleep(ms, this.signal);
    this.throwIfStopped();
  }
}

/** Resolves after `ms` or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
