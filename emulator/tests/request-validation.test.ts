/**
 * Strict request validation (`arm/validation/`): one bad request per rule, each refused with its documented 400
 * body, and the good requests still accepted. Raw JSON over HTTPS: the SDK's serializer would drop or reshape
 * what these requests get wrong.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { requestJson } from './test-clients';

let emulator: Emulator;
let token: string;
let environmentId: string;
let computeId: string;
let codeId: string;

/** A path below the workspace, or (starting with `/subscriptions`) any ARM path. */
const url = (path: string, apiVersion = '2022-10-01') =>
  `${emulator.armUrl}${path.startsWith('/subscriptions') ? '' : emulator.workspaceId}${path}?api-version=${apiVersion}`;

const rgPath = () => `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}`;
const groupPath = (name: string) =>
  `${rgPath()}/providers/Microsoft.ContainerInstance/containerGroups/${name}`;
const extensionPath = (name: string) =>
  `${rgPath()}/providers/Microsoft.ContainerService/managedClusters/aks/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;

/** A container group as the deploy step writes one (2023-05-01). */
const containerGroup = (properties: Record<string, unknown> = {}) => ({
  location: emulator.location,
  properties: {
    osType: 'Linux',
    containers: [
      {
        name: 'scorer',
        properties: { image: 'nginx', resources: { requests: { cpu: 1, memoryInGB: 1.5 } }, ...properties },
      },
    ],
  },
});

const extension = (extra: Record<string, unknown> = {}) => ({
  properties: { extensionType: 'Microsoft.AzureML.Kubernetes', autoUpgradeMinorVersion: true },
  ...extra,
});

function send(method: string, path: string, body?: unknown, apiVersion?: string) {
  return requestJson(emulator, method, url(path, apiVersion), { token, body });
}

/** PUT, then polls the operation (if any) until it is no longer in progress. */
async function putAndWait(path: string, body: unknown, apiVersion?: string) {
  const reply = await send('PUT', path, body, apiVersion);
  expect(reply.status).toBeLessThan(300);
  // Operations take (scaled) time whether or not anyone polls: poll until done, for at most 20 s.
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const status = await send('GET', path, undefined, apiVersion);
    const state = (status.body['properties'] as Record<string, unknown> | undefined)?.['provisioningState'];
    if (state !== 'Creating' && state !== 'Updating') return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path} did not finish`);
}

const endpoint = (properties: Record<string, unknown>) => ({
  location: emulator.location,
  identity: { type: 'SystemAssigned' },
  properties: { authMode: 'Key', ...properties },
});

const deployment = (properties: Record<string, unknown> = {}) => ({
  location: emulator.location,
  properties: {
    endpointComputeType: 'Managed',
    instanceType: 'Standard_DS3_v2',
    environmentId,
    ...properties,
  },
  sku: { name: 'Default', capacity: 1 },
});

const commandJob = (properties: Record<string, unknown> = {}) => ({
  properties: { jobType: 'Command', command: 'python train.py', environmentId, computeId, ...properties },
});

/** A Spark job as azure-ai-ml sends one (SparkJob._to_rest_object: camelCase REST, serverless resources). */
const sparkJob = (properties: Record<string, unknown> = {}) => ({
  properties: {
    jobType: 'Spark',
    codeId,
    entry: { sparkJobEntryType: 'SparkJobPythonEntry', file: 'main.py' },
    conf: { 'spark.driver.cores': '1', 'spark.executor.instances': '2' },
    args: '--data ${{inputs.data}}',
    pyFiles: ['utils.py'],
    inputs: { data: { jobInputType: 'uri_file', uri: 'azureml://datastores/d/paths/p.csv', mode: 'Direct' } },
    resources: { instanceType: 'standard_e4s_v3', runtimeVersion: '3.3' },
    identity: { identityType: 'UserIdentity' },
    queueSettings: { jobTier: 'Standard' },
    ...properties,
  },
});

/** An AutoML classification job as azure-ai-ml sends one (AutoMLJob: taskDetails with an MLTable input). */
const automlJob = (task: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) => ({
  properties: {
    jobType: 'AutoML',
    computeId,
    taskDetails: {
      taskType: 'Classification',
      targetColumnName: 'y',
      primaryMetric: 'Accuracy',
      trainingData: { jobInputType: 'mltable', uri: 'azureml://datastores/d/paths/train/' },
      limitSettings: { maxTrials: 2, timeout: 'PT1H' },
      ...task,
    },
    outputs: { best_model: { jobOutputType: 'mlflow_model', mode: 'Upload' } },
    queueSettings: { jobTier: 'Spot' },
    ...properties,
  },
});

