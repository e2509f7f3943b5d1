/** Code / environment / data / model assets, computes and jobs through the real @azure/arm-machinelearning SDK. */
import {
  AzureMachineLearningWorkspaces,
  type CommandJob,
  type ComputeResource,
  type JobBase,
  type ModelVersion,
  type PipelineJob,
  type SweepJob,
} from '@azure/arm-machinelearning';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import type { StoredResource } from '../arm/store';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential } from './test-clients';

let emulator: Emulator;
let client: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;

const poll = { updateIntervalInMs: 0 };

const credential = (clientId?: string, secret?: string) => emulatorCredential(emulator, clientId, secret);

function armClient(cred: ClientSecretCredential): AzureMachineLearningWorkspaces {
  return new AzureMachineLearningWorkspaces(cred, emulator.subscriptionId, {
    ...emulator.armClientOptions,
    retryOptions: { maxRetries: 0 },
  });
}

/** Sends a raw JSON request through the client's pipeline (token and TLS as the SDK does), past its serializer. */
async function sendRaw(method: 'PUT' | 'GET', path: string, body?: unknown, query = '') {
  const request = createPipelineRequest({
    url: `${emulator.armUrl}${emulator.workspaceId}${path}?api-version=2022-10-01${query}`,
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  request.headers.set('content-type', 'application/json');
  const response = await client.sendRequest(request);
  return {
    status: response.status,
    body: JSON.parse(response.bodyAsText ?? '{}') as Record<string, unknown>,
  };
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

function model(uri: string, extra: Partial<ModelVersion['properties']> = {}): ModelVersion {
  return { properties: { modelUri: uri, modelType: 'mlflow_model', ...extra } };
}

beforeAll(async () => {
  emulator = await startEmulator();
  client = armClient(credential());
  rg = emulator.resourceGroup;
  ws = emulator.workspaceName;
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  emulator.assets.pageSize = 100;
  emulator.jobs.pageSize = 100;
  emulator.jobs.onCreated = undefined;
  emulator.lro.clearPlans();
});

describe('code, environment and data versions', () => {
  it('creates a code version (201) with its container, reads and re-puts it (200)', async () => {
    const created = await client.codeVersions.createOrUpdate(rg, ws, 'train-src', '1', {
      properties: { codeUri: 'https://st.blob.core.windows.net/code/train-src', description: 'src' },
    });
    expect(created).toMatchObject({
      id: `${emulator.workspaceId}/codes/train-src/versions/1`,
      name: '1',
      type: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
      properties: { codeUri: 'https://st.blob.core.windows.net/code/train-src', isAnonymous: false },
    });
    expect(created.systemData?.createdBy).toBe(emulator.clientId);
    const again = await client.codeVersions.createOrUpdate(rg, ws, 'train-src', '1', {
      properties: { codeUri: 'https://st.blob.core.windows.net/code/train-src', description: 'src' },
    });
    expect(again.properties.description).toBe('src');
    expect(emulator.received('PUT', /\/codes\/train-src\/versions\/1$/).map((r) => r.status)).toEqual([
      201, 200,
    ]);

    const container = await client.codeContainers.get(rg, ws, 'train-src');
    expect(container.properties).toMatchObject({ latestVersion: '1', nextVersion: '2', isArchived: false });
    const read = await client.codeVersions.get(rg, ws, 'train-src', '1');
    expect(read.id).toBe(created.id);
    // Code container names are case-sensitive (REST spec): 'TRAIN-SRC' is another, missing, container.
    await expect(client.codeVersions.get(rg, ws, 'TRAIN-SRC', '1')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
    });
  });

  it('fills environment defaults for an image and for a build context', async () => {
    const fromImage = await client.environmentVersions.createOrUpdate(rg, ws, 'sklearn', '1', {
      properties: {
        image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
        condaFile: 'dependencies:\n  - python=3.10\n',
      },
    });
    expect(fromImage.properties).toMatchObject({ environmentType: 'UserCreated', osType: 'Linux' });
    const fromBuild = await client.environmentVersions.createOrUpdate(rg, ws, 'sklearn', '2', {
      properties: { build: { contextUri: 'https://st.blob.core.windows.net/env/ctx/' } },
    });
    expect(fromBuild.properties.build).toEqual({
      contextUri: 'https://st.blob.core.windows.net/env/ctx/',
      dockerfilePath: 'Dockerfile',
    });
    const container = await client.environmentContainers.get(rg, ws, 'sklearn');
    expect(container.properties).toMatchObject({ latestVersion: '2', nextVersion: '3' });
  });

  it('answers 400 UserError for missing required fields and bad versions', async () => {
    await expect(
      client.environmentVersions.createOrUpdate(rg, ws, 'no-image', '1', {
        properties: { description: 'x' },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'UserError',
      message: expect.stringContaining("'image'"),
    });
    await expect(
      client.codeVersions.createOrUpdate(rg, ws, 'no-uri', '1', { properties: { description: 'x' } }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("'codeUri' is required") });
    await expect(
      client.codeVersions.createOrUpdate(rg, ws, 'bad-version', 'v 1!', {
        properties: { codeUri: 'https://x/y' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("Invalid version 'v 1!'") });
    const raw = await sendRaw('PUT', '/data/no-uri/versions/1', { properties: { dataType: 'uri_file' } });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({
      error: {
        code: 'UserError',
        message: 'properties.dataUri: is required',
        innerError: { code: 'BadArgument' },
      },
      componentName: 'managementfrontend',
    });
    await expect(client.codeContainers.get(rg, ws, 'no-uri')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('keeps a data asset to one dataType and filters versions by tags', async () => {
    await client.dataVersions.createOrUpdate(rg, ws, 'weather', '1', {
      properties: {
        dataType: 'uri_folder',
        dataUri: 'azureml://datastores/workspaceblobstore/paths/w/1/',
        tags: { stage: 'dev' },
      },
    });
    await client.dataVersions.createOrUpdate(rg, ws, 'weather', '2', {
      properties: {
        dataType: 'uri_folder',
        dataUri: 'azureml://datastores/workspaceblobstore/paths/w/2/',
        tags: { stage: 'prod' },
      },
    });
    await expect(
      client.dataVersions.createOrUpdate(rg, ws, 'weather', '3', {
        properties: {
          dataType: 'uri_file',
          dataUri: 'azureml://datastores/workspaceblobstore/paths/w/3.csv',
        },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("has dataType 'uri_folder'"),
    });
    const container = await client.dataContainers.get(rg, ws, 'weather');
    expect(container.properties).toMatchObject({
      dataType: 'uri_folder',
      latestVersion: '2',
      nextVersion: '3',
    });
    const prod = await collect(client.dataVersions.list(rg, ws, 'weather', { tags: 'stage=prod' }));
    expect(prod.map((v) => v.name)).toEqual(['2']);
    const tagged = await collect(client.dataVersions.list(rg, ws, 'weather', { tags: 'stage' }));
    expect(tagged.map((v) => v.name)).toEqual(['1', '2']);
  });
});

describe('model versions', () => {
  beforeAll(async () => {
    for (const v of ['1', '2', '3', '4', '5']) {
      await client.modelVersions.createOrUpdate(
        rg,
        ws,
        'forecaster',
        v,
        model(`azureml://jobs/run-${v}/outputs/model`),
      );
    }
  });

  it('follows nextLinks page by page with a small page size', async () => {
    emulator.assets.pageSize = 2;
    const pages: string[][] = [];
    for await (const page of client.modelVersions.list(rg, ws, 'forecaster').byPage()) {
      pages.push(page.map((v) => v.name ?? ''));
    }
    expect(pages).toEqual([['1', '2'], ['3', '4'], ['5']]);
    const all = await collect(client.modelVersions.list(rg, ws, 'forecaster'));
    expect(all).toHaveLength(5);
    const followed = emulator
      .received('GET', /\/models\/forecaster\/versions$/)
      .filter((r) => r.query['$skipToken'] !== undefined);
    expect(followed.length).toBeGreaterThanOrEqual(4);
  });

  it('finds the latest version with $orderBy=createdtime desc and $top=1', async () => {
    emulator.assets.pageSize = 2;
    const latest = await collect(
      client.modelVersions.list(rg, ws, 'forecaster', { orderBy: 'createdtime desc', top: 1 }),
    );
    expect(latest.map((v) => v.name)).toEqual(['5']);
    const [request] = emulator.received('GET', /\/models\/forecaster\/versions$/).slice(-1);
    expect(request?.query).toMatchObject({ $orderBy: 'createdtime desc', $top: '1' });
    const three = await collect(
      client.modelVersions.list(rg, ws, 'forecaster', { orderBy: 'version desc', top: 3 }),
    );
    expect(three.map((v) => v.name)).toEqual(['5', '4', '3']);
    await expect(
      collect(client.modelVersions.list(rg, ws, 'forecaster', { orderBy: 'popularity desc' })),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('keeps versions immutable except description, tags, isArchived and new properties (409 UserError)', async () => {
    const uri = 'azureml://jobs/run-imm/outputs/model';
    await client.modelVersions.createOrUpdate(
      rg,
      ws,
      'immutable',
      '1',
      model(uri, { properties: { a: '1' } }),
    );
    const updated = await client.modelVersions.createOrUpdate(
      rg,
      ws,
      'immutable',
      '1',
      model(uri, { description: 'now described', tags: { owner: 'ml' }, properties: { b: '2' } }),
    );
    expect(updated.properties).toMatchObject({
      description: 'now described',
      tags: { owner: 'ml' },
      properties: { a: '1', b: '2' },
      modelUri: uri,
    });
    await expect(
      client.modelVersions.createOrUpdate(
        rg,
        ws,
        'immutable',
        '1',
        model('azureml://jobs/other/outputs/model'),
      ),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'UserError',
      message: 'Asset paths cannot be updated.',
    });
    await expect(
      client.modelVersions.createOrUpdate(
        rg,
        ws,
        'immutable',
        '1',
        model(uri, { modelType: 'custom_model' }),
      ),
    ).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringContaining("'modelType' cannot be changed"),
    });
    await expect(
      client.modelVersions.createOrUpdate(rg, ws, 'immutable', '1', model(uri, { properties: { a: '9' } })),
    ).rejects.toMatchObject({
      statusCode: 409,
      message:
        'Value of property a for model immutable cannot be replaced to 9 without increasing the version.',
    });
    const read = await client.modelVersions.get(rg, ws, 'immutable', '1');
    expect(read.properties).toMatchObject({
      modelUri: uri,
      modelType: 'mlflow_model',
      properties: { a: '1', b: '2' },
    });
  });

  it('hides archived versions and containers unless listViewType asks for them', async () => {
    const uri = (v: string) => `azureml://jobs/arch-${v}/outputs/model`;
    await client.modelVersions.createOrUpdate(rg, ws, 'archiving', '1', model(uri('1')));
    await client.modelVersions.createOrUpdate(rg, ws, 'archiving', '2', model(uri('2')));
    await client.modelVersions.createOrUpdate(
      rg,
      ws,
      'archiving',
      '1',
      model(uri('1'), { isArchived: true }),
    );
    const names = async (listViewType?: 'ActiveOnly' | 'ArchivedOnly' | 'All') =>
      (await collect(client.modelVersions.list(rg, ws, 'archiving', { listViewType }))).map((v) => v.name);
    expect(await names()).toEqual(['2']);
    expect(await names('ArchivedOnly')).toEqual(['1']);
    expect(await names('All')).toEqual(['1', '2']);

    await client.modelContainers.createOrUpdate(rg, ws, 'archiving', { properties: { isArchived: true } });
    const active = await collect(client.modelContainers.list(rg, ws));
    expect(active.map((c) => c.name)).not.toContain('archiving');
    const archived = await collect(client.modelContainers.list(rg, ws, { listViewType: 'ArchivedOnly' }));
    expect(archived.map((c) => c.name)).toEqual(['archiving']);
    expect(archived[0]?.properties).toMatchObject({ latestVersion: '2', nextVersion: '3' });
  });

  it('recomputes latestVersion when a version is deleted and deletes versions with their container', async () => {
    await client.modelVersions.createOrUpdate(
      rg,
      ws,
      'deleting',
      '1',
      model('azureml://jobs/d1/outputs/model'),
    );
    await client.modelVersions.createOrUpdate(
      rg,
      ws,
      'deleting',
      '7',
      model('azureml://jobs/d7/outputs/model'),
    );
    expect((await client.modelContainers.get(rg, ws, 'deleting')).properties).toMatchObject({
      latestVersion: '7',
      nextVersion: '8',
    });
    await client.modelVersions.delete(rg, ws, 'deleting', '7');
    expect((await client.modelContainers.get(rg, ws, 'deleting')).properties).toMatchObject({
      latestVersion: '1',
      nextVersion: '2',
    });
    await client.modelContainers.delete(rg, ws, 'deleting');
    await expect(client.modelVersions.get(rg, ws, 'deleting', '1')).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('containers', () => {
  it('creates, lists (paged), updates and deletes containers', async () => {
    for (const name of ['c-one', 'c-two', 'c-three']) {
      const created = await client.codeContainers.createOrUpdate(rg, ws, name, {
        properties: { description: name, tags: { team: 'ml' } },
      });
      expect(created.properties).toMatchObject({ description: name, isArchived: false, nextVersion: '1' });
    }
    emulator.assets.pageSize = 2;
    const names = (await collect(client.codeContainers.list(rg, ws))).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['c-one', 'c-two', 'c-three']));
    expect(
      emulator.received('GET', /\/codes$/).filter((r) => r.query['$skipToken'] !== undefined).length,
    ).toBeGreaterThanOrEqual(1);
    const updated = await client.codeContainers.createOrUpdate(rg, ws, 'c-one', {
      properties: { description: 'changed' },
    });
    expect(updated.properties.description).toBe('changed');
    await client.codeContainers.delete(rg, ws, 'c-one');
    await expect(client.codeContainers.get(rg, ws, 'c-one')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers ARM 404s for a missing container, version and workspace', async () => {
    await expect(client.modelContainers.get(rg, ws, 'nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message: expect.stringContaining(
        `The Resource 'Microsoft.MachineLearningServices/workspaces/${ws}/models/nope' under resource group '${rg}' was not found.`,
      ),
    });
    // A version of a missing container, and anything under a missing workspace: ARM's ParentResourceNotFound.
    await expect(client.modelVersions.get(rg, ws, 'nope', '1')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
      message: "Can not perform requested operation on nested resource. Parent resource 'nope' not found.",
    });
    await expect(collect(client.modelVersions.list(rg, ws, 'nope'))).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
      message: expect.stringContaining("Parent resource 'nope' not found."),
    });
    await expect(collect(client.environmentContainers.list(rg, 'no-ws'))).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
      message: expect.stringContaining("Parent resource 'no-ws' not found."),
    });
  });

  it('rejects a continuation token it did not issue', async () => {
    const raw = await sendRaw('GET', '/codes', undefined, '&$skipToken=not-a-token');
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ error: { code: 'BadRequest' } });
  });
});

describe('computes', () => {
  const clusterId = () =>
    `${emulator.resourceGroupId}/providers/Microsoft.ContainerService/managedClusters/aks-train`;

  it('creates an AmlCompute cluster through the long-running operation, lists and deletes it', async () => {
    const body: ComputeResource = {
      location: emulator.location,
      properties: {
        computeType: 'AmlCompute',
        properties: { vmSize: 'STANDARD_D2_V2', scaleSettings: { maxNodeCount: 2, minNodeCount: 0 } },
      },
    };
    // At least one in-progress answer whatever the machine's load: the test is about the client polling.
    emulator.lro.plan({ resourceType: 'computes', method: 'PUT', polls: 1 });
    const created = await client.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'cpu-train',
      body,
      poll,
    );
    expect(created.properties).toMatchObject({
      computeType: 'AmlCompute',
      provisioningState: 'Succeeded',
      isAttachedCompute: false,
      properties: {
        vmSize: 'STANDARD_D2_V2',
        scaleSettings: { maxNodeCount: 2, minNodeCount: 0 },
        allocationState: 'Steady',
      },
    });
    expect(emulator.received('PUT', /\/computes\/cpu-train$/).map((r) => r.status)).toEqual([201]);
    expect(emulator.received('GET', /mfeOperationsStatus/).length).toBeGreaterThanOrEqual(2);

    emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-seeded');
    emulator.assets.pageSize = 1;
    const names = (await collect(client.computeOperations.list(rg, ws))).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['cpu-train', 'cpu-seeded']));

    await client.computeOperations.beginDeleteAndWait(rg, ws, 'cpu-train', 'Delete', poll);
    await expect(client.computeOperations.get(rg, ws, 'cpu-train')).rejects.toMatchObject({
      statusCode: 404,
    });
    const [del] = emulator.received('DELETE', /\/computes\/cpu-train$/);
    expect(del?.query['underlyingResourceAction']).toBe('Delete');
  });

  it('attaches an existing AKS cluster as a Kubernetes compute with the default instance type', async () => {
    emulator.store.set({
      id: clusterId(),
      secrets: {},
      body: {
        id: clusterId(),
        name: 'aks-train',
        type: 'Microsoft.ContainerService/managedClusters',
        location: emulator.location,
        properties: { provisioningState: 'Succeeded' },
      },
    });
    const attached = await client.computeOperations.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'k8s-train',
      {
        properties: {
          computeType: 'Kubernetes',
          resourceId: clusterId(),
          properties: { namespace: 'azureml' },
        },
      },
      poll,
    );
    expect(attached.properties).toMatchObject({
      computeType: 'Kubernetes',
      resourceId: clusterId(),
      provisioningState: 'Succeeded',
      isAttachedCompute: true,
      properties: {
        namespace: 'azureml',
        defaultInstanceType: 'defaultinstancetype',
        instanceTypes: {
          defaultinstancetype: {
            resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
          },
        },
      },
    });
    expect(attached.location).toBe(emulator.location);
    await client.computeOperations.beginDeleteAndWait(rg, ws, 'k8s-train', 'Detach', poll);
    expect(emulator.store.get(clusterId())).toBeDefined();
  });

  it('seeds computes and asset versions shaped as the PUTs shape them', async () => {
    emulator.assets.addKubernetesCompute(emulator.workspaceId, 'k8s-seeded', clusterId());
    const seeded = await client.computeOperations.get(rg, ws, 'k8s-seeded');
    expect(seeded.properties).toMatchObject({
      computeType: 'Kubernetes',
      provisioningState: 'Succeeded',
      properties: { namespace: 'default', defaultInstanceType: 'defaultinstancetype' },
    });
    emulator.assets.addAssetVersion(emulator.workspaceId, 'environments', 'seeded-env', '3', {
      image: 'python:3.11',
    });
    const env = await client.environmentVersions.get(rg, ws, 'seeded-env', '3');
    expect(env.properties).toMatchObject({ image: 'python:3.11', environmentType: 'UserCreated' });
    expect((await client.environmentContainers.get(rg, ws, 'seeded-env')).properties).toMatchObject({
      latestVersion: '3',
      nextVersion: '4',
    });
    expect(() =>
      emulator.assets.addAssetVersion(emulator.workspaceId, 'models', 'seeded-model', '1', {}),
    ).toThrow("'modelUri' is required for a model version.");
  });

  it('refuses to attach a cluster that does not exist (400)', async () => {
    const missing = `${emulator.resourceGroupId}/providers/Microsoft.ContainerService/managedClusters/aks-missing`;
    await expect(
      client.computeOperations.beginCreateOrUpdateAndWait(
        rg,
        ws,
        'k8s-missing',
        { properties: { computeType: 'Kubernetes', resourceId: missing } },
        poll,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'UserError',
      message: expect.stringContaining(missing),
    });
    await expect(client.computeOperations.get(rg, ws, 'k8s-missing')).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('jobs', () => {
  let computeId: string;
  let environmentId: string;
  let codeId: string;

  function commandJob(extra: Partial<CommandJob> = {}): JobBase {
    const properties: CommandJob = {
      jobType: 'Command',
      command: 'python train.py --epochs 3',
      environmentId,
      codeId,
      computeId,
      experimentName: 'weather',
      tags: { run: 'ci' },
      ...extra,
    };
    return { properties };
  }

  beforeAll(async () => {
    computeId = emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster').id;
    environmentId = (
      await client.environmentVersions.createOrUpdate(rg, ws, 'train-env', '1', {
        properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' },
      })
    ).id as string;
    codeId = (
      await client.codeVersions.createOrUpdate(rg, ws, 'train-code', '1', {
        properties: { codeUri: 'https://st.blob.core.windows.net/code/train' },
      })
    ).id as string;
  });

  it('creates a command job (201, NotStarted, Studio and Tracking services) and calls onCreated', async () => {
    const seen: StoredResource[] = [];
    emulator.jobs.onCreated = (job) => seen.push(job);
    const created = await client.jobs.createOrUpdate(rg, ws, 'job-command', commandJob());
    expect(created.properties).toMatchObject({
      jobType: 'Command',
      status: 'NotStarted',
      experimentName: 'weather',
      computeId,
      environmentId,
      services: {
        Studio: {
          jobServiceType: 'Studio',
          endpoint: `https://ml.azure.com/runs/job-command?wsid=${emulator.workspaceId}&tid=${emulator.tenantId}`,
        },
        Tracking: {
          jobServiceType: 'Tracking',
          endpoint: expect.stringMatching(/^azureml:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\//),
        },
      },
    });
    expect(created.systemData?.createdBy).toBe(emulator.clientId);
    expect(emulator.received('PUT', /\/jobs\/job-command$/).map((r) => r.status)).toEqual([201]);
    expect(seen.map((j) => j.body['name'])).toEqual(['job-command']);
    const read = await client.jobs.get(rg, ws, 'job-command');
    expect(read.properties.status).toBe('NotStarted');
  });

  it('creates pipeline and sweep jobs as the SDK types them', async () => {
    const pipeline: PipelineJob = {
      jobType: 'Pipeline',
      settings: { default_compute: computeId },
      jobs: {
        prep: { type: 'command', computeId, environmentId, command: 'python prep.py' },
        train: { type: 'command', computeId, environmentId, command: 'python train.py' },
      },
    };
    const createdPipeline = await client.jobs.createOrUpdate(rg, ws, 'job-pipeline', {
      properties: pipeline,
    });
    expect(createdPipeline.properties).toMatchObject({
      jobType: 'Pipeline',
      status: 'NotStarted',
      experimentName: 'Default',
    });
    const [put] = emulator.received('PUT', /\/jobs\/job-pipeline$/);
    expect(put?.body).toMatchObject({ properties: { jobs: { prep: { command: 'python prep.py' } } } });

    const sweep: SweepJob = {
      jobType: 'Sweep',
      computeId,
      objective: { goal: 'Maximize', primaryMetric: 'accuracy' },
      samplingAlgorithm: { samplingAlgorithmType: 'Random' },
      searchSpace: { lr: ['uniform', [0.001, 0.1]] },
      limits: { jobLimitsType: 'Sweep', maxTotalTrials: 4 },
      trial: { command: 'python train.py --lr ${{search_space.lr}}', environmentId, codeId },
    };
    const createdSweep = await client.jobs.createOrUpdate(rg, ws, 'job-sweep', { properties: sweep });
    expect(createdSweep.properties).toMatchObject({ jobType: 'Sweep', status: 'NotStarted' });
  });

  it('lists jobs page by page, filtered by jobType, tag and listViewType', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) {
      await client.jobs.createOrUpdate(rg, ws, name, commandJob({ tags: { batch: 'list' } }));
    }
    emulator.jobs.pageSize = 2;
    const all = (await collect(client.jobs.list(rg, ws))).map((j) => j.name);
    expect(all).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c']));
    expect(
      emulator.received('GET', /\/jobs$/).filter((r) => r.query['$skipToken'] !== undefined).length,
    ).toBeGreaterThan(0);
    const tagged = (await collect(client.jobs.list(rg, ws, { tag: 'batch' }))).map((j) => j.name);
    expect(tagged).toEqual(['list-c', 'list-b', 'list-a']);
    const sweeps = (await collect(client.jobs.list(rg, ws, { jobType: 'Sweep' }))).map((j) => j.name);
    expect(sweeps).not.toContain('list-a');

    await client.jobs.createOrUpdate(
      rg,
      ws,
      'list-c',
      commandJob({ tags: { batch: 'list' }, isArchived: true }),
    );
    const active = (await collect(client.jobs.list(rg, ws, { tag: 'batch' }))).map((j) => j.name);
    expect(active).toEqual(['list-b', 'list-a']);
    const archived = (await collect(client.jobs.list(rg, ws, { listViewType: 'ArchivedOnly' }))).map(
      (j) => j.name,
    );
    expect(archived).toEqual(['list-c']);
  });

  it('cancels a job through the Location operation: CancelRequested, then Canceled', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'job-cancel', commandJob());
    emulator.lro.plan({ resourceType: 'jobs', method: 'POST', polls: 2 });
    const poller = await client.jobs.beginCancel(rg, ws, 'job-cancel', poll);
    expect((await client.jobs.get(rg, ws, 'job-cancel')).properties.status).toBe('CancelRequested');
    await poller.pollUntilDone();
    expect((await client.jobs.get(rg, ws, 'job-cancel')).properties.status).toBe('Canceled');
    expect(emulator.received('POST', /\/jobs\/job-cancel\/cancel$/).map((r) => r.status)).toEqual([202]);
    expect(emulator.received('GET', /mfeOperationResults/).length).toBeGreaterThanOrEqual(3);
  });

  it('lets a runner drive the status and keeps a failure error aside', async () => {
    const created = await client.jobs.createOrUpdate(rg, ws, 'job-status', commandJob());
    emulator.jobs.setStatus(created.id as string, 'Running');
    expect((await client.jobs.get(rg, ws, 'job-status')).properties.status).toBe('Running');
    const failed = emulator.jobs.setStatus(created.id as string, 'Failed', {
      code: 'UserError',
      message: 'boom',
    });
    expect((await client.jobs.get(rg, ws, 'job-status')).properties.status).toBe('Failed');
    expect(failed.secrets['error']).toEqual({ code: 'UserError', message: 'boom' });
    // A finished job keeps its status when a cancel comes in.
    await client.jobs.beginCancelAndWait(rg, ws, 'job-status', poll);
    expect((await client.jobs.get(rg, ws, 'job-status')).properties.status).toBe('Failed');
  });

  it('updates only tags, description and displayName of an existing job (else 409)', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'job-immutable', commandJob());
    const same = await client.jobs.createOrUpdate(rg, ws, 'job-immutable', commandJob());
    expect(same.properties.status).toBe('NotStarted');
    const retagged = await client.jobs.createOrUpdate(
      rg,
      ws,
      'job-immutable',
      commandJob({ tags: { run: 'again' }, displayName: 'renamed', description: 'd' }),
    );
    expect(retagged.properties).toMatchObject({
      tags: { run: 'again' },
      displayName: 'renamed',
      description: 'd',
    });
    await expect(
      client.jobs.createOrUpdate(rg, ws, 'job-immutable', commandJob({ command: 'python other.py' })),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'UserError',
      message: expect.stringContaining("'job-immutable' already exists"),
    });
    expect(emulator.received('PUT', /\/jobs\/job-immutable$/).map((r) => r.status)).toEqual([
      201, 200, 200, 409,
    ]);
  });

  it('answers 400 for a missing compute, environment or command and accepts registry environments', async () => {
    const missingCompute = `${emulator.workspaceId}/computes/gpu-missing`;
    await expect(
      client.jobs.createOrUpdate(rg, ws, 'job-no-compute', commandJob({ computeId: missingCompute })),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'UserError',
      message: expect.stringContaining("Compute 'gpu-missing'"),
    });
    const missingEnv = `${emulator.workspaceId}/environments/train-env/versions/9`;
    await expect(
      client.jobs.createOrUpdate(rg, ws, 'job-no-env', commandJob({ environmentId: missingEnv })),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining(missingEnv) });
    const registry = 'azureml://registries/azureml/environments/sklearn-1.5/versions/1';
    const ok = await client.jobs.createOrUpdate(
      rg,
      ws,
      'job-registry-env',
      commandJob({ environmentId: registry }),
    );
    expect(ok.properties).toMatchObject({ environmentId: registry });

    const raw = await sendRaw('PUT', '/jobs/job-no-command', {
      properties: { jobType: 'Command', environmentId },
    });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({
      error: { code: 'UserError', message: 'properties.command: is required' },
    });
    const badType = await sendRaw('PUT', '/jobs/job-bad-type', { properties: { jobType: 'Notebook' } });
    expect(badType.status).toBe(400);
    await expect(client.jobs.get(rg, ws, 'job-no-compute')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message: expect.stringContaining(`workspaces/${ws}/jobs/job-no-compute'`),
    });
  });

  it('deletes a job through a long-running operation', async () => {
    await client.jobs.createOrUpdate(rg, ws, 'job-delete', commandJob());
    await client.jobs.beginDeleteAndWait(rg, ws, 'job-delete', poll);
    await expect(client.jobs.get(rg, ws, 'job-delete')).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('role checks', () => {
  it('answers 403 AuthorizationFailed to a principal without a role, and lets a Reader only read', async () => {
    const app = emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'assets-reader',
      secret: 's3cret',
    });
    const reader = armClient(credential('assets-reader', 's3cret'));
    await expect(collect(reader.modelVersions.list(rg, ws, 'forecaster'))).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining(
        `perform action 'Microsoft.MachineLearningServices/workspaces/models/versions/read' over scope '${emulator.workspaceId}/models/forecaster/versions'`,
      ),
    });
    emulator.rbac.grant(app.objectId, emulator.workspaceId, 'Reader');
    expect(await collect(reader.modelVersions.list(rg, ws, 'forecaster'))).toHaveLength(5);
    await expect(
      reader.jobs.createOrUpdate(rg, ws, 'job-denied', {
        properties: { jobType: 'Pipeline' } as PipelineJob,
      }),
    ).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining("'Microsoft.MachineLearningServices/workspaces/jobs/write'"),
    });
  });
});
