/**
 * Runs a Pipeline job: each step, once the steps it reads from have completed, as a child Command job
 * (a generated name, `displayName` = the step, `properties.azureml.pipelinerunid` = the pipeline, MLflow tag
 * `mlflow.parentRunId`). A failed step fails the pipeline; its dependants are skipped (never created) and,
 * unless `settings.continue_on_step_failure`, the running steps are canceled and no new step starts.
 */
import { randomUUID } from 'node:crypto';
import { isObject, properties, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { createChildJob } from './child-jobs';
import { advance, type FinalStatus, type JobOutcome, type RunnerContext } from './context';
import { JobFailure, type JobHandle } from './job-handle';
import { pipelineSteps, stepJob, type PipelineStep } from './pipeline-steps';
import { field, objectField } from './rest';

type StepState = 'pending' | 'running' | 'skipped' | FinalStatus;

export async function runPipelineJob(
  ctx: RunnerContext,
  job: StoredResource,
  handle: JobHandle,
): Promise<JobOutcome> {
  const props = properties(job);
  const steps = pipelineSteps(ctx, job);
  const settings = objectField(props, 'settings');
  const flag = field(settings, 'continue_on_step_failure', 'continueOnStepFailure');
  const continueOnFailure = String(flag).toLowerCase() === 'true';
  advance(ctx, handle, 'Queued');
  await handle.pause(ctx.paceMs);
  advance(ctx, handle, 'Running');

  const states = new Map<string, StepState>(steps.map((s) => [s.key, 'pending']));
  const finished = new Map<string, Json>();
  const running = new Map<string, Promise<void>>();
  let index = 0;
  let stopLaunching = false;
  const problems: string[] = [];
  const stepFailed = () => {
    if (continueOnFailure) return;
    stopLaunching = true;
    for (const sibling of handle.children) sibling.stop('sibling-failed');
  };
  const start = (step: PipelineStep) => {
    let spec;
    try {
      spec = stepJob(job, step, finished);
    } catch (error) {
      if (!(error instanceof JobFailure)) throw error;
      problems.push(error.message);
      states.set(step.key, 'Failed');
      stepFailed();
      return;
    }
    const { parentOutputs } = spec;
    const child = createChildJob(ctx, job, {
      name: randomUUID(),
      displayName: step.key,
      index: ++index,
      properties: spec.properties,
      runProperties: { 'azureml.pipelinerunid': handle.name, 'azureml.nodeid': step.key },
    });
    states.set(step.key, 'running');
    const run = ctx.runChild(handle, child).then((outcome) => {
      states.set(step.key, outcome.status);
      const outputs = objectField(properties(child), 'outputs');
      finished.set(step.key, outputs);
      for (const binding of parentOutputs) bindParentOutput(props, binding.parent, outputs[binding.step]);
      running.delete(step.key);
      if (outcome.status !== 'Completed') stepFailed();
    });
    running.set(step.key, run);
  };

  for (;;) {
    for (const step of steps) {
      if (states.get(step.key) !== 'pending') continue;
      const deps = [...step.dependsOn].map((d) => states.get(d));
      if (deps.some((s) => s === 'Failed' || s === 'Canceled' || s === 'skipped'))
        states.set(step.key, 'skipped');
      else if (!stopLaunching && !handle.reason && deps.every((s) => s === 'Completed')) start(step);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  handle.throwIfStopped();
  const pending = steps.filter((s) => states.get(s.key) === 'pending').map((s) => s.key);
  if (pending.length > 0 && !stopLaunching) {
    return failed(`Steps ${pending.join(', ')} depend on each other in a cycle: they never started.`);
  }
  advance(ctx, handle, 'Finalizing');
  const failedSteps = steps.filter((s) => states.get(s.key) === 'Failed').map((s) => `/${s.key}`);
  const canceledSteps = steps.filter((s) => states.get(s.key) === 'Canceled').map((s) => `/${s.key}`);
  if (failedSteps.length === 0 && canceledSteps.length === 0) return { status: 'Completed' };
  return failed(
    `Pipeline has failed child jobs. Failed nodes: ${[...failedSteps, ...canceledSteps].join(', ')}. For more ` +
      'details and logs, please go to the job detail page and check the child jobs.' +
      problems.map((p) => ` ${p}`).join(''),
  );
}

function failed(message: string): JobOutcome {
  return { status: 'Failed', error: { code: 'UserError', message } };
}

/** Gives the pipeline's output `name` the `uri` of the step output bound to it. */
function bindParentOutput(props: Json, name: string, stepOutput: unknown): void {
  const uri = isObject(stepOutput) ? stepOutput['uri'] : undefined;
  if (typeof uri !== 'string') return;
  const outputs = isObject(props['outputs']) ? props['outputs'] : (props['outputs'] = {});
  const current = outputs[name];
  if (isObject(current)) current['uri'] = uri;
  else
    outputs[name] = {
      jobOutputType: isObject(stepOutput) ? (stepOutput['jobOutputType'] ?? 'uri_folder') : 'uri_folder',
      uri,
    };
}
