/** Azure Container Instances through the real SDK (@azure/arm-containerinstance) against the emulator. */
import { request } from 'node:https';
import { ContainerInstanceManagementClient, type ContainerGroup } from '@azure/arm-containerinstance';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential } from './test-clients';

let emulator: Emulator;
let aci: ContainerInstanceManagementClient;

const poll = { updateIntervalInMs: 0 };

function client(
  clientId = emulator.clientId,
  secret = emulator.clientSecret,
): ContainerInstanceManagementClient {
  return new ContainerInstanceManagementClient(
    emulatorCredential(emulator, clientId, secret),
    emulator.subscriptionId,
    {
      ...emulator.armClientOptions,
      retryOptions: { maxRetries: 0 },
    },
  );
}

function groupId(name: string): string {
  return `${emulator.resourceGroupId}/providers/Microsoft.ContainerInstance/containerGroups/${name}`;
}

/** A scoring server group: one container with a secure variable, an init container, two volumes, public IP. */
function scoringGroup(label: string): ContainerGroup {
  return {
    location: emulator.location,
    osType: 'Linux',
    restartPolicy: 'Always',
    containers: [
      {
        name: 'scorer',
        image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
        ports: [{ port: 5001, protocol: 'TCP' }],
        resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
        environmentVariables: [
          { name: 'AZUREML_MODEL_DIR', value: '/var/azureml-app/model' },
          { name: 'SCORING_KEY', secureValue: 'super-secret-key' },
        ],
        volumeMounts: [
          { name: 'model', mountPath: '/var/azureml-app/model' },
          { name: 'tls', mountPath: '/etc/tls', readOnly: true },
        ],
      },
    ],
    initContainers: [
      {
        name: 'fetch-model',
        image: 'mcr.microsoft.com/azure-cli:latest',
        command: ['sh', '-c', 'echo fetched'],
        environmentVariables: [{ name: 'SAS', secureValue: 'sv=2024&sig=abc' }],
        volumeMounts: [{ name: 'model', mountPath: '/model' }],
      },
    ],
    volumes: [
      { name: 'model', emptyDir: {} },
      { name: 'tls', secret: { 'tls.key': Buffer.from('key').toString('base64') } },
    ],
    ipAddress: { type: 'Public', dnsNameLabel: label, ports: [{ port: 5001, protocol: 'TCP' }] },
  };
}

/** A raw ARM request with a token of the default app (for bodies the SDK serializer refuses to send). */
function send(method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const token = emulator.aad.issueToken({ tenantId: emulator.tenantId, clientId: emulator.clientId });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(`${path}?api-version=2023-05-01`, emulator.armUrl),
      {
        method,
        ca: emulator.caPem,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  emulator = await startEmulator();
  aci = client();
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  emulator.lro.clearPlans();
  emulator.aci.onCreated = undefined;
  emulator.aci.onDeleted = undefined;
});

