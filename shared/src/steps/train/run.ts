import { randomBytes } from 'node:crypto';
import type { JobBase } from '@azure/arm-machinelearning';
import { armJsonRequest } from '../../azure/arm-raw';
import { datastoreOpener, type DatastoreContainer } from '../../azureml/datastore-blobs';
import { defaultJobOutputUri, jobArtifactPath } from '../../azureml/job-artifacts';
import { readJobMetrics, workspaceMlflow } from '../../azureml/job-metrics';
import { lineageTags } from '../../azureml/lineage';
import { resolveReferences } from '../../azureml/resolve-references';
import { openWorkspaceSession, readWorkspace, type WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import { CancelledError } from '../../step/errors';
import { azureJobWatch, readFrom } from './azure-job-watch';
import type { TrainConfig } from './config';
import { followJob, type FollowResult } from './follow-job';
import { anonymousComponent, references, toRestJob, type JobSpec } from './job-spec';
import type { TrainReport } from './summary';

/** Resolves what the YAML refers to, submits the job (or prints it, in a dry run), follows it, reports it. */
export async function runTrain(
  config: TrainConfig,
  context: StepContext,
  reported: TrainReport,
): Promise<StepOutcome> {
  const { logger, signal } = context;
  const session = openWorkspaceSession(config.workspace, 'train', context);
  const { ml, workspaceName: ws } = session;
  const workspace = await readWorkspace(session);
  const datastore = datastoreOpener(session, (secret) => context.addSecret(secret));

  logger.startGroup(`Resolving what ${config.jobFile} refers to`);
  const resolution = await resolveReferences(
    references(config.spec),
    {
      session,
      defaultDatastore: () => datastore(),
      dryRun: config.dryRun,
      logger,
      signal,
    },
    anonymousComponent,
  ).finally(() => logger.endGroup());

  const rest = toRestJob(config.spec, resolution.resolved, {
    ...(config.experimentName ? { experimentName: config.experimentName } : {}),
    ...(config.displayName ? { displayName: config.displayName } : {}),
    tags: config.tags,
    lineageTags: lineageTags(context.environment),
  });
  for (const warning of rest.warnings) logger.warning(warning);
  const jobName = rest.name ?? newJobName(config.spec, rest.body);
  const experimentName = rest.body.properties.experimentName ?? 'Default';
  context.setOutput('jobName', jobName);

  if (config.dryRun) {
    logger.startGroup(`Request that would be sent: PUT .../workspaces/${ws}/jobs/${jobName}`);
    for (const line of JSON.stringify(rest.body, null, 2).split('\n')) logger.info(line);
    logger.endGroup();
    context.setOutput('jobStatus', 'NotSubmitted');
    reported.evidence = { dryRun: true, jobName, request: rest.body, resolution: resolution.records };
    reported.summary = {
      dryRun: true,
      jobName,
      jobType: config.spec.type,
      experimentName,
      resolution: resolution.records,
      request: rest.body,
    };
    return { result: 'succeeded', message: `Dry run: job '${jobName}' was validated and not submitted.` };
  }

  // Not ml.jobs.createOrUpdate: its serializer drops the uri of every data input and output (see arm-raw.ts).
  const created = (await session.call(`Submitting job '${jobName}'`, (o) =>
    armJsonRequest(
      ml,
      session.access.cloud.armEndpoint,
      'PUT',
      `${session.workspaceId}/jobs/${jobName}`,
      rest.body,
      o,
    ),
  )) as unknown as JobBase;
  const studioUrl = studioLink(created, session, jobName);
  context.setOutput('studioUrl', studioUrl);
  logger.info(
    `Submitted ${config.spec.type} job '${jobName}' (experiment '${experimentName}'): ${studioUrl}`,
  );
  const report = {
    jobName,
    jobType: config.spec.type,
    experimentName,
    studioUrl,
    resolution: resolution.records,
  };
  if (!config.wait) {
    context.setOutput('jobStatus', created.properties.status ?? 'NotStarted');
    reported.evidence = { ...report, request: rest.body };
    reported.summary = report;
    return { result: 'succeeded', message: `Job '${jobName}' submitted; not waiting for it (wait: false).` };
  }

  const artifacts = await datastore('workspaceartifactstore');
  const mlflow = workspaceMlflow(session, workspace.mlFlowTrackingUri);
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

  // Raw, like the PUT: the SDK's deserializer would drop the outputs' uris too.
  const final = (await session.call(`Reading job '${jobName}'`, (o) =>
    armJsonRequest(
      ml,
      session.access.cloud.armEndpoint,
      'GET',
      `${session.workspaceId}/jobs/${jobName}`,
      undefined,
      o,
    ),
  )) as unknown as JobBase;
  const outputs = jobOutputs(final, jobName);
  context.setOutput('jobOutputs', JSON.stringify(outputs));
  const metrics = mlflow ? await readJobMetrics(mlflow, config.spec, jobName, logger, signal) : undefined;
  context.setOutput('metrics', JSON.stringify(metrics?.values ?? {}));
  const failed = followed.status !== 'Completed';
  const error = failed ? await jobError(artifacts, jobName, signal) : undefined;
  const ended = {
    ...report,
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
    request: rest.body,
  };
  reported.summary = ended;
  return outcome(followed, jobName, error);
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

/** A name like the CLI's when the YAML gives none: readable, unique, valid for Azure ML (`[A-Za-z0-9_-]`). */
function newJobName(spec: JobSpec, body: JobBase): string {
  const base = (body.properties.experimentName ?? spec.type)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 40);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${base}-${stamp}-${randomBytes(3).toString('hex')}`;
}

function studioLink(job: JobBase, session: WorkspaceSession, jobName: string): string {
  const fromService = job.properties.services?.['Studio']?.endpoint;
  if (fromService) return fromService;
  return `https://ml.azure.com/runs/${encodeURIComponent(jobName)}?wsid=${encodeURIComponent(session.workspaceId)}`;
}

/** Output name → azureml:// path; outputs without a uri are where Azure ML writes them by default. */
function jobOutputs(job: JobBase, jobName: string): Record<string, string> {
  const result: Record<string, string> = {};
  const declared = (job.properties as { outputs?: Record<string, unknown> }).outputs ?? {};
  for (const [name, output] of Object.entries(declared)) {
    const uri = (output as { uri?: string } | null)?.uri;
    result[name] = uri ?? defaultJobOutputUri(jobName, name);
  }
  return result;
}

/** The job's error as Azure ML recorded it in its artifacts (`error.json`), when there is one. */
async function jobError(
  artifacts: DatastoreContainer,
  jobName: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const read = await readFrom(artifacts, jobArtifactPath(jobName, 'error.json'), 0, signal).catch(
    () => undefined,
  );
  if (!read?.text) return undefined;
  try {
    const parsed = JSON.parse(read.text) as { error?: { message?: string }; message?: string };
    return parsed.error?.message ?? parsed.message;
  } catch {
    return read.text.trim().split('\n')[0];
  }
}
