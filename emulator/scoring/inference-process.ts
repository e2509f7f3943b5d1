/**
 * One local inference server (`inference_server.py`: the Azure ML inference-server contract) on 127.0.0.1, in its
 * own process group (`jobs/user-process.ts`). It is ready once `GET /` answers 200; its stdout and stderr, in
 * arrival order, are its log.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep } from '../jobs/job-handle';
import { UserProcess } from '../jobs/user-process';
import { shellQuote } from '../shell-quote';

export const SERVER_SCRIPT = join(__dirname, 'inference_server.py');

/** Kept per server; older output is dropped first. */
const MAX_LOG_CHARS = 1024 * 1024;
const PROBE_INTERVAL_MS = 50;

export interface InferenceServerOptions {
  /** `AML_APP_ROOT`: the scoring code folder. */
  appRoot: string;
  /** `AZUREML_ENTRY_SCRIPT`, relative to `appRoot`. */
  entryScript: string;
  /** `AZUREML_MODEL_DIR`. */
  modelDir: string;
  port: number;
  /** The Python interpreter (`python3Interpreter()`). */
  python: string;
  /** HOME of the process (a folder of its own). */
  home: string;
  /** More environment (a deployment's `environmentVariables`), under the variables above. */
  env?: Record<string, string>;
  /** Called with the whole log each time it grows. */
  onLog?: (log: string) => void;
}

export type ServerStart =
  { ok: true } | { ok: false; reason: 'exited'; exitCode: number | null } | { ok: false; reason: 'timeout' };

/** A free TCP port on 127.0.0.1 (the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class InferenceServer {
  readonly url: string;
  readonly port: number;
  private readonly process: UserProcess;
  private text = '';

  constructor(options: InferenceServerOptions) {
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
    this.process = UserProcess.start({
      command: `exec ${shellQuote(options.python)} ${shellQuote(SERVER_SCRIPT)} --port ${options.port}`,
      cwd: options.appRoot,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: options.home,
        LANG: 'C.UTF-8',
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        ...options.env,
        AML_APP_ROOT: options.appRoot,
        AZUREML_ENTRY_SCRIPT: options.entryScript,
        AZUREML_MODEL_DIR: options.modelDir,
      },
      onOutput: (chunk) => {
        this.text = (this.text + chunk.toString('utf8')).slice(-MAX_LOG_CHARS);
        options.onLog?.(this.text);
      },
    });
  }

  get log(): string {
    return this.text;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Waits until `GET /` answers 200, the process exits, or `timeoutMs` passes. */
  async ready(timeoutMs: number): Promise<ServerStart> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.process.running) {
        return { ok: false, reason: 'exited', exitCode: (await this.process.exited).exitCode };
      }
      if (await this.healthy()) return { ok: true };
      await sleep(PROBE_INTERVAL_MS);
    }
    return { ok: false, reason: 'timeout' };
  }

  /** SIGTERM to its process group, SIGKILL after a grace period; resolves once it has exited. */
  async stop(graceMs = 1000): Promise<void> {
    await this.process.stop(graceMs);
  }

  killNow(): void {
    this.process.killNow();
  }

  private healthy(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: '/', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  }
}
