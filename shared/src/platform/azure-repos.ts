/**
 * Azure DevOps' side of PullRequestPort: the run's pull request from the pipeline variables of a pull request build
 * (Azure Repos only), its comments through the pull request threads REST API (api-version 7.1): list threads, create
 * a thread, patch a thread's first comment. Authenticated with the job's access token (`System.AccessToken`).
 */
import {
  PullRequestApiError,
  type PullRequestComment,
  type PullRequestComments,
  type PullRequestLocation,
  type PullRequestPort,
  type PullRequestRef,
} from './ports';

const API_VERSION = '7.1';
/**
 * Our thread is information, not a review request: created `closed` (resolved), so that a "comments must be
 * resolved" branch policy never waits on it.
 */
const THREAD_STATUS = 'closed';
const REQUEST_TIMEOUT_MS = 30_000;

export interface AzureReposOptions {
  /** A pipeline variable by name (`System.PullRequest.PullRequestId`), as task-lib's getVariable reads it. */
  readonly variable: (name: string) => string | undefined;
  /** The job's access token: the SystemVssConnection's, else `SYSTEM_ACCESSTOKEN` mapped by the pipeline. */
  readonly accessToken?: () => string | undefined;
  /** Extra CA certificates (tests: the emulator's). */
  readonly ca?: string;
}

interface Thread {
  id: number;
  isDeleted?: boolean;
  comments?: { id: number; content?: string; isDeleted?: boolean }[];
}

export function azureReposPullRequestPort(options: AzureReposOptions): PullRequestPort {
  return {
    locate: () => locateAzureReposPullRequest(options.variable),
    hostToken: () => options.accessToken?.(),
    comments: (pullRequest, token) => azureReposComments(pullRequest, token, options.ca),
  };
}

function locateAzureReposPullRequest(variable: AzureReposOptions['variable']): PullRequestLocation {
  const id = variable('System.PullRequest.PullRequestId');
  if (!id)
    return {
      notFound: `the build is not for a pull request (Build.Reason ${variable('Build.Reason') ?? 'unknown'})`,
    };
  const provider = variable('Build.Repository.Provider') ?? 'unknown';
  if (provider !== 'TfsGit')
    return {
      notFound: `the pull request is in a ${provider} repository; the comment is written to Azure Repos pull requests only`,
    };
  const collectionUri = variable('System.TeamFoundationCollectionUri') ?? variable('System.CollectionUri');
  const project = variable('System.TeamProject') ?? variable('System.TeamProjectId');
  const repositoryId = variable('Build.Repository.ID');
  const pullRequestId = Number(id);
  if (!collectionUri || !project || !repositoryId || !Number.isInteger(pullRequestId))
    return {
      notFound: `pull request ${id}: System.TeamFoundationCollectionUri, System.TeamProject or Build.Repository.ID is not set`,
    };
  const base = collectionUri.endsWith('/') ? collectionUri : `${collectionUri}/`;
  return { pullRequest: { host: 'azure-repos', collectionUri: base, project, repositoryId, pullRequestId } };
}

function azureReposComments(
  pullRequest: PullRequestRef,
  token: string,
  ca: string | undefined,
): PullRequestComments {
  if (pullRequest.host !== 'azure-repos')
    throw new Error(`not an Azure Repos pull request: ${pullRequest.host}`);
  const { collectionUri, project, repositoryId, pullRequestId } = pullRequest;
  const threads = `${collectionUri}${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(repositoryId)}/pullRequests/${pullRequestId}/threads`;
  const call = (method: string, url: string, body: unknown, signal?: AbortSignal) =>
    send({ method, url: `${url}?api-version=${API_VERSION}`, token, body, ca, signal });
  const toComment = (thread: Thread): PullRequestComment | undefined => {
    const first = thread.comments?.[0];
    return first && !thread.isDeleted && !first.isDeleted
      ? { id: first.id, threadId: thread.id, body: first.content ?? '' }
      : undefined;
  };
  return {
    async list(signal) {
      const answer = (await call('GET', threads, undefined, signal)) as { value?: Thread[] };
      return (answer.value ?? []).map(toComment).filter((comment) => comment !== undefined);
    },
    async create(body, signal) {
      const thread = (await call(
        'POST',
        threads,
        { comments: [{ parentCommentId: 0, content: body, commentType: 'text' }], status: THREAD_STATUS },
        signal,
      )) as Thread;
      const created = toComment(thread);
      if (!created) throw new PullRequestApiError('the created thread has no comment', 500);
      return created;
    },
    async update(comment, body, signal) {
      const url = `${threads}/${comment.threadId}/comments/${comment.id}`;
      const patched = (await call('PATCH', url, { content: body }, signal)) as {
        id: number;
        content?: string;
      };
      return { id: patched.id, threadId: comment.threadId, body: patched.content ?? body };
    },
  };
}

/**
 * One JSON request; a non-2xx answer becomes a PullRequestApiError with Azure DevOps' message. node:http and
 * node:https (TLS) load at the first comment, not at every task's start.
 */
async function send(request: {
  method: string;
  url: string;
  token: string;
  body: unknown;
  ca?: string;
  signal?: AbortSignal;
}): Promise<unknown> {
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  // `default`, the module object: the bundle's import() of a built-in gives only that (scripts/build.ts).
  const { request: startRequest } = (
    request.url.startsWith('https:') ? await import('node:https') : await import('node:http')
  ).default;
  return new Promise((resolve, reject) => {
    const req = startRequest(
      request.url,
      {
        method: request.method,
        signal: request.signal,
        timeout: REQUEST_TIMEOUT_MS,
        ...(request.ca ? { ca: request.ca } : {}),
        headers: {
          authorization: `Bearer ${request.token}`,
          accept: 'application/json',
          // Without it Azure DevOps may answer an unauthenticated call with a sign-in page instead of 401.
          'x-tfs-fedauthredirect': 'Suppress',
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(parseJson(text));
          const message = (parseJson(text) as { message?: unknown } | undefined)?.message;
          reject(new PullRequestApiError(typeof message === 'string' ? message : `HTTP ${status}`, status));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${new URL(request.url).host} in 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