beforeAll(async () => {
  emulator = await startEmulator();
  token = emulator.aad.issueToken({ tenantId: emulator.tenantId, clientId: emulator.clientId });
  // GETs of the resource advance its operation in this style (no operation URL to follow).
  for (const type of ['onlineEndpoints', 'deployments'])
    emulator.lro.setTypeDefaults(type, { style: 'provisioning-state', retryAfterSeconds: 0 });
  environmentId = emulator.assets.addAssetVersion(emulator.workspaceId, 'environments', 'env', '1', {
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04',
  }).id;
  computeId = emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu').id;
  codeId = emulator.assets.addAssetVersion(emulator.workspaceId, 'codes', 'src', '1', {
    codeUri: 'https://x/y',
  }).id;
  emulator.aks.createCluster({ name: 'aks' });
  await putAndWait('/onlineEndpoints/ep', endpoint({}));
  await putAndWait('/onlineEndpoints/ep/deployments/blue', deployment());
  await putAndWait('/onlineEndpoints/ep/deployments/green', deployment());
});

afterAll(async () => {
  await emulator?.close();
});

interface BadCase {
  rule: string;
  path: string;
  body: () => unknown;
  apiVersion?: string;
  /** `details[].target` expected (Azure ML `UserError`), or the ARM error code. */
  target?: string;
  code?: string;
  message: string | RegExp;
}

