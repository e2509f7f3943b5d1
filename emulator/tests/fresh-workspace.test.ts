/**
 * A fresh workspace as Azure gives it: curated environments resolvable by `@latest` (the way the product resolves
 * `azureml:<name>@latest`: versions ordered by creation, newest first, top 1) and serverless compute (jobs without
 * a compute, or with `azureml:serverless`).
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { startEmulator, type Emulator } from '../emulator';
import { CURATED_ENVIRONMENTS } from '../workspace/curated-environments';
import { emulatorCredential, requestJson } from './test-clients';

let emulator: Emulator;
let client: AzureMachineLearningWorkspaces;

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.jobRunner.paceMs = 10;
  client = new AzureMachineLearningWorkspaces(
    emulatorCredential(emulator),
    emulator.subscriptionId,
    emulator.armClientOptions,
  );
});

afterAll(async () => {
  await emulator?.close();
});

async function armPut(path: string, body: unknown, apiVersion = '2022-10-01') {
  const token = await emulatorCredential(emulator).getToken('https://management.azure.com/.default');
  const url = `${emulator.armUrl}${path}?api-version=${apiVersion}`;
  return requestJson(emulator, 'PUT', url, { token: token.token, body });
}

describe('curated environments', () => {
  it('are listed in a fresh workspace as AzureML-<name> containers', async () => {
    const names: string[] = [];
    for await (const c of client.environmentContainers.list(emulator.resourceGroup, emulator.workspaceName))
      names.push(c.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['AzureML-sklearn-1.5', 'AzureML-lightgbm-3.3']));
    expect(names).toHaveLength(CURATED_ENVIRONMENTS.length);
  });

  it('resolve by @latest (createdtime desc, top 1) to their newest version, a Curated environment', async () => {
    const found = [];
    for await (const v of client.environmentVersions.list(
      emulator.resourceGroup,
      emulator.workspaceName,
      'AzureML-sklearn-1.5',
      { orderBy: 'createdtime desc', top: 1 },
    ))
      found.push(v);
    expect(found).toHaveLength(1);
    expect(found[0]?.name).toBe('27');
    expect(found[0]?.properties.environmentType).toBe('Curated');
    expect(found[0]?.properties.image).toBe('mcr.microsoft.com/azureml/curated/sklearn-1.5:27');
    const container = await client.environmentContainers.get(
      emulator.resourceGroup,
      emulator.workspaceName,
      'AzureML-sklearn-1.5',
    );
    expect(container.properties.latestVersion).toBe('27');
    const older = await client.environmentVersions.get(
      emulator.resourceGroup,
      emulator.workspaceName,
      'AzureML-sklearn-1.5',
      '26',
    );
    expect(older.properties.image).toBe('mcr.microsoft.com/azureml/curated/sklearn-1.5:26');
  });

  it('are in every workspace created later too', async () => {
    const other = emulator.ml.createWorkspace({
      resourceGroup: emulator.resourceGroup,
      name: 'mlw-other',
      serviceUrl: emulator.armUrl,
    });
    await emulator.datastores.ready();
    const version = await client.environmentVersions.get(
      emulator.resourceGroup,
      'mlw-other',
      'AzureML-lightgbm-3.3',
      '64',
    );
    expect(version.id).toBe(`${other.id}/environments/AzureML-lightgbm-3.3/versions/64`);
  });
});

describe('serverless compute', () => {
  const curated = () => `${emulator.workspaceId}/environments/AzureML-sklearn-1.5/versions/27`;

  it('runs a command job without a compute (resources.instanceType, queueSettings), sent as REST JSON', async () => {
    const { status, body } = await armPut(
      `${emulator.workspaceId}/jobs/serverless-rest`,
      {
        properties: {
          jobType: 'Command',
          command: 'echo serverless says hi',
          environmentId: curated(),
          resources: { instanceType: 'Standard_E4s_v3', instanceCount: 1 },
          queueSettings: { jobTier: 'Standard' },
          experimentName: 'serverless',
        },
      },
      '2024-04-01',
    );
    expect({ status, error: body['error'] }).toEqual({ status: 201, error: undefined });
    expect(await emulator.jobRunner.whenDone('serverless-rest')).toEqual({ status: 'Completed' });
  });

  it('accepts a job without a compute from the SDK, and computeId azureml:serverless', async () => {
    await client.jobs.createOrUpdate(emulator.resourceGroup, emulator.workspaceName, 'serverless-sdk', {
      properties: { jobType: 'Command', command: 'true', environmentId: curated() },
    });
    expect(await emulator.jobRunner.whenDone('serverless-sdk')).toEqual({ status: 'Completed' });
    const named = await armPut(`${emulator.workspaceId}/jobs/serverless-named`, {
      properties: {
        jobType: 'Command',
        command: 'true',
        environmentId: curated(),
        computeId: 'azureml:serverless',
      },
    });
    expect(named.status).toBe(201);
    expect(await emulator.jobRunner.whenDone('serverless-named')).toEqual({ status: 'Completed' });
  });

  it('accepts a pipeline whose default compute is azureml:serverless, still refuses an unknown compute', async () => {
    const pipeline = (defaultCompute: string) => ({
      properties: { jobType: 'Pipeline', jobs: {}, settings: { default_compute: defaultCompute } },
    });
    expect(
      (await armPut(`${emulator.workspaceId}/jobs/pipe-serverless`, pipeline('azureml:serverless'))).status,
    ).toBe(201);
    const refused = await armPut(
      `${emulator.workspaceId}/jobs/pipe-unknown`,
      pipeline('azureml:no-such-cluster'),
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/Compute 'azureml:no-such-cluster'/);
  });
});
