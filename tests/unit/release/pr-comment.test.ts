/**
 * The release gate's pull request comment (shared/src/release/pr-comment.ts): where there is no pull request,
 * created once and updated after, never duplicated, bounded, redacted, and a refusal is a warning naming the
 * permission. The port here is an in-memory pull request; the real ports against the emulator are in
 * pr-comment-hosts.test.ts.
 */
import {
  PullRequestApiError,
  type PullRequestComment,
  type PullRequestPort,
  type PullRequestRef,
} from '../../../shared/src/platform/ports';
import {
  commentBody,
  commentMarker,
  MAX_COMMENT_CHARS,
  upsertPullRequestComment,
  type PullRequestCommentContext,
} from '../../../shared/src/release/pr-comment';
import { SecretRegistry } from '../../../shared/src/step/secrets';

const github: PullRequestRef = {
  host: 'github',
  apiUrl: 'https://api.github.com',
  owner: 'contoso',
  repo: 'ml',
  number: 7,
};
const azure: PullRequestRef = {
  host: 'azure-repos',
  collectionUri: 'https://dev.azure.com/contoso/',
  project: 'weather',
  repositoryId: 'repo-id',
  pullRequestId: 12,
};

function memoryPullRequest(
  pullRequest: PullRequestRef | undefined,
  options: { refuse?: number; hostToken?: string } = {},
) {
  const comments: PullRequestComment[] = [{ id: 1, body: 'LGTM' }];
  const calls: string[] = [];
  const tokens: string[] = [];
  const port: PullRequestPort = {
    locate: () => (pullRequest ? { pullRequest } : { notFound: "the run is for a 'push' event" }),
    hostToken: () => options.hostToken,
    comments: (_pr, token) => {
      tokens.push(token);
      const refuse = (what: string) => {
        calls.push(what);
        if (options.refuse)
          throw new PullRequestApiError('Resource not accessible by integration', options.refuse);
      };
      return {
        list: async () => (calls.push('list'), comments.map((c) => ({ ...c }))),
        create: async (body) => {
          refuse('create');
          const comment = { id: comments.length + 1, body, url: `https://example/c/${comments.length + 1}` };
          comments.push(comment);
          return comment;
        },
        update: async (existing, body) => {
          refuse('update');
          const at = comments.findIndex((c) => c.id === existing.id);
          comments[at] = { ...comments[at]!, body };
          return comments[at]!;
        },
      };
    },
  };
  return { port, comments, calls, tokens };
}

function stepContext(port: PullRequestPort | undefined) {
  const logs: { level: string; message: string }[] = [];
  const logger = {
    info: (message: string) => void logs.push({ level: 'info', message }),
    debug: () => undefined,
    warning: (message: string) => void logs.push({ level: 'warning', message }),
    error: (message: string) => void logs.push({ level: 'error', message }),
    startGroup: () => undefined,
    endGroup: () => undefined,
    mask: () => undefined,
    isDebug: false,
  };
  const secrets = new SecretRegistry(logger);
  const context: PullRequestCommentContext = {
    logger,
    pullRequest: port,
    addSecret: (value) => secrets.add(value),
    redact: (text) => secrets.redact(text),
  };
  return { context, logs, secrets };
}

