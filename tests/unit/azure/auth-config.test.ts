import { generateKeyPairSync } from 'node:crypto';
import { resolveAzureAccess, type AzureSignInValues } from '../../../shared/src/azure/auth-config';
import { azureClouds, resolveCloud } from '../../../shared/src/azure/cloud';
import type { HostIdentityPort, ServiceConnection } from '../../../shared/src/platform/ports';
import { InputError, InputErrors } from '../../../shared/src/step/errors';

const tenantId = 'tenant-0001';
const clientId = 'client-0001';
const subscriptionId = 'sub-0001';
/** A real PEM private key (the step reads it before signing in): a small EC key is quick to make. */
const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const federation = {
  oidcRequestUri: 'https://dev.azure.com/o/p/_apis/oidc',
  systemAccessToken: 'system-token-xyz',
};

function pipelines(
  connection: ServiceConnection | undefined,
  extra: Partial<HostIdentityPort> = {},
): HostIdentityPort {
  return {
    serviceConnection: (id) => (id === 'conn' ? connection : undefined),
    pipelineFederation: () => federation,
    ...extra,
  };
}

function connection(
  scheme: string,
  parameters: Record<string, string>,
  data: Record<string, string> = {},
): ServiceConnection {
  return { scheme, parameters, data: { subscriptionid: subscriptionId, environment: 'AzureCloud', ...data } };
}

function resolve(
  host: 'azure-pipelines' | 'github' | 'local',
  values: AzureSignInValues,
  identity: HostIdentityPort,
) {
  const secrets: string[] = [];
  const access = resolveAzureAccess(host, values, identity, (s) => void secrets.push(s));
  return { access, secrets };
}

function errorsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => `${e.input}: ${e.message}`);
    throw error;
  }
  throw new Error('expected InputErrors');
}

