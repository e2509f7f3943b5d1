/**
 * Client assertions (certificate, federated via the hosts' OIDC issuers), managed identity, role checks, provider
 * registration and online endpoint tokens, through the real @azure/identity credentials and ARM client.
 */
import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import {
  AzurePipelinesCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { createClientCertificate, type ClientCertificate } from '../certificates';
import { startEmulator, type Emulator } from '../emulator';
import { signRs256 } from '../jwt';

let emulator: Emulator;
let certificate: ClientCertificate;
const ARM_SCOPE = 'https://management.azure.com/.default';

function common() {
  return {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: emulator.tlsOptions,
  };
}

function armClient(credential: TokenCredential): AzureMachineLearningWorkspaces {
  return new AzureMachineLearningWorkspaces(credential, emulator.subscriptionId, {
    ...emulator.armClientOptions,
    retryOptions: { maxRetries: 0 },
  });
}

/** What `core.getIDToken(audience)` does: GET `${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=...` with the bearer. */
function gitHubIdToken(
  env: Record<string, string>,
  audience = 'api://AzureADTokenExchange',
): Promise<string> {
  const url = `${env['ACTIONS_ID_TOKEN_REQUEST_URL'] ?? ''}&audience=${encodeURIComponent(audience)}`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        ca: emulator.caPem,
        headers: { Authorization: `Bearer ${env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? ''}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value?: string };
          if (res.statusCode === 200 && body.value) resolve(body.value);
          else reject(new Error(`${res.statusCode ?? 0}`));
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** POSTs a form to the emulator; resolves with status and parsed JSON body. */
function postForm(
  path: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${emulator.armUrl}${path}`,
      {
        method: 'POST',
        ca: emulator.caPem,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Runs `fn` with `vars` set in process.env (credentials read it at construction / first token), then restores. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

beforeAll(async () => {
  emulator = await startEmulator();
  certificate = createClientCertificate();
});

afterAll(async () => {
  await emulator?.close();
});

describe('certificate credentials', () => {
  it('issues a token for an assertion signed with a registered certificate', async () => {
    const app = emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'cert-app-1',
      certificatePem: certificate.certPem,
    });
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      app.clientId,
      { certificate: certificate.pem },
      common(),
    );
    const token = await credential.getToken(ARM_SCOPE);
    expect(claims(token.token)).toMatchObject({ appid: 'cert-app-1', oid: app.objectId });
    const [sent] = emulator.received('POST', `/${emulator.tenantId}/oauth2/v2.0/token`).slice(-1);
    expect(sent?.body).toContain(
      'client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer',
    );

    // No role assignment yet: ARM answers 403 AuthorizationFailed; after a grant, the workspace.
    const client = armClient(credential);
    await expect(client.workspaces.get(emulator.resourceGroup, emulator.workspaceName)).rejects.toMatchObject(
      {
        statusCode: 403,
        code: 'AuthorizationFailed',
        message:
          `The client 'cert-app-1' with object id '${app.objectId}' does not have authorization to perform action ` +
          `'Microsoft.MachineLearningServices/workspaces/read' over scope '${emulator.workspaceId}' or the scope is ` +
          'invalid. If access was recently granted, please refresh your credentials.',
      },
    );
    emulator.rbac.grant(app.objectId, emulator.workspaceId, 'Reader');
    await expect(
      client.workspaces.get(emulator.resourceGroup, emulator.workspaceName),
    ).resolves.toMatchObject({
      id: emulator.workspaceId,
    });
  });

  it('rejects an assertion signed with a certificate the app does not have (AADSTS700027)', async () => {
    const other = createClientCertificate('other');
    emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'cert-app-2',
      certificatePem: certificate.certPem,
    });
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      'cert-app-2',
      { certificate: other.pem },
      common(),
    );
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(
      /AADSTS700027: The certificate with identifier/,
    );
  });
});

