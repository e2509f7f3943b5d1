/**
 * The pull request comment APIs the release gate writes to (#15), on the emulator's listener:
 *  - GitHub REST (`GITHUB_API_URL` = `${url}/api/v3`, the GitHub Enterprise Server form): issue comments, listed
 *    with `per_page`/`page` and a `Link` header, created and updated; tokens (`token x` or `Bearer x`) are scoped
 *    to one repository with `pull_requests` / `issues` permissions, as the workflow token is.
 *  - Azure Repos (`System.TeamFoundationCollectionUri` = `${url}/devops/<org>/`): pull request threads, listed and
 *    created, and a thread's comment patched, api-version 7.x; `Authorization: Bearer <System.AccessToken>`.
 * Bodies the services refuse are refused (GitHub 400/422, Azure DevOps 400), with their error shapes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createCertificates } from './certificates';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse, type RecordedRequest } from './server';

/** GitHub's longest issue comment body. */
export const GITHUB_MAX_COMMENT_CHARS = 65_536;

type Permission = 'none' | 'read' | 'write';

export interface GitHubPullRequestOptions {
  /** `owner/name` (default `contoso/weather-ml`). */
  repository?: string;
  /** Default: the next free number in the repository. */
  number?: number;
  /** The workflow token's permissions (default `pull_requests: write`, `issues: none`). */
  permissions?: { pullRequests?: Permission; issues?: Permission };
}

export interface GitHubPullRequest {
  repository: string;
  number: number;
  /** A token for this repository with the permissions asked (what `${{ github.token }}` is). */
  token: string;
  apiUrl: string;
  /** The `pull_request` event payload (what GITHUB_EVENT_PATH holds), trimmed to what the steps read. */
  event: { action: string; number: number; pull_request: { number: number; html_url: string } };
  /** GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_NAME (write `event` to a file for GITHUB_EVENT_PATH). */
  env: Record<string, string>;
}

