/**
 * The real pull request ports (platform/github-pull-request.ts over @actions/github's octokit, platform/azure-repos.ts
 * over the threads REST API) against the emulator, through upsertPullRequestComment: the comment is created once,
 * updated on the next run (never duplicated), and a token without the permission gets a warning, not a failure.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { startPullRequestApis } from '../../../emulator/pull-requests';
import { azureReposPullRequestPort } from '../../../shared/src/platform/azure-repos';
import { gitHubPullRequestPort } from '../../../shared/src/platform/github-pull-request';
import type { PullRequestPort } from '../../../shared/src/platform/ports';
import { commentMarker, upsertPullRequestComment } from '../../../shared/src/release/pr-comment';

// The emulator's pull request APIs on their own listener (the same routes startEmulator() serves).
let emulator: Awaited<ReturnType<typeof startPullRequestApis>>;
beforeAll(async () => {
  emulator = await startPullRequestApis();
});
afterAll(() => emulator?.close());

/** The variables of an Azure Pipelines job, as task-lib's getVariable reads them (`A.B` → `A_B`). */
const variables = (env: Record<string, string>) => (name: string) =>
  env[name.replace(/\./g, '_').toUpperCase()];

interface HostUnderTest {
  port: PullRequestPort;
  token?: string;
  /** The comments of the pull request as the emulator holds them. */
  stored(): string[];
}

function gitHubHost(permissions?: { pullRequests?: 'read' | 'write' }): HostUnderTest {
  const pr = emulator.pullRequests.gitHub({ permissions });
  // The real fetch octokit uses (undici), trusting the emulator's CA.
  const dispatcher = new Agent({ connect: { ca: emulator.caPem } });
  const port = gitHubPullRequestPort({
    env: pr.env,
    payload: pr.event,
    fetch: (url, init) => undiciFetch(url, { ...(init as object), dispatcher }),
  });
  return {
    port,
    token: pr.token,
    stored: () => emulator.pullRequests.gitHubComments(pr.repository, pr.number).map((c) => c.body),
  };
}

function azureReposHost(canContribute = true): HostUnderTest {
  const pr = emulator.pullRequests.azureRepos({ canContribute });
  const port = azureReposPullRequestPort({
    variable: variables(pr.env),
    accessToken: () => pr.env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN,
    ca: emulator.caPem,
  });
  return {
    port,
    stored: () => emulator.pullRequests.azureReposThreads(pr).map((t) => t.comments[0]!.content),
  };
}

function context(port: PullRequestPort) {
  const warnings: string[] = [];
  return {
    warnings,
    context: {
      logger: {
        info: () => undefined,
        debug: () => undefined,
        warning: (message: string) => void warnings.push(message),
        error: () => undefined,
        startGroup: () => undefined,
        endGroup: () => undefined,
        mask: () => undefined,
        isDebug: false,
      },
      pullRequest: port,
      addSecret: () => undefined,
      redact: (text: string) => text,
    },
  };
}

const hosts = [
  ['github', gitHubHost],
  ['azure-repos', azureReposHost],
] as const;

it.concurrent.each(hosts)('%s: created once, then updated on the next run', async (_name, makeHost) => {
  const host = makeHost();
  const run = (body: string) =>
    upsertPullRequestComment(context(host.port).context, { key: 'weather', body, token: host.token });
  const first = await run('verdict: fail');
  expect(first).toMatchObject({ status: 'created' });
  const second = await run('verdict: pass');
  expect(second).toMatchObject({ status: 'updated' });
  expect(second.status === 'updated' && first.status === 'created' && second.commentId).toBe(
    first.status === 'created' && first.commentId,
  );
  expect(host.stored()).toEqual([`${commentMarker('weather')}\nverdict: pass`]);
});

it.concurrent.each([
  ['github', () => gitHubHost({ pullRequests: 'read' }), "'pull-requests: write'"],
  ['azure-repos', () => azureReposHost(false), "'Contribute to pull requests'"],
] as const)(
  '%s: a token that may not comment gets a warning naming the permission',
  async (_name, makeHost, hint) => {
    const host = makeHost();
    const { context: ctx, warnings } = context(host.port);
    const outcome = await upsertPullRequestComment(ctx, { key: 'weather', body: 'page', token: host.token });
    expect(outcome.status).toBe('failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('403');
    expect(warnings[0]).toContain(hint);
    expect(host.stored()).toEqual([]);
  },
);
