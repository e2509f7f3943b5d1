import { startEmulator, type Emulator } from '../../../emulator/emulator';
import {
  emulatorTarget,
  liveSettings,
  liveTarget,
  liveTitle,
  jobAssetVersions,
  newRunId,
  runCleanUp,
  sdkCleanUpOperations,
  uniqueName,
  type CleanUpOperations,
} from '../../harness/target';

/** The scenario target's pure parts (names, live settings, clean-up bookkeeping), then its SDK clean-up. */
describe('uniqueName', () => {
  const endpointName = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

  it('suffixes the run id and keeps within the online endpoint rules', () => {
    expect(uniqueName('rain', 't0a1b2c')).toBe('rain-t0a1b2c');
    const long = uniqueName('rain-forecast-production-endpoint', 't0a1b2c');
    expect(long).toBe('rain-forecast-production-t0a1b2c');
    expect(long).toHaveLength(32);
    expect(long).toMatch(endpointName);
    // Cut on a hyphen: no double hyphen before the suffix.
    expect(uniqueName('rain-forecast-productio-xyz', 't0a1b2c')).toBe('rain-forecast-productio-t0a1b2c');
    expect(uniqueName('rain-forecast-production-xyz', 't0a1b2c')).toBe('rain-forecast-production-t0a1b2c');
    expect(uniqueName('abcdefghijklmnopqrstuvwx-', 't0a1b2c')).toBe('abcdefghijklmnopqrstuvwx-t0a1b2c');
    expect(uniqueName('abcdefghijklmnopqrstuvw-yz', 't0a1b2c')).toBe('abcdefghijklmnopqrstuvw-t0a1b2c');
  });

  it('lowercases, turns other characters into single hyphens and starts with a letter', () => {
    expect(uniqueName('Rain_Forecast v2', 't0a1b2c')).toBe('rain-forecast-v2-t0a1b2c');
    expect(uniqueName('2-fast', 't0a1b2c')).toBe('fast-t0a1b2c');
    expect(uniqueName('--a', 't0a1b2c')).toBe('a-t0a1b2c');
    expect(uniqueName('rain', 't0a1b2c', 63)).toBe('rain-t0a1b2c');
  });

  it('refuses a base with no letter, and a run id that is no suffix', () => {
    expect(() => uniqueName('123', 't0a1b2c')).toThrow("'123' leaves no name");
    expect(() => uniqueName('rain', 'T-1')).toThrow("Run id 'T-1'");
    expect(() => uniqueName('rain', 't0a1b2c', 8)).toThrow('leaves no name');
  });

  it('run ids are a letter and six base-36 characters, and differ', () => {
    const ids = Array.from({ length: 50 }, newRunId);
    for (const id of ids) expect(id).toMatch(/^t[0-9a-z]{6}$/);
    expect(new Set(ids).size).toBe(50);
  });
});

