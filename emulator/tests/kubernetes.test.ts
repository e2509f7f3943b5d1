/**
 * AKS managed clusters and Kubernetes extensions through the real SDKs (@azure/arm-containerservice,
 * @azure/arm-kubernetesconfiguration) against the emulator.
 */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { load } from 'js-yaml';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential } from './test-clients';

let emulator: Emulator;
let aks: ContainerServiceClient;
let extensions: SourceControlConfigurationClient;

const poll = { updateIntervalInMs: 0 };
const AKS = 'Microsoft.ContainerService';

const credential = (clientId?: string, secret?: string) => emulatorCredential(emulator, clientId, secret);

function clients(clientId?: string, secret?: string) {
  const options = { ...emulator.armClientOptions, retryOptions: { maxRetries: 0 } };
  return {
    aks: new ContainerServiceClient(credential(clientId, secret), emulator.subscriptionId, options),
    extensions: new SourceControlConfigurationClient(
      credential(clientId, secret),
      emulator.subscriptionId,
      options,
    ),
  };
}

function clusterPath(name: string): string {
  return `${emulator.resourceGroupId}/providers/${AKS}/managedClusters/${name}`;
}

beforeAll(async () => {
  emulator = await startEmulator();
  ({ aks, extensions } = clients());
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  emulator.lro.clearPlans();
});

