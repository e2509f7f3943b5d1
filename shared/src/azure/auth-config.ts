import { createPrivateKey } from 'node:crypto';
import type { HostIdentityPort, ServiceConnection } from '../platform/ports';
import { InputError, InputErrors } from '../step/errors';
import { hostName, type HostKind } from '../step/manifest';
import { resolveCloud, type AzureCloud } from './cloud';

/** The audience GitHub OIDC tokens are asked for when they are exchanged for Entra tokens. */
export const githubTokenAudience = 'api://AzureADTokenExchange';

/** How to sign in to Entra ID, one case per credential we create. */
export type AzureAuth =
  | {
      readonly kind: 'pipelinesFederation';
      readonly tenantId: string;
      readonly clientId: string;
      readonly serviceConnectionId: string;
      readonly systemAccessToken: string;
    }
  | {
      readonly kind: 'clientSecret';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | {
      readonly kind: 'clientCertificate';
      readonly tenantId: string;
      readonly clientId: string;
      readonly certificatePem: string;
    }
  | { readonly kind: 'managedIdentity'; readonly clientId?: string }
  | {
      readonly kind: 'clientAssertion';
      readonly tenantId: string;
      readonly clientId: string;
      /** Asks the host for a fresh OIDC token; called whenever Entra needs a new one. */
      readonly getAssertion: () => Promise<string>;
    }
  | { readonly kind: 'azureCli'; readonly tenantId?: string };

/** Everything needed to reach ARM: how to sign in, where, and which subscription. */
export interface AzureAccess {
  readonly auth: AzureAuth;
  readonly cloud: AzureCloud;
  readonly subscriptionId: string;
  /** One line for the log: how we sign in (never a secret). */
  readonly description: string;
}

/** The sign-in inputs of `azureSignInInputs` (common-inputs.ts), as the user gave them. */
export interface AzureSignInValues {
  readonly azureSubscription?: string;
  readonly clientId?: string;
  readonly tenantId?: string;
  readonly subscriptionId?: string;
  readonly creds?: string;
}

/**
 * Turns what the host gives into an AzureAccess, or throws InputErrors naming every fix at once. Pure: no
 * network. Every secret it touches is handed to `addSecret` before anything can print it.
 */
export function resolveAzureAccess(
  host: HostKind | 'local',
  values: AzureSignInValues,
  identity: HostIdentityPort,
  addSecret: (secret: string) => void,
): AzureAccess {
  return host === 'azure-pipelines'
    ? fromServiceConnection(values.azureSubscription, identity, addSecret)
    : fromGitHubInputs(host, values, identity, addSecret);
}

const schemes = {
  workloadIdentityFederation: 'workloadidentityfederation',
  servicePrincipal: 'serviceprincipal',
  managedServiceIdentity: 'managedserviceidentity',
} as const;

/** The one input naming the service connection; every message about the connection is filed under it. */
const connectionInput = 'azureSubscription';

function fromServiceConnection(
  id: string | undefined,
  identity: HostIdentityPort,
  addSecret: (secret: string) => void,
): AzureAccess {
  const connection = connectionFields(findServiceConnection(id, identity));
  const { errors } = connection;
  const cloud = cloudOrError(
    () => resolveCloud(connection.data('environment'), identity.cloudOverride, connectionInput),
    errors,
  );
  const subscriptionId = connection.data('subscriptionId') ?? '';
  if (!subscriptionId) {
    errors.push(
      new InputError(
        connectionInput,
        `Service connection '${connection.id}' is not scoped to a subscription: use a connection with scope level Subscription (or Machine Learning Workspace).`,
      ),
    );
  }
  const { auth, description } = connectionSignIn(connection, identity, addSecret);
  if (errors.length > 0 || !auth || !cloud) throw new InputErrors(errors);
  return { auth, cloud, subscriptionId, description };
}

/** The service connection the input names; throws when none is named or the pipeline cannot see it. */
function findServiceConnection(
  id: string | undefined,
  identity: HostIdentityPort,
): { id: string; connection: ServiceConnection } {
  if (!id)
    throw new InputErrors([
      new InputError(
        connectionInput,
        `Input '${connectionInput}' is required: choose an Azure Resource Manager service connection.`,
      ),
    ]);
  const connection = identity.serviceConnection?.(id);
  if (!connection) {
    throw new InputErrors([
      new InputError(
        connectionInput,
        `Service connection '${id}' was not found. Give the id or name of an Azure Resource Manager service connection this pipeline is authorized to use.`,
      ),
    ]);
  }
  return { id, connection };
}

/** A service connection's fields, read case-insensitively; `need` records a missing parameter in `errors`. */
interface ConnectionFields {
  readonly id: string;
  readonly scheme: string;
  readonly errors: InputError[];
  parameter(key: string): string | undefined;
  data(key: string): string | undefined;
  need(key: string, what: string): string;
}

function connectionFields({
  id,
  connection,
}: {
  id: string;
  connection: ServiceConnection;
}): ConnectionFields {
  const errors: InputError[] = [];
  const parameter = (key: string) => lookup(connection.parameters, key);
  return {
    id,
    scheme: connection.scheme,
    errors,
    parameter,
    data: (key) => lookup(connection.data, key),
    need(key, what) {
      const value = parameter(key);
      if (!value)
        errors.push(
          new InputError(
            connectionInput,
            `Service connection '${id}' has no ${what} (parameter '${key}'): edit the connection and set it.`,
          ),
        );
      return value ?? '';
    },
  };
}

/** How one way of signing in authenticates, and the log line saying so; no auth when it cannot. */
interface SignIn {
  readonly auth?: AzureAuth;
  readonly description: string;
}

/** The sign-in of the connection's scheme; an unsupported scheme is an error. */
function connectionSignIn(
  connection: ConnectionFields,
  identity: HostIdentityPort,
  addSecret: (secret: string) => void,
): SignIn {
  const scheme = connection.scheme.toLowerCase();
  if (scheme === schemes.workloadIdentityFederation)
    return pipelinesFederationSignIn(connection, identity, addSecret);
  if (scheme === schemes.servicePrincipal) return servicePrincipalSignIn(connection, addSecret);
  if (scheme === schemes.managedServiceIdentity) {
    const clientId = connection.data('msiClientId') || undefined;
    return {
      auth: clientId ? { kind: 'managedIdentity', clientId } : { kind: 'managedIdentity' },
      description: `the agent's managed identity${clientId ? ` ${clientId}` : ''} (service connection '${connection.id}')`,
    };
  }
  connection.errors.push(
    new InputError(
      connectionInput,
      `Service connection '${connection.id}' uses scheme '${connection.scheme}', which is not supported: use workload identity federation (recommended), a service principal or a managed identity.`,
    ),
  );
  return { description: '' };
}

function pipelinesFederationSignIn(
  connection: ConnectionFields,
  identity: HostIdentityPort,
  addSecret: (secret: string) => void,
): SignIn {
  const { id } = connection;
  const tenantId = connection.need('tenantId', 'tenant id');
  const clientId = connection.need('servicePrincipalId', 'service principal (client) id');
  const federation = identity.pipelineFederation?.() ?? {};
  if (!federation.oidcRequestUri || !federation.systemAccessToken) {
    connection.errors.push(
      new InputError(
        connectionInput,
        `Service connection '${id}' uses workload identity federation, but the job has no OIDC request URI or access token. ` +
          'Run on an agent >= 3.227 and do not disable the job access token (System.AccessToken).',
      ),
    );
  }
  if (federation.systemAccessToken) addSecret(federation.systemAccessToken);
  return {
    auth: {
      kind: 'pipelinesFederation',
      tenantId,
      clientId,
      serviceConnectionId: id,
      systemAccessToken: federation.systemAccessToken ?? '',
    },
    description: `workload identity federation (service connection '${id}', client ${clientId})`,
  };
}

/** A service principal with a certificate (authenticationType spnCertificate) or, by default, a secret. */
function servicePrincipalSignIn(connection: ConnectionFields, addSecret: (secret: string) => void): SignIn {
  const { id } = connection;
  const tenantId = connection.need('tenantId', 'tenant id');
  const clientId = connection.need('servicePrincipalId', 'service principal (client) id');
  if ((connection.parameter('authenticationType') ?? 'spnKey').toLowerCase() !== 'spncertificate') {
    const clientSecret = connection.need('servicePrincipalKey', 'client secret');
    if (clientSecret) addSecret(clientSecret);
    return {
      auth: { kind: 'clientSecret', tenantId, clientId, clientSecret },
      description: `service principal ${clientId} with a secret (service connection '${id}')`,
    };
  }
  const certificatePem = connection.need('servicePrincipalCertificate', 'certificate');
  if (certificatePem) addSecret(certificatePem);
  if (certificatePem && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certificatePem)) {
    connection.errors.push(
      new InputError(
        connectionInput,
        `The certificate of service connection '${id}' has no PEM private key: upload a PEM file holding both the certificate and its private key.`,
      ),
    );
  } else if (certificatePem && !readablePrivateKey(certificatePem)) {
    connection.errors.push(
      new InputError(
        connectionInput,
        `Service connection '${id}': the certificate's private key could not be read (its PEM block is cut, altered or encrypted). Upload the PEM file again, holding the certificate and its unencrypted private key.`,
      ),
    );
  }
  return {
    auth: { kind: 'clientCertificate', tenantId, clientId, certificatePem },
    description: `service principal ${clientId} with a certificate (service connection '${id}')`,
  };
}

