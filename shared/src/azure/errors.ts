import { AzureError, StepError } from '../step/errors';
import type { HostKind } from '../step/manifest';

/** What the failing call was about, so the message can name the fix precisely. */
export interface AzureErrorContext {
  /** What we were doing, e.g. `Reading workspace 'rg/w'`. */
  readonly operation?: string;
  /** The ARM scope the step needs access to (a workspace id) when the error does not say. */
  readonly scope?: string;
  /** The role that grants what the step does on that scope (default: AzureML Data Scientist). */
  readonly role?: string;
  /** The client id that signs in, for hints about app registrations. */
  readonly clientId?: string;
  /** The tenant we sign in to. */
  readonly tenantId?: string;
  /** Which host configured the credentials, to say where to fix them. */
  readonly host?: HostKind | 'local';
}

/** The role that lets a step work in an Azure ML workspace (jobs, models, endpoints) without owning it. */
export const defaultWorkspaceRole = 'AzureML Data Scientist';

/**
 * Turns what the Azure SDKs throw (RestError, AuthenticationError, CredentialUnavailableError, a request
 * timeout) into an AzureError whose message names the fix, with the SDK's error as its `cause` (shown in debug
 * mode). Other errors are returned unchanged.
 */
export function toAzureError(error: unknown, context: AzureErrorContext = {}): unknown {
  if (error instanceof StepError) return error;
  const prefix = context.operation ? `${context.operation} failed: ` : '';
  for (const candidate of causes(error)) {
    const aadstsMatch = /AADSTS(\d+)/.exec(candidate.message);
    if (candidate.name === 'AuthenticationError' || aadstsMatch) {
      return fromAuthentication(
        candidate as AuthenticationErrorLike,
        aadstsMatch?.[1],
        prefix,
        context,
        error,
      );
    }
    if (candidate.name === 'CredentialUnavailableError') {
      return new AzureError(
        `${prefix}${firstLine(candidate.message)} ${credentialUnavailableFix(context.host)}`,
        'CredentialUnavailable',
        undefined,
        undefined,
        { cause: error },
      );
    }
    if (candidate.name === 'RestError' && typeof (candidate as RestErrorLike).statusCode === 'number') {
      return fromRestError(candidate as RestErrorLike, prefix, context, error);
    }
  }
  // Our request timeout aborts the request (core-rest-pipeline does not retry aborts). A cancelled run aborts too,
  // but runStep reports cancellation itself whatever the interrupted call threw.
  if (error instanceof Error && error.name === 'AbortError') {
    return new AzureError(
      `${prefix}Azure did not answer within the request timeout.`,
      'RequestTimeout',
      undefined,
      undefined,
      { cause: error },
    );
  }
  return error;
}

/** Runs one Azure call and converts its failure with toAzureError. */
export async function callAzure<T>(context: AzureErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAzureError(error, context);
  }
}

interface RestErrorLike extends Error {
  statusCode: number;
  code?: string;
  response?: { headers: { get(name: string): string | undefined } };
}

interface AuthenticationErrorLike extends Error {
  statusCode?: number;
  errorResponse?: {
    error?: string;
    errorDescription?: string;
    correlationId?: string;
    errorCodes?: number[];
  };
}

function fromRestError(
  error: RestErrorLike,
  prefix: string,
  context: AzureErrorContext,
  original: unknown,
): AzureError {
  const code = error.code || `HTTP${error.statusCode}`;
  const correlationId =
    error.response?.headers.get('x-ms-correlation-request-id') ??
    error.response?.headers.get('x-ms-request-id');
  const message = firstLine(error.message);
  let fix = '';
  if (error.statusCode === 403 && /AuthorizationFailed/i.test(code)) {
    fix = authorizationFix(message, context);
  } else if (code === 'MissingSubscriptionRegistration') {
    const namespace = /namespace '([^']+)'/i.exec(message)?.[1] ?? 'Microsoft.MachineLearningServices';
    fix = `The subscription is not registered for ${namespace}: run \`az provider register --namespace ${namespace}\` (needs Contributor on the subscription) and retry.`;
  } else if (error.statusCode === 404) {
    fix = 'Check the subscription, resource group and workspace names (and that the identity can see them).';
  } else if (code === 'InvalidAuthenticationTokenTenant') {
    fix =
      'The subscription belongs to another tenant: use the tenant id of that subscription in the sign-in settings.';
  }
  return new AzureError(`${prefix}${message}${fix ? ` ${fix}` : ''}`, code, error.statusCode, correlationId, {
    cause: original,
  });
}

