import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  containerInstanceApiVersion,
  containerServiceApiVersion,
  createContainerInstanceClient,
  createContainerServiceClient,
  createKubernetesConfigurationClient,
  createMachineLearningClient,
  kubernetesConfigurationApiVersion,
  machineLearningApiVersion,
  userAgentPrefix,
} from '../../../shared/src/azure/arm-clients';
import type { AzureAuth } from '../../../shared/src/azure/auth-config';
import { resolveCloud, type AzureCloud } from '../../../shared/src/azure/cloud';
import { createCredential } from '../../../shared/src/azure/credentials';
import { callAzure } from '../../../shared/src/azure/errors';
import { AzureError } from '../../../shared/src/step/errors';
import { version } from '../../../shared/src/version';
import { startEmulator, type Emulator } from '../../../emulator/emulator';
import { scratchFolder } from '../../harness/scratch-folders';

let emulator: Emulator;
let cloud: AzureCloud;

beforeAll(async () => {
  emulator = await startEmulator();
  cloud = resolveCloud(undefined, { armEndpoint: emulator.armUrl, authorityHost: emulator.authorityHost });
});
afterAll(() => emulator.close());
afterEach(() => emulator.faults.clear());

function setUp(auth: AzureAuth, retryDelayInMs = 5) {
  const secrets: string[] = [];
  const transport = { tlsOptions: emulator.tlsOptions, retryOptions: { retryDelayInMs } };
  const credential = createCredential(auth, cloud, { ...transport, addSecret: (s) => void secrets.push(s) });
  const client = createMachineLearningClient(
    credential,
    { cloud, subscriptionId: emulator.subscriptionId },
    { ...transport, step: 'smoke-test', host: 'local' },
  );
  return { secrets, credential, client };
}

const secretAuth = (): Extract<AzureAuth, { kind: 'clientSecret' }> => ({
  kind: 'clientSecret',
  tenantId: emulator.tenantId,
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
});

const workspacePath = () =>
  `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}`;

