/**
 * Workspace discovery and the MLflow tracking API: real tokens (ClientSecretCredential, scope
 * https://ml.azure.com/.default), the shared reader (shared/src/azureml/mlflow-metrics.ts), raw MLflow REST
 * writers, MLflow error bodies, audience and role checks.
 */
import { ClientSecretCredential } from '@azure/identity';
import { createMachineLearningClient } from '../../shared/src/azure/arm-clients';
import { resolveCloud, type AzureCloud } from '../../shared/src/azure/cloud';
import {
  mlflowApiBase,
  MlflowTrackingClient,
  RunNotFoundError,
} from '../../shared/src/azureml/mlflow-metrics';
import { AzureError } from '../../shared/src/step/errors';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential, requestJson } from './test-clients';
import { parseFilter, SearchSyntaxError } from '../mlflow-search';

let emulator: Emulator;
let cloud: AzureCloud;
let credential: ClientSecretCredential;
let trackingUri: string;
let tracking: MlflowTrackingClient;

const ML_SCOPE = 'https://ml.azure.com/.default';

const newCredential = (clientId?: string, secret?: string) => emulatorCredential(emulator, clientId, secret);

const reader = (cred = credential) =>
  new MlflowTrackingClient(cred, cloud, trackingUri, {
    step: 'register-model',
    host: 'local',
    tlsOptions: emulator.tlsOptions,
    retryOptions: { maxRetries: 0 },
  });

/** A raw HTTPS call to the emulator (JSON in and out). */
const call = (method: string, url: string, options?: { token?: string; body?: unknown }) =>
  requestJson(emulator, method, url, options);

const api = (path: string) => `${mlflowApiBase(trackingUri)}/${path}`;
const mlToken = async () => (await credential.getToken(ML_SCOPE)).token;

beforeAll(async () => {
  emulator = await startEmulator();
  cloud = resolveCloud(undefined, { armEndpoint: emulator.armUrl, authorityHost: emulator.authorityHost });
  credential = newCredential();
  const arm = createMachineLearningClient(
    credential,
    { cloud, subscriptionId: emulator.subscriptionId },
    { step: 'register-model', host: 'local', tlsOptions: emulator.tlsOptions },
  );
  const ws = await arm.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
  trackingUri = ws.mlFlowTrackingUri ?? '';
  tracking = reader();

  // A pipeline job with two steps, as the job runner would record it.
  const t0 = Date.now() - 60_000;
  emulator.mlflow.createRun({
    workspaceId: emulator.workspaceId,
    runId: 'pipeline-job-1',
    experimentName: 'weather',
    startTime: t0,
  });
  emulator.mlflow.createRun({
    workspaceId: emulator.workspaceId,
    runId: 'pipeline-job-1-train',
    experimentName: 'weather',
    parentRunId: 'pipeline-job-1',
    startTime: t0 + 2000,
    tags: { 'azureml.nodeid': 'train' },
  });
  emulator.mlflow.createRun({
    workspaceId: emulator.workspaceId,
    runId: 'pipeline-job-1-prep',
    experimentName: 'weather',
    parentRunId: 'pipeline-job-1',
    startTime: t0 + 1000,
  });
  emulator.mlflow.createRun({
    workspaceId: emulator.workspaceId,
    runId: 'other-job',
    experimentName: 'weather',
    startTime: t0 + 3000,
  });
  for (const [step, value] of [0.9, 0.6, 0.4].entries()) {
    emulator.mlflow.logMetric('pipeline-job-1-train', 'rmse', value, step, t0 + 10_000 + step);
  }
  emulator.mlflow.logMetric('pipeline-job-1-train', 'r2', 0.81);
  emulator.mlflow.setRunStatus('pipeline-job-1-train', 'FINISHED');
});

afterAll(() => emulator?.close());

describe('discovery', () => {
  it("answers the workspace's discoveryUrl with the regional services, all on the emulator", async () => {
    const { status, body } = await call('GET', `${emulator.armUrl}/discovery`);
    expect(status).toBe(200);
    for (const key of [
      'api',
      'experimentation',
      'history',
      'modelmanagement',
      'pipelines',
      'studiocoreservices',
    ]) {
      expect(body[key]).toBe(emulator.armUrl);
    }
  });
});

