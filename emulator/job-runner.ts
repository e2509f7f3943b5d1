/**
 * Runs the Azure ML jobs PUT to the emulator, for real and locally (docs/architecture.md): command jobs as processes
 * on this machine (code and inputs downloaded from Azurite, the log streamed to the artifact store, metrics to
 * MLflow, outputs uploaded), pipeline jobs step by step and sweep jobs trial by trial as child command jobs;
 * AutoML and Spark jobs through stand-ins that produce the documented shape of their results.
 * The contract is in README.md ("Running jobs"); the job kinds live in `jobs/`.
 *
 *   const runner = new JobRunner({ arm, jobs, mlflow, blob, caPem });
 *   runner.attach();            // jobs.onCreated → start, jobs.onCancelRequested → cancel
 *   await runner.whenDone('job-name');
 *   await runner.close();       // stops what runs, removes the temp folder
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArmEmulator } from './arm/index';
import type { MachineLearningJobsEmulator } from './arm/ml-jobs';
import { properties } from './arm/resource';
import type { StoredResource } from './arm/store';
import { BlobStore } from './jobs/blob-store';
import { runCommandJob } from './jobs/command-job';
import { finish, pathsOf, workspaceIdOfJob, type JobOutcome, type RunnerContext } from './jobs/context';
import { JobFailure, JobHandle, JobStopped, sleep, type StopReason } from './jobs/job-handle';
import { runAutoMLJob } from './jobs/automl-job';
import { PARALLEL_DRIVER } from './jobs/parallel-step';
import { writePythonShims } from './jobs/python-shims';
import { runPipelineJob } from './jobs/pipeline-job';
import { runSparkJob } from './jobs/spark-job';
import { runSweepJob } from './jobs/sweep-job';
import type { UserProcess } from './jobs/user-process';
import type { MlflowEmulator } from './mlflow';
import type { BlobAccount } from './storage';

export interface JobRunnerOptions {
  arm: ArmEmulator;
  jobs: MachineLearningJobsEmulator;
  mlflow: MlflowEmulator;
  /** The storage account behind the datastores (Azurite). */
  blob: BlobAccount;
  /** CA that Azurite's certificate chains to. */
  caPem: string;
  /** Pause between the early states (default 150 ms), so that pollers see each. */
  paceMs?: number;
  /** Most sweep trials running at once (default 2). */
  maxConcurrentTrials?: number;
}

/** Where a failed job's error is written in the artifact store (GET of a 2022-10-01 job cannot show it). */
export const ERROR_FILE = 'error.json';
/** How long close() waits for stopped jobs to settle before killing what is left. */
const CLOSE_WAIT_MS = 5_000;

export class JobRunner {
  paceMs: number;
  maxConcurrentTrials: number;
  private readonly root: string;
  private readonly binDir: string;
  private readonly blobs: BlobStore;
  private readonly handles = new Map<string, JobHandle>();
  private readonly runs = new Map<string, Promise<JobOutcome>>();
  private readonly processes = new Map<string, UserProcess>();
  private closing: Promise<void> | undefined;
  /** `python` and `python3` in binDir, written before the first job runs (not at start: most emulators run none). */
  private pythonShims: Promise<void> | undefined;
  /** A parent process exiting without close() still takes the user processes with it. */
  private readonly killAll = () => {
    for (const user of this.processes.values()) user.killNow();
  };

  constructor(private readonly options: JobRunnerOptions) {
    this.paceMs = options.paceMs ?? 150;
    this.maxConcurrentTrials = options.maxConcurrentTrials ?? 2;
    this.blobs = new BlobStore(options.blob, options.caPem);
    this.root = mkdtempSync(join(tmpdir(), 'aml-jobs-'));
    this.binDir = join(this.root, 'bin');
    mkdirSync(this.binDir);
    // Parallel steps run their entry script through this driver (jobs/parallel-step.ts).
    copyFileSync(join(__dirname, 'jobs', 'parallel_driver.py'), join(this.binDir, PARALLEL_DRIVER));
    chmodSync(join(this.binDir, PARALLEL_DRIVER), 0o755);
    process.once('exit', this.killAll);
  }

  /** Runs every job created from now on, and stops a job when its cancellation is requested. */
  attach(): void {
    this.options.jobs.onCreated = (job) => this.start(job);
    this.options.jobs.onCancelRequested = (job) => void this.cancel(job.id);
  }

  /** Starts running a job (normally called by `jobs.onCreated`). */
  start(job: StoredResource): void {
    void this.launch(job).catch(() => undefined);
  }

  /** Stops a running job (its process, or its child jobs); false when it is not running. */
  cancel(jobId: string): boolean {
    const handle = this.handles.get(jobId.toLowerCase());
    handle?.stop('canceled');
    return handle !== undefined;
  }

  /** The outcome of a job (by name) once it has ended; rejects for a job this runner never started. */
  whenDone(jobName: string): Promise<JobOutcome> {
    const run = this.runs.get(jobName.toLowerCase());
    return run ?? Promise.reject(new Error(`The job runner did not start a job named '${jobName}'.`));
  }

  /** Process id of a command job's user process (`/bin/sh -c ...`, its group leader) while it runs. */
  pidOf(jobName: string): number | undefined {
    return this.processes.get(jobName.toLowerCase())?.pid;
  }

  /** Names of the jobs whose user process is running. */
  runningProcesses(): string[] {
    return [...this.processes.keys()];
  }

