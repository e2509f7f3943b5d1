import type { SourceLocation } from '../step/errors';
import type { HostKind } from '../step/manifest';

/**
 * The seam between the steps and the host that runs them. Core code depends only on these ports;
 * each host implements them over its official library in one adapter file.
 */
export interface InputPort {
  /**
   * The raw value of an input by its manifest (camelCase) name, or undefined when not given.
   * `secret` inputs must be read without the host library echoing them (task-lib debug-logs every input).
   */
  get(name: string, options?: { secret?: boolean }): string | undefined;
}

export interface OutputPort {
  set(name: string, value: string): void;
  /** Sets an output the host treats as secret (masked, not printed). */
  setSecret(name: string, value: string): void;
}

export interface LoggerPort {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, location?: SourceLocation): void;
  error(message: string, location?: SourceLocation): void;
  startGroup(title: string): void;
  endGroup(): void;
  /** Tells the host never to print this value. */
  mask(secret: string): void;
  readonly isDebug: boolean;
}

export interface SummaryPort {
  /** Publishes markdown to the run's summary page (called once per step, by runStep). */
  publish(markdown: string): Promise<void>;
}

export interface StatePort {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

/** Facts about the run, for lineage and evidence. */
export interface RunEnvironment {
  readonly host: HostKind | 'local';
  readonly workspaceDir: string;
  readonly tempDir: string;
  /**
   * The folders the host gives the run (GitHub: workspace and runner temp; Azure DevOps: sources, pipeline workspace
   * and agent temp; locally: the current and OS temp folders): every path a step reads or writes stays inside them
   * or a folder the `allowedPaths` input names (step/allowed-roots.ts).
   */
  readonly allowedRoots?: readonly string[];
  readonly runUrl?: string;
  /**
   * The page of the run's published artifacts (GitHub: the run's `#artifacts` section; Azure DevOps: the build's
   * artifacts view). Summaries link files the step wrote there, never by their path on the agent.
   */
  readonly artifactsUrl?: string;
  readonly commit?: string;
  readonly repository?: string;
  readonly branch?: string;
  readonly triggeredBy?: string;
}

/** Host-provided identity material: the Azure DevOps service connection or a GitHub OIDC token. */
export interface HostIdentityPort {
  /** An Azure DevOps service connection by id (scheme, parameters and data); undefined on other hosts. */
  serviceConnection?(id: string): ServiceConnection | undefined;
  /** A GitHub OIDC token for the audience; undefined on other hosts. */
  idToken?(audience: string): Promise<string>;
  /** On this machine: a managed identity endpoint is there (IDENTITY_ENDPOINT), used when no sign-in input is given. */
  readonly managedIdentity?: boolean;
  /** Azure DevOps workload identity federation material (`System.OidcRequestUri`, the SystemVssConnection token). */
  pipelineFederation?(): PipelineFederation;
  /**
   * Where Azure is when not a public cloud (`AZUREML_STEPS_ARM_ENDPOINT`, `AZUREML_STEPS_AUTHORITY_HOST`,
   * `AZUREML_STEPS_BLOB_ENDPOINT`).
   */
  readonly cloudOverride?: AzureCloudOverride;
  /**
   * Retry limits and the per-request timeout when not the defaults (`AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS`,
   * `AZUREML_STEPS_RETRY_BUDGET_SECONDS`, `AZUREML_STEPS_REQUEST_TIMEOUT_SECONDS`), raw: azure/retry-policy.ts checks them.
   */
  readonly retryOverride?: RetryOverride;
}

/** The raw values of the retry variables (see `retryOverrideFrom`). */
export interface RetryOverride {
  readonly maxWaitSeconds?: string;
  readonly budgetSeconds?: string;
  readonly requestTimeoutSeconds?: string;
}

/** Reads the retry variables from a host's environment (adapters only: core code reads no variables). */
export function retryOverrideFrom(env: Readonly<Record<string, string | undefined>>): RetryOverride {
  return {
    maxWaitSeconds: env.AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS || undefined,
    budgetSeconds: env.AZUREML_STEPS_RETRY_BUDGET_SECONDS || undefined,
    requestTimeoutSeconds: env.AZUREML_STEPS_REQUEST_TIMEOUT_SECONDS || undefined,
  };
}

export interface PipelineFederation {
  readonly oidcRequestUri?: string;
  readonly systemAccessToken?: string;
}

/** ARM endpoint and Entra authority host that replace the cloud's own (tests, the demo, sovereign set-ups). */
export interface AzureCloudOverride {
  readonly armEndpoint?: string;
  readonly authorityHost?: string;
  /** Blob service URL template with `{account}` (e.g. Azurite's `https://127.0.0.1:10000/{account}`). */
  readonly blobEndpoint?: string;
}

/** Reads the cloud override from a host's environment variables (adapters only: core code reads no variables). */
export function cloudOverrideFrom(
  env: Readonly<Record<string, string | undefined>>,
): AzureCloudOverride | undefined {
  const armEndpoint = env.AZUREML_STEPS_ARM_ENDPOINT || undefined;
  const authorityHost = env.AZUREML_STEPS_AUTHORITY_HOST || undefined;
  const blobEndpoint = env.AZUREML_STEPS_BLOB_ENDPOINT || undefined;
  return armEndpoint || authorityHost || blobEndpoint
    ? { armEndpoint, authorityHost, blobEndpoint }
    : undefined;
}

export interface ServiceConnection {
  readonly scheme: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
  readonly url?: string;
}

export type StepResult = 'succeeded' | 'succeededWithIssues' | 'failed' | 'cancelled';

export interface ResultPort {
  /** Reports the final result; `message` is shown as the step's error or warning. */
  complete(result: StepResult, message?: string): void;
}

/**
 * The pull request a run is for (release-gate comments on it). GitHub: the `pull_request` event's payload; Azure
 * DevOps: `System.PullRequest.PullRequestId` of a build for an Azure Repos pull request.
 */
export type PullRequestRef =
  | {
      readonly host: 'github';
      readonly apiUrl: string;
      readonly owner: string;
      readonly repo: string;
      readonly number: number;
    }
  | {
      readonly host: 'azure-repos';
      /** `System.TeamFoundationCollectionUri` (ends with `/`). */
      readonly collectionUri: string;
      readonly project: string;
      readonly repositoryId: string;
      readonly pullRequestId: number;
    };

/** Where the run's pull request is, or why the run is not for one (said to the user as it is). */
export type PullRequestLocation = { readonly pullRequest: PullRequestRef } | { readonly notFound: string };

/** One comment of a pull request (Azure Repos: the first comment of a thread). */
export interface PullRequestComment {
  readonly id: number;
  /** Azure Repos: the thread that holds the comment. */
  readonly threadId?: number;
  readonly body: string;
  /** Where a person sees it, when the API says. */
  readonly url?: string;
}

/** What a pull request API refused, with its HTTP status (401, 403, 404, 422, ...). */
export class PullRequestApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PullRequestApiError';
  }
}