describe('upsertPullRequestComment', () => {
  it('says why and sends nothing when the run is not for a pull request, or the host has none', async () => {
    const pr = memoryPullRequest(undefined);
    const { context, logs } = stepContext(pr.port);
    const outcome = await upsertPullRequestComment(context, {
      key: 'weather',
      body: 'x',
      token: 'ghs_token123',
    });
    expect(outcome).toEqual({ status: 'skipped', reason: "the run is for a 'push' event" });
    expect(logs).toEqual([
      { level: 'info', message: "No pull request comment: the run is for a 'push' event." },
    ]);
    expect(pr.calls).toEqual([]);
    const local = stepContext(undefined);
    expect((await upsertPullRequestComment(local.context, { key: 'weather', body: 'x' })).status).toBe(
      'skipped',
    );
  });

  it.each([
    ['github', github, 'ghs_workflowtoken', undefined],
    ['azure-repos', azure, undefined, 'ado-job-access-token'],
  ])(
    '%s: creates one comment, then updates it on the next runs (never a second one)',
    async (_host, ref, token, hostToken) => {
      const pr = memoryPullRequest(ref, { hostToken });
      const first = await upsertPullRequestComment(stepContext(pr.port).context, {
        key: 'weather',
        body: 'run 1',
        token,
      });
      expect(first).toMatchObject({ status: 'created', commentId: 2 });
      const other = await upsertPullRequestComment(stepContext(pr.port).context, {
        key: 'humidity',
        body: 'other model',
        token,
      });
      expect(other).toMatchObject({ status: 'created', commentId: 3 });
      const second = await upsertPullRequestComment(stepContext(pr.port).context, {
        key: 'weather',
        body: 'run 2',
        token,
      });
      expect(second).toMatchObject({ status: 'updated', commentId: 2 });
      expect(pr.comments.map((c) => c.body)).toEqual([
        'LGTM',
        `${commentMarker('weather')}\nrun 2`,
        `${commentMarker('humidity')}\nother model`,
      ]);
      expect(pr.tokens).toEqual([token ?? hostToken, token ?? hostToken, token ?? hostToken]);
    },
  );

  it.each([
    ['github', 403, github, "'pull-requests: write'"],
    ['azure-repos', 403, azure, "'Contribute to pull requests'"],
    ['github', 404, github, "'pull-requests: write'"],
    ['azure-repos', 401, azure, 'System.AccessToken'],
    ['github', 401, github, 'github-token'],
  ] as const)(
    '%s: a %d refusal is a warning naming what to grant, not a failure',
    async (_host, status, ref, hint) => {
      const pr = memoryPullRequest(ref, { refuse: status, hostToken: 'ado-job-access-token' });
      const { context, logs } = stepContext(pr.port);
      const outcome = await upsertPullRequestComment(context, {
        key: 'weather',
        body: 'page',
        token: 'ghs_token123',
      });
      expect(outcome.status).toBe('failed');
      const warnings = logs.filter((log) => log.level === 'warning');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain(hint);
      expect(warnings[0]!.message).toContain(`${status}: Resource not accessible by integration`);
    },
  );

  it('warns when there is no token, and never prints the token it used', async () => {
    const pr = memoryPullRequest(github);
    const none = stepContext(pr.port);
    expect((await upsertPullRequestComment(none.context, { key: 'weather', body: 'x' })).status).toBe(
      'failed',
    );
    expect(none.logs[0]!.message).toContain('github-token');
    expect(pr.calls).toEqual([]);
    const { context, secrets } = stepContext(pr.port);
    await upsertPullRequestComment(context, {
      key: 'weather',
      body: 'token ghs_secret-value-1 leaked',
      token: 'ghs_secret-value-1',
    });
    expect(secrets.redact('ghs_secret-value-1')).toBe('***');
    expect(pr.comments.at(-1)!.body).toBe(`${commentMarker('weather')}\ntoken *** leaked`);
  });

  it('bounds the comment to what GitHub accepts, marker kept, and says so', async () => {
    const pr = memoryPullRequest(github);
    await upsertPullRequestComment(stepContext(pr.port).context, {
      key: 'weather',
      body: 'x'.repeat(200_000),
      token: 'ghs_token123',
    });
    const body = pr.comments.at(-1)!.body;
    expect(body.length).toBe(MAX_COMMENT_CHARS);
    expect(body.startsWith(`${commentMarker('weather')}\n`)).toBe(true);
    expect(body).toMatch(/cut: the comment had 200,000 characters.*artifacts\)$/);
    expect(commentBody('<!-- m -->', 'short')).toBe('<!-- m -->\nshort');
  });

  it('marks each key apart, in a marker an HTML comment can hold', () => {
    expect(commentMarker('weather-model')).toBe('<!-- azureml-release-gate:weather-model -->');
    expect(commentMarker('a--b c>')).toBe('<!-- azureml-release-gate:a-%2Db%20c%3E -->');
    expect(commentMarker('a')).not.toBe(commentMarker('a-'));
    expect(commentMarker('x-')).toBe('<!-- azureml-release-gate:x%2D -->');
  });
});