describe('managed clusters', () => {
  it('returns a seeded cluster with the shape AKS gives it', async () => {
    const seeded = emulator.aks.createCluster({ name: 'aks-seeded', kubernetesVersion: '1.31.8' });
    expect(seeded.id).toBe(clusterPath('aks-seeded'));

    const cluster = await aks.managedClusters.get(emulator.resourceGroup, 'aks-seeded');
    expect(cluster).toMatchObject({
      id: seeded.id,
      name: 'aks-seeded',
      type: 'Microsoft.ContainerService/ManagedClusters',
      location: emulator.location,
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.31.8',
      currentKubernetesVersion: '1.31.8',
      dnsPrefix: 'aks-seeded',
      nodeResourceGroup: `MC_${emulator.resourceGroup}_aks-seeded_${emulator.location}`,
      servicePrincipalProfile: { clientId: 'msi' },
      identity: { type: 'SystemAssigned', tenantId: emulator.tenantId },
    });
    expect(cluster.fqdn).toMatch(
      new RegExp(`^aks-seeded-[0-9a-f]{8}\\.hcp\\.${emulator.location}\\.azmk8s\\.io$`),
    );
    expect(cluster.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cluster.agentPoolProfiles?.[0]).toMatchObject({
      name: 'nodepool1',
      mode: 'System',
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      orchestratorVersion: '1.31.8',
    });
    const [request] = emulator.received('GET', seeded.id);
    expect(request?.query['api-version']).toBe('2026-04-01');
  });

  it('seeds service principal, user-assigned, stopped and failed clusters', async () => {
    emulator.aks.createCluster({ name: 'aks-sp', identity: 'ServicePrincipal', powerState: 'Stopped' });
    emulator.aks.createCluster({ name: 'aks-uai', identity: 'UserAssigned', provisioningState: 'Failed' });

    const sp = await aks.managedClusters.get(emulator.resourceGroup, 'aks-sp');
    expect(sp.identity).toBeUndefined();
    expect(sp.servicePrincipalProfile?.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sp.powerState?.code).toBe('Stopped');
    expect(sp.agentPoolProfiles?.[0]?.powerState?.code).toBe('Stopped');

    const uai = await aks.managedClusters.get(emulator.resourceGroup, 'aks-uai');
    expect(uai.provisioningState).toBe('Failed');
    expect(uai.identity?.type).toBe('UserAssigned');
    const [assigned] = Object.values(uai.identity?.userAssignedIdentities ?? {});
    expect(assigned?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(uai.servicePrincipalProfile?.clientId).toBe('msi');
  });

  it('lists clusters of the resource group and of the subscription', async () => {
    emulator.aks.createCluster({ name: 'aks-listed' });
    const inGroup: string[] = [];
    for await (const c of aks.managedClusters.listByResourceGroup(emulator.resourceGroup))
      inGroup.push(c.name ?? '');
    expect(inGroup).toContain('aks-listed');
    const inSubscription: string[] = [];
    for await (const c of aks.managedClusters.list()) inSubscription.push(c.name ?? '');
    expect(inSubscription).toContain('aks-listed');
  });

  it('creates a cluster as a long-running operation (Creating → Succeeded)', async () => {
    emulator.lro.plan({ resourceType: 'managedClusters', method: 'PUT', polls: 2 });
    const created = await aks.managedClusters.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      'aks-created',
      {
        location: emulator.location,
        identity: { type: 'SystemAssigned' },
        dnsPrefix: 'created',
        kubernetesVersion: '',
        agentPoolProfiles: [{ name: 'system', count: 1, vmSize: 'Standard_D4s_v5', mode: 'System' }],
      },
      poll,
    );
    expect(created).toMatchObject({
      provisioningState: 'Succeeded',
      kubernetesVersion: expect.stringMatching(/^1\.\d+\.\d+$/),
      dnsPrefix: 'created',
      identity: { type: 'SystemAssigned' },
    });
    expect(created.agentPoolProfiles?.[0]).toMatchObject({
      name: 'system',
      count: 1,
      provisioningState: 'Succeeded',
    });
    expect(created.fqdn).toMatch(/^created-[0-9a-f]{8}\.hcp\./);

    const [put] = emulator.received('PUT', clusterPath('aks-created'));
    expect(put?.status).toBe(201);
    expect(put?.body).toMatchObject({ location: emulator.location, properties: { dnsPrefix: 'created' } });
    expect(
      emulator.received(
        'GET',
        /\/providers\/Microsoft\.ContainerService\/locations\/[^/]+\/mfeOperationsStatus\//,
      ).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('returns the user kubeconfig pointing at the cluster FQDN', async () => {
    emulator.aks.createCluster({ name: 'aks-creds' });
    const result = await aks.managedClusters.listClusterUserCredentials(emulator.resourceGroup, 'aks-creds');
    const [kubeconfig] = result.kubeconfigs ?? [];
    expect(kubeconfig?.name).toBe('clusterUser');
    const config = load(Buffer.from(kubeconfig?.value ?? new Uint8Array()).toString('utf8')) as {
      kind: string;
      'current-context': string;
      clusters: { name: string; cluster: { server: string } }[];
      users: { name: string; user: { token: string } }[];
    };
    const cluster = await aks.managedClusters.get(emulator.resourceGroup, 'aks-creds');
    expect(config.kind).toBe('Config');
    expect(config['current-context']).toBe('aks-creds');
    expect(config.clusters[0]?.cluster.server).toBe(`https://${cluster.fqdn ?? ''}:443`);
    expect(config.users[0]?.name).toBe(`clusterUser_${emulator.resourceGroup}_aks-creds`);
    expect(config.users[0]?.user.token).toMatch(/^[0-9a-f]{64}$/);

    const admin = await aks.managedClusters.listClusterAdminCredentials(emulator.resourceGroup, 'aks-creds');
    expect(admin.kubeconfigs?.[0]?.name).toBe('clusterAdmin');
  });

  it('stops and starts a cluster (power state)', async () => {
    emulator.aks.createCluster({ name: 'aks-power' });
    await aks.managedClusters.beginStopAndWait(emulator.resourceGroup, 'aks-power', poll);
    const stopped = await aks.managedClusters.get(emulator.resourceGroup, 'aks-power');
    expect(stopped.powerState?.code).toBe('Stopped');
    expect(stopped.provisioningState).toBe('Succeeded');
    await aks.managedClusters.beginStartAndWait(emulator.resourceGroup, 'aks-power', poll);
    const started = await aks.managedClusters.get(emulator.resourceGroup, 'aks-power');
    expect(started.powerState?.code).toBe('Running');
    expect(emulator.received('POST', `${clusterPath('aks-power')}/stop`)[0]?.status).toBe(202);
  });

  it('deletes a cluster (and its extensions), then answers 404 ResourceNotFound', async () => {
    const cluster = emulator.aks.createCluster({ name: 'aks-deleted' });
    const extension = emulator.kubernetesConfiguration.installExtension(cluster.id);
    await aks.managedClusters.beginDeleteAndWait(emulator.resourceGroup, 'aks-deleted', poll);
    await expect(aks.managedClusters.get(emulator.resourceGroup, 'aks-deleted')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message: expect.stringContaining(
        `The Resource 'Microsoft.ContainerService/managedClusters/aks-deleted' under resource group '${emulator.resourceGroup}' was not found.`,
      ),
    });
    expect(emulator.store.get(extension.id)).toBeUndefined();
  });

  it('answers 403 AuthorizationFailed to a principal without a role, and to a Reader for credentials', async () => {
    const cluster = emulator.aks.createCluster({ name: 'aks-rbac' });
    const app = emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'aks-reader',
      secret: 'reader-secret',
    });
    const denied = clients('aks-reader', 'reader-secret').aks;
    await expect(denied.managedClusters.get(emulator.resourceGroup, 'aks-rbac')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining(
        `does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read' over scope '${cluster.id}'`,
      ),
    });
    emulator.rbac.grant(app.objectId, cluster.id, 'Reader');
    await expect(denied.managedClusters.get(emulator.resourceGroup, 'aks-rbac')).resolves.toMatchObject({
      id: cluster.id,
    });
    await expect(
      denied.managedClusters.listClusterUserCredentials(emulator.resourceGroup, 'aks-rbac'),
    ).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining(
        "perform action 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'",
      ),
    });
  });
});