describe('container groups', () => {
  it('creates a group with a public address and never returns secure values', async () => {
    const group = await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-score',
      scoringGroup('score-demo'),
      poll,
    );
    expect(group).toMatchObject({
      id: groupId('cg-score'),
      type: 'Microsoft.ContainerInstance/containerGroups',
      provisioningState: 'Succeeded',
      osType: 'Linux',
      sku: 'Standard',
      ipAddress: { type: 'Public', fqdn: `score-demo.${emulator.location}.azurecontainer.io` },
    });
    expect(group.ipAddress?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    // The SDK sent the secure values; ACI keeps them to itself.
    const [put] = emulator.received('PUT', groupId('cg-score'));
    expect(put?.status).toBe(201);
    expect(put?.query['api-version']).toBe('2023-05-01');
    expect(JSON.stringify(put?.body)).toContain('super-secret-key');
    expect(
      emulator.received('GET', /\/Microsoft\.ContainerInstance\/locations\/[^/]+\/mfeOperationsStatus\//)
        .length,
    ).toBeGreaterThan(0);

    const read = await aci.containerGroups.get(emulator.resourceGroup, 'cg-score');
    const env = read.containers[0]?.environmentVariables ?? [];
    expect(env).toEqual([
      { name: 'AZUREML_MODEL_DIR', value: '/var/azureml-app/model' },
      { name: 'SCORING_KEY' },
    ]);
    expect(read.initContainers?.[0]?.environmentVariables).toEqual([{ name: 'SAS' }]);
    expect(read.volumes).toEqual([
      { name: 'model', emptyDir: {} },
      { name: 'tls', secret: {} },
    ]);
    expect(JSON.stringify(read)).not.toMatch(/super-secret-key|sig=abc/);
  });

  it('reports instance views: group state, container state, restart count and events', async () => {
    await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-view',
      scoringGroup('view'),
      poll,
    );
    const group = await aci.containerGroups.get(emulator.resourceGroup, 'cg-view');
    expect(group.instanceView?.state).toBe('Running');
    const view = group.containers[0]?.instanceView;
    expect(view?.restartCount).toBe(0);
    expect(view?.currentState?.state).toBe('Running');
    expect(view?.currentState?.startTime).toBeInstanceOf(Date);
    expect(view?.events?.map((e) => e.name)).toEqual(['Pulling', 'Pulled', 'Started']);
    expect(group.initContainers?.[0]?.instanceView?.currentState).toMatchObject({
      state: 'Terminated',
      exitCode: 0,
      detailStatus: 'Completed',
    });

    emulator.aci.setState(groupId('cg-view'), 'Failed', { exitCode: 137 });
    const failed = await aci.containerGroups.get(emulator.resourceGroup, 'cg-view');
    expect(failed.instanceView?.state).toBe('Failed');
    expect(failed.containers[0]?.instanceView?.currentState).toMatchObject({
      state: 'Terminated',
      exitCode: 137,
    });
  });

  it('restarts, stops and starts a group', async () => {
    await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-power',
      scoringGroup('power'),
      poll,
    );
    await aci.containerGroups.beginRestartAndWait(emulator.resourceGroup, 'cg-power', poll);
    const restarted = await aci.containerGroups.get(emulator.resourceGroup, 'cg-power');
    expect(restarted.containers[0]?.instanceView?.restartCount).toBe(1);
    expect(restarted.containers[0]?.instanceView?.previousState?.state).toBe('Terminated');

    await aci.containerGroups.stop(emulator.resourceGroup, 'cg-power');
    const stopped = await aci.containerGroups.get(emulator.resourceGroup, 'cg-power');
    expect(stopped.instanceView?.state).toBe('Stopped');
    expect(stopped.containers[0]?.instanceView?.currentState?.state).toBe('Terminated');

    await aci.containerGroups.beginStartAndWait(emulator.resourceGroup, 'cg-power', poll);
    const started = await aci.containerGroups.get(emulator.resourceGroup, 'cg-power');
    expect(started.instanceView?.state).toBe('Running');
    expect(started.containers[0]?.instanceView?.restartCount).toBe(0);
  });

  it('returns container logs, honouring tail', async () => {
    await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-logs',
      scoringGroup('logs'),
      poll,
    );
    emulator.aci.setContainerLogs(
      groupId('cg-logs'),
      'scorer',
      'booting\nloading model\nlistening on 5001\n',
    );
    const all = await aci.containers.listLogs(emulator.resourceGroup, 'cg-logs', 'scorer');
    expect(all.content).toBe('booting\nloading model\nlistening on 5001\n');
    const tail = await aci.containers.listLogs(emulator.resourceGroup, 'cg-logs', 'scorer', { tail: 2 });
    expect(tail.content).toBe('loading model\nlistening on 5001\n');
    const [sent] = emulator.received('GET', `${groupId('cg-logs')}/containers/scorer/logs`).slice(-1);
    expect(sent?.query['tail']).toBe('2');
    await expect(aci.containers.listLogs(emulator.resourceGroup, 'cg-logs', 'nope')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('lists the groups of the resource group', async () => {
    await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-listed',
      scoringGroup('listed'),
      poll,
    );
    const names: string[] = [];
    for await (const g of aci.containerGroups.listByResourceGroup(emulator.resourceGroup))
      names.push(g.name ?? '');
    expect(names).toContain('cg-listed');
  });

  it('deletes a group, then answers 404 ResourceNotFound', async () => {
    const deleted: string[] = [];
    emulator.aci.onDeleted = (group) => {
      deleted.push(group.id);
    };
    await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-gone',
      scoringGroup('gone'),
      poll,
    );
    await aci.containerGroups.beginDeleteAndWait(emulator.resourceGroup, 'cg-gone', poll);
    await expect(aci.containerGroups.get(emulator.resourceGroup, 'cg-gone')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message: expect.stringContaining(
        `The Resource 'Microsoft.ContainerInstance/containerGroups/cg-gone' under resource group '${emulator.resourceGroup}' was not found.`,
      ),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(deleted).toEqual([groupId('cg-gone')]);
  });

  it('lets a hook give the group its address (a local server)', async () => {
    const seen: unknown[] = [];
    emulator.aci.onCreated = async (group) => {
      seen.push(group.body['name']);
      await Promise.resolve();
      return { ip: '127.0.0.1', fqdn: 'localhost', port: 40123 };
    };
    const group = await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-local',
      scoringGroup('local'),
      poll,
    );
    expect(group.ipAddress).toMatchObject({ ip: '127.0.0.1', fqdn: 'localhost' });
    expect(seen).toEqual(['cg-local']);
    expect(emulator.aci.endpoint(groupId('cg-local'))).toEqual({
      ip: '127.0.0.1',
      fqdn: 'localhost',
      port: 40123,
    });
  });
});