describe('reading runs with the shared client', () => {
  it('turns the azureml:// tracking URI into the https MLflow base', () => {
    expect(trackingUri).toMatch(/^azureml:\/\//);
    expect(tracking.baseUrl).toBe(`${emulator.armUrl}/mlflow/v1.0${emulator.workspaceId}/api/2.0/mlflow`);
  });

  it('reads the latest metric values and the history of one metric, with a token for the ML scope', async () => {
    const result = await tracking.readRunMetrics('pipeline-job-1-train');
    expect(result.metrics).toEqual({ rmse: 0.4, r2: 0.81 });
    expect(result.run).toMatchObject({
      runId: 'pipeline-job-1-train',
      status: 'FINISHED',
      tags: { 'mlflow.parentRunId': 'pipeline-job-1', 'azureml.nodeid': 'train' },
    });
    expect(result.run.endTime).toEqual(expect.any(Number));
    const history = await result.metricHistory('rmse');
    expect(history.map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.6],
      [2, 0.4],
    ]);
    await expect(result.metricHistory('missing')).resolves.toEqual([]);

    const [get] = emulator.received('GET', /\/api\/2\.0\/mlflow\/runs\/get$/).slice(-1);
    expect(get?.query).toEqual({ run_id: 'pipeline-job-1-train' });
    expect(String(get?.headers['user-agent'])).toContain('azureml-steps/');
    const token = String(get?.headers.authorization).replace(/^Bearer /, '');
    expect(emulator.aad.verifyToken(token, ['https://ml.azure.com'])).toMatchObject({ ok: true });
  });

  it('reads a run without metrics (MLflow leaves empty lists out)', async () => {
    const run = await tracking.getRun('other-job');
    expect(run).toMatchObject({ runId: 'other-job', status: 'RUNNING', metrics: {}, params: {} });
  });

  it('finds the child runs of a pipeline job, oldest first', async () => {
    const children = await tracking.searchChildRuns('pipeline-job-1');
    expect(children.map((r) => r.runId)).toEqual(['pipeline-job-1-prep', 'pipeline-job-1-train']);
    const [search] = emulator.received('POST', /\/runs\/search$/).slice(-1);
    expect(search?.body).toMatchObject({ filter: "tags.mlflow.parentRunId = 'pipeline-job-1'" });
  });

  it('pages through search results', async () => {
    const token = await mlToken();
    const experiment = await call('GET', `${api('experiments/get-by-name')}?experiment_name=weather`, {
      token,
    });
    const experimentId = (experiment.body['experiment'] as { experiment_id: string }).experiment_id;
    const first = await call('POST', api('runs/search'), {
      token,
      body: { experiment_ids: [experimentId], max_results: 3, order_by: ['attributes.start_time ASC'] },
    });
    expect((first.body['runs'] as unknown[]).length).toBe(3);
    const second = await call('POST', api('runs/search'), {
      token,
      body: {
        experiment_ids: [experimentId],
        max_results: 3,
        order_by: ['attributes.start_time ASC'],
        page_token: first.body['next_page_token'],
      },
    });
    expect(second.body['runs']).toHaveLength(1);
    expect(second.body['next_page_token']).toBeUndefined();
  });

  it('reports a missing run as a RunNotFoundError naming it', async () => {
    const failure = tracking.readRunMetrics('no-such-job');
    await expect(failure).rejects.toThrow(RunNotFoundError);
    await expect(failure).rejects.toMatchObject({
      runId: 'no-such-job',
      statusCode: 404,
      message: expect.stringContaining("MLflow run 'no-such-job' was not found"),
    });
  });

  it('reports a missing role on the workspace as an AzureError with the fix', async () => {
    const app = emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: 'no-role-app',
      secret: 's3cret',
    });
    const failure = reader(newCredential(app.clientId, 's3cret')).getRun('other-job');
    await expect(failure).rejects.toThrow(AzureError);
    await expect(failure).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      statusCode: 403,
      message: expect.stringContaining('AzureML Data Scientist'),
    });
  });
});