describe('certificate credentials (raw RS256 + x5t)', () => {
  it('accepts a SHA-1 x5t RS256 assertion and rejects a bad signature with AADSTS700027', async () => {
    emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'cert-app-3',
      certificatePem: certificate.certPem,
    });
    const x5t = createHash('sha1').update(new X509Certificate(certificate.certPem).raw).digest('base64url');
    const tokenPath = `/${emulator.tenantId}/oauth2/v2.0/token`;
    const now = Math.floor(Date.now() / 1000);
    const assertion = signRs256(
      { x5t },
      {
        iss: 'cert-app-3',
        sub: 'cert-app-3',
        aud: `${emulator.armUrl}${tokenPath}`,
        jti: randomUUID(),
        nbf: now,
        exp: now + 600,
      },
      createPrivateKey(certificate.keyPem),
    );
    const form = {
      grant_type: 'client_credentials',
      client_id: 'cert-app-3',
      scope: ARM_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    };
    const ok = await postForm(tokenPath, { ...form, client_assertion: assertion });
    expect(ok).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    const tampered = `${assertion.slice(0, -4)}${assertion.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const bad = await postForm(tokenPath, { ...form, client_assertion: tampered });
    expect(bad).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_codes: [700027] },
    });
  });
});

describe('GitHub OIDC federation', () => {
  it('exchanges the runner ID token through ClientAssertionCredential', async () => {
    const gh = emulator.oidc.github({ repository: 'contoso/weather-ml', ref: 'refs/heads/main' });
    const idToken = await gitHubIdToken(gh.env);
    expect(claims(idToken)).toMatchObject({
      iss: `${emulator.armUrl}/github`,
      sub: 'repo:contoso/weather-ml:ref:refs/heads/main',
      aud: 'api://AzureADTokenExchange',
    });
    const credential = new ClientAssertionCredential(
      emulator.tenantId,
      emulator.clientId,
      () => gitHubIdToken(gh.env),
      common(),
    );
    const ws = await armClient(credential).workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(ws.id).toBe(emulator.workspaceId);
    // Entra fetched the issuer's keys the real way.
    expect(emulator.received('GET', '/github/.well-known/jwks').length).toBeGreaterThan(0);
  });

  it('names the presented subject when no federated credential matches (AADSTS70021)', async () => {
    const gh = emulator.oidc.github({ ref: 'refs/heads/feature', clientId: null });
    emulator.aad.addFederatedCredential(emulator.clientId, {
      issuer: gh.issuer,
      subject: 'repo:contoso/weather-ml:environment:prod',
    });
    const credential = new ClientAssertionCredential(
      emulator.tenantId,
      emulator.clientId,
      () => gitHubIdToken(gh.env),
      common(),
    );
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${gh.issuer}'. ` +
        "Assertion Subject: 'repo:contoso/weather-ml:ref:refs/heads/feature'. Assertion Audience: 'api://AzureADTokenExchange'.",
    );
  });

  it('rejects an expired assertion (AADSTS700024) and a wrong request token (401)', async () => {
    const gh = emulator.oidc.github({ subject: 'repo:contoso/weather-ml:environment:expired' });
    gh.tokenLifetimeSeconds = -600;
    const credential = new ClientAssertionCredential(
      emulator.tenantId,
      emulator.clientId,
      () => gitHubIdToken(gh.env),
      common(),
    );
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(
      /AADSTS700024: Client assertion is not within its valid time range/,
    );
    await expect(gitHubIdToken({ ...gh.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' })).rejects.toThrow(
      '401',
    );
  });
});

