/** The real SDKs (@azure/identity, @azure/arm-machinelearning) against the emulator. */
import { AzureMachineLearningWorkspaces, type OnlineEndpoint } from '@azure/arm-machinelearning';
import type { LroStyle } from '../arm/operations';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential } from './test-clients';

let emulator: Emulator;
let client: AzureMachineLearningWorkspaces;

const credential = (secret?: string) => emulatorCredential(emulator, undefined, secret);

function endpointBody(description: string): OnlineEndpoint {
  return {
    location: emulator.location,
    identity: { type: 'SystemAssigned' },
    properties: { authMode: 'Key', description },
  };
}

beforeAll(async () => {
  emulator = await startEmulator();
  client = new AzureMachineLearningWorkspaces(credential(), emulator.subscriptionId, {
    ...emulator.armClientOptions,
    // The 503 below has no Retry-After: keep the SDK's exponential back-off short.
    retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  });
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  expect(emulator.faults.pending()).toBe(0);
  emulator.faults.clear();
  emulator.lro.clearPlans();
});

const poll = { updateIntervalInMs: 0 };

describe('workspace', () => {
  it('returns the ready workspace with its service URLs', async () => {
    const ws = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(ws.id).toBe(emulator.workspaceId);
    expect(ws.provisioningState).toBe('Succeeded');
    expect(ws.mlFlowTrackingUri).toMatch(/^azureml:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/subscriptions\//);
    expect(ws.discoveryUrl).toBe(`${emulator.armUrl}/discovery`);
    expect(ws.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
    const [request] = emulator.received('GET', new RegExp(`/workspaces/${emulator.workspaceName}$`));
    expect(request?.query['api-version']).toBe('2022-10-01');
    expect(request?.headers.authorization).toMatch(/^Bearer /);
  });

  it('answers 404 ResourceNotFound as a RestError', async () => {
    await expect(
      client.onlineEndpoints.get(emulator.resourceGroup, emulator.workspaceName, 'nope'),
    ).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 404,
      code: 'ResourceNotFound',
      message: expect.stringContaining(
        `The Resource 'Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}/onlineEndpoints/nope' under resource group '${emulator.resourceGroup}' was not found.`,
      ),
    });
  });

  it('answers 404 ResourceGroupNotFound for an unknown resource group', async () => {
    await expect(client.workspaces.get('rg-missing', emulator.workspaceName)).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceGroupNotFound',
    });
  });
});

