/** What the job kinds (command, pipeline, sweep) share: the emulator's parts, status changes, child jobs. */
import type { ArmEmulator } from '../arm/index';
import {
  TERMINAL_JOB_STATUSES,
  type JobError,
  type JobStatus,
  type MachineLearningJobsEmulator,
} from '../arm/ml-jobs';
import { properties } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import type { MlflowEmulator, RunStatus } from '../mlflow';
import type { BlobStore } from './blob-store';
import { JobStopped, type JobHandle } from './job-handle';
import type { UserProcess } from './user-process';
import { WorkspacePaths } from './workspace-paths';

export type FinalStatus = 'Completed' | 'Failed' | 'Canceled';

export interface JobOutcome {
  status: FinalStatus;
  error?: JobError;
}

export const MLFLOW_STATUS: Record<FinalStatus, RunStatus> = {
  Completed: 'FINISHED',
  Failed: 'FAILED',
  Canceled: 'KILLED',
};

export interface RunnerContext {
  readonly arm: ArmEmulator;
  readonly jobs: MachineLearningJobsEmulator;
  readonly mlflow: MlflowEmulator;
  readonly blobs: BlobStore;
  /** Pause between the early states, so that a poller sees each of them (ms). */
  readonly paceMs: number;
  /** Upper bound of sweep trials running at once. */
  readonly maxConcurrentTrials: number;
  /** Temp folder of the runner: one subfolder per job. */
  readonly root: string;
  /** Folder put first on PATH (the `python` → `python3` shim). */
  readonly binDir: string;
  /** Keeps a user process known (close(), the exit handler) while it runs. */
  track(jobName: string, process: UserProcess): void;
  /** Runs a child job (a pipeline step, a sweep trial) to its end under `parent`; `params` go to its MLflow run. */
  runChild(parent: JobHandle, child: StoredResource, params?: Record<string, string>): Promise<JobOutcome>;
}

export function workspaceIdOfJob(job: StoredResource): string {
  return job.id.slice(0, job.id.toLowerCase().lastIndexOf('/jobs/'));
}

export function pathsOf(ctx: RunnerContext, job: StoredResource): WorkspacePaths {
  return new WorkspacePaths(ctx.arm, ctx.blobs, workspaceIdOfJob(job));
}

/**
 * Moves the job to `status` unless it was stopped (throws JobStopped), deleted (stops it) or has a requested
 * cancellation; `Running` also marks its MLflow run RUNNING.
 */
export function advance(ctx: RunnerContext, handle: JobHandle, status: JobStatus): void {
  handle.throwIfStopped();
  const job = ctx.arm.store.get(handle.id);
  if (!job) {
    handle.stop('deleted');
    throw new JobStopped('deleted');
  }
  if (properties(job)['status'] === 'CancelRequested') return;
  ctx.jobs.setStatus(handle.id, status);
  if (status === 'Running') setRunStatus(ctx, handle.name, 'RUNNING');
}

/** Sets the final status (unless the job already has one, e.g. `Canceled` set by the cancel operation). */
export function finish(ctx: RunnerContext, handle: JobHandle, outcome: JobOutcome): void {
  const job = ctx.arm.store.get(handle.id);
  if (job && !TERMINAL_JOB_STATUSES.includes(String(properties(job)['status']))) {
    ctx.jobs.setStatus(handle.id, outcome.status, outcome.error);
  }
  setRunStatus(ctx, handle.name, MLFLOW_STATUS[outcome.status]);
}

function setRunStatus(ctx: RunnerContext, runId: string, status: RunStatus): void {
  try {
    ctx.mlflow.setRunStatus(runId, status);
  } catch {
    // No MLflow run (it could not be created): the job status still tells.
  }
}
