/**
 * Microsoft Entra ID (AAD) v2.0 endpoints, as far as `@azure/identity` / MSAL use them:
 *  - `GET  /{tenant}/v2.0/.well-known/openid-configuration`
 *  - `POST /{tenant}/oauth2/v2.0/token` (form-encoded)
 *
 * Access tokens are JWTs signed with HS256 by the emulator (claims `aud`, `iss`, `iat`, `nbf`, `exp`, `tid`,
 * `oid`, `appid`, `sub`), so ARM routes can verify them and tests can read them.
 * Client authentication methods are dispatched in `authenticateClient`; `client_secret` is implemented,
 * `client_assertion` (certificate / federated credentials) is the slot for the next part.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual, X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { decodeJwt, verifySignature, type DecodedJwt } from './jwt';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from './server';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export interface FederatedCredential {
  /** Exact `iss` of accepted assertions; its `/.well-known/openid-configuration` must be reachable over HTTPS. */
  issuer: string;
  /** Exact `sub` of accepted assertions. */
  subject: string;
  /** Accepted `aud` values (default `['api://AzureADTokenExchange']`). */
  audiences?: string[];
}

export interface ManagedIdentity {
  /** Client id (application id) of the managed identity; the `appid` of its tokens. */
  clientId: string;
  /** Object (principal) id; the `oid` of its tokens. */
  objectId: string;
  /** ARM id of a user-assigned identity (`mi_res_id`); undefined for the system-assigned one. */
  resourceId?: string;
  /** The identity answering requests without `client_id`/`object_id`/`mi_res_id`. */
  systemAssigned: boolean;
}

export interface RegisteredApp {
  tenantId: string;
  clientId: string;
  /** Client secret accepted for `client_credentials` with `client_secret`. */
  secret?: string;
  /** Object id of the service principal (the `oid` claim); generated when omitted. */
  objectId?: string;
  /** Certificate credentials (PEM, public certificate) accepted for `client_assertion` signed by their key. */
  certificatePem?: string | string[];
  /** Federated identity credentials accepted for `client_assertion` issued by another IdP. */
  federated?: FederatedCredential[];
}

export type AppEntry = RegisteredApp & {
  objectId: string;
  certificates: string[];
  federated: FederatedCredential[];
};

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  idtyp: 'app';
  ver: '1.0';
}

export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'invalid' | 'expired'; claims?: AccessTokenClaims };

export interface AadOptions {
  /** Lifetime of issued access tokens (`expires_in`), default 3600 s. */
  tokenLifetimeSeconds?: number;
  /** CA the emulator's own HTTPS certificate chains to (to fetch federated issuers' JWKS from itself). */
  caPem?: string;
  /**
   * More resources (scope without `/.default`) that tokens can be issued for and that ARM accepts, besides
   * ARM's own (`https://management.azure.com`, `https://management.core.windows.net`).
   */
  extraAudiences?: string[];
}

