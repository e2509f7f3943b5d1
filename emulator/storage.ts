/**
 * Azure Storage for the emulator: Azurite's blob service, started as a child process over HTTPS with the
 * emulator's server certificate (so the emulator CA covers it too), in-memory, on a random port.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Azurite's built-in account and its well-known key (public, documented by Azurite; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A storage account as the steps reach it. */
export interface BlobAccount {
  readonly accountName: string;
  readonly accountKey: string;
  /** Blob service URL of the account (Azurite: path style, `https://127.0.0.1:<port>/<account>`). */
  readonly blobUrl: string;
}

export interface BlobStorage extends BlobAccount {
  /** Process id of the Azurite child process. */
  readonly pid: number;
  /** How long Azurite took from spawn to listening, in milliseconds. */
  readonly startupMs: number;
  /** Stops Azurite and waits for the process to exit. Idempotent. */
  close(): Promise<void>;
}

export interface BlobStorageOptions {
  certPath: string;
  keyPath: string;
  /** How long to wait for Azurite to listen (default AZURITE_START_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Azurite could not be started. */
export class BlobStorageStartError extends Error {
  override readonly name = 'BlobStorageStartError';
}

/**
 * Azurite starts in about a second on an idle machine, but two jest workers beside other processes on 2 cores have
 * taken over 20 s: the limit only catches an Azurite that will never listen.
 */
export const AZURITE_START_TIMEOUT_MS = 60_000;

const READY = /successfully listens on (https:\/\/127\.0\.0\.1:(\d+))/;

/**
 * Loaded into the Azurite process before its main module: exit when our end of its stdin closes. That happens
 * when the parent dies in any way (even SIGKILL of a jest worker), so no Azurite outlives the tests; `close()`
 * ends stdin on purpose for the same quick exit (Azurite's own SIGTERM handler waits for open connections).
 */
const WATCHDOG =
  'data:text/javascript,process.stdin.on("end",()=>process.exit(0)).on("error",()=>process.exit(0)).resume();';

export async function startBlobStorage(options: BlobStorageOptions): Promise<BlobStorage> {
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      WATCHDOG,
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--silent',
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
      '--cert',
      options.certPath,
      '--key',
      options.keyPath,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: false, windowsHide: true },
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // A parent exiting normally (process.exit included) takes Azurite with it synchronously.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        // Referenced again while waiting: a caller awaiting close() must see Azurite gone, not a process exit.
        child.ref();
        child.stdin.end();
        const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(force);
      }
    })();
    return closing;
  };

  try {
    const url = await waitUntilListening(child, exited, options.timeoutMs ?? AZURITE_START_TIMEOUT_MS);
    // From here on Azurite must not keep the parent alive: the exit handler and the watchdog stop it.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as { unref?: () => void }).unref?.();
    return {
      accountName: AZURITE_ACCOUNT_NAME,
      accountKey: AZURITE_ACCOUNT_KEY,
      blobUrl: `${url}/${AZURITE_ACCOUNT_NAME}`,
      pid: child.pid ?? 0,
      startupMs: Date.now() - started,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function waitUntilListening(
  child: ChildProcessWithoutNullStreams,
  exited: Promise<void>,
  timeoutMs: number,
): Promise<string> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
  });
  const lines = createInterface({ input: child.stdout });
  const output: string[] = [];
  return new Promise<string>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      lines.close();
      const details = [...output.slice(-5), stderr.trim()].filter((s) => s.length > 0).join('\n');
      reject(new BlobStorageStartError(`Azurite (blob) ${reason}.${details ? `\n${details}` : ''}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    lines.on('line', (line) => {
      output.push(line);
      const match = READY.exec(line);
      if (!match?.[1]) return;
      clearTimeout(timer);
      // Keep draining stdout so Azurite never blocks on a full pipe.
      lines.removeAllListeners('line');
      resolve(match[1]);
    });
    child.once('error', (error) => fail(`could not be spawned: ${error.message}`));
    void exited.then(() =>
      fail(`exited before listening (code ${String(child.exitCode)}, signal ${String(child.signalCode)})`),
    );
  });
}
