import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as tl from 'azure-pipelines-task-lib/task';
import type { StepDefinition } from '../step/define';
import { runStep } from '../step/run-step';
import { azureReposPullRequestPort } from './azure-repos';
import {
  cloudOverrideFrom,
  retryOverrideFrom,
  hostRoots,
  type PipelineFederation,
  type Platform,
  type RunEnvironment,
  type ServiceConnection,
  type StepResult,
} from './ports';

const taskResults: Record<StepResult, tl.TaskResult> = {
  succeeded: tl.TaskResult.Succeeded,
  succeededWithIssues: tl.TaskResult.SucceededWithIssues,
  failed: tl.TaskResult.Failed,
  cancelled: tl.TaskResult.Cancelled,
};

/** The Azure Pipelines host, over azure-pipelines-task-lib (which owns the ##vso protocol). */
export function azurePipelinesPlatform(taskName: string): Platform {
  const environment = runEnvironment();
  return {
    inputs: {
      get: (name, options) =>
        (options?.secret ? silently(() => tl.getInput(name, false)) : tl.getInput(name, false)) || undefined,
    },
    outputs: {
      set: (name, value) => tl.setVariable(name, value, false, true),
      setSecret: (name, value) => tl.setVariable(name, value, true, true),
    },
    logger: {
      info: (message) => console.log(message),
      debug: (message) => tl.debug(message),
      warning: (message, location) =>
        tl.logIssue(tl.IssueType.Warning, message, location?.file, location?.line, location?.column),
      error: (message, location) =>
        tl.logIssue(tl.IssueType.Error, message, location?.file, location?.line, location?.column),
      startGroup: (title) => console.log(`##[group]${title}`),
      endGroup: () => console.log('##[endgroup]'),
      mask: (secret) => tl.setSecret(secret),
      isDebug: (tl.getVariable('System.Debug') ?? '').toLowerCase() === 'true',
    },
    summary: {
      async publish(markdown) {
        const folder = join(environment.tempDir, 'azureml-summary');
        mkdirSync(folder, { recursive: true });
        const path = join(folder, `${taskName}-${Date.now()}-${process.pid}.md`);
        writeFileSync(path, markdown);
        tl.uploadSummary(path);
      },
    },
    state: {
      get: (name) => tl.getTaskVariable(name),
      set: (name, value) => tl.setTaskVariable(name, value),
    },
    environment,
    identity: {
      serviceConnection,
      pipelineFederation,
      cloudOverride: cloudOverrideFrom(process.env),
      retryOverride: retryOverrideFrom(process.env),
    },
    result: {
      // Errors were already logged as issues (with file and line); an empty message avoids a duplicate.
      complete: (result) => tl.setResult(taskResults[result] as tl.TaskResult.Failed, ''),
    },
    pullRequest: azureReposPullRequestPort({
      variable: (name) => tl.getVariable(name) || undefined,
      accessToken: () =>
        pipelineFederation().systemAccessToken || process.env.SYSTEM_ACCESSTOKEN || undefined,
    }),
  };
}

/** Runs a task-lib call with its output discarded: getInput debug-logs `name=value`, which must not happen to a secret. */
function silently<T>(read: () => T): T {
  tl.setStdStream(new Writable({ write: (_chunk, _encoding, done) => done() }));
  try {
    return read();
  } finally {
    tl.setStdStream(process.stdout);
  }
}

function runEnvironment(): RunEnvironment {
  const variable = (name: string) => tl.getVariable(name) || undefined;
  const collection = variable('System.CollectionUri');
  const project = variable('System.TeamProject');
  const buildId = variable('Build.BuildId');
  const runUrl =
    collection && project && buildId
      ? `${collection.replace(/\/?$/, '/')}${encodeURIComponent(project)}/_build/results?buildId=${buildId}`
      : undefined;
  return {
    host: 'azure-pipelines',
    workspaceDir: variable('System.DefaultWorkingDirectory') ?? process.cwd(),
    tempDir: variable('Agent.TempDirectory') ?? tmpdir(),
    allowedRoots: hostRoots([
      variable('Build.SourcesDirectory'),
      variable('Pipeline.Workspace'),
      variable('Agent.TempDirectory'),
    ]),
    runUrl,
    artifactsUrl: runUrl && `${runUrl}&view=artifacts`,
    commit: variable('Build.SourceVersion'),
    repository: variable('Build.Repository.Name'),
    branch: variable('Build.SourceBranch'),
    triggeredBy: variable('Build.RequestedFor') ?? variable('Build.Reason'),
  };
}

function serviceConnection(id: string): ServiceConnection | undefined {
  const scheme = tl.getEndpointAuthorizationScheme(id, true);
  if (!scheme) return undefined;
  const data: Record<string, string> = {};
  // task-lib has no way to list endpoint data, and leaves ENDPOINT_DATA_* in the environment.
  const prefix = `ENDPOINT_DATA_${id}_`;
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith(prefix) && value !== undefined) data[key.slice(prefix.length).toLowerCase()] = value;
  }
  return {
    scheme,
    parameters: tl.getEndpointAuthorization(id, true)?.parameters ?? {},
    data,
    url: tl.getEndpointUrl(id, true),
  };
}

/** The OIDC request URI and the job's access token that AzurePipelinesCredential exchanges for an Entra token. */
function pipelineFederation(): PipelineFederation {
  return {
    oidcRequestUri: tl.getVariable('System.OidcRequestUri') || undefined,
    // task-lib debug-logs endpoint parameters with their values.
    systemAccessToken:
      silently(() => tl.getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken', true)) ||
      undefined,
  };
}

/** Entry of every Azure DevOps task bundle. */
export async function runOnAzurePipelines<Config, Report>(
  step: StepDefinition<Config, Report>,
): Promise<void> {
  // The bundle is also loaded by the worker threads a step starts (drift profiling): only the main thread runs it.
  if (!isMainThread) {
    await step.inWorker?.();
    return;
  }
  await runStep(step, azurePipelinesPlatform(step.manifest.taskName));
}
