/**
 * The OIDC token issuers of the CI hosts, for workload identity federation:
 *  - Azure DevOps: `POST /oidc/azure-devops?api-version=7.1&serviceConnectionId=<id>` with
 *    `Authorization: Bearer <System.AccessToken>` → `{"oidcToken": "<jwt>"}` (what `AzurePipelinesCredential`
 *    calls as `${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=<id>`); issuer
 *    `${url}/vstoken/<org id>` (stands for `https://vstoken.dev.azure.com/<org id>`), subject
 *    `sc://<org>/<project>/<service connection name>`.
 *  - GitHub Actions: `GET /oidc/github?api-version=2.0&audience=...` with `Authorization: Bearer
 *    <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` → `{"value": "<jwt>"}`; issuer `${url}/github`, subject e.g.
 *    `repo:contoso/weather-ml:ref:refs/heads/main`.
 * Tokens are RS256 JWTs signed with the emulator's key, published at `{issuer}/.well-known/openid-configuration`
 * and its `jwks_uri`, so the AAD part verifies them by fetching the keys as Entra does.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { AadEmulator } from './aad';
import { TOKEN_EXCHANGE_AUDIENCE } from './aad';
import { signRs256 } from './jwt';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from './server';
import { azureRmServiceConnection } from './service-connections';

export interface AzureDevOpsOidcOptions {
  /** Organization name (default `contoso`). */
  org?: string;
  /** Organization id (GUID; generated). */
  orgId?: string;
  /** Project name (default `weather-ml`). */
  project?: string;
  /** Service connection name (default `azure-ml`). */
  connection?: string;
  /** Service connection id (generated). */
  serviceConnectionId?: string;
  /** The pipeline's System.AccessToken (generated). */
  systemAccessToken?: string;
  /** App registration to add the federated credential to (default: the emulator's default app); null: none. */
  clientId?: string | null;
  /** Subject of the app's federated credential when it differs from the connection's (a renamed connection). */
  federatedSubject?: string;
}

export interface AzureDevOpsOidc {
  org: string;
  orgId: string;
  project: string;
  connection: string;
  serviceConnectionId: string;
  systemAccessToken: string;
  issuer: string;
  subject: string;
  /** `SYSTEM_OIDCREQUESTURI` (the credential appends `?api-version=7.1&serviceConnectionId=<id>`). */
  oidcRequestUri: string;
  /** Lifetime of the OIDC tokens issued for this connection (default 600 s; negative: already expired). */
  tokenLifetimeSeconds: number;
  /**
   * What the agent sets for a task using this `WorkloadIdentityFederation` service connection:
   * `SYSTEM_OIDCREQUESTURI`, `ENDPOINT_AUTH_<id>`, `ENDPOINT_AUTH_SCHEME_<id>`, `ENDPOINT_AUTH_PARAMETER_<id>_*`,
   * `ENDPOINT_DATA_<id>_*`, `ENDPOINT_URL_<id>`, `ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN`,
   * `SYSTEM_ACCESSTOKEN`.
   */
  env: Record<string, string>;
}

export interface GitHubOidcOptions {
  /** `owner/name` (default `contoso/weather-ml`). */
  repository?: string;
  /** Default `refs/heads/main`. */
  ref?: string;
  /** Token subject (default `repo:<repository>:ref:<ref>`). */
  subject?: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (generated). */
  requestToken?: string;
  /** App registration to add the federated credential to (default: the emulator's default app); null: none. */
  clientId?: string | null;
}