describe('Azure DevOps service connections', () => {
  test('workload identity federation', () => {
    const { access, secrets } = resolve(
      'azure-pipelines',
      { azureSubscription: 'conn' },
      pipelines(
        connection('WorkloadIdentityFederation', { serviceprincipalid: clientId, tenantid: tenantId }),
      ),
    );
    expect(access.auth).toEqual({
      kind: 'pipelinesFederation',
      tenantId,
      clientId,
      serviceConnectionId: 'conn',
      systemAccessToken: federation.systemAccessToken,
    });
    expect(access.subscriptionId).toBe(subscriptionId);
    expect(access.cloud).toBe(azureClouds.AzureCloud);
    expect(secrets).toEqual([federation.systemAccessToken]);
  });

  test('service principal with a key (parameter names in any case)', () => {
    const { access, secrets } = resolve(
      'azure-pipelines',
      { azureSubscription: 'conn' },
      pipelines(
        connection(
          'ServicePrincipal',
          {
            authenticationType: 'spnKey',
            servicePrincipalId: clientId,
            tenantId,
            servicePrincipalKey: 'key-secret-1',
          },
          { environment: 'AzureUSGovernment' },
        ),
      ),
    );
    expect(access.auth).toEqual({ kind: 'clientSecret', tenantId, clientId, clientSecret: 'key-secret-1' });
    expect(access.cloud.armEndpoint).toBe('https://management.usgovcloudapi.net');
    expect(access.cloud.authorityHost).toBe('https://login.microsoftonline.us');
    expect(secrets).toEqual(['key-secret-1']);
    expect(access.description).not.toContain('key-secret-1');
  });

  test('service principal with a PEM certificate', () => {
    const pem = `-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n${privateKeyPem}`;
    const { access, secrets } = resolve(
      'azure-pipelines',
      { azureSubscription: 'conn' },
      pipelines(
        connection(
          'ServicePrincipal',
          {
            authenticationType: 'spnCertificate',
            serviceprincipalid: clientId,
            tenantid: tenantId,
            servicePrincipalCertificate: pem,
          },
          { environment: 'AzureChinaCloud' },
        ),
      ),
    );
    expect(access.auth).toEqual({ kind: 'clientCertificate', tenantId, clientId, certificatePem: pem });
    expect(access.cloud.name).toBe('AzureChinaCloud');
    expect(secrets).toEqual([pem]);
  });

  test('managed identity, with the client id from the data', () => {
    const { access } = resolve(
      'azure-pipelines',
      { azureSubscription: 'conn' },
      pipelines(connection('ManagedServiceIdentity', {}, { msiclientid: 'mi-1' })),
    );
    expect(access.auth).toEqual({ kind: 'managedIdentity', clientId: 'mi-1' });
  });

  test('the cloud override wins over the connection environment', () => {
    const { access } = resolve(
      'azure-pipelines',
      { azureSubscription: 'conn' },
      pipelines(connection('ManagedServiceIdentity', {}, { environment: 'AzureChinaCloud' }), {
        cloudOverride: { armEndpoint: 'https://127.0.0.1:4443/', authorityHost: 'https://127.0.0.1:4443' },
      }),
    );
    expect(access.cloud).toEqual({
      name: 'Custom',
      armEndpoint: 'https://127.0.0.1:4443',
      authorityHost: 'https://127.0.0.1:4443',
      armScope: 'https://management.chinacloudapi.cn/.default',
      mlScope: 'https://ml.azure.cn/.default',
      storageSuffix: 'core.chinacloudapi.cn',
      custom: true,
    });
  });

  test.each<[string, ServiceConnection | undefined, Partial<HostIdentityPort>, RegExp[]]>([
    ['unknown connection', undefined, {}, [/Service connection 'conn' was not found/]],
    [
      'WIF without tenant, client, subscription or OIDC material',
      { scheme: 'WorkloadIdentityFederation', parameters: {}, data: {} },
      { pipelineFederation: () => ({}) },
      [
        /no tenant id/,
        /no service principal \(client\) id/,
        /not scoped to a subscription/,
        /no OIDC request URI/,
      ],
    ],
    [
      'secret missing',
      connection('ServicePrincipal', { serviceprincipalid: clientId, tenantid: tenantId }),
      {},
      [/no client secret \(parameter 'servicePrincipalKey'\)/],
    ],
    [
      'certificate without a private key',
      connection('ServicePrincipal', {
        authenticationType: 'spnCertificate',
        serviceprincipalid: clientId,
        tenantid: tenantId,
        servicePrincipalCertificate: '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----',
      }),
      {},
      [/has no PEM private key/],
    ],
    [
      'certificate whose private key is cut',
      connection('ServicePrincipal', {
        authenticationType: 'spnCertificate',
        serviceprincipalid: clientId,
        tenantid: tenantId,
        servicePrincipalCertificate: `${privateKeyPem.split('\n').slice(0, 2).join('\n')}\n-----END PRIVATE KEY-----`,
      }),
      {},
      [/Service connection 'conn': the certificate's private key could not be read \(its PEM block is cut/],
    ],
    [
      'unsupported scheme',
      connection('UsernamePassword', {}),
      {},
      [/scheme 'UsernamePassword', which is not supported/],
    ],
    [
      'Azure Stack',
      connection('ManagedServiceIdentity', {}, { environment: 'AzureStack' }),
      {},
      [/Azure environment 'AzureStack' is not supported/],
    ],
  ])('%s → InputErrors naming the fix', (_name, conn, extra, expected) => {
    const messages = errorsOf(() =>
      resolve('azure-pipelines', { azureSubscription: 'conn' }, pipelines(conn, extra)),
    );
    expect(messages).toHaveLength(expected.length);
    for (const pattern of expected) expect(messages.some((message) => pattern.test(message))).toBe(true);
    messages.forEach((message) => expect(message).toMatch(/^azureSubscription: /));
  });
});

describe('GitHub inputs', () => {
  const github: HostIdentityPort = { idToken: async (audience) => `oidc-token-for-${audience}` };
  const creds = JSON.stringify({ clientId, clientSecret: 'creds-secret-1', tenantId, subscriptionId });

  test('client-id + tenant-id + subscription-id → OIDC assertion asked from the host each time', async () => {
    const { access, secrets } = resolve('github', { clientId, tenantId, subscriptionId }, github);
    expect(access.auth.kind).toBe('clientAssertion');
    if (access.auth.kind !== 'clientAssertion') return;
    expect(await access.auth.getAssertion()).toBe('oidc-token-for-api://AzureADTokenExchange');
    expect(secrets).toEqual(['oidc-token-for-api://AzureADTokenExchange']);
    expect(access.subscriptionId).toBe(subscriptionId);
  });

  test('creds JSON → client secret, subscription from the creds, secrets registered', () => {
    const { access, secrets } = resolve('github', { creds }, github);
    expect(access.auth).toEqual({ kind: 'clientSecret', tenantId, clientId, clientSecret: 'creds-secret-1' });
    expect(access.subscriptionId).toBe(subscriptionId);
    expect(secrets).toEqual([creds, 'creds-secret-1']);
  });

  test('nothing → the Azure CLI session', () => {
    expect(resolve('github', { subscriptionId }, github).access.auth).toEqual({ kind: 'azureCli' });
  });

  test.each<[string, AzureSignInValues, HostIdentityPort, string[]]>([
    [
      'OIDC and creds together',
      { clientId, tenantId, subscriptionId, creds },
      github,
      ["creds: Give either 'client-id' and 'tenant-id' (OIDC) or 'creds', not both."],
    ],
    [
      'client id without tenant',
      { clientId, subscriptionId },
      github,
      ["tenantId: Input 'tenant-id' is required with 'client-id' (OIDC)."],
    ],
    [
      'CLI without subscription',
      {},
      github,
      ["subscriptionId: Input 'subscription-id' is required: the subscription holding the workspace."],
    ],
    [
      'creds not JSON',
      { creds: '{clientSecret: oops-secret' },
      github,
      [
        "creds: Input 'creds' is not valid JSON: give the service principal JSON (clientId, clientSecret, tenantId, subscriptionId).",
      ],
    ],
    [
      'creds missing fields',
      { creds: JSON.stringify({ clientId, clientSecret: 'only-secret' }) },
      github,
      [
        "creds: Input 'creds' lacks tenantId, subscriptionId: give the service principal JSON with clientId, clientSecret, tenantId and subscriptionId.",
      ],
    ],
    [
      'subscription contradicts creds',
      { creds, subscriptionId: 'other-sub' },
      github,
      [
        `subscriptionId: Input 'subscription-id' (other-sub) differs from the subscriptionId in 'creds' (${subscriptionId}): remove one.`,
      ],
    ],
    [
      'OIDC on a laptop',
      { clientId, tenantId, subscriptionId },
      {},
      [
        "clientId: OIDC sign-in ('client-id') needs a GitHub Actions runner; here use 'creds' or an Azure CLI session (az login).",
      ],
    ],
  ])('%s → InputErrors', (_name, values, identity, expected) => {
    expect(errorsOf(() => resolve('github', values, identity))).toEqual(expected);
  });

  test('creds errors never quote the value, but its secret is registered', () => {
    const secrets: string[] = [];
    const text = JSON.stringify({ clientSecret: 'leaky-secret-9' });
    expect(() => resolveAzureAccess('github', { creds: text }, {}, (s) => void secrets.push(s))).toThrow(
      InputErrors,
    );
    expect(errorsOf(() => resolve('github', { creds: text }, {})).join('\n')).not.toContain('leaky-secret-9');
    expect(secrets).toEqual([text, 'leaky-secret-9']);
  });

  test('this machine: a managed identity endpoint is used when no input signs in; on GitHub the CLI session is', () => {
    expect(resolve('local', { subscriptionId }, { managedIdentity: true }).access.auth).toEqual({
      kind: 'managedIdentity',
    });
    expect(resolve('local', { subscriptionId }, {}).access.auth).toEqual({ kind: 'azureCli' });
    expect(resolve('github', { subscriptionId }, { managedIdentity: true }).access.auth).toEqual({
      kind: 'azureCli',
    });
  });

  test('local host names inputs by their variables', () => {
    expect(errorsOf(() => resolve('local', {}, {}))).toEqual([
      "subscriptionId: Input 'INPUT_SUBSCRIPTION_ID' is required: the subscription holding the workspace.",
    ]);
  });
});

describe('clouds', () => {
  test.each([
    ['AzureCloud', 'https://management.azure.com', 'https://login.microsoftonline.com'],
    ['azureusgovernment', 'https://management.usgovcloudapi.net', 'https://login.microsoftonline.us'],
    ['AzureChinaCloud', 'https://management.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
  ])('%s', (name, arm, authority) => {
    const cloud = resolveCloud(name, undefined);
    expect([cloud.armEndpoint, cloud.authorityHost, cloud.armScope, cloud.custom]).toEqual([
      arm,
      authority,
      `${arm}/.default`,
      false,
    ]);
  });

  test('an http override is refused (tokens never go over http)', () => {
    expect(() => resolveCloud(undefined, { armEndpoint: 'http://localhost:1' })).toThrow(InputError);
  });

  test('a partial override keeps the other endpoint of the cloud and still disables discovery', () => {
    expect(resolveCloud('AzureCloud', { armEndpoint: 'https://arm.example' })).toMatchObject({
      armEndpoint: 'https://arm.example',
      authorityHost: 'https://login.microsoftonline.com',
      custom: true,
    });
  });
});