  /** Stops every running job (Canceled), waits for them, kills what is left and removes the temp folder. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const handle of this.handles.values()) handle.stop('closing');
      const waited = new AbortController();
      await Promise.race([Promise.allSettled(this.runs.values()), sleep(CLOSE_WAIT_MS, waited.signal)]);
      waited.abort();
      this.killAll();
      process.off('exit', this.killAll);
      rmSync(this.root, { recursive: true, force: true });
    })();
    return this.closing;
  }

  private get context(): RunnerContext {
    return {
      arm: this.options.arm,
      jobs: this.options.jobs,
      mlflow: this.options.mlflow,
      blobs: this.blobs,
      paceMs: this.paceMs,
      maxConcurrentTrials: this.maxConcurrentTrials,
      root: this.root,
      binDir: this.binDir,
      track: (jobName, user) => {
        const key = jobName.toLowerCase();
        this.processes.set(key, user);
        void user.exited.then(() => {
          if (this.processes.get(key) === user) this.processes.delete(key);
        });
      },
      runChild: (parent, child, params) => this.launch(child, parent, params),
    };
  }

  private launch(
    job: StoredResource,
    parent?: JobHandle,
    params?: Record<string, string>,
  ): Promise<JobOutcome> {
    const name = String(job.body['name']);
    const handle = new JobHandle(job.id, name);
    if (parent) {
      parent.children.add(handle);
      if (parent.reason) handle.stop(parent.reason === 'timeout' ? 'canceled' : parent.reason);
    }
    if (this.closing) handle.stop('closing');
    this.handles.set(job.id.toLowerCase(), handle);
    const run = this.execute(job, handle, parent?.name, params).finally(() => {
      this.handles.delete(job.id.toLowerCase());
      parent?.children.delete(handle);
    });
    this.runs.set(name.toLowerCase(), run);
    return run;
  }

  private async execute(
    job: StoredResource,
    handle: JobHandle,
    parentRunId: string | undefined,
    params: Record<string, string> | undefined,
  ): Promise<JobOutcome> {
    const ctx = this.context;
    this.createMlflowRun(job, parentRunId, params);
    let outcome: JobOutcome;
    try {
      this.pythonShims ??= writePythonShims(this.binDir);
      // The PUT answers NotStarted: nothing changes before it has been answered.
      await Promise.all([handle.pause(this.paceMs), this.pythonShims]);
      outcome = await this.runByType(ctx, job, handle);
    } catch (error) {
      outcome = outcomeOfError(error, handle.reason);
    }
    // Written before the final status: a client that sees Failed can read the error at once.
    if (outcome.error && handle.reason !== 'deleted' && handle.reason !== 'closing') {
      await this.writeError(ctx, job, outcome).catch(() => undefined);
    }
    finish(ctx, handle, outcome);
    return outcome;
  }

  private runByType(ctx: RunnerContext, job: StoredResource, handle: JobHandle): Promise<JobOutcome> {
    const jobType = String(properties(job)['jobType']);
    if (jobType === 'Command') return runCommandJob(ctx, job, handle);
    if (jobType === 'Pipeline') return runPipelineJob(ctx, job, handle);
    if (jobType === 'Sweep') return runSweepJob(ctx, job, handle);
    // Stand-ins (README, "AutoML and Spark jobs: stand-ins"): the documented shape of the results.
    if (jobType === 'AutoML') return runAutoMLJob(ctx, job, handle);
    if (jobType === 'Spark') return runSparkJob(ctx, job, handle);
    throw new JobFailure(`The emulator does not run ${jobType} jobs.`);
  }

  /** The job's MLflow run: run id = job name, its experiment, `mlflow.parentRunId` for a child job. */
  private createMlflowRun(job: StoredResource, parentRunId?: string, params?: Record<string, string>): void {
    const props = properties(job);
    const name = String(job.body['name']);
    try {
      this.options.mlflow.createRun({
        workspaceId: workspaceIdOfJob(job),
        runId: name,
        experimentName: String(props['experimentName'] ?? 'Default'),
        runName: String(props['displayName'] ?? name),
        status: 'SCHEDULED',
        ...(parentRunId ? { parentRunId } : {}),
      });
      for (const [key, value] of Object.entries(params ?? {})) this.options.mlflow.logParam(name, key, value);
    } catch {
      // A run with that id exists (a job deleted and submitted again under its name): it is reused.
    }
  }

  /** `ExperimentRun/dcid.<job>/error.json` in the artifact store: `{"error": {code, message}, "time"}`. */
  private async writeError(ctx: RunnerContext, job: StoredResource, outcome: JobOutcome): Promise<void> {
    const location = pathsOf(ctx, job).artifact(String(job.body['name']), ERROR_FILE);
    const body = {
      error: { ...outcome.error, details: [] },
      status: outcome.status,
      time: new Date().toISOString(),
    };
    await this.blobs.uploadText(location, `${JSON.stringify(body, null, 2)}\n`);
  }
}

function outcomeOfError(error: unknown, reason: StopReason | undefined): JobOutcome {
  const stopped = reason ?? (error instanceof JobStopped ? error.reason : undefined);
  if (stopped === 'timeout') {
    return {
      status: 'Canceled',
      error: {
        code: 'JobTimeout',
        message: "The job ran longer than its time limit ('limits.timeout') and was canceled.",
      },
    };
  }
  if (stopped) return { status: 'Canceled' };
  if (error instanceof JobFailure)
    return { status: 'Failed', error: { code: error.code, message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 'Failed',
    error: { code: 'SystemError', message: `The emulator could not run the job: ${message}` },
  };
}