describe('validation', () => {
  it('rejects empty ipAddress ports (MissingIpAddressPorts)', async () => {
    const body = scoringGroup('noports');
    body.ipAddress = { type: 'Public', ports: [] };
    await expect(
      aci.containerGroups.beginCreateOrUpdateAndWait(emulator.resourceGroup, 'cg-noports', body, poll),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'MissingIpAddressPorts',
      message: "The ports in the 'ipAddress' of container group 'cg-noports' cannot be empty.",
    });
  });

  it('rejects a missing osType and missing resource requests as ACI words them', async () => {
    const path = groupId('cg-invalid');
    const container = { name: 'c', properties: { image: 'nginx' } };
    const noOs = await send('PUT', path, {
      location: emulator.location,
      properties: { containers: [container] },
    });
    expect(noOs).toEqual({
      status: 400,
      body: {
        error: {
          code: 'InvalidOsType',
          message:
            "The 'osType' for container group '<null>' is invalid. The value must be one of 'Windows,Linux'.",
        },
      },
    });
    const noRequests = await send('PUT', path, {
      location: emulator.location,
      properties: { osType: 'Linux', containers: [container] },
    });
    expect(noRequests.status).toBe(400);
    expect(noRequests.body).toMatchObject({ error: { code: 'ResourceRequestsNotSpecified' } });
    expect(emulator.store.get(path)).toBeUndefined();
  });
});

describe('role checks', () => {
  it('answers 403 AuthorizationFailed to a principal without a role', async () => {
    await aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'cg-rbac',
      scoringGroup('rbac'),
      poll,
    );
    const app = emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'aci-none',
      secret: 'aci-secret',
    });
    const denied = client('aci-none', 'aci-secret');
    await expect(denied.containerGroups.get(emulator.resourceGroup, 'cg-rbac')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message:
        `The client 'aci-none' with object id '${app.objectId}' does not have authorization to perform action ` +
        `'Microsoft.ContainerInstance/containerGroups/read' over scope '${groupId('cg-rbac')}' or the scope is ` +
        'invalid. If access was recently granted, please refresh your credentials.',
    });
    await expect(
      denied.containers.listLogs(emulator.resourceGroup, 'cg-rbac', 'scorer'),
    ).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining("'Microsoft.ContainerInstance/containerGroups/containers/logs/read'"),
    });
    // The subscription-wide list only shows what the caller may read.
    const visible: string[] = [];
    for await (const g of denied.containerGroups.list()) visible.push(g.name ?? '');
    expect(visible).toEqual([]);
    emulator.rbac.grant(app.objectId, groupId('cg-rbac'), 'Reader');
    for await (const g of denied.containerGroups.list()) visible.push(g.name ?? '');
    expect(visible).toEqual(['cg-rbac']);
  });
});