describe('online endpoints', () => {
  const styles: LroStyle[] = ['azure-async-operation', 'location', 'provisioning-state'];

  it.each(styles)('creates, reads, lists keys of and deletes an endpoint (%s)', async (style) => {
    const name = `ep-${style.slice(0, 8)}`;
    emulator.lro.plan({ resourceType: 'onlineEndpoints', method: 'PUT', style, polls: 2 });
    emulator.lro.plan({ resourceType: 'onlineEndpoints', method: 'DELETE', style, polls: 1 });
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;

    const created = await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg,
      ws,
      name,
      endpointBody(style),
      poll,
    );
    expect(created.properties.provisioningState).toBe('Succeeded');
    expect(created.properties.scoringUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/score$/);
    expect(created.identity?.principalId).toBeTruthy();

    // What the emulator received for the PUT (the SDK serializer decides what goes on the wire).
    const puts = emulator.received('PUT', new RegExp(`/onlineEndpoints/${name}$`));
    expect(puts).toHaveLength(1);
    expect(puts[0]?.body).toEqual({
      location: emulator.location,
      identity: { type: 'SystemAssigned' },
      properties: { authMode: 'Key', description: style },
    });
    expect(puts[0]?.query['api-version']).toBe('2022-10-01');
    // The polls the SDK made, in the style of the operation.
    const polls = emulator.received(
      'GET',
      style === 'location'
        ? /mfeOperationResults/
        : style === 'azure-async-operation'
          ? /mfeOperationsStatus/
          : new RegExp(`/onlineEndpoints/${name}$`),
    );
    expect(polls.length).toBeGreaterThanOrEqual(3);

    const read = await client.onlineEndpoints.get(rg, ws, name);
    expect(read.properties).toMatchObject({
      authMode: 'Key',
      description: style,
      provisioningState: 'Succeeded',
    });

    const names: string[] = [];
    for await (const ep of client.onlineEndpoints.list(rg, ws)) names.push(ep.name ?? '');
    expect(names).toContain(name);

    const keys = await client.onlineEndpoints.listKeys(rg, ws, name);
    expect(keys.primaryKey).toBeTruthy();
    expect(keys.secondaryKey).toBeTruthy();
    expect(keys.primaryKey).not.toBe(keys.secondaryKey);

    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, name, poll);
    await expect(client.onlineEndpoints.get(rg, ws, name)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('regenerates a key through a long-running operation', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-keys', endpointBody('keys'), poll);
    const before = await client.onlineEndpoints.listKeys(rg, ws, 'ep-keys');
    await client.onlineEndpoints.beginRegenerateKeysAndWait(rg, ws, 'ep-keys', { keyType: 'Primary' }, poll);
    const after = await client.onlineEndpoints.listKeys(rg, ws, 'ep-keys');
    expect(after.primaryKey).not.toBe(before.primaryKey);
    expect(after.secondaryKey).toBe(before.secondaryKey);
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'ep-keys', poll);
  });

  it('answers 409 Conflict to a write while an operation is running', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    emulator.lro.plan({ resourceType: 'onlineEndpoints', method: 'PUT', polls: 5 });
    const poller = await client.onlineEndpoints.beginCreateOrUpdate(
      rg,
      ws,
      'ep-busy',
      endpointBody('one'),
      poll,
    );
    await expect(
      client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-busy', endpointBody('two'), poll),
    ).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
    await expect(client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'ep-busy', poll)).rejects.toMatchObject({
      statusCode: 409,
    });
    const done = await poller.pollUntilDone();
    expect(done.properties.description).toBe('one');
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'ep-busy', poll);
  });

  it('surfaces a failed provisioning with its error', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    emulator.lro.plan({
      resourceType: 'onlineEndpoints',
      method: 'PUT',
      fail: { code: 'EndpointProvisioningFailed', message: 'Quota exceeded for the requested SKU.' },
    });
    await expect(
      client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-fail', endpointBody('fail'), poll),
    ).rejects.toThrow(/EndpointProvisioningFailed.*Quota exceeded/);
    const read = await client.onlineEndpoints.get(rg, ws, 'ep-fail');
    expect(read.properties.provisioningState).toBe('Failed');
  });

  it('surfaces a failed Location-style operation as a RestError', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    emulator.lro.plan({
      resourceType: 'onlineEndpoints',
      method: 'PUT',
      style: 'location',
      fail: { code: 'BadRequest', message: 'The instance type is not supported.', status: 400 },
    });
    await expect(
      client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-fail2', endpointBody('fail'), poll),
    ).rejects.toMatchObject({ code: 'BadRequest', message: expect.stringContaining('instance type') });
  });
});