describe('writing runs over MLflow REST', () => {
  it('creates a run, logs metrics, params and tags, updates it, and reads it back', async () => {
    const token = await mlToken();
    const created = await call('POST', api('runs/create'), {
      token,
      body: { run_name: 'local-run', start_time: Date.now(), tags: [{ key: 'team', value: 'weather' }] },
    });
    expect(created.status).toBe(200);
    const runId = (created.body['run'] as { info: { run_id: string } }).info.run_id;
    const t = Date.now();
    expect(
      (
        await call('POST', api('runs/log-metric'), {
          token,
          body: { run_id: runId, key: 'acc', value: 0.5, timestamp: t },
        })
      ).status,
    ).toBe(200);
    const batch = await call('POST', api('runs/log-batch'), {
      token,
      body: {
        run_id: runId,
        metrics: [
          { key: 'acc', value: 0.7, timestamp: t + 1, step: 1 },
          { key: 'loss', value: 'NaN', timestamp: t + 1, step: 1 },
        ],
        params: [{ key: 'lr', value: '0.01' }],
        tags: [{ key: 'stage', value: 'dev' }],
      },
    });
    expect(batch).toEqual({ status: 200, body: {} });
    await call('POST', api('runs/set-tag'), { token, body: { run_id: runId, key: 'owner', value: 'ci' } });
    const updated = await call('POST', api('runs/update'), {
      token,
      body: { run_id: runId, status: 'FINISHED', end_time: t + 5 },
    });
    expect(updated.body['run_info']).toMatchObject({ run_id: runId, status: 'FINISHED', end_time: t + 5 });

    const run = await tracking.getRun(runId);
    expect(run.runName).toBe('local-run');
    expect(run.metrics['acc']).toBe(0.7);
    expect(run.metrics['loss']).toBeNaN();
    expect(run.params).toEqual({ lr: '0.01' });
    expect(run.tags).toMatchObject({
      team: 'weather',
      stage: 'dev',
      owner: 'ci',
      'mlflow.runName': 'local-run',
    });
    expect(emulator.mlflow.getRun(runId)).toMatchObject({ info: { user_id: emulator.clientId } });
  });

  it('answers errors as MLflow does', async () => {
    const token = await mlToken();
    expect(await call('GET', `${api('runs/get')}?run_id=nope`, { token })).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=nope not found' },
    });
    expect(
      await call('GET', `${api('experiments/get-by-name')}?experiment_name=nope`, { token }),
    ).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(
      await call('POST', api('runs/log-metric'), {
        token,
        body: { run_id: 'other-job', key: 'a', value: 1 },
      }),
    ).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('timestamp') },
    });
    expect(
      await call('POST', api('runs/search'), {
        token,
        body: { experiment_ids: ['x'], filter: 'tags.a ~ 1' },
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    emulator.mlflow.logParam('other-job', 'seed', '1');
    expect(
      await call('POST', api('runs/log-batch'), {
        token,
        body: { run_id: 'other-job', params: [{ key: 'seed', value: '2' }] },
      }),
    ).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('Changing param values is not allowed') },
    });
    expect(await call('GET', api('runs/unknown'), { token })).toMatchObject({
      status: 404,
      body: { error_code: 'ENDPOINT_NOT_FOUND' },
    });
  });
});

describe('authentication', () => {
  it('refuses a missing token, a token for another audience, and an expired one with 401', async () => {
    const url = `${api('runs/get')}?run_id=other-job`;
    expect(await call('GET', url)).toMatchObject({ status: 401, body: { error_code: 'UNAUTHENTICATED' } });
    const storage = (await credential.getToken('https://storage.azure.com/.default')).token;
    expect(await call('GET', url, { token: storage })).toMatchObject({
      status: 401,
      body: { error_code: 'UNAUTHENTICATED', message: expect.stringContaining('https://storage.azure.com') },
    });
    const expired = emulator.aad.issueToken({
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      audience: 'https://ml.azure.com/',
      expiresInSeconds: -60,
    });
    expect(await call('GET', url, { token: expired })).toMatchObject({ status: 401 });
  });

  it('accepts an ARM token, as the real service does', async () => {
    const arm = (await credential.getToken('https://management.azure.com/.default')).token;
    expect((await call('GET', `${api('runs/get')}?run_id=other-job`, { token: arm })).status).toBe(200);
  });

  it('keeps ARM closed to data-plane tokens', async () => {
    const ml = await mlToken();
    const ws = await call('GET', `${emulator.armUrl}${emulator.workspaceId}?api-version=2022-10-01`, {
      token: ml,
    });
    expect(ws).toMatchObject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } });
  });

  it('fails a wrong-audience reader with an AzureError', async () => {
    const wrongCloud = { ...cloud, mlScope: 'https://storage.azure.com/.default' };
    const wrong = new MlflowTrackingClient(credential, wrongCloud, trackingUri, {
      step: 'x',
      host: 'local',
      tlsOptions: emulator.tlsOptions,
      retryOptions: { maxRetries: 0 },
    });
    await expect(wrong.getRun('other-job')).rejects.toMatchObject({ name: 'AzureError', statusCode: 401 });
  });
});

describe('search filter subset', () => {
  it.each([
    ["tags.mlflow.parentRunId = 'p'", [{ entity: 'tags', key: 'mlflow.parentRunId', op: '=', value: 'p' }]],
    [
      'metrics.rmse < 0.5 and tags."a key" != \'x\'',
      [
        { entity: 'metrics', key: 'rmse', op: '<', value: 0.5 },
        { entity: 'tags', key: 'a key', op: '!=', value: 'x' },
      ],
    ],
    ["attributes.status = 'FINISHED'", [{ entity: 'attributes', key: 'status', op: '=', value: 'FINISHED' }]],
    ["run_name LIKE 'train%'", [{ entity: 'attributes', key: 'run_name', op: 'LIKE', value: 'train%' }]],
  ])('%s', (filter, clauses) => {
    expect(parseFilter(filter)).toEqual(clauses);
  });

  it.each(["tags.a = 'x' or tags.b = 'y'", "metrics.a = 'x'", "nothing = 'x'", "tags.a = 'x"])(
    'refuses %s',
    (filter) => {
      expect(() => parseFilter(filter)).toThrow(SearchSyntaxError);
    },
  );
});