describe('Azure access against the emulator (real SDKs)', () => {
  test('a client secret mints a token, which is registered as a secret, and the client reads the workspace', async () => {
    const { secrets, client } = setUp(secretAuth());
    const workspace = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(workspace.id).toBe(emulator.workspaceId);

    const [request] = emulator.received('GET', workspacePath()).slice(-1);
    const bearer = String(request?.headers.authorization).replace(/^Bearer /, '');
    expect(secrets).toContain(bearer);
    expect(request?.query['api-version']).toBe(machineLearningApiVersion);
    expect(String(request?.headers['user-agent'])).toContain(userAgentPrefix('smoke-test', 'local'));
    expect(String(request?.headers['user-agent'])).toContain(version);
    // The token was asked for ARM's scope, not for the overridden endpoint.
    const [tokenRequest] = emulator.received('POST', `/${emulator.tenantId}/oauth2/v2.0/token`).slice(-1);
    expect(new URLSearchParams(String(tokenRequest?.body)).get('scope')).toBe(
      'https://management.azure.com/.default',
    );
  });

  test('a wrong client secret becomes an AzureError naming AADSTS7000215 and the fix, without the secret', async () => {
    const wrong = 'wrong~secret~value~1234';
    const { client } = setUp({ ...secretAuth(), clientSecret: wrong });
    const error = await callAzure(
      { operation: 'Reading the workspace', host: 'azure-pipelines', clientId: emulator.clientId },
      () => client.workspaces.get(emulator.resourceGroup, emulator.workspaceName),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureError);
    const azureError = error as AzureError;
    expect(azureError.code).toBe('AADSTS7000215');
    expect(azureError.message).toContain('client secret');
    expect(azureError.message).toContain('service connection');
    expect(azureError.message).not.toContain(wrong);
    expect(azureError.message).toMatch(/\(AADSTS7000215: Invalid client secret provided\.[^)]*\)$/);
    expect(azureError.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a token prefetched for the ARM scope is the one the first call sends: one token request, masked', async () => {
    const tokenPath = `/${emulator.tenantId}/oauth2/v2.0/token`;
    const before = emulator.received('POST', tokenPath).length;
    const { secrets, credential, client } = setUp(secretAuth());
    credential.prefetch(cloud.armScope, new AbortController().signal);
    await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);

    expect(emulator.received('POST', tokenPath).length - before).toBe(1);
    const [request] = emulator.received('GET', workspacePath()).slice(-1);
    expect(secrets).toContain(String(request?.headers.authorization).replace(/^Bearer /, ''));
  });

  test("a prefetched token's failure is the first call's error, as without the prefetch", async () => {
    const { credential, client } = setUp({ ...secretAuth(), clientSecret: 'wrong~secret~value~1234' });
    credential.prefetch(cloud.armScope, new AbortController().signal);
    const error = (await callAzure({ operation: 'Reading the workspace', host: 'azure-pipelines' }, () =>
      client.workspaces.get(emulator.resourceGroup, emulator.workspaceName),
    ).catch((e: unknown) => e)) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.code).toBe('AADSTS7000215');
  });

  test('a missing workspace becomes an AzureError with code, status and correlation id', async () => {
    const { client } = setUp(secretAuth());
    const error = (await callAzure({ operation: "Reading workspace 'nope'" }, () =>
      client.workspaces.get(emulator.resourceGroup, 'nope'),
    ).catch((e: unknown) => e)) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ResourceNotFound');
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toMatch(/^Reading workspace 'nope' failed: /);
  });

  test.each([429, 503] as const)(
    'an injected %i is retried (Retry-After honoured) and the call succeeds',
    async (status) => {
      const fault = emulator.faults.add({
        method: 'GET',
        path: workspacePath(),
        times: 2,
        fault: { status, retryAfterSeconds: 0 },
      });
      const { client } = setUp(secretAuth());
      const workspace = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
      expect(workspace.name).toBe(emulator.workspaceName);
      expect(fault.hits).toBe(2);
    },
  );

  test('a dropped connection is retried and the call succeeds', async () => {
    const fault = emulator.faults.add({ method: 'GET', path: workspacePath(), fault: { reset: true } });
    const { client } = setUp(secretAuth());
    const workspace = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(workspace.name).toBe(emulator.workspaceName);
    expect(fault.hits).toBe(1);
  });

  test('a certificate credential (PEM with its private key) mints tokens; 403 names the role assignment, granted it reads', async () => {
    const folder = scratchFolder('azure-cert-');
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=azureml-steps-test',
          '-keyout',
          join(folder, 'key.pem'),
          '-out',
          join(folder, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const certificate = readFileSync(join(folder, 'cert.pem'), 'utf8');
      const key = readFileSync(join(folder, 'key.pem'), 'utf8');
      const clientId = '6f0b7c1e-3c1d-4c4b-9d57-0c6f3a1b2c3d';
      const objectId = '0d7f2a4e-5b8c-4f1e-9a3b-2c6d8e0f1a2b';
      emulator.registerApp({ tenantId: emulator.tenantId, clientId, objectId, certificatePem: certificate });
      const { client, secrets } = setUp({
        kind: 'clientCertificate',
        tenantId: emulator.tenantId,
        clientId,
        certificatePem: `${certificate}\n${key}`,
      });
      // Without a role on the workspace: 403 AuthorizationFailed, mapped to the role assignment that fixes it.
      const denied = (await callAzure({}, () =>
        client.workspaces.get(emulator.resourceGroup, emulator.workspaceName),
      ).catch((e: unknown) => e)) as AzureError;
      expect(denied).toBeInstanceOf(AzureError);
      expect(denied.statusCode).toBe(403);
      expect(denied.code).toBe('AuthorizationFailed');
      expect(denied.message).toContain(
        `az role assignment create --assignee ${objectId} --role "AzureML Data Scientist" --scope ${emulator.workspaceId}`,
      );
      expect(secrets.length).toBeGreaterThan(0);

      emulator.rbac.grant(objectId, emulator.workspaceId);
      const workspace = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
      expect(workspace.id).toBe(emulator.workspaceId);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('the AKS, Kubernetes configuration and Container Instances clients share endpoint, scope, pinned api-version and user agent', async () => {
    const { credential } = setUp(secretAuth());
    const target = { cloud, subscriptionId: emulator.subscriptionId };
    const options = { tlsOptions: emulator.tlsOptions, step: 'deploy', host: 'github' };
    const rg = emulator.resourceGroup;
    const cluster = 'aks-missing';
    const calls: [string, RegExp, () => Promise<unknown>][] = [
      [
        containerServiceApiVersion,
        /managedClusters\/aks-missing$/,
        () => createContainerServiceClient(credential, target, options).managedClusters.get(rg, cluster),
      ],
      [
        kubernetesConfigurationApiVersion,
        /extensions\/azureml$/,
        () =>
          createKubernetesConfigurationClient(credential, target, options).extensions.get(
            rg,
            'Microsoft.ContainerService',
            'managedClusters',
            cluster,
            'azureml',
          ),
      ],
      [
        containerInstanceApiVersion,
        /containerGroups\/aci-missing$/,
        () =>
          createContainerInstanceClient(credential, target, options).containerGroups.get(rg, 'aci-missing'),
      ],
    ];
    for (const [apiVersion, path, call] of calls) {
      const error = (await callAzure({}, call).catch((e: unknown) => e)) as AzureError;
      expect(error).toBeInstanceOf(AzureError);
      expect(error.statusCode).toBe(404);
      const [request] = emulator.received('GET', path).slice(-1);
      expect(request?.query['api-version']).toBe(apiVersion);
      expect(String(request?.headers['user-agent'])).toContain(userAgentPrefix('deploy', 'github'));
      expect(String(request?.headers.authorization)).toMatch(/^Bearer ey/);
    }
  });
});