/**
 * Whether the PEM's private key block parses. Checked here: the sign-in library would otherwise fail later with
 * a JSON Web Token library's wording ("secretOrPrivateKey must be an asymmetric key").
 */
function readablePrivateKey(pem: string): boolean {
  const block = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/.exec(pem)?.[0];
  try {
    return block !== undefined && createPrivateKey(block).asymmetricKeyType !== undefined;
  } catch {
    return false;
  }
}

/** The cloud, or undefined with its InputError recorded so that every other problem is reported too. */
function cloudOrError(resolve: () => AzureCloud, errors: InputError[]): AzureCloud | undefined {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof InputError) errors.push(error);
    else throw error;
    return undefined;
  }
}

interface Creds {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  subscriptionId: string;
}

function fromGitHubInputs(
  host: 'github' | 'local',
  values: AzureSignInValues,
  identity: HostIdentityPort,
  addSecret: (secret: string) => void,
): AzureAccess {
  const shown: ShownName = (name) => hostName(name, host);
  const errors: InputError[] = [];
  if (values.creds) addSecret(values.creds);
  const cloud = cloudOrError(() => resolveCloud(undefined, identity.cloudOverride, 'creds'), errors);
  const signIn: SignIn & { credsSubscriptionId?: string } =
    values.clientId || values.tenantId
      ? oidcSignIn(host, values, identity, shown, errors, addSecret)
      : values.creds
        ? credsSignIn(values.creds, values.subscriptionId, shown, errors, addSecret)
        : host === 'local' && identity.managedIdentity
          ? {
              auth: { kind: 'managedIdentity' },
              description: "this machine's managed identity (IDENTITY_ENDPOINT)",
            }
          : { auth: { kind: 'azureCli' }, description: 'the Azure CLI session (az login / azure/login)' };
  const { auth, description } = signIn;
  const subscriptionId = values.subscriptionId ?? signIn.credsSubscriptionId;
  // Broken creds already said what is missing: no second message about the subscription.
  if (!subscriptionId && !values.creds) {
    errors.push(
      new InputError(
        'subscriptionId',
        `Input '${shown('subscriptionId')}' is required: the subscription holding the workspace.`,
      ),
    );
  }
  if (errors.length > 0 || !auth || !cloud || !subscriptionId) throw new InputErrors(errors);
  return { auth, cloud, subscriptionId, description };
}