export const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];
/** Data-plane resources tokens are issued for: the Azure ML workspace APIs (MLflow) and Azure Storage. */
export const ML_AUDIENCE = 'https://ml.azure.com';
export const STORAGE_AUDIENCE = 'https://storage.azure.com';
/** Scopes MSAL adds on its own; they do not name a resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export class AadEmulator {
  private readonly apps: AppEntry[] = [];
  readonly managedIdentities: ManagedIdentity[] = [];
  private readonly signingKey = randomBytes(32);
  private readonly caPem: string | undefined;
  private server: EmulatorServer | undefined;
  /** Lifetime of issued tokens in seconds; tests may change it between token requests. */
  tokenLifetimeSeconds: number;
  /** Every resource tokens can be issued for. */
  readonly audiences: Set<string>;
  /** The audiences `verifyToken` accepts by default: ARM's (a data-plane token is refused by ARM). */
  readonly armAudiences: Set<string>;

  constructor(options: AadOptions = {}) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.caPem = options.caPem;
    this.armAudiences = new Set([...ARM_AUDIENCES, ...(options.extraAudiences ?? [])].map(normalizeResource));
    this.audiences = new Set([
      ...this.armAudiences,
      normalizeResource(ML_AUDIENCE),
      normalizeResource(STORAGE_AUDIENCE),
    ]);
  }

  registerApp(app: RegisteredApp): AppEntry {
    const certificatePem = app.certificatePem;
    const entry: AppEntry = {
      ...app,
      objectId: app.objectId ?? randomUUID(),
      certificates:
        certificatePem === undefined
          ? []
          : typeof certificatePem === 'string'
            ? [certificatePem]
            : [...certificatePem],
      federated: [...(app.federated ?? [])],
    };
    this.apps.push(entry);
    return entry;
  }

  /** A registered app by client id (any tenant). */
  app(clientId: string): AppEntry | undefined {
    return this.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  /** Adds a federated identity credential to a registered app. */
  addFederatedCredential(clientId: string, credential: FederatedCredential): void {
    const app = this.app(clientId);
    if (!app) throw new Error(`No app registration ${clientId}`);
    app.federated.push(credential);
  }

  /** Adds a certificate credential (PEM) to a registered app. */
  addCertificate(clientId: string, certificatePem: string): void {
    const app = this.app(clientId);
    if (!app) throw new Error(`No app registration ${clientId}`);
    app.certificates.push(certificatePem);
  }

  /** Registers a managed identity principal served by the managed identity endpoint. */
  registerManagedIdentity(identity: Partial<ManagedIdentity> = {}): ManagedIdentity {
    const entry: ManagedIdentity = {
      clientId: identity.clientId ?? randomUUID(),
      objectId: identity.objectId ?? randomUUID(),
      resourceId: identity.resourceId,
      systemAssigned: identity.systemAssigned ?? identity.resourceId === undefined,
    };
    this.managedIdentities.push(entry);
    return entry;
  }

  private knownTenant(tenantId: string): boolean {
    return this.apps.some((a) => a.tenantId.toLowerCase() === tenantId.toLowerCase());
  }

  /** Issues an access token without going through the token endpoint (e.g. an already expired one). */
  issueToken(options: {
    tenantId: string;
    clientId: string;
    objectId?: string;
    audience?: string;
    expiresInSeconds?: number;
  }): string {
    const now = Math.floor(Date.now() / 1000);
    // A registered app's tokens carry its service principal's object id (the principal of role assignments).
    const objectId =
      options.objectId ??
      this.apps.find(
        (a) =>
          a.clientId.toLowerCase() === options.clientId.toLowerCase() &&
          a.tenantId.toLowerCase() === options.tenantId.toLowerCase(),
      )?.objectId ??
      randomUUID();
    const claims: AccessTokenClaims = {
      aud: options.audience ?? 'https://management.azure.com/',
      iss: `https://sts.windows.net/${options.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + (options.expiresInSeconds ?? this.tokenLifetimeSeconds),
      tid: options.tenantId,
      oid: objectId,
      sub: objectId,
      appid: options.clientId,
      idtyp: 'app',
      ver: '1.0',
    };
    claims.sub = claims.oid;
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify(claims));
    const signature = createHmac('sha256', this.signingKey)
      .update(`${header}.${payload}`)
      .digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /**
   * Verifies signature, expiry and audience of a token issued by this emulator. `audiences`: the resources the
   * caller accepts (default: ARM's).
   */
  verifyToken(token: string, audiences: Iterable<string> = this.armAudiences): TokenCheck {
    const accepted = new Set([...audiences].map(normalizeResource));
    const parts = token.split('.');
    const [header, payload, signature] = parts;
    if (parts.length !== 3 || !header || !payload || !signature) return { ok: false, reason: 'invalid' };
    const expected = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest();
    const actual = Buffer.from(signature, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      return { ok: false, reason: 'invalid' };
    let claims: AccessTokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (!accepted.has(normalizeResource(claims.aud))) return { ok: false, reason: 'invalid', claims };
    if (claims.exp <= Math.floor(Date.now() / 1000)) return { ok: false, reason: 'expired', claims };
    return { ok: true, claims };
  }

  /** Registers the AAD routes on the server. */
  register(server: EmulatorServer): void {
    this.server = server;
    server.route('GET', '/{tenant}/v2.0/.well-known/openid-configuration', (req) =>
      this.openIdConfiguration(req, server),
    );
    server.route('POST', '/{tenant}/oauth2/v2.0/token', (req) => this.token(req));
    server.route('GET', '/msi/token', (req) => this.managedIdentityToken(req));
    // Entra publishes no keys of its own here (its tokens are HS256, checked in-process); an empty key set.
    server.route('GET', '/{tenant}/discovery/v2.0/keys', () => ({ status: 200, body: { keys: [] } }));
  }

  private openIdConfiguration(req: EmulatorRequest, server: EmulatorServer): EmulatorResponse {
    const tenant = req.params['tenant'] ?? '';
    if (!this.knownTenant(tenant)) return aadTenantNotFound(tenant);
    const base = `${server.url}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${server.url}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${server.url}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
        kerberos_endpoint: `${base}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    };
  }

  private async token(req: EmulatorRequest): Promise<EmulatorResponse> {
    const tenant = req.params['tenant'] ?? '';
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    if (!this.knownTenant(tenant)) return aadTenantNotFound(tenant);
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      return aadError(
        400,
        'unsupported_grant_type',
        70003,
        `AADSTS70003: The app requested an unsupported grant type '${grantType ?? ''}'.`,
      );
    }
    const clientId = form.get('client_id') ?? '';
    const app = this.apps.find(
      (a) =>
        a.tenantId.toLowerCase() === tenant.toLowerCase() &&
        a.clientId.toLowerCase() === clientId.toLowerCase(),
    );
    if (!app) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'. ` +
          'This can happen if the application has not been installed by the administrator of the tenant or consented ' +
          'to by any user in the tenant. You may have sent your authentication request to the wrong tenant.',
      );
    }
    const failure = await this.authenticateClient(
      app,
      form,
      `${this.server?.url ?? ''}/${tenant}/oauth2/v2.0/token`,
    );
    if (failure) return failure;

    const resources = (form.get('scope') ?? '')
      .split(' ')
      .filter((s) => s.length > 0 && !OIDC_SCOPES.has(s))
      .map((s) => s.replace(/\/\.default$/, ''));
    const resource = resources[0];
    if (
      resources.length !== 1 ||
      resource === undefined ||
      !this.audiences.has(normalizeResource(resource))
    ) {
      return aadError(
        400,
        'invalid_resource',
        500011,
        `AADSTS500011: The resource principal named ${resource ?? '(none)'} was not found in the tenant named ${tenant}. ` +
          'This can happen if the application has not been installed by the administrator of the tenant or consented ' +
          'to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
      );
    }
    const expiresIn = this.tokenLifetimeSeconds;
    const accessToken = this.issueToken({
      tenantId: app.tenantId,
      clientId: app.clientId,
      objectId: app.objectId,
      audience: `${resource.replace(/\/$/, '')}/`,
      expiresInSeconds: expiresIn,
    });
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: accessToken,
      },
    };
  }

  /** Client authentication of a token request; returns an error response, or undefined when authenticated. */
  private async authenticateClient(
    app: AppEntry,
    form: URLSearchParams,
    tokenEndpoint: string,
  ): Promise<EmulatorResponse | undefined> {
    const secret = form.get('client_secret');
    if (secret !== null) {
      if (app.secret === undefined || secret !== app.secret) {
        return aadError(
          401,
          'invalid_client',
          7000215,
          'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client ' +
            `secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
        );
      }
      return undefined;
    }
    const assertion = form.get('client_assertion');
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== JWT_BEARER) {
        return aadError(
          400,
          'invalid_request',
          7000211,
          `AADSTS7000211: The passed client_assertion_type '${form.get('client_assertion_type') ?? ''}' is not supported.`,
        );
      }
      const jwt = decodeJwt(assertion);
      if (!jwt) {
        return aadError(400, 'invalid_client', 50027, 'AADSTS50027: JWT token is invalid or malformed.');
      }
      // An assertion the app signed itself (`iss` = client id) uses a certificate credential; any other issuer
      // is matched against the federated credentials.
      if (jwt.claims.iss !== app.clientId) return this.federatedAssertion(app, jwt);
      const thumbprint = jwt.header['x5t#S256'] ?? jwt.header.x5t;
      return this.certificateAssertion(
        app,
        jwt,
        typeof thumbprint === 'string' ? thumbprint : '',
        tokenEndpoint,
      );
    }
    return aadError(
      401,
      'invalid_client',
      7000218,
      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  /** Secret the managed identity endpoint expects in `X-IDENTITY-HEADER` (the host's `IDENTITY_HEADER`). */
  readonly identityHeader = randomBytes(16).toString('hex');

  /**
   * The App Service managed identity endpoint (api-version 2019-08-01), which MSAL selects when both
   * `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set: `GET ?api-version=2019-08-01&resource=...`
   * `[&client_id=|&object_id=|&mi_res_id=]` with `X-IDENTITY-HEADER`.
   */
  private managedIdentityToken(req: EmulatorRequest): EmulatorResponse {
    const correlationId = randomUUID();
    const fail = (status: number, message: string): EmulatorResponse => ({
      status,
      body: { statusCode: status, message, correlationId },
    });
    if (req.headers['x-identity-header'] !== this.identityHeader) {
      return fail(401, 'Unauthorized: the X-IDENTITY-HEADER header is missing or invalid.');
    }
    if (req.query.get('api-version') !== '2019-08-01') {
      return fail(400, `Unsupported api-version '${req.query.get('api-version') ?? ''}'.`);
    }
    const resource = (req.query.get('resource') ?? '').replace(/\/\.default$/, '');
    if (!resource || !this.audiences.has(normalizeResource(resource))) {
      return fail(400, `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`);
    }
    const clientId = req.query.get('client_id');
    const objectId = req.query.get('object_id') ?? req.query.get('principal_id');
    const resourceId = req.query.get('mi_res_id');
    const identity = this.managedIdentities.find((m) =>
      clientId !== null
        ? m.clientId.toLowerCase() === clientId.toLowerCase()
        : objectId !== null
          ? m.objectId.toLowerCase() === objectId.toLowerCase()
          : resourceId !== null
            ? m.resourceId?.toLowerCase() === resourceId.toLowerCase()
            : m.systemAssigned,
    );
    if (!identity)
      return fail(400, 'No managed identity found for specified ClientId/ResourceId/PrincipalId.');
    const tenantId = this.apps[0]?.tenantId ?? randomUUID();
    const expiresOn = Math.floor(Date.now() / 1000) + this.tokenLifetimeSeconds;
    return {
      status: 200,
      body: {
        access_token: this.issueToken({
          tenantId,
          clientId: identity.clientId,
          objectId: identity.objectId,
          audience: `${resource.replace(/\/$/, '')}/`,
          expiresInSeconds: this.tokenLifetimeSeconds,
        }),
        expires_on: String(expiresOn),
        resource,
        token_type: 'Bearer',
        client_id: identity.clientId,
      },
    };
  }

  /** Certificate credential: header `x5t` (SHA-1) or `x5t#S256` names a certificate registered for the app. */
  private certificateAssertion(
    app: AppEntry,
    jwt: DecodedJwt,
    thumbprint: string,
    tokenEndpoint: string,
  ): EmulatorResponse | undefined {
    const sha256 = typeof jwt.header['x5t#S256'] === 'string';
    const certificate = app.certificates.find((pem) => {
      const cert = new X509Certificate(pem);
      const hex = (sha256 ? cert.fingerprint256 : cert.fingerprint).replace(/:/g, '');
      return Buffer.from(hex, 'hex').toString('base64url') === thumbprint.replace(/=+$/, '');
    });
    if (!certificate) {
      const hex = Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase();
      return aadError(
        401,
        'invalid_client',
        700027,
        'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on ' +
          `application. [Reason - The key was not found., Thumbprint of key used by client: '${hex}', Please visit ` +
          `the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'. ` +
          'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .]',
      );
    }
    if (!verifySignature(jwt, new X509Certificate(certificate).publicKey)) {
      return aadError(
        401,
        'invalid_client',
        700027,
        'AADSTS700027: Client assertion failed signature validation. [Reason - Key was found, but use of the key to ' +
          `verify the signature failed., Thumbprint of key used by client: '${Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase()}'.]`,
      );
    }
    const { claims } = jwt;
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
      return aadError(
        401,
        'invalid_client',
        700021,
        "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter. Review the " +
          'documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
      );
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === 'string' && sameUrl(a, tokenEndpoint))) {
      return aadError(
        401,
        'invalid_client',
        700212,
        `AADSTS700212: Client assertion audience claim does not match Realm issuer. Expected '${tokenEndpoint}', ` +
          `got '${audiences.join(', ')}'.`,
      );
    }
    return timeRange(jwt);
  }

  /** Federated credential: an assertion from a registered issuer, verified with the issuer's published keys. */
  private async federatedAssertion(app: AppEntry, jwt: DecodedJwt): Promise<EmulatorResponse | undefined> {
    const { claims } = jwt;
    const issuer = typeof claims.iss === 'string' ? claims.iss : '';
    const subject = typeof claims.sub === 'string' ? claims.sub : '';
    const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter(
      (a): a is string => typeof a === 'string',
    );
    const byIssuer = app.federated.filter((f) => f.issuer === issuer);
    if (byIssuer.length === 0) {
      return aadError(
        400,
        'invalid_request',
        700211,
        `AADSTS700211: No matching federated identity record found for presented assertion issuer '${issuer}'. ` +
          'Please note that the matching is done using a case-sensitive comparison. Check your federated identity ' +
          'credential Subject, Audience and Issuer against the presented assertion. ' +
          'https://learn.microsoft.com/entra/workload-id/workload-identity-federation',
      );
    }
    const keys = await this.issuerKeys(issuer).catch(() => undefined);
    const key = keys?.find((k) => jwt.header.kid === undefined || k['kid'] === jwt.header.kid);
    if (!key || !verifySignature(jwt, key)) {
      return aadError(
        400,
        'invalid_request',
        50013,
        `AADSTS50013: Assertion failed signature validation. [Reason - The key was not found., Issuer: '${issuer}', ` +
          `kid: '${String(jwt.header.kid ?? '')}'.]`,
      );
    }
    const expired = timeRange(jwt);
    if (expired) return expired;
    const match = byIssuer.find(
      (f) =>
        f.subject === subject &&
        audiences.some((a) => (f.audiences ?? [TOKEN_EXCHANGE_AUDIENCE]).includes(a)),
    );
    if (!match) {
      return aadError(
        400,
        'invalid_request',
        70021,
        `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: ` +
          `'${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audiences.join(', ')}'. ` +
          'https://learn.microsoft.com/entra/workload-id/workload-identity-federation',
      );
    }
    return undefined;
  }

  /** Fetches `${issuer}/.well-known/openid-configuration`, then its `jwks_uri`, over HTTPS (as Entra does). */
  private async issuerKeys(issuer: string): Promise<Record<string, unknown>[]> {
    const config = (await getJson(
      `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      this.caPem,
    )) as {
      jwks_uri?: string;
    };
    if (typeof config.jwks_uri !== 'string') return [];
    const jwks = (await getJson(config.jwks_uri, this.caPem)) as { keys?: Record<string, unknown>[] };
    return Array.isArray(jwks.keys) ? jwks.keys : [];
  }
}

function getJson(url: string, ca: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, ca === undefined ? {} : { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${url}: ${res.statusCode ?? 0}`));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error as Error);
        }
      });
      res.on('error', reject);
    });
    request.on('error', reject);
  });
}

