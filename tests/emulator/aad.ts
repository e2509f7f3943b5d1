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
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from './server';

export interface RegisteredApp {
  tenantId: string;
  clientId: string;
  /** Client secret accepted for `client_credentials` with `client_secret`. */
  secret?: string;
  /** Object id of the service principal (the `oid` claim); generated when omitted. */
  objectId?: string;
}

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
  /**
   * Resources (scope without `/.default`) tokens can be issued for. Default: ARM's
   * (`https://management.azure.com`, `https://management.core.windows.net`) plus `extraAudiences`.
   */
  extraAudiences?: string[];
}

const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];
/** Scopes MSAL adds on its own; they do not name a resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export class AadEmulator {
  private readonly apps: (RegisteredApp & { objectId: string })[] = [];
  private readonly signingKey = randomBytes(32);
  /** Lifetime of issued tokens in seconds; tests may change it between token requests. */
  tokenLifetimeSeconds: number;
  readonly audiences: Set<string>;

  constructor(options: AadOptions = {}) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.audiences = new Set([...ARM_AUDIENCES, ...(options.extraAudiences ?? [])].map(normalizeResource));
  }

  registerApp(app: RegisteredApp): RegisteredApp & { objectId: string } {
    const entry = { ...app, objectId: app.objectId ?? randomUUID() };
    this.apps.push(entry);
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
    const claims: AccessTokenClaims = {
      aud: options.audience ?? 'https://management.azure.com/',
      iss: `https://sts.windows.net/${options.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + (options.expiresInSeconds ?? this.tokenLifetimeSeconds),
      tid: options.tenantId,
      oid: options.objectId ?? randomUUID(),
      sub: options.objectId ?? randomUUID(),
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

  /** Verifies signature, expiry and audience of a token issued by this emulator. */
  verifyToken(token: string): TokenCheck {
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
    if (!this.audiences.has(normalizeResource(claims.aud))) return { ok: false, reason: 'invalid', claims };
    if (claims.exp <= Math.floor(Date.now() / 1000)) return { ok: false, reason: 'expired', claims };
    return { ok: true, claims };
  }

  /** Registers the AAD routes on the server. */
  register(server: EmulatorServer): void {
    server.route('GET', '/{tenant}/v2.0/.well-known/openid-configuration', (req) =>
      this.openIdConfiguration(req, server),
    );
    server.route('POST', '/{tenant}/oauth2/v2.0/token', (req) => this.token(req));
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

  private token(req: EmulatorRequest): EmulatorResponse {
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
    const failure = this.authenticateClient(app, form);
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

  /**
   * Client authentication of a token request; returns an error response, or undefined when authenticated.
   * Next part: `client_assertion` with `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
   * (certificate credentials and federated tokens from the Azure DevOps / GitHub OIDC endpoints).
   */
  private authenticateClient(app: RegisteredApp, form: URLSearchParams): EmulatorResponse | undefined {
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
    if (form.get('client_assertion') !== null) {
      return aadError(
        400,
        'invalid_request',
        900023,
        'AADSTS900023: client_assertion is not supported by this emulator yet.',
      );
    }
    return aadError(
      401,
      'invalid_client',
      7000218,
      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
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