export interface GitHubOidc {
  repository: string;
  ref: string;
  subject: string;
  requestToken: string;
  issuer: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_URL` (has a query already: clients append `&audience=...`). */
  requestUrl: string;
  /** Lifetime of the ID tokens issued for this run (default 300 s; negative: already expired). */
  tokenLifetimeSeconds: number;
  /** `ACTIONS_ID_TOKEN_REQUEST_URL`, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  env: Record<string, string>;
}

export class OidcIssuers {
  private readonly keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = createHash('sha256')
    .update(this.keyPair.publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 27);
  private readonly azureDevOpsConnections: AzureDevOpsOidc[] = [];
  private readonly gitHubRuns: GitHubOidc[] = [];

  constructor(
    private readonly server: EmulatorServer,
    private readonly aad: AadEmulator,
    private readonly defaults: { tenantId: string; clientId: string; subscriptionId: string },
  ) {}

  register(): void {
    const s = this.server;
    s.route('GET', '/vstoken/{org}/.well-known/openid-configuration', (req) =>
      this.configuration(`${s.url}/vstoken/${req.params['org'] ?? ''}`),
    );
    s.route('GET', '/vstoken/{org}/.well-known/jwks', () => this.jwks());
    s.route('GET', '/github/.well-known/openid-configuration', () => this.configuration(`${s.url}/github`));
    s.route('GET', '/github/.well-known/jwks', () => this.jwks());
    s.route('POST', '/oidc/azure-devops', (req) => this.azureDevOpsToken(req));
    s.route('GET', '/oidc/github', (req) => this.gitHubToken(req));
  }

  /** Sets up an Azure DevOps WorkloadIdentityFederation service connection and its federated credential. */
  azureDevOps(options: AzureDevOpsOidcOptions = {}): AzureDevOpsOidc {
    const org = options.org ?? 'contoso';
    const orgId = options.orgId ?? randomUUID();
    const project = options.project ?? 'weather-ml';
    const connection = options.connection ?? 'azure-ml';
    const id = options.serviceConnectionId ?? randomUUID();
    const systemAccessToken = options.systemAccessToken ?? randomBytes(24).toString('base64url');
    const issuer = `${this.server.url}/vstoken/${orgId}`;
    const subject = `sc://${org}/${project}/${connection}`;
    const oidcRequestUri = `${this.server.url}/oidc/azure-devops`;
    const clientId = options.clientId === undefined ? this.defaults.clientId : options.clientId;
    if (clientId !== null)
      this.aad.addFederatedCredential(clientId, { issuer, subject: options.federatedSubject ?? subject });
    const connectionEnv = azureRmServiceConnection(
      { armUrl: this.server.url, subscriptionId: this.defaults.subscriptionId },
      'WorkloadIdentityFederation',
      {
        tenantid: this.defaults.tenantId,
        serviceprincipalid: clientId ?? '',
        workloadIdentityFederationIssuer: issuer,
        workloadIdentityFederationSubject: subject,
      },
      {},
      id,
    ).env;
    const env: Record<string, string> = {
      SYSTEM_OIDCREQUESTURI: oidcRequestUri,
      SYSTEM_ACCESSTOKEN: systemAccessToken,
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: systemAccessToken,
      ...connectionEnv,
    };
    const entry: AzureDevOpsOidc = {
      org,
      orgId,
      project,
      connection,
      serviceConnectionId: id,
      systemAccessToken,
      issuer,
      subject,
      oidcRequestUri,
      tokenLifetimeSeconds: 600,
      env,
    };
    this.azureDevOpsConnections.push(entry);
    return entry;
  }

  /** Sets up a GitHub Actions run's ID token endpoint and the app's federated credential for its subject. */
  github(options: GitHubOidcOptions = {}): GitHubOidc {
    const repository = options.repository ?? 'contoso/weather-ml';
    const ref = options.ref ?? 'refs/heads/main';
    const subject = options.subject ?? `repo:${repository}:ref:${ref}`;
    const requestToken = options.requestToken ?? randomBytes(24).toString('base64url');
    const issuer = `${this.server.url}/github`;
    const requestUrl = `${this.server.url}/oidc/github?api-version=2.0`;
    const clientId = options.clientId === undefined ? this.defaults.clientId : options.clientId;
    if (clientId !== null) this.aad.addFederatedCredential(clientId, { issuer, subject });
    const entry: GitHubOidc = {
      repository,
      ref,
      subject,
      requestToken,
      issuer,
      requestUrl,
      tokenLifetimeSeconds: 300,
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    };
    this.gitHubRuns.push(entry);
    return entry;
  }

  private configuration(issuer: string): EmulatorResponse {
    return {
      status: 200,
      body: {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      },
    };
  }

  private jwks(): EmulatorResponse {
    const jwk = this.keyPair.publicKey.export({ format: 'jwk' });
    return { status: 200, body: { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256' }] } };
  }

  private sign(claims: Record<string, unknown>, lifetimeSeconds: number): string {
    const now = Math.floor(Date.now() / 1000);
    const iat = lifetimeSeconds < 0 ? now + lifetimeSeconds - 60 : now;
    return signRs256(
      { kid: this.kid, x5t: this.kid },
      { jti: randomUUID(), ...claims, iat, nbf: iat, exp: now + lifetimeSeconds },
      this.keyPair.privateKey,
    );
  }

  private azureDevOpsToken(req: EmulatorRequest): EmulatorResponse {
    const id = req.query.get('serviceConnectionId') ?? '';
    const connection = this.azureDevOpsConnections.find(
      (c) => c.serviceConnectionId.toLowerCase() === id.toLowerCase(),
    );
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!connection || bearer !== connection.systemAccessToken) {
      // Azure DevOps answers an unknown/invalid access token with 401 (and `X-TFS-FedAuthRedirect: Suppress` keeps it
      // from redirecting to a sign-in page).
      return {
        status: 401,
        headers: { 'x-vss-e2eid': randomUUID(), 'x-msedge-ref': `Ref A: ${randomUUID()}` },
        body: {
          $id: '1',
          innerException: null,
          message: 'TF400813: The user is not authorized to access this resource.',
          typeName:
            'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
          typeKey: 'UnauthorizedRequestException',
          errorCode: 0,
          eventId: 3000,
        },
      };
    }
    if (req.query.get('api-version') === null) {
      return { status: 400, body: { message: 'The api-version query parameter is required.' } };
    }
    const oidcToken = this.sign(
      { iss: connection.issuer, sub: connection.subject, aud: TOKEN_EXCHANGE_AUDIENCE },
      connection.tokenLifetimeSeconds,
    );
    return { status: 200, body: { oidcToken } };
  }

  private gitHubToken(req: EmulatorRequest): EmulatorResponse {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const run = this.gitHubRuns.find((r) => r.requestToken === bearer);
    if (!run) return { status: 401, body: { message: 'Unauthorized' } };
    const [owner] = run.repository.split('/');
    const aud = req.query.get('audience') ?? `https://github.com/${owner ?? ''}`;
    const value = this.sign(
      {
        iss: run.issuer,
        sub: run.subject,
        aud,
        ref: run.ref,
        repository: run.repository,
        repository_owner: owner,
        event_name: 'push',
        ref_type: 'branch',
        run_id: '1',
        run_attempt: '1',
        runner_environment: 'github-hosted',
      },
      run.tokenLifetimeSeconds,
    );
    return { status: 200, body: { count: 1, value } };
  }
}
