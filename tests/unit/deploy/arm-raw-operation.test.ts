import { createArmJsonTransport, createMachineLearningClient } from '../../../shared/src/azure/arm-clients';
import { armJsonRequest } from '../../../shared/src/azure/arm-raw';
import { beginArmJsonOperation, type RawOperationState } from '../../../shared/src/azure/arm-raw-operation';
import { resolveCloud } from '../../../shared/src/azure/cloud';
import { createCredential } from '../../../shared/src/azure/credentials';
import { AzureError } from '../../../shared/src/step/errors';
import { startEmulator, type Emulator } from '../../../emulator/emulator';

/** Raw long-running writes (endpoints with mirrorTraffic) follow ARM's async contract, at their own api-version. */
let emulator: Emulator;
let transport: ReturnType<typeof createArmJsonTransport>;
let pinned: ReturnType<typeof createMachineLearningClient>;

beforeAll(async () => {
  emulator = await startEmulator();
  const cloud = resolveCloud(undefined, {
    armEndpoint: emulator.armUrl,
    authorityHost: emulator.authorityHost,
  });
  const options = { tlsOptions: emulator.tlsOptions, retryOptions: { retryDelayInMs: 5 } };
  const credential = createCredential(
    {
      kind: 'clientSecret',
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
    cloud,
    { ...options, addSecret: () => undefined },
  );
  const target = { cloud, subscriptionId: emulator.subscriptionId };
  transport = createArmJsonTransport(credential, target, { ...options, step: 'deploy', host: 'local' });
  pinned = createMachineLearningClient(credential, target, { ...options, step: 'deploy', host: 'local' });
});
afterAll(() => emulator.close());
afterEach(() => emulator.lro.clearPlans());

const endpoint = (name: string) => `${emulator.workspaceId}/onlineEndpoints/${name}`;
const body = {
  location: 'westeurope',
  identity: { type: 'SystemAssigned' },
  properties: { authMode: 'Key', traffic: {}, mirrorTraffic: { green: 10 } },
};

/** An endpoint with a deployment `green`: mirrored traffic may only go to a deployment of the endpoint. */
function seedEndpointWithGreen(name: string) {
  const id = endpoint(name);
  const properties = { authMode: 'Key', traffic: {}, provisioningState: 'Succeeded' };
  emulator.arm.store.set({ id, secrets: {}, body: { id, name, location: 'westeurope', properties } });
  const green = `${id}/deployments/green`;
  const deployment = { endpointComputeType: 'Managed', provisioningState: 'Succeeded' };
  emulator.arm.store.set({
    id: green,
    secrets: {},
    body: { id: green, name: 'green', properties: deployment },
  });
}

async function put(name: string) {
  seedEndpointWithGreen(name);
  const operation = await beginArmJsonOperation(transport, emulator.armUrl, 'PUT', endpoint(name), body, {
    apiVersion: '2024-04-01',
    updateIntervalInMs: 0,
  });
  const states: RawOperationState[] = [];
  operation.onProgress((state) => states.push(state));
  return { result: await operation.pollUntilDone(), states };
}

describe('beginArmJsonOperation', () => {
  it.each(['azure-async-operation', 'location', 'provisioning-state'] as const)(
    'follows a %s operation to the resource, at the api-version asked for',
    async (style) => {
      emulator.lro.plan({ resourceType: 'onlineEndpoints', method: 'PUT', style, polls: 2 });
      const { result, states } = await put(`ep-${style.slice(0, 5)}`);
      expect(result).toMatchObject({
        properties: { provisioningState: 'Succeeded', mirrorTraffic: { green: 10 } },
      });
      expect(states.at(-1)).toMatchObject({ isCompleted: true });
      expect(states.length).toBeGreaterThanOrEqual(2);
      const [sent] = emulator.received('PUT', endpoint(`ep-${style.slice(0, 5)}`));
      expect(sent?.query['api-version']).toBe('2024-04-01');
    },
  );

  it('throws an AzureError with the operation error when it fails', async () => {
    emulator.lro.plan({
      resourceType: 'onlineEndpoints',
      method: 'PUT',
      fail: { code: 'QuotaExceeded', message: 'Not enough quota for Standard_DS3_v2.', status: 400 },
    });
    await expect(put('ep-failing')).rejects.toEqual(
      new AzureError(
        `The long-running PUT of ${endpoint('ep-failing')} ended Failed: Not enough quota for Standard_DS3_v2.`,
        'QuotaExceeded',
      ),
    );
  });

  it('the pinned client rewrites a raw request to its own api-version; the transport does not', async () => {
    await armJsonRequest(pinned, emulator.armUrl, 'GET', emulator.workspaceId, undefined, {
      apiVersion: '2024-04-01',
    });
    expect(emulator.received('GET', emulator.workspaceId).at(-1)?.query['api-version']).toBe('2022-10-01');
    await armJsonRequest(transport, emulator.armUrl, 'GET', emulator.workspaceId, undefined, {
      apiVersion: '2024-04-01',
    });
    expect(emulator.received('GET', emulator.workspaceId).at(-1)?.query['api-version']).toBe('2024-04-01');
  });
});