/** The comments API of one pull request, signed in with a token. Errors are `PullRequestApiError`s. */
export interface PullRequestComments {
  /** Every comment (Azure Repos: every thread's first comment), all pages. */
  list(signal?: AbortSignal): Promise<PullRequestComment[]>;
  create(body: string, signal?: AbortSignal): Promise<PullRequestComment>;
  update(comment: PullRequestComment, body: string, signal?: AbortSignal): Promise<PullRequestComment>;
}

/** The host's pull request: where it is and its comments API. */
export interface PullRequestPort {
  locate(): PullRequestLocation;
  /** The host's own token for that API, when it hands one to every step (Azure DevOps: the job's access token). */
  hostToken?(): string | undefined;
  comments(pullRequest: PullRequestRef, token: string): PullRequestComments;
}

export interface Platform {
  readonly inputs: InputPort;
  readonly outputs: OutputPort;
  readonly logger: LoggerPort;
  readonly summary: SummaryPort;
  readonly state: StatePort;
  readonly environment: RunEnvironment;
  readonly identity: HostIdentityPort;
  readonly result: ResultPort;
  /** The run's pull request and its comments API (undefined on hosts without one: local runs). */
  readonly pullRequest?: PullRequestPort;
}

/** The root folders a host names (the ones it set), or undefined when it names none (the step then falls back). */
export function hostRoots(folders: readonly (string | undefined)[]): readonly string[] | undefined {
  const given = folders.filter((folder): folder is string => folder !== undefined && folder !== '');
  return given.length > 0 ? given : undefined;
}
