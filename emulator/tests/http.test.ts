/** The emulator's HTTP contract, checked with plain HTTPS requests (no SDK in between). */
import { request } from 'node:https';
import { startEmulator, type Emulator } from '../emulator';

let emulator: Emulator;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      new URL(path, emulator.armUrl),
      { method, headers: options.headers, ca: emulator.caPem },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function tokenRequest(tenant: string, form: Record<string, string>) {
  return send('POST', `/${tenant}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

function workspacePath(): string {
  return `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}`;
}

function bearer(options: { expiresInSeconds?: number; tenantId?: string } = {}): Record<string, string> {
  const token = emulator.aad.issueToken({
    tenantId: options.tenantId ?? emulator.tenantId,
    clientId: emulator.clientId,
    expiresInSeconds: options.expiresInSeconds,
  });
  return { authorization: `Bearer ${token}` };
}

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

describe('ARM front door', () => {
  it('answers 401 AuthenticationFailed without a token, with request ids and a challenge', async () => {
    const reply = await send('GET', `${workspacePath()}?api-version=2022-10-01`, {
      headers: { 'x-ms-correlation-request-id': 'corr-1' },
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({
      error: {
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    });
    expect(reply.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers['x-ms-correlation-request-id']).toBe('corr-1');
    expect(reply.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 401 InvalidAuthenticationToken for a token it did not issue', async () => {
    const reply = await send('GET', `${workspacePath()}?api-version=2022-10-01`, {
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.bm9wZQ' },
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('answers 401 ExpiredAuthenticationToken for an expired token', async () => {
    const reply = await send('GET', `${workspacePath()}?api-version=2022-10-01`, {
      headers: bearer({ expiresInSeconds: -60 }),
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({
      error: {
        code: 'ExpiredAuthenticationToken',
        message: expect.stringContaining('is earlier than current UTC time'),
      },
    });
  });

  it('answers 401 InvalidAuthenticationTokenTenant for a token of another tenant', async () => {
    const reply = await send('GET', `${workspacePath()}?api-version=2022-10-01`, {
      headers: bearer({ tenantId: '11111111-1111-1111-1111-111111111111' }),
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: { code: 'InvalidAuthenticationTokenTenant' } });
  });

  it('answers 400 MissingApiVersionParameter without api-version', async () => {
    const reply = await send('GET', workspacePath(), { headers: bearer() });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: {
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.',
      },
    });
  });

  it('matches provider and resource type segments case-insensitively', async () => {
    const path = workspacePath().replace(
      'Microsoft.MachineLearningServices/workspaces',
      'microsoft.machinelearningservices/WORKSPACES',
    );
    const reply = await send('GET', `${path}?api-version=2024-04-01`, { headers: bearer() });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: emulator.workspaceId,
      properties: { provisioningState: 'Succeeded' },
    });
  });

  it('answers 404 SubscriptionNotFound and InvalidResourceType', async () => {
    const otherSub = workspacePath().replace(emulator.subscriptionId, '00000000-0000-0000-0000-000000000000');
    const a = await send('GET', `${otherSub}?api-version=2022-10-01`, { headers: bearer() });
    expect(a).toMatchObject({ status: 404, body: { error: { code: 'SubscriptionNotFound' } } });
    const b = await send('GET', `${workspacePath()}/unknownThings?api-version=2022-10-01`, {
      headers: bearer(),
    });
    expect(b).toMatchObject({ status: 404, body: { error: { code: 'InvalidResourceType' } } });
  });

  it('answers 400 LocationRequired for a PUT without location', async () => {
    const reply = await send('PUT', `${workspacePath()}/onlineEndpoints/ep-x?api-version=2022-10-01`, {
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { authMode: 'Key' } }),
    });
    expect(reply).toMatchObject({ status: 400, body: { error: { code: 'LocationRequired' } } });
  });

  it('injects faults in order and then serves normally', async () => {
    const path = workspacePath();
    emulator.faults.add({ path, times: 1, fault: { status: 500 } });
    emulator.faults.add({ path: path.toUpperCase(), times: 1, fault: { status: 429, retryAfterSeconds: 7 } });
    const url = `${path}?api-version=2022-10-01`;
    const first = await send('GET', url, { headers: bearer() });
    const second = await send('GET', url, { headers: bearer() });
    const third = await send('GET', url, { headers: bearer() });
    expect(first).toMatchObject({ status: 500, body: { error: { code: 'InternalServerError' } } });
    expect(second).toMatchObject({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'TooManyRequests' } },
    });
    expect(third.status).toBe(200);
    expect(emulator.faults.pending()).toBe(0);
  });

  it('answers late on a slow-answer fault, and answers nothing to a client that gave up', async () => {
    const path = workspacePath();
    const url = `${path}?api-version=2022-10-01`;
    emulator.faults.add({ method: 'GET', path, times: 2, fault: { delayMs: 150 } });
    const started = Date.now();
    const late = await send('GET', url, { headers: bearer() });
    expect(late.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const gaveUp = new AbortController();
    setTimeout(() => gaveUp.abort(), 20);
    const before = emulator.requests.length;
    await expect(
      new Promise((resolve, reject) => {
        const req = request(new URL(url, emulator.armUrl), {
          headers: bearer(),
          ca: emulator.caPem,
          signal: gaveUp.signal,
        });
        req.on('response', resolve);
        req.on('error', reject);
        req.end();
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    // Recorded once the fault's delay has passed: wait for the record, however late a loaded machine runs it.
    for (let waited = 0; emulator.requests.length === before && waited < 10_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(emulator.requests[before]).toMatchObject({ method: 'GET', status: 0 });
    expect(emulator.faults.pending()).toBe(0);
  });
});

describe('AAD token endpoint', () => {
  const scope = 'https://management.azure.com/.default';

  it('serves the OpenID configuration of a known tenant', async () => {
    const reply = await send('GET', `/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      token_endpoint: `${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`,
      issuer: expect.any(String),
      jwks_uri: expect.any(String),
      authorization_endpoint: expect.any(String),
    });
  });

  it('issues a bearer token for client credentials', async () => {
    const reply = await tokenRequest(emulator.tenantId, {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      scope,
    });
    expect(reply).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3600 } });
    const token = (reply.body as { access_token: string }).access_token;
    expect(emulator.aad.verifyToken(token)).toMatchObject({ ok: true, claims: { appid: emulator.clientId } });
  });

  it('honours a shorter token lifetime', async () => {
    emulator.aad.tokenLifetimeSeconds = 5;
    try {
      const reply = await tokenRequest(emulator.tenantId, {
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
        scope,
      });
      expect(reply.body).toMatchObject({ expires_in: 5 });
    } finally {
      emulator.aad.tokenLifetimeSeconds = 3600;
    }
  });

  it.each([
    ['a wrong secret', {}, 401, 'invalid_client', 7000215, 'AADSTS7000215: Invalid client secret provided.'],
    ['an unknown client', { client_id: 'unknown-app' }, 400, 'unauthorized_client', 700016, 'AADSTS700016:'],
    [
      'an unknown resource',
      { scope: 'https://vault.azure.net/.default' },
      400,
      'invalid_resource',
      500011,
      'AADSTS500011:',
    ],
  ])('rejects %s', async (_case, override, status, error, code, prefix) => {
    const reply = await tokenRequest(emulator.tenantId, {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: 'wrong',
      scope,
      ...override,
      ...(code === 7000215 ? {} : { client_secret: emulator.clientSecret }),
    });
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({
      error,
      error_codes: [code],
      error_description: expect.stringMatching(new RegExp(`^${prefix.replace(/\./g, '\\.')}`)),
      timestamp: expect.any(String),
      trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('rejects an unknown tenant with AADSTS90002', async () => {
    const reply = await tokenRequest('22222222-2222-2222-2222-222222222222', {
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      scope,
    });
    expect(reply).toMatchObject({ status: 400, body: { error: 'invalid_request', error_codes: [90002] } });
  });
});