describe('Azure DevOps OIDC federation', () => {
  it('AzurePipelinesCredential gets an OIDC token for the service connection and an ARM token', async () => {
    const ado = emulator.oidc.azureDevOps({ org: 'contoso', project: 'weather-ml', connection: 'azure-ml' });
    expect(ado.subject).toBe('sc://contoso/weather-ml/azure-ml');
    const credential = await withEnv({ SYSTEM_OIDCREQUESTURI: ado.env['SYSTEM_OIDCREQUESTURI'] ?? '' }, () =>
      Promise.resolve(
        new AzurePipelinesCredential(
          emulator.tenantId,
          emulator.clientId,
          ado.serviceConnectionId,
          ado.env['ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN'] ?? '',
          common(),
        ),
      ),
    );
    const ws = await armClient(credential).workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(ws.id).toBe(emulator.workspaceId);
    const [oidcRequest] = emulator.received('POST', '/oidc/azure-devops');
    expect(oidcRequest?.query).toEqual({
      'api-version': '7.1',
      serviceConnectionId: ado.serviceConnectionId,
    });
    expect(oidcRequest?.headers.authorization).toBe(`Bearer ${ado.systemAccessToken}`);
  });

  it('answers 401 to a wrong system access token', async () => {
    const ado = emulator.oidc.azureDevOps();
    const credential = await withEnv({ SYSTEM_OIDCREQUESTURI: ado.oidcRequestUri }, () =>
      Promise.resolve(
        new AzurePipelinesCredential(
          emulator.tenantId,
          emulator.clientId,
          ado.serviceConnectionId,
          'wrong',
          common(),
        ),
      ),
    );
    await expect(credential.getToken(ARM_SCOPE)).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('managed identity', () => {
  it('ManagedIdentityCredential uses IDENTITY_ENDPOINT + IDENTITY_HEADER (system- and user-assigned)', async () => {
    const system = emulator.managedIdentity.systemAssigned;
    const user = emulator.managedIdentity.register();
    emulator.rbac.grant(system.objectId);
    await withEnv(emulator.managedIdentity.env, async () => {
      const credential = new ManagedIdentityCredential({ tlsOptions: emulator.tlsOptions });
      const ws = await armClient(credential).workspaces.get(emulator.resourceGroup, emulator.workspaceName);
      expect(ws.id).toBe(emulator.workspaceId);
      const userToken = await new ManagedIdentityCredential(user.clientId, {
        tlsOptions: emulator.tlsOptions,
      }).getToken(ARM_SCOPE);
      expect(claims(userToken.token)).toMatchObject({ appid: user.clientId, oid: user.objectId });
    });
    const [sent] = emulator.received('GET', '/msi/token');
    expect(sent?.query).toMatchObject({
      'api-version': '2019-08-01',
      resource: 'https://management.azure.com',
    });
    expect(sent?.headers['x-identity-header']).toBe(emulator.managedIdentity.header);
  });
});

describe('role checks and provider registration', () => {
  function secretClient() {
    return armClient(
      new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, common()),
    );
  }

  it('revoke → 403 AuthorizationFailed, grant → allowed again', async () => {
    const client = secretClient();
    emulator.rbac.revoke(emulator.objectId);
    try {
      await expect(
        client.onlineEndpoints.beginCreateOrUpdateAndWait(
          emulator.resourceGroup,
          emulator.workspaceName,
          'ep-denied',
          { location: emulator.location, properties: { authMode: 'Key' } },
          { updateIntervalInMs: 0 },
        ),
      ).rejects.toMatchObject({
        statusCode: 403,
        code: 'AuthorizationFailed',
        message: expect.stringContaining(
          `perform action 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write' over scope '${emulator.workspaceId}/onlineEndpoints/ep-denied'`,
        ),
      });
    } finally {
      emulator.rbac.grant(emulator.objectId);
    }
    await expect(
      client.workspaces.get(emulator.resourceGroup, emulator.workspaceName),
    ).resolves.toBeDefined();
  });

  it('an unregistered Microsoft.MachineLearningServices fails writes with 409 MissingSubscriptionRegistration', async () => {
    const client = secretClient();
    emulator.providers.setRegistered('Microsoft.MachineLearningServices', false);
    try {
      await expect(
        client.onlineEndpoints.beginCreateOrUpdateAndWait(
          emulator.resourceGroup,
          emulator.workspaceName,
          'ep-unregistered',
          { location: emulator.location, properties: { authMode: 'Key' } },
          { updateIntervalInMs: 0 },
        ),
      ).rejects.toMatchObject({
        statusCode: 409,
        code: 'MissingSubscriptionRegistration',
        message:
          "The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'. See https://aka.ms/rps-not-found for how to register subscriptions.",
      });
      await expect(
        client.workspaces.get(emulator.resourceGroup, emulator.workspaceName),
      ).resolves.toBeDefined();
    } finally {
      emulator.providers.setRegistered('Microsoft.MachineLearningServices', true);
    }
  });

  it('returns an online endpoint token for AMLToken endpoints', async () => {
    const client = secretClient();
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      emulator.workspaceName,
      'ep-token',
      { location: emulator.location, properties: { authMode: 'AMLToken' } },
      { updateIntervalInMs: 0 },
    );
    const token = await client.onlineEndpoints.getToken(
      emulator.resourceGroup,
      emulator.workspaceName,
      'ep-token',
    );
    expect(token.accessToken).toEqual(expect.any(String));
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiryTimeUtc).toBeGreaterThan(Date.now() / 1000);
    expect(token.refreshAfterTimeUtc).toBeLessThan(token.expiryTimeUtc ?? 0);
  });
});
