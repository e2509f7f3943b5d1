/**
 * ARM behaviour of the emulator (README "ARM behaviour"), through @azure/arm-machinelearning and raw requests:
 * which names compare case-sensitively (the REST spec's parameter descriptions), ParentResourceNotFound for
 * nested resources of a missing parent, and online deployment `getLogs` per container type.
 */
import { randomBytes } from 'node:crypto';
import {
  AzureMachineLearningWorkspaces,
  type JobBase,
  type OnlineDeployment,
} from '@azure/arm-machinelearning';
import {
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential, requestJson } from './test-clients';

let emulator: Emulator;
let client: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
let environmentId: string;

const poll = { updateIntervalInMs: 0 };

function parentNotFound(name: string) {
  return {
    statusCode: 404,
    code: 'ParentResourceNotFound',
    message: `Can not perform requested operation on nested resource. Parent resource '${name}' not found.`,
  };
}

function commandJob(): JobBase {
  return { properties: { jobType: 'Command', command: 'echo hi', environmentId } } as JobBase;
}

function createEndpoint(name: string) {
  const body = { location: emulator.location, properties: { authMode: 'Key' as const } };
  return client.onlineEndpoints.beginCreateOrUpdateAndWait(rg, ws, name, body, poll);
}

/** A raw ARM request (path below the subscription), as the emulator's default app. */
function raw(method: string, path: string, body?: unknown) {
  const token = emulator.aad.issueToken({ tenantId: emulator.tenantId, clientId: emulator.clientId });
  const url = `${emulator.armUrl}/subscriptions/${emulator.subscriptionId}${path}?api-version=2022-10-01`;
  return requestJson(emulator, method, url, { token, body });
}

beforeAll(async () => {
  emulator = await startEmulator();
  rg = emulator.resourceGroup;
  ws = emulator.workspaceName;
  client = new AzureMachineLearningWorkspaces(
    emulatorCredential(emulator),
    emulator.subscriptionId,
    emulator.armClientOptions,
  );
  // Nothing runs the jobs here.
  emulator.jobs.onCreated = () => undefined;
  environmentId = (
    await client.environmentVersions.createOrUpdate(rg, ws, 'case-env', '1', {
      properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' },
    })
  ).id as string;
});

afterAll(async () => {
  await emulator?.close();
});

describe('case rules', () => {
  it('keeps job names case-sensitive: "CaseJob" and "casejob" are two jobs', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'CaseJob', commandJob());
    await expect(client.jobs.get(rg, ws, 'casejob')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    const other = await client.jobs.createOrUpdate(rg, ws, 'casejob', commandJob());
    expect(other.name).toBe('casejob');
    expect((await client.jobs.get(rg, ws, 'CaseJob')).name).toBe('CaseJob');
    const names: string[] = [];
    for await (const job of client.jobs.list(rg, ws)) names.push(job.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['CaseJob', 'casejob']));
  });

  it('keeps code, environment and model container names and versions case-sensitive', async () => {
    await client.modelVersions.createOrUpdate(rg, ws, 'CaseModel', 'V1', {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/case/model/' },
    });
    await expect(client.modelContainers.get(rg, ws, 'casemodel')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    await expect(client.modelVersions.get(rg, ws, 'CaseModel', 'v1')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    expect((await client.modelVersions.get(rg, ws, 'CaseModel', 'V1')).name).toBe('V1');
    await client.codeVersions.createOrUpdate(rg, ws, 'CaseCode', '1', {
      properties: { codeUri: 'https://st.blob.core.windows.net/code/case' },
    });
    await expect(client.codeContainers.get(rg, ws, 'casecode')).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.environmentContainers.get(rg, ws, 'CASE-ENV')).rejects.toMatchObject({
      statusCode: 404,
    });
    expect((await client.environmentContainers.get(rg, ws, 'case-env')).name).toBe('case-env');
  });

  it('keeps resource group, workspace, type segments and names the spec is silent on case-insensitive', async () => {
    const upperWs = await client.workspaces.get(rg.toUpperCase(), ws.toUpperCase());
    expect(upperWs.id).toBe(emulator.workspaceId);
    // Data asset names: the spec does not call them case-sensitive.
    await client.dataVersions.createOrUpdate(rg, ws, 'CaseData', '1', {
      properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/case/' },
    });
    expect((await client.dataContainers.get(rg, ws, 'casedata')).name).toBe('CaseData');
    // Online endpoint names, and the provider namespace and type segments of the path.
    await createEndpoint('Case-Ep');
    const lower = await raw(
      'GET',
      `/RESOURCEGROUPS/${rg.toLowerCase()}/providers/microsoft.machinelearningservices/WORKSPACES/${ws}/ONLINEENDPOINTS/case-ep`,
    );
    expect(lower.status).toBe(200);
    expect(lower.body['name']).toBe('Case-Ep');
    // Job names stay case-sensitive whatever the case of the rest of the path.
    const job = await raw(
      'GET',
      `/resourcegroups/${rg.toUpperCase()}/providers/MICROSOFT.MACHINELEARNINGSERVICES/workspaces/${ws.toUpperCase()}/JOBS/CaseJob`,
    );
    expect(job.status).toBe(200);
    expect(job.body['name']).toBe('CaseJob');
  });
});