const cases: BadCase[] = [
  {
    rule: 'enum (input mode)',
    path: '/jobs/bad-input-mode',
    body: () =>
      commandJob({ inputs: { data: { jobInputType: 'uri_folder', uri: 'azureml://x', mode: 'ro_mount' } } }),
    target: 'properties.inputs.data.mode',
    message: /'ro_mount' is not one of ReadOnlyMount, ReadWriteMount, Download, Direct/,
  },
  {
    rule: 'enum (output mode Direct at 2022-10-01)',
    path: '/jobs/bad-output-mode',
    body: () => commandJob({ outputs: { model: { jobOutputType: 'uri_folder', mode: 'Direct' } } }),
    target: 'properties.outputs.model.mode',
    message: "properties.outputs.model.mode: 'Direct' is not one of ReadWriteMount, Upload",
  },
  {
    rule: 'extensible enum (authMode)',
    path: '/onlineEndpoints/bogus',
    body: () => endpoint({ authMode: 'Bogus' }),
    target: 'properties.authMode',
    message: "properties.authMode: 'Bogus' is not one of AMLToken, Key, AADToken",
  },
  {
    rule: 'required (command)',
    path: '/jobs/no-command',
    body: () => ({ properties: { jobType: 'Command', environmentId } }),
    target: 'properties.command',
    message: 'properties.command: is required',
  },
  {
    rule: 'required discriminator (endpointComputeType)',
    path: '/onlineEndpoints/ep/deployments/no-type',
    body: () => ({ location: emulator.location, properties: { environmentId } }),
    target: 'properties.endpointComputeType',
    message: 'properties.endpointComputeType: is required',
  },
  {
    rule: 'discriminator value (jobInputType)',
    path: '/jobs/bad-input-type',
    body: () => commandJob({ inputs: { data: { jobInputType: 'UriFolder', uri: 'azureml://x' } } }),
    target: 'properties.inputs.data.jobInputType',
    message: /'UriFolder' is not one of .*uri_folder/,
  },
  {
    rule: 'required discriminator (jobLimitsType)',
    path: '/jobs/limits-without-type',
    body: () => commandJob({ limits: { timeout: 'PT1H' } }),
    target: 'properties.limits.jobLimitsType',
    message: 'properties.limits.jobLimitsType: is required',
  },
  {
    rule: 'type (number)',
    path: '/onlineEndpoints/ep/deployments/bad-count',
    body: () => ({ ...deployment(), sku: { name: 'Default', capacity: 'one' } }),
    target: 'sku.capacity',
    message: "sku.capacity: expects a number but got 'one'",
  },
  {
    rule: 'type (duration)',
    path: '/jobs/bad-timeout',
    body: () => commandJob({ limits: { jobLimitsType: 'Command', timeout: 'one hour' } }),
    target: 'properties.limits.timeout',
    message: "properties.limits.timeout: expects an ISO 8601 duration but got 'one hour'",
  },
  {
    rule: 'name pattern',
    path: '/onlineEndpoints/-bad.name',
    body: () => endpoint({}),
    target: 'endpointName',
    message: "endpointName: '-bad.name' does not match the pattern ^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$",
  },
  {
    rule: 'name length',
    path: `/codes/${'c'.repeat(256)}/versions/1`,
    body: () => ({ properties: { codeUri: 'https://x/y' } }),
    target: 'name',
    message: /^name: 'c{256}' does not match the pattern/,
  },
  {
    rule: 'traffic sums to 100',
    path: '/onlineEndpoints/ep',
    body: () => endpoint({ traffic: { blue: 100, green: 50 } }),
    target: 'properties.traffic',
    message: 'properties.traffic: values sum to 150; they must sum to 100 (or all be 0)',
  },
  {
    rule: 'traffic only to existing deployments',
    path: '/onlineEndpoints/ep',
    body: () => endpoint({ traffic: { a: 100 } }),
    target: 'properties.traffic.a',
    message: "properties.traffic.a: deployment 'a' does not exist under this endpoint",
  },
  {
    rule: 'mirror traffic at most 50',
    path: '/onlineEndpoints/ep',
    apiVersion: '2024-04-01',
    body: () => endpoint({ traffic: { blue: 100 }, mirrorTraffic: { green: 80 } }),
    target: 'properties.mirrorTraffic',
    message: 'properties.mirrorTraffic: values sum to 80; at most 50 may be mirrored',
  },
  {
    rule: 'mirror traffic only to existing deployments',
    path: '/onlineEndpoints/ep',
    apiVersion: '2024-04-01',
    body: () => endpoint({ traffic: { blue: 100 }, mirrorTraffic: { b: 10 } }),
    target: 'properties.mirrorTraffic.b',
    message: "properties.mirrorTraffic.b: deployment 'b' does not exist under this endpoint",
  },
  {
    rule: 'mirror traffic not to a deployment with live traffic',
    path: '/onlineEndpoints/ep',
    apiVersion: '2024-04-01',
    body: () => endpoint({ traffic: { blue: 100 }, mirrorTraffic: { blue: 10 } }),
    target: 'properties.mirrorTraffic.blue',
    message: /deployment 'blue' takes live traffic/,
  },
  {
    rule: 'ACI enum (restartPolicy)',
    path: 'aci',
    apiVersion: '2023-05-01',
    body: () => ({
      ...containerGroup(),
      properties: { ...containerGroup().properties, restartPolicy: 'Sometimes' },
    }),
    code: 'InvalidRequestContent',
    target: 'properties.restartPolicy',
    message:
      "The request content was invalid: properties.restartPolicy: 'Sometimes' is not one of Always, OnFailure, Never",
  },
  {
    rule: 'ACI required (environment variable name)',
    path: 'aci',
    apiVersion: '2023-05-01',
    body: () => containerGroup({ environmentVariables: [{ value: 'x' }] }),
    code: 'InvalidRequestContent',
    target: 'properties.containers[0].properties.environmentVariables[0].name',
    message:
      'The request content was invalid: properties.containers[0].properties.environmentVariables[0].name: is required',
  },
  {
    rule: 'extension enum (aksAssignedIdentity.type)',
    path: 'extension',
    apiVersion: '2023-05-01',
    body: () =>
      extension({ properties: { ...extension().properties, aksAssignedIdentity: { type: 'Bogus' } } }),
    code: 'InvalidRequestContent',
    target: 'properties.aksAssignedIdentity.type',
    message:
      "The request content was invalid: properties.aksAssignedIdentity.type: 'Bogus' is not one of SystemAssigned, UserAssigned",
  },
  {
    rule: 'extension required (plan.publisher)',
    path: 'extension',
    apiVersion: '2023-05-01',
    body: () => extension({ plan: { name: 'p', product: 'q' } }),
    code: 'InvalidRequestContent',
    target: 'plan.publisher',
    message: 'The request content was invalid: plan.publisher: is required',
  },
  {
    rule: 'discriminator value (jobType Spark at 2022-10-01: SparkJob is not defined)',
    path: '/jobs/spark-too-early',
    body: () => sparkJob(),
    target: 'properties.jobType',
    message: "properties.jobType: 'Spark' is not one of AutoML, Command, Pipeline, Sweep",
  },
  {
    rule: 'required (Spark entry, 2025-12-01)',
    path: '/jobs/spark-no-entry',
    apiVersion: '2025-12-01',
    body: () => sparkJob({ entry: undefined }),
    target: 'properties.entry',
    message: 'properties.entry: is required',
  },
  {
    rule: 'required (Spark Python entry file, 2025-12-01)',
    path: '/jobs/spark-no-file',
    apiVersion: '2025-12-01',
    body: () => sparkJob({ entry: { sparkJobEntryType: 'SparkJobPythonEntry' } }),
    target: 'properties.entry.file',
    message: 'properties.entry.file: is required',
  },
  {
    rule: 'discriminator value (sparkJobEntryType, 2025-12-01)',
    path: '/jobs/spark-bad-entry',
    apiVersion: '2025-12-01',
    body: () => sparkJob({ entry: { sparkJobEntryType: 'SparkJobREntry', file: 'main.R' } }),
    target: 'properties.entry.sparkJobEntryType',
    message:
      "properties.entry.sparkJobEntryType: 'SparkJobREntry' is not one of SparkJobPythonEntry, SparkJobScalaEntry",
  },
  {
    rule: 'enum (queueSettings.jobTier, 2025-12-01)',
    path: '/jobs/bad-tier',
    apiVersion: '2025-12-01',
    body: () => commandJob({ queueSettings: { jobTier: 'Gold' } }),
    target: 'properties.queueSettings.jobTier',
    message: "properties.queueSettings.jobTier: 'Gold' is not one of Null, Spot, Basic, Standard, Premium",
  },
  {
    rule: 'enum (notificationSetting.emailOn, 2025-12-01)',
    path: '/jobs/bad-email-on',
    apiVersion: '2025-12-01',
    body: () => commandJob({ notificationSetting: { emailOn: ['JobStarted'] } }),
    target: 'properties.notificationSetting.emailOn[0]',
    message:
      "properties.notificationSetting.emailOn[0]: 'JobStarted' is not one of JobCompleted, JobFailed, JobCancelled",
  },
  {
    rule: 'required (AutoML trainingData, 2025-12-01)',
    path: '/jobs/automl-no-data',
    apiVersion: '2025-12-01',
    body: () => automlJob({ trainingData: undefined }),
    target: 'properties.taskDetails.trainingData',
    message: 'properties.taskDetails.trainingData: is required',
  },
  {
    rule: 'required (AutoML taskDetails, 2025-12-01)',
    path: '/jobs/automl-no-task',
    apiVersion: '2025-12-01',
    body: () => ({ properties: { jobType: 'AutoML', computeId } }),
    target: 'properties.taskDetails',
    message: 'properties.taskDetails: is required',
  },
  {
    rule: 'unsupported api-version (date)',
    path: '/onlineEndpoints/ep',
    apiVersion: '2099-01-01',
    body: () => endpoint({}),
    code: 'NoRegisteredProviderFound',
    message:
      "No registered resource provider found for location 'westeurope' and API version '2099-01-01' for type " +
      "'workspaces/onlineEndpoints'. The supported api-versions are '2022-10-01, 2023-04-01, 2024-04-01, " +
      "2025-12-01'. The supported locations are 'westeurope'.",
  },
  {
    rule: 'unsupported api-version (not a date)',
    path: '/jobs/x',
    apiVersion: 'abc',
    body: () => commandJob(),
    code: 'NoRegisteredProviderFound',
    message: /API version 'abc' for type 'workspaces\/jobs'/,
  },
];