describe('liveSettings', () => {
  const complete = {
    AZUREML_STEPS_LIVE: '1',
    AZURE_TENANT_ID: 'tenant',
    AZURE_CLIENT_ID: 'client',
    AZURE_CLIENT_SECRET: 'secret',
    AZURE_SUBSCRIPTION_ID: 'sub',
    AZUREML_STEPS_RESOURCE_GROUP: 'rg',
    AZUREML_STEPS_WORKSPACE: 'ws',
  };

  it('is off unless AZUREML_STEPS_LIVE=1, and the title then says skipped (live)', () => {
    expect(liveSettings({ ...complete, AZUREML_STEPS_LIVE: 'true' })).toBeUndefined();
    expect(liveSettings({})).toBeUndefined();
    expect(liveTitle('deploy', undefined)).toMatch(/^skipped \(live\): deploy; set AZUREML_STEPS_LIVE=1/);
  });

  it('reads every variable, the cloud defaulting to AzureCloud', () => {
    const live = liveSettings(complete)!;
    expect(live).toEqual({
      tenantId: 'tenant',
      clientId: 'client',
      clientSecret: 'secret',
      subscriptionId: 'sub',
      resourceGroup: 'rg',
      workspaceName: 'ws',
      cloud: 'AzureCloud',
    });
    expect(liveTitle('deploy', live)).toBe('live (ws): deploy');
  });

  it('names every missing variable and an unknown cloud', () => {
    const { AZURE_CLIENT_SECRET: _secret, AZUREML_STEPS_WORKSPACE: _ws, ...partial } = complete;
    expect(() => liveSettings({ ...partial, AZUREML_STEPS_CLOUD: 'Mars' })).toThrow(
      "AZUREML_STEPS_LIVE=1, but set AZURE_CLIENT_SECRET, AZUREML_STEPS_WORKSPACE; AZUREML_STEPS_CLOUD 'Mars' is not one of AzureCloud,",
    );
  });

  it('signs in as the service principal: a service connection on Azure DevOps, creds on GitHub', () => {
    const target = liveTarget(
      liveSettings({ ...complete, AZUREML_STEPS_CLOUD: 'AzureUSGovernment' })!,
      'tabc',
    );
    const ado = target.signIn('azure-pipelines');
    const id = ado.inputs['azureSubscription']!;
    expect(ado.env).toMatchObject({
      [`ENDPOINT_URL_${id}`]: 'https://management.usgovcloudapi.net/',
      [`ENDPOINT_AUTH_PARAMETER_${id}_SERVICEPRINCIPALKEY`]: 'secret',
      [`ENDPOINT_DATA_${id}_ENVIRONMENT`]: 'AzureUSGovernment',
      [`ENDPOINT_DATA_${id}_SUBSCRIPTIONID`]: 'sub',
    });
    const github = target.signIn('github');
    expect(JSON.parse(github.inputs['creds']!)).toEqual({
      clientId: 'client',
      clientSecret: 'secret',
      subscriptionId: 'sub',
      tenantId: 'tenant',
    });
    expect(github.env).toEqual({
      AZUREML_STEPS_ARM_ENDPOINT: 'https://management.usgovcloudapi.net',
      AZUREML_STEPS_AUTHORITY_HOST: 'https://login.microsoftonline.us',
    });
    expect(() => target.signIn('github', 'oidc')).toThrow('id-token: write');
    expect(target.uniqueName('rain')).toBe('rain-tabc');
  });
});

describe('runCleanUp', () => {
  function fakeOperations(failing: string[]) {
    const calls: string[] = [];
    const step = async <T>(call: string, result: T): Promise<T> => {
      calls.push(call);
      if (failing.includes(call)) throw new Error(`${call} failed: 500 InternalServerError`);
      return result;
    };
    const ops: CleanUpOperations = {
      cancelJob: (name) => step(`cancel ${name}`, name.includes('done') ? 'finished' : 'canceled'),
      deleteEndpoint: (name) => step(`delete endpoint ${name}`, undefined),
      deleteAciGroup: (name) => step(`delete aci ${name}`, undefined),
      detachCompute: (name) => step(`detach compute ${name}`, undefined),
      deleteOrArchiveVersion: (asset, name, version) =>
        step(`delete ${asset} ${name}:${version}`, asset === 'codes' ? 'archived' : 'deleted'),
    };
    return { ops, calls };
  }

  it('cancels jobs, then deletes endpoints and ACI groups, then versions, whatever the order of creation', async () => {
    const { ops, calls } = fakeOperations([]);
    const report = await runCleanUp(
      [
        { kind: 'modelVersion', name: 'rain-t1', version: '1' },
        { kind: 'endpoint', name: 'rain-t1' },
        { kind: 'codeVersion', name: 'code-t1', version: 'abc' },
        { kind: 'job', name: 'train-t1' },
        { kind: 'aciGroup', name: 'aci-t1' },
        { kind: 'job', name: 'done-t1' },
      ],
      ops,
    );
    expect(calls).toEqual([
      'cancel train-t1',
      'cancel done-t1',
      'delete endpoint rain-t1',
      'delete aci aci-t1',
      'delete models rain-t1:1',
      'delete codes code-t1:abc',
    ]);
    expect(report).toEqual({
      done: [
        'cancelled job train-t1',
        'job done-t1 had finished',
        'deleted online endpoint rain-t1',
        'deleted container group aci-t1',
        'deleted model version rain-t1:1',
        'archived code version code-t1:abc',
      ],
      errors: [],
      remaining: [],
    });
  });

  it('collects every error and goes on; what failed stays to clean up', async () => {
    const { ops, calls } = fakeOperations(['cancel train-t1', 'delete endpoint rain-t1']);
    const report = await runCleanUp(
      [
        { kind: 'endpoint', name: 'rain-t1' },
        { kind: 'job', name: 'train-t1' },
        { kind: 'aciGroup', name: 'aci-t1' },
      ],
      ops,
    );
    expect(calls).toEqual(['cancel train-t1', 'delete endpoint rain-t1', 'delete aci aci-t1']);
    expect(report.done).toEqual(['deleted container group aci-t1']);
    expect(report.errors).toEqual([
      { resource: 'job train-t1', message: 'cancel train-t1 failed: 500 InternalServerError' },
      {
        resource: 'online endpoint rain-t1',
        message: 'delete endpoint rain-t1 failed: 500 InternalServerError',
      },
    ]);
    expect(report.remaining).toEqual([
      { kind: 'job', name: 'train-t1' },
      { kind: 'endpoint', name: 'rain-t1' },
    ]);
  });
});

