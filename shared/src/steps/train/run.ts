import type { JobBase } from '@azure/arm-machinelearning';
import { datastoreOpener, type DatastoreContainer } from '../../azureml/datastore-blobs';
import { readJobMetrics, workspaceMlflow, type JobMetrics } from '../../azureml/job-metrics';
import { lineageTags } from '../../azureml/lineage';
import type { MlflowTrackingClient } from '../../azureml/mlflow-metrics';
import { resolveReferences, type Resolution, type ResolutionRecord } from '../../azureml/resolve-references';
import { openWorkspaceSession, readWorkspace, type WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import { CancelledError } from '../../step/errors';
import { azureJobWatch } from '../../azureml/azure-job-watch';
import type { TrainConfig } from './config';
import { followJob, type FollowResult } from '../../azureml/follow-job';
import { anonymousComponent, metricsKind, references, toRestJob, type Resolved } from './job-spec';
import { getJob, putJob, studioLink } from '../../azureml/job-requests';
import { newJobName } from './job-name';
import { jobError, jobOutputs } from '../../azureml/job-results';
import type { TrainReport, TrainSummary } from './summary';

/** One run of the step: its config, its context and its workspace session. */
interface TrainRun {
  readonly config: TrainConfig;
  readonly context: StepContext;
  readonly session: WorkspaceSession;
}

/** The job as the step sends it: its name, its experiment and the request body. */
interface PreparedJob {
  readonly name: string;
  readonly experimentName: string;
  readonly request: JobBase;
}

/** Where a followed job's results are read: its artifact store (error, logs) and MLflow (metrics, children). */
interface JobStores {
  readonly artifacts: DatastoreContainer;
  readonly mlflow: MlflowTrackingClient | undefined;
}

/** What a job left once it ended. */
interface JobResults {
  /** Whether the job ended otherwise than Completed. */
  readonly failed: boolean;
  readonly outputs: Record<string, string>;
  readonly metrics: JobMetrics | undefined;
  readonly error: string | undefined;
}

/** Resolves what the YAML refers to, submits the job (or prints it, in a dry run), follows it, reports it. */
export async function runTrain(
  config: TrainConfig,
  context: StepContext,
  reported: TrainReport,
): Promise<StepOutcome> {
  const session = openWorkspaceSession(config.workspace, 'train', context);
  const run: TrainRun = { config, context, session };
  const workspace = await readWorkspace(session);
  const datastore = datastoreOpener(session, (secret) => context.addSecret(secret));
  const resolution = await resolveJobReferences(run, () => datastore());
  const job = prepareJob(run, resolution.resolved);
  if (config.dryRun) return reportDryRun(run, job, resolution.records, reported);

  const submitted = await submitJob(run, job, resolution.records);
  if (!config.wait) {
    context.setOutput('jobStatus', submitted.status ?? 'NotStarted');
    reported.evidence = { ...submitted.summary, request: job.request };
    reported.summary = submitted.summary;
    return { result: 'succeeded', message: `Job '${job.name}' submitted; not waiting for it (wait: false).` };
  }

  const stores: JobStores = {
    artifacts: await datastore('workspaceartifactstore'),
    mlflow: workspaceMlflow(session, workspace.mlFlowTrackingUri),
  };
  const followed = await followSubmittedJob(run, job.name, stores);
  const results = await readJobResults(run, job.name, followed, stores);
  return reportEnded(run, job, submitted.summary, followed, results, reported);
}

async function resolveJobReferences(
  { config, context, session }: TrainRun,
  defaultDatastore: () => Promise<DatastoreContainer>,
): Promise<Resolution> {
  const { logger, signal } = context;
  logger.startGroup(`Resolving what ${config.jobFile} refers to`);
  return resolveReferences(
    references(config.spec),
    { session, defaultDatastore, dryRun: config.dryRun, logger, signal },
    anonymousComponent,
  ).finally(() => logger.endGroup());
}

/** The request body with the step's inputs applied, and the job's name (set as the `jobName` output). */
function prepareJob({ config, context }: TrainRun, resolved: Resolved): PreparedJob {
  const rest = toRestJob(config.spec, resolved, {
    ...(config.experimentName ? { experimentName: config.experimentName } : {}),
    ...(config.displayName ? { displayName: config.displayName } : {}),
    tags: config.tags,
    lineageTags: lineageTags(context.environment),
  });
  for (const warning of rest.warnings) context.logger.warning(warning);
  const name = rest.name ?? newJobName(config.spec, rest.body);
  context.setOutput('jobName', name);
  return { name, experimentName: rest.body.properties.experimentName ?? 'Default', request: rest.body };
}

function reportDryRun(
  { config, context, session }: TrainRun,
  job: PreparedJob,
  resolution: ResolutionRecord[],
  reported: TrainReport,
): StepOutcome {
  const { logger } = context;
  logger.startGroup(
    `Request that would be sent: PUT .../workspaces/${session.workspaceName}/jobs/${job.name}`,
  );
  for (const line of JSON.stringify(job.request, null, 2).split('\n')) logger.info(line);
  logger.endGroup();
  context.setOutput('jobStatus', 'NotSubmitted');
  reported.evidence = { dryRun: true, jobName: job.name, request: job.request, resolution };
  reported.summary = {
    dryRun: true,
    jobName: job.name,
    jobType: config.spec.type,
    experimentName: job.experimentName,
    resolution,
    request: job.request,
  };
  return { result: 'succeeded', message: `Dry run: job '${job.name}' was validated and not submitted.` };
}

/** Submits the job; sets the `studioUrl` output. Gives the status Azure ML answered and the summary so far. */
async function submitJob(
  { config, context, session }: TrainRun,
  job: PreparedJob,
  resolution: ResolutionRecord[],
): Promise<{ status: string | undefined; summary: TrainSummary }> {
  const created = await putJob(session, job.name, job.request);
  const studioUrl = studioLink(created, session, job.name);
  context.setOutput('studioUrl', studioUrl);
  context.logger.info(
    `Submitted ${config.spec.type} job '${job.name}' (experiment '${job.experimentName}'): ${studioUrl}`,
  );
  return {
    status: created.properties.status,
    summary: {
      jobName: job.name,
      jobType: config.spec.type,
      experimentName: job.experimentName,
      studioUrl,
      resolution,
    },
  };
}

/** Follows the job to its end (or the timeout); sets the `jobStatus` output. A cancelled run throws. */
async function followSubmittedJob(
  { config, context, session }: TrainRun,
  jobName: string,
  { artifacts, mlflow }: JobStores,
): Promise<FollowResult> {
  const { logger, signal } = context;
  const followed = await followJob(
    azureJobWatch(session, jobName, artifacts, config.spec.type === 'command' ? undefined : mlflow, signal),
    {
      jobName,
      logger,
      signal,
      timeoutMs: config.timeoutMinutes * 60_000,
      cancelOnStop: config.cancelOnTimeout,
      streamLogs: config.streamLogs,
    },
  );
  if (followed.ending === 'stopped')
    throw new CancelledError(
      `The run was cancelled while job '${jobName}' was ${followed.status}${followed.cancelRequested ? '; the job was asked to cancel' : ''}.`,
    );
  context.setOutput('jobStatus', followed.status);
  return followed;
}

/** The ended job's outputs and metrics (set as outputs), and its error when it did not complete. */
async function readJobResults(
  { config, context, session }: TrainRun,
  jobName: string,
  followed: FollowResult,
  { artifacts, mlflow }: JobStores,
): Promise<JobResults> {
  const { logger, signal } = context;
  const outputs = jobOutputs(await getJob(session, jobName), jobName);
  context.setOutput('jobOutputs', JSON.stringify(outputs));
  const metrics = mlflow
    ? await readJobMetrics(mlflow, metricsKind(config.spec), jobName, logger, signal)
    : undefined;
  context.setOutput('metrics', JSON.stringify(metrics?.values ?? {}));
  const failed = followed.status !== 'Completed';
  const error = failed ? await jobError(artifacts, jobName, signal) : undefined;
  return { failed, outputs, metrics, error };
}

function reportEnded(
  { context }: TrainRun,
  job: PreparedJob,
  submitted: TrainSummary,
  followed: FollowResult,
  { failed, outputs, metrics, error }: JobResults,
  reported: TrainReport,
): StepOutcome {
  const ended = {
    ...submitted,
    status: followed.status,
    durationMs: followed.durationMs,
    outputs,
    ...(metrics ? { metrics } : {}),
    ...(error ? { error } : {}),
    ...(failed ? { logTail: followed.logTail.map((l) => context.redact(l)) } : {}),
  };
  reported.evidence = {
    ...ended,
    metrics: metrics ?? null,
    history: followed.history,
    request: job.request,
  };
  reported.summary = ended;
  return outcome(followed, job.name, error);
}

function outcome(followed: FollowResult, jobName: string, error: string | undefined): StepOutcome {
  if (followed.status === 'Completed') return { result: 'succeeded', message: `Job '${jobName}' completed.` };
  if (followed.ending === 'timedOut') {
    return {
      result: 'failed',
      message: `Job '${jobName}' did not finish within the timeout (last status ${followed.status})${followed.cancelRequested ? '; it was cancelled' : '; it keeps running'}.`,
    };
  }
  const tail = followed.logTail.slice(-5);
  return {
    result: 'failed',
    message:
      `Job '${jobName}' ended ${followed.status}` +
      (error ? `: ${error}` : '.') +
      (tail.length && !error ? `\nLast lines of its log:\n${tail.join('\n')}` : ''),
  };
}