describe('Kubernetes extensions', () => {
  const azureml = {
    extensionType: 'Microsoft.AzureML.Kubernetes',
    identity: { type: 'SystemAssigned' as const },
    autoUpgradeMinorVersion: true,
    releaseTrain: 'stable',
    scope: { cluster: { releaseNamespace: 'azureml' } },
    configurationSettings: {
      enableTraining: 'True',
      enableInference: 'True',
      inferenceRouterServiceType: 'LoadBalancer',
      allowInsecureConnections: 'True',
    },
    configurationProtectedSettings: { 'scoringFe.sslKey': 'secret-key' },
  };

  it('installs the Azure ML extension on a cluster, reads and lists it', async () => {
    const cluster = emulator.aks.createCluster({ name: 'aks-ml' });
    const created = await extensions.extensions.beginCreateAndWait(
      emulator.resourceGroup,
      AKS,
      'managedClusters',
      'aks-ml',
      'azureml',
      azureml,
      poll,
    );
    expect(created).toMatchObject({
      id: `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
      name: 'azureml',
      type: 'Microsoft.KubernetesConfiguration/extensions',
      extensionType: 'Microsoft.AzureML.Kubernetes',
      provisioningState: 'Succeeded',
      configurationSettings: azureml.configurationSettings,
      releaseTrain: 'stable',
      scope: { cluster: { releaseNamespace: 'azureml' } },
      identity: { type: 'SystemAssigned', tenantId: emulator.tenantId },
    });
    expect(created.currentVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(created.configurationProtectedSettings).toBeUndefined();

    // The SDK sent the protected settings; the service keeps them but never returns them.
    const [put] = emulator.received('PUT', created.id ?? '');
    expect(put?.status).toBe(201);
    expect(put?.query['api-version']).toBe('2023-05-01');
    expect(put?.body).toMatchObject({
      properties: { configurationProtectedSettings: { 'scoringFe.sslKey': 'secret-key' } },
    });
    expect(emulator.store.get(created.id ?? '')?.secrets['configurationProtectedSettings']).toEqual({
      'scoringFe.sslKey': 'secret-key',
    });
    expect(
      emulator.received(
        'GET',
        /\/providers\/Microsoft\.KubernetesConfiguration\/locations\/[^/]+\/mfeOperationsStatus\//,
      ).length,
    ).toBeGreaterThan(0);

    const read = await extensions.extensions.get(
      emulator.resourceGroup,
      AKS,
      'managedClusters',
      'aks-ml',
      'azureml',
    );
    expect(read.configurationSettings).toEqual(azureml.configurationSettings);
    expect(read.configurationProtectedSettings).toBeUndefined();
    const names: string[] = [];
    for await (const e of extensions.extensions.list(
      emulator.resourceGroup,
      AKS,
      'managedClusters',
      'aks-ml',
    )) {
      names.push(e.name ?? '');
    }
    expect(names).toEqual(['azureml']);
  });

  it('answers 404 ResourceNotFound naming the cluster when the cluster does not exist', async () => {
    await expect(
      extensions.extensions.beginCreateAndWait(
        emulator.resourceGroup,
        AKS,
        'managedClusters',
        'aks-missing',
        'azureml',
        azureml,
        poll,
      ),
    ).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message:
        `The Resource 'Microsoft.ContainerService/managedClusters/aks-missing' under resource group ` +
        `'${emulator.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    });
    await expect(
      extensions.extensions.get(emulator.resourceGroup, AKS, 'managedClusters', 'aks-missing', 'azureml'),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('returns a seeded extension and deletes it (then 404)', async () => {
    const cluster = emulator.aks.createCluster({ name: 'aks-ext-seeded' });
    emulator.kubernetesConfiguration.installExtension(cluster.id, {
      configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'NodePort' },
      configurationProtectedSettings: { 'scoringFe.sslCert': 'pem' },
    });
    const read = await extensions.extensions.get(
      emulator.resourceGroup,
      AKS,
      'managedClusters',
      'aks-ext-seeded',
      'azureml',
    );
    expect(read).toMatchObject({
      extensionType: 'Microsoft.AzureML.Kubernetes',
      provisioningState: 'Succeeded',
      configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'NodePort' },
      identity: { type: 'SystemAssigned' },
    });
    expect(read.configurationProtectedSettings).toBeUndefined();

    await extensions.extensions.beginDeleteAndWait(
      emulator.resourceGroup,
      AKS,
      'managedClusters',
      'aks-ext-seeded',
      'azureml',
      poll,
    );
    const [deleted] = emulator.received(
      'DELETE',
      `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
    );
    expect(deleted?.status).toBe(202);
    await expect(
      extensions.extensions.get(emulator.resourceGroup, AKS, 'managedClusters', 'aks-ext-seeded', 'azureml'),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers 403 AuthorizationFailed for an extension write by a principal without a role', async () => {
    const cluster = emulator.aks.createCluster({ name: 'aks-ext-rbac' });
    emulator.registerApp({ tenantId: emulator.tenantId, clientId: 'ext-denied', secret: 'ext-secret' });
    const denied = clients('ext-denied', 'ext-secret').extensions;
    await expect(
      denied.extensions.beginCreateAndWait(
        emulator.resourceGroup,
        AKS,
        'managedClusters',
        'aks-ext-rbac',
        'azureml',
        azureml,
        poll,
      ),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining(
        `over scope '${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/azureml'`,
      ),
    });
    expect(
      emulator.store.get(`${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`),
    ).toBeUndefined();
  });
});