describe('runCleanUp of what jobs upload, and attached computes', () => {
  it('detaches computes after the endpoints that use them, then models, components, environments, code', async () => {
    const calls: string[] = [];
    const ops: CleanUpOperations = {
      cancelJob: async (name) => (calls.push(`cancel ${name}`), 'finished'),
      deleteEndpoint: async (name) => void calls.push(`delete endpoint ${name}`),
      deleteAciGroup: async (name) => void calls.push(`delete aci ${name}`),
      detachCompute: async (name) => void calls.push(`detach ${name}`),
      deleteOrArchiveVersion: async (asset, name, version) => {
        calls.push(`${asset} ${name}:${version}`);
        return 'archived';
      },
    };
    const report = await runCleanUp(
      [
        { kind: 'codeVersion', name: 'c', version: '1' },
        { kind: 'environmentVersion', name: 'CliV2AnonymousEnvironment', version: 'abc' },
        { kind: 'compute', name: 'k8s-t1' },
        { kind: 'componentVersion', name: 'azureml_anonymous', version: 'def' },
        { kind: 'endpoint', name: 'rain-t1' },
        { kind: 'modelVersion', name: 'rain-t1', version: '1' },
      ],
      ops,
    );
    expect(calls).toEqual([
      'delete endpoint rain-t1',
      'detach k8s-t1',
      'models rain-t1:1',
      'components azureml_anonymous:def',
      'environments CliV2AnonymousEnvironment:abc',
      'codes c:1',
    ]);
    expect(report.done).toEqual([
      'deleted online endpoint rain-t1',
      'detached compute k8s-t1',
      'archived model version rain-t1:1',
      'archived component version azureml_anonymous:def',
      'archived environment version CliV2AnonymousEnvironment:abc',
      'archived code version c:1',
    ]);
  });

  it("finds the workspace's code, environment and component versions a job refers to, not registry assets", () => {
    const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
    const job = {
      properties: {
        jobType: 'Pipeline',
        codeId: `${ws}/codes/c1/versions/1`,
        environmentId: 'azureml://registries/azureml/environments/sklearn-1.5/versions/3',
        trial: { environmentId: `azureml:${ws}/environments/CliV2AnonymousEnvironment/versions/abc` },
        jobs: {
          prep: { componentId: `${ws}/components/azureml_anonymous/versions/def` },
          again: { codeId: `${ws}/codes/c1/versions/1` },
        },
      },
    };
    expect(jobAssetVersions(job)).toEqual([
      { kind: 'codeVersion', name: 'c1', version: '1' },
      { kind: 'environmentVersion', name: 'CliV2AnonymousEnvironment', version: 'abc' },
      { kind: 'componentVersion', name: 'azureml_anonymous', version: 'def' },
    ]);
  });
});

