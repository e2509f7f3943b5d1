import { tmpdir } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import * as core from '@actions/core';
import { kebabCase } from '../step/manifest';
import type { StepDefinition } from '../step/define';
import { runStep } from '../step/run-step';
import { gitHubRunFacts } from './github-context';
import { gitHubPullRequestPort } from './github-pull-request';
import { cloudOverrideFrom, hostRoots, retryOverrideFrom, type Platform, type RunEnvironment } from './ports';
import type { SourceLocation } from '../step/errors';

const annotation = (location?: SourceLocation): core.AnnotationProperties | undefined =>
  location ? { file: location.file, startLine: location.line, startColumn: location.column } : undefined;

/** The GitHub Actions host, over @actions/core (which owns the workflow-command and file protocols). */
export function githubPlatform(): Platform {
  return {
    inputs: { get: (name) => core.getInput(kebabCase(name)) || undefined },
    outputs: {
      set: (name, value) => core.setOutput(kebabCase(name), value),
      setSecret: (name, value) => {
        core.setSecret(value);
        core.setOutput(kebabCase(name), value);
      },
    },
    logger: {
      info: (message) => core.info(message),
      debug: (message) => core.debug(message),
      warning: (message, location) => core.warning(message, annotation(location)),
      error: (message, location) => core.error(message, annotation(location)),
      startGroup: (title) => core.startGroup(title),
      endGroup: () => core.endGroup(),
      mask: (secret) => core.setSecret(secret),
      isDebug: core.isDebug(),
    },
    summary: {
      async publish(markdown) {
        if (!process.env.GITHUB_STEP_SUMMARY) return;
        await core.summary.addRaw(markdown, true).write();
      },
    },
    state: {
      get: (name) => core.getState(name) || undefined,
      set: (name, value) => core.saveState(name, value),
    },
    environment: runEnvironment(),
    identity: {
      idToken: (audience) => core.getIDToken(audience),
      cloudOverride: cloudOverrideFrom(process.env),
      retryOverride: retryOverrideFrom(process.env),
    },
    result: {
      // Errors were already logged as annotations (with file and line); only the exit code is left to set.
      complete: (result) => {
        if (result === 'failed' || result === 'cancelled') process.exitCode = 1;
      },
    },
    pullRequest: gitHubPullRequestPort(),
  };
}

function runEnvironment(): RunEnvironment {
  const repository = process.env.GITHUB_REPOSITORY || undefined;
  const context = gitHubRunFacts();
  const runUrl =
    repository && context.runId
      ? `${context.serverUrl}/${repository}/actions/runs/${context.runId}`
      : undefined;
  return {
    host: 'github',
    workspaceDir: process.env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: process.env.RUNNER_TEMP || tmpdir(),
    allowedRoots: hostRoots([process.env.GITHUB_WORKSPACE, process.env.RUNNER_TEMP]),
    runUrl,
    artifactsUrl: runUrl && `${runUrl}#artifacts`,
    commit: context.sha,
    repository,
    branch: context.ref,
    triggeredBy: context.actor ? `${context.actor} (${context.eventName})` : undefined,
  };
}

/** Entry of every GitHub Action bundle. */
export async function runOnGitHub<Config, Report>(step: StepDefinition<Config, Report>): Promise<void> {
  // The bundle is also loaded by the worker threads a step starts (drift profiling): only the main thread runs it.
  if (!isMainThread) {
    await step.inWorker?.();
    return;
  }
  await runStep(step, githubPlatform());
}