describe('strict request validation', () => {
  it.each(cases)('refuses: $rule', async ({ path, body, apiVersion, target, code, message }) => {
    const full =
      path === 'aci' ? groupPath('cg-bad') : path === 'extension' ? extensionPath('ext-bad') : path;
    const reply = await send('PUT', full, body(), apiVersion);
    expect(reply.status).toBe(400);
    const error = reply.body['error'] as { code: string; message: string; details?: unknown[] };
    if (code) {
      expect(error.code).toBe(code);
      expect(error.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
      if (target) expect(error.details).toEqual([expect.objectContaining({ code, target })]);
      return;
    }
    expect(error).toMatchObject({ code: 'UserError', innerError: { code: 'BadArgument' } });
    expect(error.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(error.details).toEqual([
      expect.objectContaining({
        code: 'BadArgument',
        target,
        message: expect.stringContaining(`${target}:`),
      }),
    ]);
    expect(reply.body).toMatchObject({ componentName: 'managementfrontend', location: emulator.location });
  });

  it('refuses a GET at an unsupported api-version too, and answers the supported ones', async () => {
    expect((await send('GET', '/onlineEndpoints/ep', undefined, '2099-01-01')).status).toBe(400);
    for (const version of ['2022-10-01', '2023-04-01', '2024-04-01'])
      expect((await send('GET', '/onlineEndpoints/ep', undefined, version)).status).toBe(200);
  });

  it('lists every problem of a body, each with its JSON path', async () => {
    const reply = await send('PUT', '/jobs/many', { properties: { jobType: 'Command', command: 1 } });
    const error = reply.body['error'] as { message: string; details: { target: string }[] };
    expect(error.details.map((d) => d.target)).toEqual(['properties.command', 'properties.environmentId']);
    expect(error.message).toBe(
      'The request is invalid: properties.command: expects a string but got number 1; properties.environmentId: is required',
    );
  });

  it('accepts good requests: read-only properties ignored, traffic and mirror traffic as documented', async () => {
    const job = await send('PUT', '/jobs/good', {
      properties: {
        ...commandJob().properties,
        status: 'Completed', // read-only: ignored, whatever its value
        services: { Studio: { status: 42 } }, // read-only member (JobService.status): not checked
        inputs: {
          data: { jobInputType: 'uri_folder', uri: 'azureml://datastores/d/paths/p', mode: 'ReadOnlyMount' },
        },
        outputs: { model: { jobOutputType: 'uri_folder', mode: 'Upload' } },
        limits: { jobLimitsType: 'Command', timeout: 'PT1H' },
      },
    });
    expect(job.status).toBe(201);
    expect((await send('PUT', '/onlineEndpoints/ep2', endpoint({ provisioningState: 'Bogus' }))).status).toBe(
      201,
    );
    await putAndWait('/onlineEndpoints/ep', endpoint({ traffic: { blue: 100, green: 0 } }));
    await putAndWait('/onlineEndpoints/ep', endpoint({ traffic: { blue: 0, green: 0 } }));
    const mirrored = await putAndWait(
      '/onlineEndpoints/ep',
      endpoint({ traffic: { blue: 100 }, mirrorTraffic: { green: 50 } }),
      '2024-04-01',
    );
    expect(mirrored.body['properties']).toMatchObject({ mirrorTraffic: { green: 50 } });
  });

  it('accepts output mode Direct from 2025-12-01 on (per-version differences are data)', async () => {
    const body = commandJob({ outputs: { model: { jobOutputType: 'uri_folder', mode: 'Direct' } } });
    expect((await send('PUT', '/jobs/direct-later', body, '2025-12-01')).status).toBe(201);
  });

  it('accepts Spark, AutoML and queue settings at 2025-12-01 as azure-ai-ml sends them', async () => {
    for (const [name, body] of [
      ['spark-good', sparkJob()],
      [
        'spark-scala',
        sparkJob({ entry: { sparkJobEntryType: 'SparkJobScalaEntry', className: 'a.b.Main' } }),
      ],
      ['automl-good', automlJob()],
      [
        'command-queued',
        commandJob({
          computeId: undefined,
          resources: { instanceType: 'Standard_E4s_v3', instanceCount: 1, shmSize: '2g' },
          queueSettings: { jobTier: 'Premium' },
          notificationSetting: {
            emailOn: ['JobFailed'],
            emails: ['team@example.com'],
            webhooks: { ado: { webhookType: 'AzureDevOps', eventType: 'JobCompleted' } },
          },
          services: { ssh: { jobServiceType: 'SSH', nodes: { nodesValueType: 'All' } } },
        }),
      ],
    ] as const) {
      const reply = await send('PUT', `/jobs/${name}`, body, '2025-12-01');
      expect({ name, status: reply.status, error: reply.body['error'] }).toEqual({
        name,
        status: 201,
        error: undefined,
      });
    }
  });

  it('does not read queueSettings before 2025-12-01 (the derived 2022-10-01 models lack it): ignored', async () => {
    const body = commandJob({ queueSettings: { jobTier: 'Gold' } });
    expect((await send('PUT', '/jobs/tier-ignored', body, '2022-10-01')).status).toBe(201);
    expect((await send('PUT', '/jobs/tier-read', body, '2025-12-01')).status).toBe(400);
  });

  it('lets strict mode be turned off', async () => {
    emulator.arm.strict = false;
    try {
      expect((await send('PUT', '/jobs/lenient', commandJob({ limits: {} }), '2099-01-01')).status).toBe(201);
    } finally {
      emulator.arm.strict = true;
    }
  });

  it('accepts good container group and extension bodies (flattened properties read where they nest)', async () => {
    const group = containerGroup({ environmentVariables: [{ name: 'A', value: 'x' }] });
    expect((await send('PUT', groupPath('cg-good'), group, '2023-05-01')).status).toBeLessThan(300);
    const ext = extension({
      properties: { ...extension().properties, scope: { cluster: { releaseNamespace: 'azureml' } } },
    });
    expect((await send('PUT', extensionPath('ext-good'), ext, '2023-05-01')).status).toBeLessThan(300);
  });

  it('reads a deployment dataCollector from 2025-12-01 on: accepted there, ignored before, a bad one refused', async () => {
    // As the deploy step sends it for data_collector.collections (azure-ai-ml's DataCollector._to_rest_object).
    const dataCollector = {
      collections: {
        model_inputs: { dataCollectionMode: 'Enabled', dataId: `${emulator.workspaceId}/data/in/versions/1` },
        model_outputs: { dataCollectionMode: 'Disabled', samplingRate: 0.5, clientId: 'c' },
      },
      rollingRate: 'Hour',
      requestLogging: { captureHeaders: ['x-request-id'] },
    };
    const read = await putAndWait(
      '/onlineEndpoints/ep/deployments/mdc',
      deployment({ dataCollector }),
      '2025-12-01',
    );
    expect(read.body['properties']).toMatchObject({ dataCollector });
    for (const version of ['2022-10-01', '2024-04-01']) {
      const ignored = await putAndWait(
        '/onlineEndpoints/ep/deployments/mdc',
        deployment({ dataCollector }),
        version,
      );
      expect(ignored.body['properties']).not.toHaveProperty('dataCollector');
    }
    const bad = {
      collections: { model_inputs: { dataCollectionMode: 'Enabled', samplingRate: 'all' } },
      rollingRate: 3,
    };
    const refused = await send(
      'PUT',
      '/onlineEndpoints/ep/deployments/mdc',
      deployment({ dataCollector: bad }),
      '2025-12-01',
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(
      'properties.dataCollector.collections.model_inputs.samplingRate',
    );
    expect(JSON.stringify(refused.body)).toContain('properties.dataCollector.rollingRate');
    const missing = await send(
      'PUT',
      '/onlineEndpoints/ep/deployments/mdc',
      deployment({ dataCollector: {} }),
      '2025-12-01',
    );
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('properties.dataCollector.collections');
  });

  it('ignores mirrorTraffic at 2022-10-01 (the version does not define it): no rules, no mirroring', async () => {
    // 80 % mirrored to a deployment with live traffic breaks every mirror rule; at 2022-10-01 it is not read.
    const ignored = await putAndWait(
      '/onlineEndpoints/ep',
      endpoint({ traffic: { blue: 100 }, mirrorTraffic: { blue: 80 } }),
      '2022-10-01',
    );
    expect(ignored.body['properties']).not.toHaveProperty('mirrorTraffic');
    const refused = await send(
      'PUT',
      '/onlineEndpoints/ep',
      endpoint({ traffic: { blue: 100 }, mirrorTraffic: { blue: 80 } }),
      '2023-04-01',
    );
    expect(refused.status).toBe(400);
  });

  it('keeps the derived models in step with the SDKs (derive-schema --check)', () => {
    const script = join(__dirname, '../arm/validation/derive-schema.ts');
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', script, '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
