/**
 * Profiling one side on a worker thread, so baseline and current are read on two cores at once.
 *
 * Design. The tasks and actions ship as bundles with no separate worker file: the worker runs the bundle chunk
 * this module is in (`new Worker(__filename)`, `__filename` being that chunk), with a marker in `workerData`.
 * Loading the chunk evaluates this module, which sees the marker and runs the job. Should the chunk load the
 * entry, the entry must not start the step on that thread: the adapters run the step only when `isMainThread`,
 * and otherwise load what the step's `inWorker` names (this module's chunk).
 * From TypeScript sources: under tsx (local runs) the worker is an eval'd `require` of this file after
 * tsx's CommonJS hook; under jest, whose module system a worker cannot share,
 * `canUseWorkers()` is false and both sides are profiled in-process, one after the other.
 * Results come back by structured clone, the sample buffers transferred rather than copied; errors come back
 * as their kind, message and location and are rebuilt as the same StepError class.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DatasetProfile } from '../model';
import { CancelledError, DataError, InputError, StepError, type SourceLocation } from '../../step/errors';
import { profileFiles, type ProfileJob } from './profile-files';

const MARKER = 'azureml-steps/drift-profile-worker';

interface JobMessage {
  readonly [MARKER]: ProfileJob;
}

type Reply =
  | { readonly ok: true; readonly profile: DatasetProfile }
  | {
      readonly ok: false;
      readonly kind?: string;
      readonly message: string;
      readonly input?: string;
      readonly location?: SourceLocation;
    };

/** True on a thread started to profile one side (its entry must not run the step). */
export function isProfileWorker(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && MARKER in workerData;
}

const runningFromBundle = /\.m?js$/.test(__filename);
const underTsx = process.execArgv.some((arg) => arg.includes('tsx'));

/** tsx's CommonJS hook, which `--import tsx` installs on the main thread only (name built so bundlers skip it). */
function tsxRequireHook(): string {
  return require.resolve(['tsx', 'cjs'].join('/'));
}

/** Whether this process can start a profiling worker: from the bundle, or from sources under tsx. */
export function canUseWorkers(): boolean {
  return isMainThread && (runningFromBundle || underTsx);
}

/** Profiles one side on a worker thread; the signal terminates the worker. */
export function profileInWorker(job: ProfileJob, signal?: AbortSignal): Promise<DatasetProfile> {
  const data: JobMessage = { [MARKER]: job };
  const worker = runningFromBundle
    ? new Worker(__filename, { workerData: data })
    : new Worker(`require(${JSON.stringify(tsxRequireHook())}); require(${JSON.stringify(__filename)});`, {
        eval: true,
        workerData: data,
      });
  return new Promise<DatasetProfile>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      settled = true;
      void worker.terminate();
      reject(
        signal?.reason instanceof StepError
          ? signal.reason
          : new CancelledError('The run was cancelled while reading data.'),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    worker.once('message', (reply: Reply) =>
      finish(() => (reply.ok ? resolve(reply.profile) : reject(rebuildError(reply)))),
    );
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) =>
      finish(() =>
        reject(
          new Error(`the profiling worker for ${job.inputName} stopped (exit code ${code}) without a result`),
        ),
      ),
    );
  });
}

function rebuildError(reply: Extract<Reply, { ok: false }>): Error {
  switch (reply.kind) {
    case 'input':
      return new InputError(reply.input ?? '', reply.message, reply.location);
    case 'data':
      return new DataError(reply.message, reply.location);
    case 'cancelled':
      return new CancelledError(reply.message, reply.location);
    default:
      return new Error(reply.message);
  }
}

async function runJob(job: ProfileJob): Promise<void> {
  const port = parentPort!;
  try {
    const profile = await profileFiles(job);
    const buffers = profile.columns.flatMap((column) =>
      column.numeric ? [column.numeric.sample.buffer as ArrayBuffer] : [],
    );
    port.postMessage({ ok: true, profile } satisfies Reply, buffers);
  } catch (error) {
    const reply: Reply =
      error instanceof StepError
        ? {
            ok: false,
            kind: error.kind,
            message: error.message,
            ...(error instanceof InputError ? { input: error.input } : {}),
            ...(error.location ? { location: error.location } : {}),
          }
        : { ok: false, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
}

if (isProfileWorker()) void runJob((workerData as JobMessage)[MARKER]);
