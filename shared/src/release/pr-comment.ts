/**
 * The release gate's pull request comment (#15): one comment per pull request and model, found again by a hidden
 * marker and updated on every re-run, never duplicated. The host's PullRequestPort (platform/) does the HTTP; this
 * module decides: not a pull request run, which token, create or update, the size bound, and what a refusal means.
 */
import {
  PullRequestApiError,
  type LoggerPort,
  type PullRequestComment,
  type PullRequestPort,
  type PullRequestRef,
} from '../platform/ports';

/**
 * The longest comment body GitHub accepts (it answers 422 "body is too long (maximum is 65536 characters)"). Azure
 * Repos gets the same bound: its own limit is not documented in the REST reference.
 */
export const MAX_COMMENT_CHARS = 65_536;

/** What upsertPullRequestComment needs of the step's context (a StepContext has all of it). */
export interface PullRequestCommentContext {
  readonly logger: LoggerPort;
  /** The host's pull request (StepContext.pullRequest); undefined on a host without one. */
  readonly pullRequest?: PullRequestPort;
  addSecret(value: string): void;
  redact(text: string): string;
  readonly signal?: AbortSignal;
}

export interface PullRequestCommentRequest {
  /** What the comment is about, e.g. the model name: one comment per key and pull request. */
  readonly key: string;
  /** The comment, markdown. Redacted, then cut to MAX_COMMENT_CHARS with the marker. */
  readonly body: string;
  /**
   * GitHub: the workflow token (the `github-token` input). Azure DevOps: undefined uses the job's access token
   * (`System.AccessToken`).
   */
  readonly token?: string;
}

export type PullRequestCommentOutcome =
  | {
      readonly status: 'created' | 'updated';
      readonly commentId: number;
      readonly threadId?: number;
      readonly url?: string;
      /** `owner/repo#12` or `project/repository!12`. */
      readonly pullRequest: string;
    }
  /** Not a pull request run, or a host without pull requests: nothing was sent. */
  | { readonly status: 'skipped'; readonly reason: string }
  /** The comment could not be written; a warning said why (the step goes on). */
  | { readonly status: 'failed'; readonly reason: string };

/** The hidden first line that marks our comment for `key`: `<!-- azureml-release-gate:<key> -->`. */
export function commentMarker(key: string): string {
  // An HTML comment ends at `-->` and must not hold `--`: anything else than a plain name is percent-encoded.
  const safe = key
    .replace(/[^A-Za-z0-9_.:@/-]/g, (char) => encodeURIComponent(char))
    .replace(/--/g, '-%2D')
    .replace(/-$/, '%2D');
  return `<!-- azureml-release-gate:${safe} -->`;
}

/** The marker, then the body cut (if needed) so that the whole stays within `max` characters. */
export function commentBody(marker: string, body: string, max = MAX_COMMENT_CHARS): string {
  const whole = `${marker}\n${body}`;
  if (whole.length <= max) return whole;
  const note = `\n\n…(cut: the comment had ${body.length.toLocaleString('en-US')} characters, more than the ${max.toLocaleString('en-US')} a pull request comment may hold; the whole evidence page is in the run's artifacts)`;
  return `${marker}\n${body.slice(0, max - marker.length - 1 - note.length)}${note}`;
}

/** `owner/repo#12` or `project/repository!12`, for log lines. */
export function describePullRequest(pullRequest: PullRequestRef): string {
  return pullRequest.host === 'github'
    ? `${pullRequest.owner}/${pullRequest.repo}#${pullRequest.number}`
    : `${pullRequest.project}/${pullRequest.repositoryId}!${pullRequest.pullRequestId}`;
}

/** What to grant when the token may not comment, per host. */
function permissionHint(pullRequest: PullRequestRef): string {
  return pullRequest.host === 'github'
    ? "give the workflow token 'pull-requests: write' (the job's `permissions:`), or pass a token that has it as the github-token input"
    : "allow the build service identity ('<project> Build Service (<organization>)') 'Contribute to pull requests' on the repository (Project settings > Repositories > Security)";
}

/** Why the API refused, in words that say what to do. */
function refusal(error: unknown, pullRequest: PullRequestRef): string {
  const where = describePullRequest(pullRequest);
  if (!(error instanceof PullRequestApiError))
    return `could not comment on pull request ${where}: ${error instanceof Error ? error.message : String(error)}`;
  const said = `${error.status}: ${error.message}`;
  if (error.status === 401)
    return `could not comment on pull request ${where}: the token was not accepted (${said}); ${pullRequest.host === 'github' ? 'check the github-token input' : 'check that the job has its access token (System.AccessToken)'}`;
  if (error.status === 403 || error.status === 404)
    return `could not comment on pull request ${where}: the token may not write comments there (${said}); ${permissionHint(pullRequest)}`;
  return `could not comment on pull request ${where} (${said})`;
}

/** The first of our comments (by marker), oldest first as the APIs list them. */
function ours(comments: readonly PullRequestComment[], marker: string): PullRequestComment | undefined {
  return comments.find((comment) => comment.body.startsWith(marker));
}

/**
 * Creates the pull request comment for `request.key`, or updates the one an earlier run made (found by its marker).
 * Never throws for the comment's sake: a run not for a pull request is an info line, a refusal a warning naming
 * the permission to grant.
 */
export async function upsertPullRequestComment(
  context: PullRequestCommentContext,
  request: PullRequestCommentRequest,
): Promise<PullRequestCommentOutcome> {
  const { logger, pullRequest: port } = context;
  const location = port?.locate() ?? { notFound: 'this host has no pull requests (a local run)' };
  if ('notFound' in location) {
    logger.info(`No pull request comment: ${location.notFound}.`);
    return { status: 'skipped', reason: location.notFound };
  }
  const pullRequest = location.pullRequest;
  const where = describePullRequest(pullRequest);
  const token = request.token || port?.hostToken?.();
  if (!port || !token) {
    const reason = `no token to comment on pull request ${where} with; ${pullRequest.host === 'github' ? 'set the github-token input (default: the workflow token)' : 'the job has no access token (System.AccessToken)'}`;
    logger.warning(`${reason}.`);
    return { status: 'failed', reason };
  }
  context.addSecret(token);
  const marker = commentMarker(request.key);
  const body = commentBody(marker, context.redact(request.body));
  try {
    const comments = port.comments(pullRequest, token);
    const existing = ours(await comments.list(context.signal), marker);
    const written = existing
      ? await comments.update(existing, body, context.signal)
      : await comments.create(body, context.signal);
    const status = existing ? 'updated' : 'created';
    logger.info(`Pull request ${where}: comment ${status}${written.url ? ` (${written.url})` : ''}.`);
    return {
      status,
      commentId: written.id,
      threadId: written.threadId,
      url: written.url,
      pullRequest: where,
    };
  } catch (error) {
    if (context.signal?.aborted) throw error;
    const reason = refusal(error, pullRequest);
    logger.warning(`${reason}.`);
    return { status: 'failed', reason };
  }
}
