/**
 * The run's facts as the GitHub runner gives them (GITHUB_* variables, the event file), read the way
 * @actions/github's `context` reads them. Importing `context` loads octokit, which only a step that talks to
 * GitHub should pay for (docs/decisions/0003).
 */
import { existsSync, readFileSync } from 'node:fs';

export interface GitHubRunFacts {
  readonly eventName?: string;
  readonly sha?: string;
  readonly ref?: string;
  readonly actor?: string;
  readonly runId?: number;
  readonly serverUrl: string;
}

export function gitHubRunFacts(
  env: Readonly<Record<string, string | undefined>> = process.env,
): GitHubRunFacts {
  const runId = Number.parseInt(env.GITHUB_RUN_ID ?? '', 10);
  return {
    eventName: env.GITHUB_EVENT_NAME || undefined,
    sha: env.GITHUB_SHA || undefined,
    ref: env.GITHUB_REF || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    runId: Number.isNaN(runId) ? undefined : runId,
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
  };
}

/** The event's payload (GITHUB_EVENT_PATH); empty when the runner gave none. */
export function gitHubEventPayload(env: Readonly<Record<string, string | undefined>> = process.env): unknown {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