export interface GitHubComment {
  id: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface AzureReposPullRequestOptions {
  org?: string;
  project?: string;
  /** Repository name (default `weather-ml`); its id is generated. */
  repository?: string;
  pullRequestId?: number;
  /** The job's access token (generated); `canContribute: false` makes writes answer 403 (TF401027). */
  systemAccessToken?: string;
  canContribute?: boolean;
}

export interface AzureReposPullRequest {
  org: string;
  project: string;
  repositoryId: string;
  pullRequestId: number;
  systemAccessToken: string;
  collectionUri: string;
  /** What the agent sets for a pull request build of an Azure Repos repository, with SYSTEM_ACCESSTOKEN. */
  env: Record<string, string>;
}

export interface AzureReposThread {
  id: number;
  status: string;
  comments: {
    id: number;
    parentCommentId: number;
    content: string;
    commentType: string;
    publishedDate: string;
    lastUpdatedDate: string;
  }[];
  publishedDate: string;
  lastUpdatedDate: string;
}

interface GitHubToken {
  repository: string;
  permissions: { pullRequests: Permission; issues: Permission };
}

const ghDocs = 'https://docs.github.com/rest/issues/comments';
const gh = (status: number, message: string, extra: Record<string, unknown> = {}): EmulatorResponse => ({
  status,
  body: { message, ...extra, documentation_url: ghDocs, status: String(status) },
  headers: { 'x-github-request-id': randomUUID() },
});

/** Azure DevOps' error body (`$id`, `message`, `typeName`, `typeKey`, `errorCode`, `eventId`). */
const ado = (status: number, message: string, typeKey: string): EmulatorResponse => ({
  status,
  headers: { 'x-vss-e2eid': randomUUID() },
  body: {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.${typeKey}, Microsoft.TeamFoundation`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  },
});

const threadStatuses = ['unknown', 'active', 'fixed', 'wontFix', 'closed', 'byDesign', 'pending'];
const commentTypes = ['unknown', 'text', 'codeChange', 'system'];
const adoApiVersion = /^(7\.0|7\.1)(-preview(\.\d+)?)?$/;

export class PullRequestsEmulator {
  private readonly gitHubTokens = new Map<string, GitHubToken>();
  private readonly gitHubIssues = new Map<string, GitHubComment[]>();
  private readonly repoComments = new Map<number, { key: string; comment: GitHubComment }>();
  private nextGitHubId = 1_000_001;
  private readonly adoTokens = new Map<string, { canContribute: boolean }>();
  private readonly adoPullRequests = new Map<
    string,
    { threads: AzureReposThread[]; nextCommentId: number }
  >();
  private nextThreadId = 1;

  constructor(private readonly server: EmulatorServer) {}

  get gitHubApiUrl(): string {
    return `${this.server.url}/api/v3`;
  }

  register(): void {
    const s = this.server;
    const issue = '/api/v3/repos/{owner}/{repo}/issues/{number}/comments';
    s.route('GET', issue, (req) => this.gitHubList(req));
    s.route('POST', issue, (req) => this.gitHubCreate(req));
    s.route('PATCH', '/api/v3/repos/{owner}/{repo}/issues/comments/{commentId}', (req) =>
      this.gitHubUpdate(req),
    );
    const threads =
      '/devops/{org}/{project}/_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads';
    s.route('GET', threads, (req) => this.adoList(req));
    s.route('POST', threads, (req) => this.adoCreate(req));
    s.route('PATCH', `${threads}/{threadId}/comments/{commentId}`, (req) => this.adoPatch(req));
  }

  /** A GitHub pull request and a workflow token for its repository. */
  gitHub(options: GitHubPullRequestOptions = {}): GitHubPullRequest {
    const repository = options.repository ?? 'contoso/weather-ml';
    const taken = [...this.gitHubIssues.keys()].filter((key) =>
      key.startsWith(`${repository.toLowerCase()}#`),
    );
    const number = options.number ?? taken.length + 1;
    this.gitHubIssues.set(`${repository.toLowerCase()}#${number}`, []);
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    this.gitHubTokens.set(token, {
      repository: repository.toLowerCase(),
      permissions: {
        pullRequests: options.permissions?.pullRequests ?? 'write',
        issues: options.permissions?.issues ?? 'none',
      },
    });
    const html_url = `https://github.com/${repository}/pull/${number}`;
    return {
      repository,
      number,
      token,
      apiUrl: this.gitHubApiUrl,
      event: { action: 'synchronize', number, pull_request: { number, html_url } },
      env: {
        GITHUB_API_URL: this.gitHubApiUrl,
        GITHUB_REPOSITORY: repository,
        GITHUB_EVENT_NAME: 'pull_request',
      },
    };
  }

  /** The comments of a GitHub pull request, oldest first. */
  gitHubComments(repository: string, number: number): GitHubComment[] {
    return this.gitHubIssues.get(`${repository.toLowerCase()}#${number}`) ?? [];
  }

  /** An Azure Repos pull request and the job's access token. */
  azureRepos(options: AzureReposPullRequestOptions = {}): AzureReposPullRequest {
    const org = options.org ?? 'contoso';
    const project = options.project ?? 'weather-ml';
    const repositoryId = randomUUID();
    const pullRequestId = options.pullRequestId ?? 100 + this.adoPullRequests.size + 1;
    const systemAccessToken = options.systemAccessToken ?? `ado_${randomBytes(24).toString('base64url')}`;
    this.adoTokens.set(systemAccessToken, { canContribute: options.canContribute ?? true });
    this.adoPullRequests.set(this.adoKey(org, project, repositoryId, pullRequestId), {
      threads: [],
      nextCommentId: 1,
    });
    const collectionUri = `${this.server.url}/devops/${org}/`;
    return {
      org,
      project,
      repositoryId,
      pullRequestId,
      systemAccessToken,
      collectionUri,
      env: {
        SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: collectionUri,
        SYSTEM_COLLECTIONURI: collectionUri,
        SYSTEM_TEAMPROJECT: project,
        BUILD_REPOSITORY_ID: repositoryId,
        BUILD_REPOSITORY_NAME: options.repository ?? 'weather-ml',
        BUILD_REPOSITORY_PROVIDER: 'TfsGit',
        BUILD_REASON: 'PullRequest',
        SYSTEM_PULLREQUEST_PULLREQUESTID: String(pullRequestId),
        SYSTEM_ACCESSTOKEN: systemAccessToken,
        ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: systemAccessToken,
      },
    };
  }

  /** The threads of an Azure Repos pull request. */
  azureReposThreads(pullRequest: AzureReposPullRequest): AzureReposThread[] {
    const { org, project, repositoryId, pullRequestId } = pullRequest;
    return this.adoPullRequests.get(this.adoKey(org, project, repositoryId, pullRequestId))?.threads ?? [];
  }

  // --- GitHub ---

  private gitHubAuth(req: EmulatorRequest, write: boolean): { key: string } | EmulatorResponse {
    const given = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = given === undefined ? undefined : this.gitHubTokens.get(given);
    if (given !== undefined && !token) return gh(401, 'Bad credentials');
    const repository = `${req.params['owner']}/${req.params['repo']}`.toLowerCase();
    // Repositories are private: without a token, or with another repository's, they do not exist.
    if (!token) return write ? gh(401, 'Requires authentication') : gh(404, 'Not Found');
    if (token.repository !== repository) return gh(404, 'Not Found');
    const rank = { none: 0, read: 1, write: 2 };
    const allowed = Math.max(rank[token.permissions.pullRequests], rank[token.permissions.issues]);
    if (allowed < (write ? 2 : 1)) return gh(403, 'Resource not accessible by integration');
    return { key: repository };
  }

  private gitHubBody(req: EmulatorRequest): string | EmulatorResponse {
    if (req.rawBody.length > 0 && req.body === undefined) return gh(400, 'Problems parsing JSON');
    const body = (req.body as { body?: unknown } | undefined)?.body;
    if (body === undefined || body === null) return gh(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
    if (typeof body !== 'string')
      return gh(422, `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body)} is not a string.`);
    if (body.length > GITHUB_MAX_COMMENT_CHARS)
      return gh(422, 'Validation Failed', {
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${GITHUB_MAX_COMMENT_CHARS} characters)`,
          },
        ],
      });
    return body;
  }

  private gitHubView(req: EmulatorRequest, comment: GitHubComment, number: number): Record<string, unknown> {
    const repository = `${req.params['owner']}/${req.params['repo']}`;
    return {
      id: comment.id,
      node_id: `IC_${Buffer.from(String(comment.id)).toString('base64url')}`,
      url: `${this.gitHubApiUrl}/repos/${repository}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${repository}/pull/${number}#issuecomment-${comment.id}`,
      issue_url: `${this.gitHubApiUrl}/repos/${repository}/issues/${number}`,
      body: comment.body,
      user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: 'NONE',
    };
  }

  private gitHubList(req: EmulatorRequest): EmulatorResponse {
    const auth = this.gitHubAuth(req, false);
    if ('status' in auth) return auth;
    const number = Number(req.params['number']);
    const comments = this.gitHubIssues.get(`${auth.key}#${number}`);
    if (!comments) return gh(404, 'Not Found');
    const perPage = Math.min(Math.max(Number(req.query.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(comments.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const url = new URL(`${this.server.url}${req.path}`);
      url.searchParams.set('per_page', String(perPage));
      url.searchParams.set('page', String(p));
      return `<${url.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ];
    const slice = comments.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      headers: links.length > 0 ? { link: links.join(', ') } : {},
      body: slice.map((comment) => this.gitHubView(req, comment, number)),
    };
  }

  private gitHubCreate(req: EmulatorRequest): EmulatorResponse {
    const auth = this.gitHubAuth(req, true);
    if ('status' in auth) return auth;
    const number = Number(req.params['number']);
    const comments = this.gitHubIssues.get(`${auth.key}#${number}`);
    if (!comments) return gh(404, 'Not Found');
    const body = this.gitHubBody(req);
    if (typeof body !== 'string') return body;
    const now = new Date().toISOString();
    const comment = { id: this.nextGitHubId++, body, created_at: now, updated_at: now };
    comments.push(comment);
    this.repoComments.set(comment.id, { key: `${auth.key}#${number}`, comment });
    return {
      status: 201,
      body: this.gitHubView(req, comment, number),
      headers: {
        location: `${this.gitHubApiUrl}/repos/${req.params['owner']}/${req.params['repo']}/issues/comments/${comment.id}`,
      },
    };
  }

  private gitHubUpdate(req: EmulatorRequest): EmulatorResponse {
    const auth = this.gitHubAuth(req, true);
    if ('status' in auth) return auth;
    const found = this.repoComments.get(Number(req.params['commentId']));
    if (!found || !found.key.startsWith(`${auth.key}#`)) return gh(404, 'Not Found');
    const body = this.gitHubBody(req);
    if (typeof body !== 'string') return body;
    found.comment.body = body;
    found.comment.updated_at = new Date().toISOString();
    return { status: 200, body: this.gitHubView(req, found.comment, Number(found.key.split('#')[1])) };
  }

  // --- Azure Repos ---

  private adoKey(org: string, project: string, repositoryId: string, pullRequestId: number): string {
    return `${org}/${project}/${repositoryId}/${pullRequestId}`.toLowerCase();
  }

  /** Token, api-version and the pull request, in Azure DevOps' order; the pull request's state when all hold. */
  private adoGuard(req: EmulatorRequest, write: boolean) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer === undefined ? undefined : this.adoTokens.get(bearer);
    if (!token)
      return ado(
        401,
        'TF400813: The user is not authorized to access this resource.',
        'UnauthorizedRequestException',
      );
    const version = req.query.get('api-version');
    if (version === null)
      return ado(
        400,
        `No api-version was supplied for the ${req.method} request. Please specify an api-version.`,
        'VssVersionNotSpecifiedException',
      );
    if (!adoApiVersion.test(version))
      return ado(
        400,
        `The requested REST API version of ${version} is out of range for this server.`,
        'VssVersionOutOfRangeException',
      );
    const { org = '', project = '', repositoryId = '' } = req.params;
    const state = this.adoPullRequests.get(
      this.adoKey(org, project, repositoryId, Number(req.params['pullRequestId'])),
    );
    const repositoryKnown = [...this.adoPullRequests.keys()].some((key) =>
      key.startsWith(`${org}/${project}/${repositoryId}/`.toLowerCase()),
    );
    if (!repositoryKnown)
      return ado(
        404,
        `TF401019: The Git repository with name or identifier ${repositoryId} does not exist or you do not have permissions for the operation you are attempting.`,
        'GitRepositoryNotFoundException',
      );
    if (!state)
      return ado(
        404,
        'TF401180: The requested pull request was not found.',
        'GitPullRequestNotFoundException',
      );
    if (write && !token.canContribute)
      return ado(
        403,
        "TF401027: You need the Git 'PullRequestContribute' permission to perform this action. Details: identity 'Build\\emulator', scope 'repository'.",
        'GitNeedsPermissionException',
      );
    return state;
  }

  private adoList(req: EmulatorRequest): EmulatorResponse {
    const state = this.adoGuard(req, false);
    if ('status' in state) return state;
    return { status: 200, body: { value: state.threads, count: state.threads.length } };
  }

  private adoCreate(req: EmulatorRequest): EmulatorResponse {
    const state = this.adoGuard(req, true);
    if ('status' in state) return state;
    const problem = threadProblem(req.body);
    if (problem) return ado(400, problem, 'InvalidArgumentValueException');
    const body = req.body as {
      status?: string | number;
      comments: { content: string; parentCommentId?: number; commentType?: string | number }[];
    };
    const now = new Date().toISOString();
    const thread: AzureReposThread = {
      id: this.nextThreadId++,
      status: enumName(threadStatuses, body.status ?? 'unknown'),
      comments: body.comments.map((comment) => ({
        id: state.nextCommentId++,
        parentCommentId: comment.parentCommentId ?? 0,
        content: comment.content,
        commentType: enumName(commentTypes, comment.commentType ?? 'text'),
        publishedDate: now,
        lastUpdatedDate: now,
      })),
      publishedDate: now,
      lastUpdatedDate: now,
    };
    state.threads.push(thread);
    return { status: 200, body: thread };
  }

  private adoPatch(req: EmulatorRequest): EmulatorResponse {
    const state = this.adoGuard(req, true);
    if ('status' in state) return state;
    const thread = state.threads.find((t) => t.id === Number(req.params['threadId']));
    const comment = thread?.comments.find((c) => c.id === Number(req.params['commentId']));
    if (!thread || !comment)
      return ado(
        404,
        `TF401181: The requested pull request comment thread or comment was not found.`,
        'GitPullRequestCommentNotFoundException',
      );
    const content = (req.body as { content?: unknown } | undefined)?.content;
    if (req.body === undefined || typeof req.body !== 'object' || typeof content !== 'string')
      return ado(400, 'Value cannot be null.\r\nParameter name: comment.content', 'ArgumentNullException');
    comment.content = content;
    comment.lastUpdatedDate = thread.lastUpdatedDate = new Date().toISOString();
    return { status: 200, body: comment };
  }
}

/** The name of an enum value given by name (any case) or number. */
function enumName(names: readonly string[], value: string | number): string {
  return typeof value === 'number'
    ? (names[value] ?? 'unknown')
    : (names.find((n) => n.toLowerCase() === value.toLowerCase()) ?? 'unknown');
}

const validEnum = (names: readonly string[], value: unknown) =>
  value === undefined ||
  (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) ||
  (typeof value === 'string' && names.some((n) => n.toLowerCase() === value.toLowerCase()));

/** Why a GitPullRequestCommentThread body is refused, or undefined. */
function threadProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'Value cannot be null.\r\nParameter name: commentThread';
  const thread = body as Record<string, unknown>;
  if (!validEnum(threadStatuses, thread['status']))
    return `Invalid value for 'status': ${JSON.stringify(thread['status'])}.`;
  const comments = thread['comments'];
  if (!Array.isArray(comments) || comments.length === 0)
    return 'The thread must contain at least one comment.';
  for (const comment of comments as unknown[]) {
    const c = (typeof comment === 'object' && comment !== null ? comment : {}) as Record<string, unknown>;
    if (typeof c['content'] !== 'string') return 'Value cannot be null.\r\nParameter name: comment.content';
    if (c['parentCommentId'] !== undefined && !Number.isInteger(c['parentCommentId']))
      return `Invalid value for 'parentCommentId': ${JSON.stringify(c['parentCommentId'])}.`;
    if (!validEnum(commentTypes, c['commentType']))
      return `Invalid value for 'commentType': ${JSON.stringify(c['commentType'])}.`;
  }
  return undefined;
}

/**
 * The two pull request APIs alone on their own listener (no ARM, no Azurite): for tests that need only them.
 * `startEmulator()` serves the same routes as `emulator.pullRequests`.
 */
export async function startPullRequestApis(): Promise<{
  pullRequests: PullRequestsEmulator;
  url: string;
  caPem: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const certificates = createCertificates();
  const server = new EmulatorServer({ certPem: certificates.certPem, keyPem: certificates.keyPem });
  try {
    const url = await server.listen();
    const pullRequests = new PullRequestsEmulator(server);
    pullRequests.register();
    return {
      pullRequests,
      url,
      caPem: certificates.caPem,
      requests: server.requests,
      close: async () => {
        await server.close();
        certificates.dispose();
      },
    };
  } catch (error) {
    certificates.dispose();
    throw error;
  }
}