describe('ParentResourceNotFound', () => {
  it('answers it for a deployment of a missing endpoint (GET, PUT, list, getLogs, DELETE)', async () => {
    await expect(client.onlineDeployments.get(rg, ws, 'no-ep', 'blue')).rejects.toMatchObject(
      parentNotFound('no-ep'),
    );
    const put = await raw(
      'PUT',
      `/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/onlineEndpoints/no-ep/deployments/blue`,
      {
        location: emulator.location,
        sku: { name: 'Default', capacity: 1 },
        properties: { endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2' },
      },
    );
    expect(put.status).toBe(404);
    expect(put.body).toEqual({
      error: {
        code: 'ParentResourceNotFound',
        message: "Can not perform requested operation on nested resource. Parent resource 'no-ep' not found.",
      },
    });
    const list = client.onlineDeployments.list(rg, ws, 'no-ep');
    await expect(list.next()).rejects.toMatchObject(parentNotFound('no-ep'));
    await expect(client.onlineDeployments.getLogs(rg, ws, 'no-ep', 'blue', {})).rejects.toMatchObject(
      parentNotFound('no-ep'),
    );
    await expect(
      client.onlineDeployments.beginDeleteAndWait(rg, ws, 'no-ep', 'blue', poll),
    ).rejects.toMatchObject(parentNotFound('no-ep'));
  });

  it('answers it for anything under a missing workspace, naming the workspace', async () => {
    const checks: Promise<unknown>[] = [
      client.onlineEndpoints.get(rg, 'no-ws', 'ep'),
      client.onlineDeployments.get(rg, 'no-ws', 'no-ep', 'blue'),
      client.jobs.get(rg, 'no-ws', 'CaseJob'),
      client.jobs.createOrUpdate(rg, 'no-ws', 'job-x', commandJob()),
      client.modelVersions.get(rg, 'no-ws', 'CaseModel', 'V1'),
      client.codeContainers.get(rg, 'no-ws', 'CaseCode'),
      client.computeOperations.get(rg, 'no-ws', 'cpu'),
      client.datastores.get(rg, 'no-ws', 'workspaceblobstore'),
      client.environmentContainers.list(rg, 'no-ws').next(),
      client.onlineEndpoints.list(rg, 'no-ws').next(),
    ];
    for (const check of checks) await expect(check).rejects.toMatchObject(parentNotFound('no-ws'));
    // The workspace itself is a plain ResourceNotFound.
    await expect(client.workspaces.get(rg, 'no-ws')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  it('answers it for a version of a missing container, but creates the container on a version PUT', async () => {
    await expect(client.modelVersions.get(rg, ws, 'no-model', '1')).rejects.toMatchObject(
      parentNotFound('no-model'),
    );
    await expect(client.modelVersions.list(rg, ws, 'no-model').next()).rejects.toMatchObject(
      parentNotFound('no-model'),
    );
    await expect(client.codeVersions.delete(rg, ws, 'no-code', '1')).rejects.toMatchObject(
      parentNotFound('no-code'),
    );
    // A missing version of an existing container stays ResourceNotFound, and its DELETE 204.
    await expect(client.modelVersions.get(rg, ws, 'CaseModel', '9')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    const deleted = await raw(
      'DELETE',
      `/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/models/CaseModel/versions/9`,
    );
    expect(deleted.status).toBe(204);
    const created = await raw(
      'PUT',
      `/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/models/new-model/versions/1`,
      { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/new/model/' } },
    );
    expect(created.status).toBe(201);
    expect((await client.modelContainers.get(rg, ws, 'new-model')).properties.latestVersion).toBe('1');
  });
});

describe('getLogs per container type', () => {
  const deploymentId = (endpoint: string, name: string) =>
    `${emulator.workspaceId}/onlineEndpoints/${endpoint}/deployments/${name}`;

  beforeAll(async () => {
    await createEndpoint('logs-ep');
  });

  it('answers the log of the container asked for (InferenceServer by default)', async () => {
    // The deployment is stored directly: no server runs for it.
    emulator.arm.store.set({
      id: deploymentId('logs-ep', 'stored'),
      secrets: {},
      body: {
        id: deploymentId('logs-ep', 'stored'),
        name: 'stored',
        properties: { provisioningState: 'Succeeded' },
      },
    });
    emulator.ml.setDeploymentLogs(deploymentId('logs-ep', 'stored'), 'server 1\nserver 2\n');
    emulator.ml.setDeploymentLogs(
      deploymentId('logs-ep', 'stored'),
      'init 1\ninit 2\n',
      'StorageInitializer',
    );
    const server = await client.onlineDeployments.getLogs(rg, ws, 'logs-ep', 'stored', {
      containerType: 'InferenceServer',
    });
    expect(server.content).toBe('server 1\nserver 2\n');
    const init = await client.onlineDeployments.getLogs(rg, ws, 'logs-ep', 'stored', {
      containerType: 'StorageInitializer',
      tail: 1,
    });
    expect(init.content).toBe('init 2');
    expect((await client.onlineDeployments.getLogs(rg, ws, 'logs-ep', 'stored', {})).content).toContain(
      'server 2',
    );
    const lower = await raw(
      'POST',
      `/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/onlineEndpoints/logs-ep/deployments/stored/getLogs`,
      { containerType: 'storageinitializer' },
    );
    expect(lower.body).toEqual({ content: 'init 1\ninit 2\n' });
    const bogus = await raw(
      'POST',
      `/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/onlineEndpoints/logs-ep/deployments/stored/getLogs`,
      { containerType: 'Sidecar' },
    );
    expect(bogus.status).toBe(400);
  });

  it("puts a failed model download in the storage initializer's log, not the inference server's", async () => {
    const store = await client.datastores.get(rg, ws, 'workspaceblobstore');
    const containerName = (store.properties as { containerName: string }).containerName;
    const { accountName, accountKey, blobUrl } = emulator.blob;
    const datastore = new ContainerClient(
      `${blobUrl}/${containerName}`,
      new StorageSharedKeyCredential(accountName, accountKey),
      { tlsOptions: emulator.tlsOptions } as StoragePipelineOptions,
    );
    const prefix = `LocalUpload/${randomBytes(8).toString('hex')}/score`;
    const script = 'def init():\n    pass\n\ndef run(raw):\n    return []\n';
    await datastore.getBlockBlobClient(`${prefix}/score.py`).upload(script, script.length);
    const code = await client.codeVersions.createOrUpdate(rg, ws, 'logs-code', '1', {
      properties: { codeUri: `${datastore.url}/${prefix}` },
    });
    const model = await client.modelVersions.createOrUpdate(rg, ws, 'logs-empty-model', '1', {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/nothing/here/' },
    });
    const body = {
      location: emulator.location,
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Managed',
        instanceType: 'Standard_DS3_v2',
        model: model.id,
        codeConfiguration: { codeId: code.id, scoringScript: 'score.py' },
      },
    } as OnlineDeployment;
    await expect(
      client.onlineDeployments.beginCreateOrUpdateAndWait(rg, ws, 'logs-ep', 'no-model', body, poll),
    ).rejects.toThrow(/nothing was found at its modelUri/);
    const init = await client.onlineDeployments.getLogs(rg, ws, 'logs-ep', 'no-model', {
      containerType: 'StorageInitializer',
    });
    expect(init.content).toContain(`Downloading model '${model.id ?? ''}'`);
    expect(init.content).toContain('Unable to download the model or code');
    const server = await client.onlineDeployments.getLogs(rg, ws, 'logs-ep', 'no-model', {
      containerType: 'InferenceServer',
    });
    expect(server.content).not.toContain('Unable to download');
    expect(server.content).not.toContain('Downloading model');
  });
});
