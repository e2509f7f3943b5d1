/**
 * The pull request comment APIs (pull-requests.ts), raw HTTP: GitHub issue comments (auth, 401/403/404, 422 on
 * bodies GitHub refuses, Link pagination) and Azure Repos threads (Bearer, api-version, 400/403/404).
 */
import { httpsCall } from '../https-call';
import { GITHUB_MAX_COMMENT_CHARS, startPullRequestApis } from '../pull-requests';

let apis: Awaited<ReturnType<typeof startPullRequestApis>>;
beforeAll(async () => {
  apis = await startPullRequestApis();
});
afterAll(() => apis?.close());

const call = (method: string, url: string, options: { token?: string; body?: unknown } = {}) =>
  httpsCall(apis.caPem, method, url, { token: options.token, body: options.body });

describe('GitHub issue comments', () => {
  it('creates, lists page by page with Link headers, and updates', async () => {
    const pr = apis.pullRequests.gitHub({ repository: 'contoso/paged' });
    const comments = `${pr.apiUrl}/repos/contoso/paged/issues/${pr.number}/comments`;
    for (const n of [1, 2, 3]) {
      const created = await call('POST', comments, { token: pr.token, body: { body: `comment ${n}` } });
      expect(created.status).toBe(201);
    }
    const page1 = await call('GET', `${comments}?per_page=2`, { token: pr.token });
    expect(JSON.parse(page1.text).map((c: { body: string }) => c.body)).toEqual(['comment 1', 'comment 2']);
    expect(page1.headers.link).toMatch(
      /<[^>]*[?&]page=2[^>]*>; rel="next", <[^>]*[?&]page=2[^>]*>; rel="last"/,
    );
    const next = /<([^>]*)>; rel="next"/.exec(String(page1.headers.link))![1]!;
    const page2 = await call('GET', next, { token: pr.token });
    expect(JSON.parse(page2.text).map((c: { body: string }) => c.body)).toEqual(['comment 3']);
    expect(page2.headers.link).not.toContain('rel="next"');
    const id = JSON.parse(page2.text)[0].id;
    const patched = await call('PATCH', `${pr.apiUrl}/repos/contoso/paged/issues/comments/${id}`, {
      token: pr.token,
      body: { body: 'edited' },
    });
    expect(patched.status).toBe(200);
    expect(apis.pullRequests.gitHubComments('contoso/paged', pr.number).map((c) => c.body)).toEqual([
      'comment 1',
      'comment 2',
      'edited',
    ]);
  });

  it('answers as GitHub does: bad credentials, no permission, other repository, refused bodies', async () => {
    const pr = apis.pullRequests.gitHub({ repository: 'contoso/strict' });
    const reader = apis.pullRequests.gitHub({
      repository: 'contoso/strict',
      permissions: { pullRequests: 'read' },
    });
    const other = apis.pullRequests.gitHub({ repository: 'contoso/other' });
    const url = `${pr.apiUrl}/repos/contoso/strict/issues/${pr.number}/comments`;
    const cases: [string, { token?: string; body?: unknown }, number, string][] = [
      ['POST', { token: 'ghs_unknown', body: { body: 'x' } }, 401, 'Bad credentials'],
      ['POST', { body: { body: 'x' } }, 401, 'Requires authentication'],
      ['GET', {}, 404, 'Not Found'],
      ['POST', { token: reader.token, body: { body: 'x' } }, 403, 'Resource not accessible by integration'],
      ['POST', { token: other.token, body: { body: 'x' } }, 404, 'Not Found'],
      ['POST', { token: pr.token, body: {} }, 422, '"body" wasn\'t supplied'],
      ['POST', { token: pr.token, body: { body: 42 } }, 422, 'is not a string'],
      [
        'POST',
        { token: pr.token, body: { body: 'x'.repeat(GITHUB_MAX_COMMENT_CHARS + 1) } },
        422,
        'Validation Failed',
      ],
    ];
    for (const [method, options, status, message] of cases) {
      const answer = await call(method, url, options);
      expect([answer.status, JSON.parse(answer.text).message]).toEqual([
        status,
        expect.stringContaining(message),
      ]);
    }
    const tooLong = await call('POST', url, {
      token: pr.token,
      body: { body: 'x'.repeat(GITHUB_MAX_COMMENT_CHARS + 1) },
    });
    expect(JSON.parse(tooLong.text).errors[0].message).toBe('body is too long (maximum is 65536 characters)');
    expect((await call('GET', url.replace(`/${pr.number}/`, '/999/'), { token: pr.token })).status).toBe(404);
    const limit = await call('POST', url, {
      token: pr.token,
      body: { body: 'x'.repeat(GITHUB_MAX_COMMENT_CHARS) },
    });
    expect(limit.status).toBe(201);
    expect(apis.pullRequests.gitHubComments('contoso/strict', pr.number)).toHaveLength(1);
  });
});