describe('online deployments', () => {
  it('creates a deployment under an endpoint, lists it, reads its logs and deletes it', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-dep', endpointBody('dep'), poll);
    const deployment = await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'ep-dep',
      'blue',
      {
        location: emulator.location,
        sku: { name: 'Default', capacity: 1 },
        properties: { endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2', model: 'azureml:m:1' },
      },
      poll,
    );
    expect(deployment.properties.provisioningState).toBe('Succeeded');
    expect(deployment.properties.endpointComputeType).toBe('Managed');
    const [put] = emulator.received('PUT', /\/deployments\/blue$/);
    expect(put?.body).toMatchObject({
      properties: { endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2' },
    });

    const names: string[] = [];
    for await (const d of client.onlineDeployments.list(rg, ws, 'ep-dep')) names.push(d.name ?? '');
    expect(names).toEqual(['blue']);

    emulator.ml.setDeploymentLogs(
      `${emulator.workspaceId}/onlineEndpoints/ep-dep/deployments/blue`,
      'a\nb\nc\n',
    );
    const logs = await client.onlineDeployments.getLogs(rg, ws, 'ep-dep', 'blue', {
      containerType: 'InferenceServer',
      tail: 2,
    });
    expect(logs.content).toBe('b\nc');

    await client.onlineDeployments.beginDeleteAndWait(rg, ws, 'ep-dep', 'blue', poll);
    await expect(client.onlineDeployments.get(rg, ws, 'ep-dep', 'blue')).rejects.toMatchObject({
      statusCode: 404,
    });
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'ep-dep', poll);
  });

  it('answers 409 Conflict to a DELETE or a PUT of a deployment still Creating, as Azure does', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-busy-dep', endpointBody('b'), poll);
    const body = {
      location: emulator.location,
      sku: { name: 'Default', capacity: 1 },
      properties: { endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2', model: 'azureml:m:1' },
    } as const;
    emulator.lro.plan({ resourceType: 'deployments', method: 'PUT', polls: 5 });
    const creating = await client.onlineDeployments.beginCreateOrUpdate(
      rg,
      ws,
      'ep-busy-dep',
      'blue',
      body,
      poll,
    );
    expect(
      (await client.onlineDeployments.get(rg, ws, 'ep-busy-dep', 'blue')).properties.provisioningState,
    ).toBe('Creating');
    const conflict = { statusCode: 409, code: 'Conflict', message: expect.stringContaining('in progress') };
    await expect(
      client.onlineDeployments.beginDeleteAndWait(rg, ws, 'ep-busy-dep', 'blue', poll),
    ).rejects.toMatchObject(conflict);
    await expect(
      client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, 'ep-busy-dep', 'blue', body, poll),
    ).rejects.toMatchObject(conflict);
    expect((await creating.pollUntilDone()).properties.provisioningState).toBe('Succeeded');
    await client.onlineDeployments.beginDeleteAndWait(rg, ws, 'ep-busy-dep', 'blue', poll);
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'ep-busy-dep', poll);
  });

  it('refuses to delete a deployment that still takes live traffic, as Azure ML does, and deletes it at 0 %', async () => {
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-live-dep', endpointBody('l'), poll);
    const body = {
      location: emulator.location,
      sku: { name: 'Default', capacity: 1 },
      properties: { endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2', model: 'azureml:m:1' },
    } as const;
    await client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, 'ep-live-dep', 'Blue', body, poll);
    const live = { ...endpointBody('l'), properties: { authMode: 'Key', traffic: { blue: 100 } } } as const;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-live-dep', live, poll);
    await expect(
      client.onlineDeployments.beginDeleteAndWait(rg, ws, 'ep-live-dep', 'Blue', poll),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('traffic') });
    expect((await client.onlineDeployments.get(rg, ws, 'ep-live-dep', 'Blue')).name).toBe('Blue');
    const none = { ...endpointBody('l'), properties: { authMode: 'Key', traffic: { blue: 0 } } } as const;
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, 'ep-live-dep', none, poll);
    await client.onlineDeployments.beginDeleteAndWait(rg, ws, 'ep-live-dep', 'Blue', poll);
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'ep-live-dep', poll);
  });

  it('answers 404 ParentResourceNotFound for a deployment under a missing endpoint', async () => {
    await expect(
      client.onlineDeployments.get(emulator.resourceGroup, emulator.workspaceName, 'no-ep', 'blue'),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ParentResourceNotFound' });
  });
});

describe('faults and retries', () => {
  it('retries two 429s (Retry-After: 0) and a 503 with the SDK retry policy', async () => {
    const path = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}`;
    const throttled = emulator.faults.add({
      method: 'GET',
      path,
      times: 2,
      fault: { status: 429, retryAfterSeconds: 0 },
    });
    const unavailable = emulator.faults.add({ method: 'GET', path, times: 1, fault: { status: 503 } });
    const before = emulator.received('GET', path).length;
    const ws = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(ws.name).toBe(emulator.workspaceName);
    expect(throttled.hits).toBe(2);
    expect(unavailable.hits).toBe(1);
    expect(
      emulator
        .received('GET', path)
        .slice(before)
        .map((r) => r.status),
    ).toEqual([429, 429, 503, 200]);
  });

  it('retries after a dropped connection', async () => {
    const fault = emulator.faults.add({
      method: 'GET',
      path: /\/workspaces\/[^/]+$/,
      fault: { reset: true },
    });
    const ws = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    expect(ws.name).toBe(emulator.workspaceName);
    expect(fault.hits).toBe(1);
  });
});

describe('authentication', () => {
  it('fails getToken with AADSTS7000215 for a wrong client secret', async () => {
    await expect(credential('wrong').getToken('https://management.azure.com/.default')).rejects.toThrow(
      /AADSTS7000215/,
    );
  });

  it('issues a token for ARM that carries the app and tenant', async () => {
    const token = await credential().getToken('https://management.azure.com/.default');
    const check = emulator.aad.verifyToken(token.token);
    expect(check).toMatchObject({ ok: true, claims: { appid: emulator.clientId, tid: emulator.tenantId } });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3500_000);
  });
});
