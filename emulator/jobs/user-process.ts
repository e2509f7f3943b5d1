/**
 * The user process of a command job: `/bin/sh -c <command>` in its own process group, so that stopping it
 * (SIGTERM, SIGKILL after a grace period) reaches whatever the command started. When the shell exits, anything
 * left in its group is killed too: as in Azure ML, where the container ends with the job, nothing outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface UserProcessResult {
  /** Exit status, or null when ended by a signal or not started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the shell could not be started. */
  spawnError?: Error;
}

export interface UserProcessOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Output as it arrives, stdout and stderr interleaved in arrival order. */
  onOutput(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
}

/** How long to wait for the pipes to drain after the shell exited before killing what is left of its group. */
const DRAIN_MS = 200;

export class UserProcess {
  readonly exited: Promise<UserProcessResult>;
  private finished = false;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      let result: UserProcessResult | undefined;
      const finish = () => {
        if (this.finished || !result) return;
        this.finished = true;
        this.signalGroup('SIGKILL');
        resolve(result);
      };
      child.once('error', (error) => {
        result ??= { exitCode: null, signal: null, spawnError: error };
        finish();
      });
      child.once('exit', (exitCode, signal) => {
        result = { exitCode, signal };
        setTimeout(finish, DRAIN_MS).unref();
      });
      child.once('close', () => finish());
    });
  }

  static start(options: UserProcessOptions): UserProcess {
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => options.onOutput(chunk, 'stdout'));
    child.stderr?.on('data', (chunk: Buffer) => options.onOutput(chunk, 'stderr'));
    return new UserProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.finished;
  }

  /** SIGTERM to the group, SIGKILL after `graceMs` if it has not exited; resolves when it has. */
  async stop(graceMs = 2000): Promise<UserProcessResult> {
    if (this.running) {
      this.signalGroup('SIGTERM');
      const force = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(force);
      }
    }
    return this.exited;
  }

  /** SIGKILL to the group, synchronously (for the process 'exit' handler). */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}