describe('Azure Repos pull request threads', () => {
  it('creates a thread, lists it, patches its comment; refuses what Azure DevOps refuses', async () => {
    const pr = apis.pullRequests.azureRepos();
    const reader = apis.pullRequests.azureRepos({ canContribute: false });
    const threads = `${pr.collectionUri}${pr.project}/_apis/git/repositories/${pr.repositoryId}/pullRequests/${pr.pullRequestId}/threads`;
    const token = pr.systemAccessToken;
    const thread = {
      comments: [{ parentCommentId: 0, content: 'hello', commentType: 'text' }],
      status: 'closed',
    };
    const refused: [string, string, { token?: string; body?: unknown }, number, string][] = [
      ['POST', `${threads}?api-version=7.1`, { token: 'nope', body: thread }, 401, 'TF400813'],
      ['POST', threads, { token, body: thread }, 400, 'No api-version'],
      ['POST', `${threads}?api-version=5.0`, { token, body: thread }, 400, 'out of range'],
      ['POST', `${threads}?api-version=7.1`, { token, body: { comments: [] } }, 400, 'at least one comment'],
      ['POST', `${threads}?api-version=7.1`, { token, body: { comments: [{}] } }, 400, 'comment.content'],
      [
        'POST',
        `${threads}?api-version=7.1`,
        { token, body: { ...thread, status: 'resolved' } },
        400,
        "'status'",
      ],
      [
        'POST',
        `${threads}?api-version=7.1`,
        { token: reader.systemAccessToken, body: thread },
        403,
        'TF401027',
      ],
      [
        'POST',
        `${threads.replace(/\/\d+\/threads$/, '/999/threads')}?api-version=7.1`,
        { token, body: thread },
        404,
        'TF401180',
      ],
      ['GET', `${threads.replace(pr.repositoryId, 'missing')}?api-version=7.1`, { token }, 404, 'TF401019'],
    ];
    for (const [method, url, options, status, message] of refused) {
      const answer = await call(method, url, options);
      expect([answer.status, JSON.parse(answer.text).message]).toEqual([
        status,
        expect.stringContaining(message),
      ]);
    }
    const created = await call('POST', `${threads}?api-version=7.1`, { token, body: thread });
    expect(created.status).toBe(200);
    const { id, comments } = JSON.parse(created.text);
    expect(JSON.parse(created.text)).toMatchObject({
      status: 'closed',
      comments: [{ content: 'hello', commentType: 'text' }],
    });
    const comment = `${threads}/${id}/comments/${comments[0].id}?api-version=7.1`;
    expect((await call('PATCH', comment, { token, body: { content: 42 } })).status).toBe(400);
    expect((await call('PATCH', comment, { token, body: { content: 'edited' } })).status).toBe(200);
    const listed = JSON.parse((await call('GET', `${threads}?api-version=7.1`, { token })).text);
    expect(listed).toMatchObject({ count: 1, value: [{ id, comments: [{ content: 'edited' }] }] });
  });
});
