/**
 * What the AutoML and Spark stand-ins share (README, "AutoML and Spark jobs: stand-ins"): the states of a job
 * (Starting → Preparing → Queued → Running → Finalizing → Completed), the code snapshot and inputs fetched as a
 * command job fetches them (a missing code or input fails the job the same way), a fresh folder per output
 * uploaded at the end, and log files written to the run's artifacts. What happens while Running is the caller's.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { properties } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import {
  afterUploads,
  prepareJobFiles,
  uploadOutputs,
  type PreparedInput,
  type PreparedOutput,
} from './command-io';
import { advance, pathsOf, type JobOutcome, type RunnerContext } from './context';
import type { JobHandle } from './job-handle';

export interface StandInRun {
  codeDir: string;
  inputs: Record<string, PreparedInput>;
  outputs: Record<string, PreparedOutput>;
  /** Appends `text` to the run's artifact `path` (e.g. `logs/azureml/driver/stdout`), written at the end. */
  log(path: string, text: string): void;
}

/** Runs `body` as the Running phase of a stand-in job; `inputs` are the job's (or extra, e.g. training data). */
export async function runStandIn(
  ctx: RunnerContext,
  job: StoredResource,
  handle: JobHandle,
  inputs: unknown,
  body: (run: StandInRun) => Promise<void>,
): Promise<JobOutcome> {
  const props = properties(job);
  const paths = pathsOf(ctx, job);
  const logs = new Map<string, string>();
  advance(ctx, handle, 'Starting');
  await handle.pause(ctx.paceMs);
  advance(ctx, handle, 'Preparing');
  const dir = join(ctx.root, 'jobs', handle.name);
  try {
    const files = await prepareJobFiles(paths, ctx.blobs, { name: handle.name, props, inputs }, dir, () =>
      handle.throwIfStopped(),
    );
    const { codeDir, outputs } = files;
    advance(ctx, handle, 'Queued');
    await handle.pause(ctx.paceMs);
    advance(ctx, handle, 'Running');
    const log = (path: string, text: string) => logs.set(path, (logs.get(path) ?? '') + text);
    try {
      await body({ codeDir, inputs: files.inputs, outputs, log });
    } finally {
      for (const [path, text] of logs)
        await ctx.blobs.uploadText(paths.artifact(handle.name, path), text).catch(() => undefined);
    }
    handle.throwIfStopped();
    advance(ctx, handle, 'Finalizing');
    return afterUploads(await uploadOutputs(ctx.blobs, outputs));
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