/** An input's name as the user's host spells it. */
type ShownName = (name: keyof AzureSignInValues) => string;

/** OIDC federation with a GitHub Actions token ('client-id' and 'tenant-id'); needs the runner's token service. */
function oidcSignIn(
  host: 'github' | 'local',
  values: AzureSignInValues,
  identity: HostIdentityPort,
  shown: ShownName,
  errors: InputError[],
  addSecret: (secret: string) => void,
): SignIn {
  if (values.creds) {
    errors.push(
      new InputError(
        'creds',
        `Give either '${shown('clientId')}' and '${shown('tenantId')}' (OIDC) or '${shown('creds')}', not both.`,
      ),
    );
  }
  if (!values.clientId)
    errors.push(
      new InputError(
        'clientId',
        `Input '${shown('clientId')}' is required with '${shown('tenantId')}' (OIDC).`,
      ),
    );
  if (!values.tenantId)
    errors.push(
      new InputError(
        'tenantId',
        `Input '${shown('tenantId')}' is required with '${shown('clientId')}' (OIDC).`,
      ),
    );
  const description = `OIDC federation as ${values.clientId ?? ''}`;
  const idToken = identity.idToken;
  if (!idToken) {
    errors.push(
      new InputError(
        'clientId',
        `OIDC sign-in ('${shown('clientId')}') needs a GitHub Actions runner${host === 'local' ? ' or its token service variables (ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN)' : ''}; here use '${shown('creds')}' or an Azure CLI session (az login).`,
      ),
    );
    return { description };
  }
  const auth: AzureAuth = {
    kind: 'clientAssertion',
    tenantId: values.tenantId ?? '',
    clientId: values.clientId ?? '',
    getAssertion: async () => {
      const token = await idToken(githubTokenAudience);
      addSecret(token);
      return token;
    },
  };
  return { auth, description };
}