describe('sdkCleanUpOperations.cancelJob', () => {
  it('cancels a job in any state but Completed, Failed and Canceled (NotResponding and Paused may go on)', async () => {
    const cancelled: string[] = [];
    const statuses: Record<string, string> = {
      a: 'Completed',
      b: 'Failed',
      c: 'Canceled',
      d: 'NotResponding',
      e: 'Paused',
      f: 'Running',
    };
    const ml = {
      jobs: {
        get: async (_rg: string, _ws: string, name: string) => ({ properties: { status: statuses[name] } }),
        beginCancelAndWait: async (_rg: string, _ws: string, name: string) => void cancelled.push(name),
      },
    } as unknown as Parameters<typeof sdkCleanUpOperations>[0];
    const aci = {} as Parameters<typeof sdkCleanUpOperations>[1];
    const ops = sdkCleanUpOperations(ml, aci, { resourceGroup: 'rg', workspaceName: 'ws' }, 1);
    const results: string[] = [];
    for (const name of Object.keys(statuses)) results.push(await ops.cancelJob(name));
    expect(results).toEqual(['finished', 'finished', 'finished', 'canceled', 'canceled', 'canceled']);
    expect(cancelled).toEqual(['d', 'e', 'f']);
  });
});

describe('the emulator target cleans up through the SDK', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  }, 60_000);
  afterAll(() => emulator.close());

  it('cancels a running job, deletes an ACI group and a model version; a failure is reported at the end', async () => {
    const target = emulatorTarget(emulator, 'tunit01');
    const job = target.uniqueName('train');
    const jobId = `${emulator.workspaceId}/jobs/${job}`;
    emulator.store.set({
      id: jobId,
      secrets: {},
      body: {
        id: jobId,
        name: job,
        type: 'Microsoft.MachineLearningServices/workspaces/jobs',
        properties: { jobType: 'Command', status: 'Running', command: 'sleep 600', tags: {} },
      },
    });
    const model = target.uniqueName('rain');
    emulator.assets.addAssetVersion(emulator.workspaceId, 'models', model, '1', {
      modelUri: 'azureml://datastores/workspaceblobstore/paths/m/',
      modelType: 'custom_model',
    });
    const group = target.uniqueName('aci');
    await target.aci.containerGroups.beginCreateOrUpdateAndWait(
      emulator.resourceGroup,
      group,
      {
        location: emulator.location,
        osType: 'Linux',
        containers: [
          {
            name: 'c',
            image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
            resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
          },
        ],
      },
      { updateIntervalInMs: 50 },
    );
    target.track({ kind: 'job', name: job });
    target.track({ kind: 'modelVersion', name: model, version: '1' });
    target.track({ kind: 'aciGroup', name: group });
    expect((await target.leftovers()).sort()).toEqual([
      `container group ${group}`,
      `job ${job} (Running)`,
      `model version ${model}:1`,
    ]);

    // A failure (the endpoint's DELETE answers 500 every time) does not stop the rest, and is reported at the end.
    const endpoint = target.uniqueName('rain');
    target.track({ kind: 'endpoint', name: endpoint });
    emulator.faults.add({
      method: 'DELETE',
      path: `${emulator.workspaceId}/onlineEndpoints/${endpoint}`,
      times: 100,
      fault: { status: 500 },
    });
    await expect(target.cleanUp()).rejects.toThrow(
      new RegExp(`Clean-up of run tunit01 left 1 resource\\(s\\):\\n- online endpoint ${endpoint}: `),
    );
    expect(target.created).toEqual([{ kind: 'endpoint', name: endpoint }]);
    expect(await target.leftovers()).toEqual([]);
    expect(emulator.store.get(jobId)!.body['properties']).toMatchObject({ status: 'Canceled' });

    emulator.faults.clear();
    expect((await target.cleanUp()).done).toEqual([`deleted online endpoint ${endpoint}`]);
    expect(target.created).toEqual([]);
  }, 60_000);
});
