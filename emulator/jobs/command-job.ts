/**
 * Runs a Command job for real, in Azure ML's documented order of states: Starting → Preparing (code, inputs,
 * outputs) → Queued (held longer by the compute's `emulator.queueSeconds` tag) → Running (`/bin/sh -c <command>`
 * in the code folder; the log streamed to the artifact store, metrics forwarded to MLflow) → Finalizing (outputs
 * uploaded) → Completed | Failed. (`Provisioning` is documented as "not used currently": the emulator skips it.)
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { constants } from 'node:os';
import { isObject, properties } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { JOB_PHASE_SECONDS } from '../arm/timing-profile';
import { renderCommand } from './command-line';
import { afterUploads, prepareJobFiles, uploadOutputs, type PreparedOutput } from './command-io';
import { advance, pathsOf, type JobOutcome, type RunnerContext } from './context';
import type { JobHandle } from './job-handle';
import { LogBlob } from './log-blob';
import { MetricsFile } from './metrics-file';
import { nodeForJob, requestedNodeImage } from './node-environment';
import { durationMs, objectField, stringField } from './rest';
import { UserProcess, type UserProcessResult } from './user-process';

/** Tag of a compute that keeps its jobs `Queued` this many seconds (to exercise timeouts in tests). */
export const QUEUE_SECONDS_TAG = 'emulator.queueSeconds';
export const STD_LOG = 'user_logs/std_log.txt';
/** How much of stderr is kept for the error message (its last line). */
const STDERR_TAIL = 8 * 1024;

/** How long the profile's phase takes (`arm/timing-profile.ts`), scaled by the emulator's time factor. */
function phaseMs(ctx: RunnerContext, phase: keyof typeof JOB_PHASE_SECONDS): number {
  return JOB_PHASE_SECONDS[phase] * ctx.arm.operations.timeFactor * 1000;
}

export async function runCommandJob(
  ctx: RunnerContext,
  job: StoredResource,
  handle: JobHandle,
): Promise<JobOutcome> {
  const props = properties(job);
  const paths = pathsOf(ctx, job);
  advance(ctx, handle, 'Starting');
  await handle.pause(ctx.paceMs + phaseMs(ctx, 'starting'));
  advance(ctx, handle, 'Preparing');
  const preparing = Date.now();
  const dir = join(ctx.root, 'jobs', handle.name);
  try {
    const { codeDir, inputs, outputs } = await prepareJobFiles(
      paths,
      ctx.blobs,
      { name: handle.name, props, inputs: props['inputs'] },
      dir,
      () => handle.throwIfStopped(),
    );
    const command = renderCommand(String(props['command'] ?? ''), {
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.value])),
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.localPath])),
    });
    const image = await requestedNodeImage(ctx, stringField(props, 'environmentId'));
    const node = image ? await nodeForJob(dir, image) : undefined;
    const env = jobEnvironment(ctx, job, dir, inputs, outputs, node?.binDir);
    await mkdir(join(dir, 'home'), { recursive: true });
    await handle.pause(ctx.paceMs + phaseMs(ctx, 'preparing') - (Date.now() - preparing));
    advance(ctx, handle, 'Queued');
    await handle.pause(ctx.paceMs + phaseMs(ctx, 'queued') + queueDelayMs(ctx, props['computeId']));
    const logAt = paths.artifact(handle.name, STD_LOG);
    const log = await LogBlob.open(ctx.blobs.container(logAt.container).getAppendBlobClient(logAt.path));
    if (node) log.write(node.note);
    const timeoutMs = durationMs(objectField(props, 'limits')['timeout']);
    let result: UserProcessResult;
    let stderr: string;
    let failedUploads: string[];
    try {
      advance(ctx, handle, 'Running');
      ({ result, stderr } = await runUserProcess(ctx, handle, {
        command,
        cwd: codeDir,
        env,
        log,
        timeoutMs,
      }));
      handle.throwIfStopped();
      advance(ctx, handle, 'Finalizing');
      failedUploads = await uploadOutputs(ctx.blobs, outputs);
    } finally {
      await log.close();
    }
    const outcome = outcomeOf(command, result, stderr);
    return outcome.status === 'Completed' ? afterUploads(failedUploads) : outcome;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function queueDelayMs(ctx: RunnerContext, computeId: unknown): number {
  const compute = typeof computeId === 'string' ? ctx.arm.store.get(computeId) : undefined;
  const tags = isObject(compute?.body['tags']) ? compute.body['tags'] : {};
  const seconds = Number(tags[QUEUE_SECONDS_TAG]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/**
 * A clean environment: PATH (the `python` shim first), HOME, UTF-8 and unbuffered Python (so the log streams
 * as the script prints), the job's `environmentVariables`, then what Azure ML sets for a run.
 */
function jobEnvironment(
  ctx: RunnerContext,
  job: StoredResource,
  dir: string,
  inputs: Record<string, { value: string }>,
  outputs: Record<string, PreparedOutput>,
  /** First on PATH: the `node` of a Node environment (node-environment.ts). */
  nodeBinDir?: string,
): Record<string, string> {
  const props = properties(job);
  const name = String(job.body['name']);
  const [, subscription = '', resourceGroup = '', workspace = ''] =
    /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/.*\/workspaces\/([^/]+)\//i.exec(job.id) ?? [];
  const user: Record<string, string> = {};
  for (const [key, value] of Object.entries(
    objectField(props, 'environmentVariables', 'environment_variables'),
  )) {
    if (value !== null && value !== undefined) user[key] = String(value);
  }
  return {
    PATH: `${nodeBinDir ? `${nodeBinDir}:` : ''}${ctx.binDir}:${process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`,
    HOME: join(dir, 'home'),
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    ...user,
    AZUREML_RUN_ID: name,
    MLFLOW_RUN_ID: name,
    MLFLOW_EXPERIMENT_NAME: String(props['experimentName'] ?? 'Default'),
    AZUREML_ARM_SUBSCRIPTION: subscription,
    AZUREML_ARM_RESOURCEGROUP: resourceGroup,
    AZUREML_ARM_WORKSPACE_NAME: workspace,
    AZUREML_STEPS_METRICS_FILE: join(dir, 'metrics.jsonl'),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`AZURE_ML_INPUT_${k}`, v.value])),
    ...Object.fromEntries(Object.entries(outputs).map(([k, v]) => [`AZURE_ML_OUTPUT_${k}`, v.localPath])),
  };
}

