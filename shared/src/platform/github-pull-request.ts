/**
 * GitHub's side of PullRequestPort: the run's pull request from the event payload (`pull_request`,
 * `pull_request_target`), its comments through @actions/github's octokit (the issues comments API: a pull request
 * is an issue). `GITHUB_API_URL` says where the API is (GitHub Enterprise Server, the emulator).
 */
import { gitHubEventPayload } from './github-context';
import {
  PullRequestApiError,
  type PullRequestComment,
  type PullRequestComments,
  type PullRequestLocation,
  type PullRequestPort,
  type PullRequestRef,
} from './ports';

export interface GitHubPullRequestOptions {
  /** Default: process.env (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_NAME). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The event payload; default: read from GITHUB_EVENT_PATH. */
  readonly payload?: { readonly pull_request?: { readonly number?: unknown } };
  /** octokit's `request.fetch` (tests: a fetch that trusts the emulator's CA). */
  readonly fetch?: (url: string, init?: unknown) => Promise<unknown>;
}

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>;
type IssueComment = { id: number; body?: string | null; html_url?: string };

const toComment = (comment: IssueComment): PullRequestComment => ({
  id: comment.id,
  body: comment.body ?? '',
  url: comment.html_url,
});

/** octokit's RequestError (status, GitHub's message) as a PullRequestApiError. */
async function gitHubCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number') throw error;
    const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
    const message = typeof data?.message === 'string' ? data.message : (error as Error).message;
    throw new PullRequestApiError(message, status, { cause: error });
  }
}

export function gitHubPullRequestPort(options: GitHubPullRequestOptions = {}): PullRequestPort {
  const env = options.env ?? process.env;
  return {
    locate: () =>
      locateGitHubPullRequest(
        env,
        options.payload ?? (gitHubEventPayload(env) as GitHubPullRequestOptions['payload']),
      ),
    comments: (pullRequest, token) => gitHubComments(pullRequest, token, options.fetch),
  };
}

function locateGitHubPullRequest(
  env: Readonly<Record<string, string | undefined>>,
  payload: GitHubPullRequestOptions['payload'],
): PullRequestLocation {
  const event = env.GITHUB_EVENT_NAME || 'unknown';
  const number = payload?.pull_request?.number;
  if (typeof number !== 'number')
    return {
      notFound: `the run is for a '${event}' event, not a pull request (pull_request or pull_request_target)`,
    };
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) return { notFound: 'GITHUB_REPOSITORY is not set (owner/name)' };
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  return { pullRequest: { host: 'github', apiUrl, owner, repo, number } };
}

function gitHubComments(
  pullRequest: PullRequestRef,
  token: string,
  fetch: GitHubPullRequestOptions['fetch'],
): PullRequestComments {
  if (pullRequest.host !== 'github') throw new Error(`not a GitHub pull request: ${pullRequest.host}`);
  // octokit loads with the first call: only a step that comments pays for it (docs/decisions/0003).
  let client: Promise<Octokit> | undefined;
  const octokitClient = () =>
    (client ??= import('@actions/github').then(({ getOctokit }) =>
      getOctokit(token, { baseUrl: pullRequest.apiUrl, ...(fetch ? { request: { fetch } } : {}) }),
    ));
  const { owner, repo, number: issue_number } = pullRequest;
  return {
    list: (signal) =>
      gitHubCall(async () => {
        const octokit = await octokitClient();
        const all = await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number,
          per_page: 100,
          request: { signal },
        });
        return all.map(toComment);
      }),
    create: (body, signal) =>
      gitHubCall(async () => {
        const octokit = await octokitClient();
        const { data } = await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number,
          body,
          request: { signal },
        });
        return toComment(data);
      }),
    update: (comment, body, signal) =>
      gitHubCall(async () => {
        const octokit = await octokitClient();
        const { data } = await octokit.rest.issues.updateComment({
          owner,
          repo,
          comment_id: comment.id,
          body,
          request: { signal },
        });
        return toComment(data);
      }),
  };
}