function sameUrl(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\/+$/, '') === b.toLowerCase().replace(/\/+$/, '');
}

/** AADSTS700024 when the assertion is expired or not yet valid (5 minutes clock skew, as Entra). */
function timeRange(jwt: DecodedJwt): EmulatorResponse | undefined {
  const now = Math.floor(Date.now() / 1000);
  const skew = 300;
  const { exp, nbf } = jwt.claims;
  const iso = (s: number | undefined) => (s === undefined ? '' : new Date(s * 1000).toISOString());
  if (typeof exp !== 'number' || exp + skew <= now || (typeof nbf === 'number' && nbf - skew > now)) {
    return aadError(
      400,
      'invalid_client',
      700024,
      `AADSTS700024: Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion ` +
        `valid from ${iso(typeof nbf === 'number' ? nbf : undefined)}, expiry time of assertion ${iso(typeof exp === 'number' ? exp : undefined)}. ` +
        'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
    );
  }
  return undefined;
}

function normalizeResource(resource: string): string {
  return resource.toLowerCase().replace(/\/+$/, '');
}

function aadTenantNotFound(tenant: string): EmulatorResponse {
  return aadError(
    400,
    'invalid_request',
    90002,
    `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing ` +
      'into the correct cloud. Check with your subscription administrator, this may happen if there are no active ' +
      'subscriptions for the tenant.',
  );
}

/** AAD's OAuth error body; the description ends with trace id, correlation id and timestamp as AAD's does. */
export function aadError(status: number, error: string, code: number, description: string): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.(\d{3})Z$/, '.$1Z');
  return {
    status,
    body: {
      error,
      error_description: `${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