interface ProcessSpec {
  command: string;
  cwd: string;
  env: Record<string, string>;
  log: LogBlob;
  /** `limits.timeout`: the job is stopped (Canceled) when the command runs longer. */
  timeoutMs: number | undefined;
}

/** Runs the command to its end (or until the job is stopped), streaming output and metrics. */
async function runUserProcess(
  ctx: RunnerContext,
  handle: JobHandle,
  spec: ProcessSpec,
): Promise<{ result: UserProcessResult; stderr: string }> {
  const timer = spec.timeoutMs ? setTimeout(() => handle.stop('timeout'), spec.timeoutMs) : undefined;
  let stderr = '';
  const metrics = new MetricsFile(
    spec.env['AZUREML_STEPS_METRICS_FILE'] ?? '',
    (m) => {
      try {
        ctx.mlflow.logMetric(handle.name, m.name, m.value, m.step, m.timestamp);
      } catch {
        // The MLflow run is gone (workspace deleted): nothing to log to.
      }
    },
    (line) => spec.log.write(`Ignored a line of the metrics file that is not a metric: ${line}\n`),
  );
  const user = UserProcess.start({
    command: spec.command,
    cwd: spec.cwd,
    env: spec.env,
    onOutput: (chunk, stream) => {
      spec.log.write(chunk);
      if (stream === 'stderr') stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    },
  });
  ctx.track(handle.name, user);
  metrics.start();
  const stop = () => void user.stop();
  handle.signal.addEventListener('abort', stop, { once: true });
  if (handle.signal.aborted) stop();
  try {
    const result = await user.exited;
    return { result, stderr };
  } finally {
    handle.signal.removeEventListener('abort', stop);
    clearTimeout(timer);
    await metrics.stop();
  }
}

/** Completed on exit 0; otherwise Failed with Azure ML's message (the last line of stderr as the error). */
function outcomeOf(command: string, result: UserProcessResult, stderr: string): JobOutcome {
  if (result.exitCode === 0) return { status: 'Completed' };
  if (result.spawnError) {
    return {
      status: 'Failed',
      error: {
        code: 'SystemError',
        message: `Execution failed. The user process could not be started: ${result.spawnError.message}`,
      },
    };
  }
  const code = result.exitCode ?? 128 + (result.signal ? (constants.signals[result.signal] ?? 0) : 0);
  const lastLine = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  return {
    status: 'Failed',
    error: {
      code: 'UserError',
      message:
        `Execution failed. User process '${processName(command)}' exited with status code ${code}. Please check ` +
        `log file '${STD_LOG}' for error details.${lastLine ? ` Error: ${lastLine}` : ''}`,
    },
  };
}

/** The program the command starts (`python` for `python train.py ...`), as Azure ML names the user process. */
function processName(command: string): string {
  const words = command
    .trim()
    .split(/\s+/)
    .filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return basename((words[0] ?? 'sh').replace(/^["']|["']$/g, ''));
}