function authorizationFix(message: string, context: AzureErrorContext): string {
  const objectId = /object id '([^']+)'/i.exec(message)?.[1] ?? /client '([^']+)'/i.exec(message)?.[1];
  const action = /action '([^']+)'/i.exec(message)?.[1];
  const scope = /scope '([^']+)'/i.exec(message)?.[1] ?? context.scope;
  const role =
    context.role ??
    (action && !action.toLowerCase().startsWith('microsoft.machinelearningservices/')
      ? 'Contributor'
      : defaultWorkspaceRole);
  const assignee = objectId ?? context.clientId ?? '<client id>';
  const target = scope ?? '<workspace resource id>';
  return (
    `The identity ${assignee} lacks a role${action ? ` allowing '${action}'` : ''} on ${target}: grant it '${role}' there, e.g. ` +
    `\`az role assignment create --assignee ${assignee} --role "${role}" --scope ${target}\`. Role assignments take a few minutes to apply.`
  );
}

function fromAuthentication(
  error: AuthenticationErrorLike,
  aadsts: string | undefined,
  prefix: string,
  context: AzureErrorContext,
  original: unknown,
): AzureError {
  const description = error.errorResponse?.errorDescription || error.message;
  const code = aadsts ? `AADSTS${aadsts}` : error.errorResponse?.error || 'AuthenticationFailed';
  const correlationId =
    error.errorResponse?.correlationId ?? /Correlation ID: ([0-9a-f-]{36})/i.exec(description)?.[1];
  const client = context.clientId ? `app ${context.clientId}` : 'the app registration';
  const where = credentialsLocation(context.host);
  let fix: string;
  switch (aadsts) {
    case '7000215':
      fix = `The client secret of ${client} is wrong. Copy the secret's Value (not its Secret ID) into ${where}.`;
      break;
    case '7000222':
      fix = `The client secret of ${client} has expired. Create a new one (\`az ad app credential reset --id ${context.clientId ?? '<client id>'} --append\`) and put it into ${where}; better, switch to workload identity federation (no secret to expire).`;
      break;
    case '70021': {
      const subject = /Assertion Subject: '([^']*)'/i.exec(description)?.[1];
      const issuer = /Assertion Issuer: '([^']*)'/i.exec(description)?.[1];
      fix =
        `No federated credential of ${client} matches the token this run presented` +
        `${subject ? ` (subject '${subject}'${issuer ? `, issuer '${issuer}'` : ''})` : ''}. ` +
        `Add one with exactly that subject and issuer: Entra ID > App registrations (or the managed identity) > Certificates & secrets > Federated credentials` +
        `${context.host === 'azure-pipelines' ? '; the service connection page shows the issuer and subject to use.' : '; GitHub subjects look like repo:<owner>/<repo>:environment:<name> or :ref:refs/heads/<branch>.'}`;
      break;
    }
    case '700016':
      fix =
        `Application ${context.clientId ?? ''} was not found in tenant ${context.tenantId ?? ''}: check the client id and the tenant id in ${where}.`.replace(
          / {2,}/g,
          ' ',
        );
      break;
    case '90002':
      fix =
        `Tenant ${context.tenantId ?? ''} was not found: check the tenant id in ${where} (the Directory (tenant) ID of the app registration).`.replace(
          / {2,}/g,
          ' ',
        );
      break;
    default:
      fix = `Entra ID refused the sign-in; check the credentials in ${where}.`;
  }
  // AAD's own sentence, without the trace/correlation ids and timestamps around it (the id is kept apart).
  const aadSentence =
    /AADSTS\d+:.*?(?=\s+Trace ID:|\r?\n|$)/.exec(description)?.[0] ?? firstLine(description);
  return new AzureError(`${prefix}${fix} (${aadSentence})`, code, error.statusCode, correlationId, {
    cause: original,
  });
}

function credentialsLocation(host: AzureErrorContext['host']): string {
  if (host === 'azure-pipelines') return 'the Azure Resource Manager service connection';
  if (host === 'github')
    return "the workflow's sign-in inputs (the GitHub secret holding `creds`, or client-id/tenant-id)";
  return 'the sign-in settings';
}

function credentialUnavailableFix(host: AzureErrorContext['host']): string {
  if (host === 'github')
    return 'Sign in first: give client-id, tenant-id and subscription-id (OIDC, needs `permissions: id-token: write`), or creds, or run azure/login before this step.';
  if (host === 'azure-pipelines')
    return 'Check the service connection and that the agent can reach its identity.';
  return 'Sign in with `az login`, or set the sign-in inputs.';
}

/** The error and the errors it wraps (`cause`), outermost first. */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim()) ?? text).trim();
}