/** A service principal secret from azure/login-style creds JSON, whose subscription must agree with the input's. */
function credsSignIn(
  text: string,
  subscriptionId: string | undefined,
  shown: ShownName,
  errors: InputError[],
  addSecret: (secret: string) => void,
): SignIn & { credsSubscriptionId?: string } {
  const creds = parseCreds(text, shown('creds'), errors, addSecret);
  if (!creds) return { description: '' };
  if (subscriptionId && subscriptionId !== creds.subscriptionId) {
    errors.push(
      new InputError(
        'subscriptionId',
        `Input '${shown('subscriptionId')}' (${subscriptionId}) differs from the subscriptionId in '${shown('creds')}' (${creds.subscriptionId}): remove one.`,
      ),
    );
  }
  return {
    auth: {
      kind: 'clientSecret',
      tenantId: creds.tenantId,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
    },
    description: `service principal ${creds.clientId} with a secret ('${shown('creds')}')`,
    credsSubscriptionId: creds.subscriptionId,
  };
}

/** Validates azure/login-style creds JSON; messages name the missing fields and never quote the value. */
function parseCreds(
  text: string,
  shown: string,
  errors: InputError[],
  addSecret: (secret: string) => void,
): Creds | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text it failed on: its message must not be shown.
    errors.push(
      new InputError(
        'creds',
        `Input '${shown}' is not valid JSON: give the service principal JSON (clientId, clientSecret, tenantId, subscriptionId).`,
      ),
    );
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    errors.push(
      new InputError(
        'creds',
        `Input '${shown}' must be a JSON object with clientId, clientSecret, tenantId and subscriptionId.`,
      ),
    );
    return undefined;
  }
  const record = parsed as Record<string, unknown>;
  const fields = ['clientId', 'clientSecret', 'tenantId', 'subscriptionId'] as const;
  const missing = fields.filter(
    (field) => typeof record[field] !== 'string' || !(record[field] as string).trim(),
  );
  // Registered even when other fields are missing: the secret is known now.
  if (typeof record.clientSecret === 'string' && record.clientSecret) addSecret(record.clientSecret);
  if (missing.length > 0) {
    errors.push(
      new InputError(
        'creds',
        `Input '${shown}' lacks ${missing.join(', ')}: give the service principal JSON with clientId, clientSecret, tenantId and subscriptionId.`,
      ),
    );
    return undefined;
  }
  return {
    clientId: (record.clientId as string).trim(),
    clientSecret: record.clientSecret as string,
    tenantId: (record.tenantId as string).trim(),
    subscriptionId: (record.subscriptionId as string).trim(),
  };
}

/** Service connection keys arrive in whatever case the agent used: look them up case-insensitively. */
function lookup(record: Readonly<Record<string, string>>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(record))
    if (name.toLowerCase() === wanted) return value || undefined;
  return undefined;
}
