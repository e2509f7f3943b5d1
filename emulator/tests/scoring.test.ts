/**
 * Real local scoring behind the emulator (README "Scoring"), through the real SDKs: online endpoints and
 * deployments (@azure/arm-machinelearning) serving the weather model with examples/weather/score/score.py over
 * HTTPS, and an ACI container group (@azure/arm-containerinstance) fed through a read-only SAS.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerInstanceManagementClient, type ContainerGroup } from '@azure/arm-containerinstance';
import { AzureMachineLearningWorkspaces, type OnlineDeployment } from '@azure/arm-machinelearning';
import {
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { python3Interpreter } from '../python-interpreter';
import { freePort, InferenceServer } from '../scoring/inference-process';
import { authorize, NO_VALID_DEPLOYMENTS, route } from '../scoring/routing';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential } from './test-clients';
import { scratchFolder } from '../../tests/harness/scratch-folders';

const repo = join(__dirname, '..', '..');
const twoRows = readFileSync(join(repo, 'examples/weather/requests/two-rows.json'), 'utf8');
const truncated = readFileSync(join(repo, 'examples/weather/requests/truncated.json'), 'utf8');
const scoreScript = readFileSync(join(repo, 'examples/weather/score/score.py'), 'utf8');
const BROKEN_SCORE = `
def init():
    print("loading the model")
    raise RuntimeError("model.pkl is corrupt")

def run(raw_data):
    return []
`;

let emulator: Emulator;
let client: AzureMachineLearningWorkspaces;
let aci: ContainerInstanceManagementClient;
let rg: string;
let ws: string;
let datastore: ContainerClient;
let modelFolder: string;
let modelId: string;
let codeId: string;
let brokenCodeId: string;
const modelPrefix = 'azureml/weather-train/outputs/model';
let codePrefix: string;

const poll = { updateIntervalInMs: 0 };

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One HTTP(S) request trusting the emulator CA; rejects on connection errors (e.g. ECONNREFUSED). */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const { method = 'POST', headers = {}, body } = options;
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = send(
      url,
      { method, ca: emulator.caPem, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether connections to `url` are refused, within 5 s. */
async function refused(url: string): Promise<boolean> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    const error = await call(url, { method: 'GET' }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    if (error?.code === 'ECONNREFUSED') return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function upload(path: string, text: string): Promise<void> {
  await datastore.getBlockBlobClient(path).upload(text, Buffer.byteLength(text));
}

/** Uploads a scoring script as the CLI uploads code (`LocalUpload/<hash>/<folder>`) and registers it. */
async function createCode(name: string, script: string): Promise<{ id: string; prefix: string }> {
  const prefix = `LocalUpload/${randomBytes(16).toString('hex')}/score`;
  await upload(`${prefix}/score.py`, script);
  const code = await client.codeVersions.createOrUpdate(rg, ws, name, '1', {
    properties: { codeUri: `${datastore.url}/${prefix}` },
  });
  return { id: code.id ?? '', prefix };
}

function deployment(code: string, model = modelId): OnlineDeployment {
  return {
    location: emulator.location,
    sku: { name: 'Default', capacity: 1 },
    properties: {
      endpointComputeType: 'Managed',
      instanceType: 'Standard_DS3_v2',
      model,
      codeConfiguration: { codeId: code, scoringScript: 'score.py' },
      environmentVariables: { WEATHER_STAGE: 'test' },
    },
  } as OnlineDeployment;
}

async function createEndpoint(name: string, authMode: 'Key' | 'AMLToken', traffic?: Record<string, number>) {
  return client.onlineEndpoints.beginCreateOrUpdateAndWait(
    rg,
    ws,
    name,
    { location: emulator.location, properties: { authMode, ...(traffic ? { traffic } : {}) } },
    poll,
  );
}

async function setTraffic(name: string, traffic: Record<string, number>) {
  const current = await client.onlineEndpoints.get(rg, ws, name);
  return client.onlineEndpoints.beginCreateOrUpdateAndWait(
    rg,
    ws,
    name,
    { ...current, properties: { ...current.properties, traffic } },
    poll,
  );
}

/**
 * Sets `mirrorTraffic` as REST JSON: @azure/arm-machinelearning 2.1.1 (api-version 2022-10-01) has no such property
 * and drops it. 2023-04-01 is the first stable api-version whose OnlineEndpointProperties define it
 * (stable/2023-04-01/mfe.json); at 2022-10-01 the emulator ignores it. Follows the Azure-AsyncOperation header.
 */
async function setMirrorTraffic(
  name: string,
  traffic: Record<string, number>,
  mirrorTraffic: Record<string, number>,
) {
  const current = await client.onlineEndpoints.get(rg, ws, name);
  const token = emulator.aad.issueToken({ tenantId: emulator.tenantId, clientId: emulator.clientId });
  const headers = { authorization: `Bearer ${token}` };
  const body = JSON.stringify({ ...current, properties: { ...current.properties, traffic, mirrorTraffic } });
  const url = `${emulator.armUrl}${emulator.workspaceId}/onlineEndpoints/${name}?api-version=2023-04-01`;
  const put = await call(url, { method: 'PUT', headers, body });
  expect(put.status).toBe(200);
  for (let status = ''; status !== 'Succeeded';) {
    const operation = await call(String(put.headers['azure-asyncoperation']), { method: 'GET', headers });
    status = String((JSON.parse(operation.text) as { status: string }).status);
  }
}

function deploymentId(endpoint: string, name: string): string {
  return `${emulator.workspaceId}/onlineEndpoints/${endpoint}/deployments/${name}`;
}

function sasUrl(permissions: string, expiresOn = new Date(Date.now() + 15 * 60_000)): string {
  const { accountName, accountKey } = emulator.blob;
  const sas = generateBlobSASQueryParameters(
    {
      containerName: datastore.containerName,
      permissions: ContainerSASPermissions.parse(permissions),
      expiresOn,
      protocol: SASProtocol.Https,
    },
    new StorageSharedKeyCredential(accountName, accountKey),
  );
  return `${datastore.url}?${sas.toString()}`;
}

/** A group as the deploy step's `aci` target creates it (README "Scoring" → "ACI"). */
function scoringGroup(modelSas: string): ContainerGroup {
  return {
    location: emulator.location,
    osType: 'Linux',
    restartPolicy: 'Always',
    initContainers: [
      {
        name: 'storage-initializer',
        image: 'mcr.microsoft.com/azure-cli:latest',
        command: ['/bin/sh', '-c', 'download model and code'],
        environmentVariables: [
          { name: 'AZUREML_MODEL_SAS_URL', secureValue: modelSas },
          { name: 'AZUREML_MODEL_PREFIX', value: `${modelPrefix}/` },
          { name: 'AZUREML_SOURCE_SAS_URL', secureValue: sasUrl('rl') },
          { name: 'AZUREML_SOURCE_PREFIX', value: codePrefix },
        ],
        volumeMounts: [{ name: 'azureml', mountPath: '/var/azureml-app' }],
      },
    ],
    containers: [
      {
        name: 'inference-server',
        image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
        ports: [{ port: 5001, protocol: 'TCP' }],
        resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
        environmentVariables: [
          { name: 'AZUREML_ENTRY_SCRIPT', value: 'score.py' },
          { name: 'AZUREML_MODEL_DIR', value: '/var/azureml-app/azureml-models/weather/1' },
        ],
        volumeMounts: [{ name: 'azureml', mountPath: '/var/azureml-app' }],
      },
    ],
    volumes: [{ name: 'azureml', emptyDir: {} }],
    ipAddress: { type: 'Public', dnsNameLabel: 'rain-test', ports: [{ port: 5001, protocol: 'TCP' }] },
  };
}

beforeAll(async () => {
  modelFolder = scratchFolder('scoring-model-');
  const train = promisify(execFile)('python3', [
    join(repo, 'examples/weather/src/train.py'),
    '--data',
    join(repo, 'examples/weather/data'),
    '--model-dir',
    modelFolder,
  ]);
  [emulator] = await Promise.all([startEmulator(), train]);
  rg = emulator.resourceGroup;
  ws = emulator.workspaceName;
  const credential = emulatorCredential(emulator);
  client = new AzureMachineLearningWorkspaces(credential, emulator.subscriptionId, emulator.armClientOptions);
  aci = new ContainerInstanceManagementClient(credential, emulator.subscriptionId, emulator.armClientOptions);
  const store = await client.datastores.get(rg, ws, 'workspaceblobstore');
  const containerName = (store.properties as { containerName: string }).containerName;
  const { accountName, accountKey, blobUrl } = emulator.blob;
  datastore = new ContainerClient(
    `${blobUrl}/${containerName}`,
    new StorageSharedKeyCredential(accountName, accountKey),
    {
      tlsOptions: emulator.tlsOptions,
    } as StoragePipelineOptions,
  );
  await upload(`${modelPrefix}/model.json`, readFileSync(join(modelFolder, 'model.json'), 'utf8'));
  const model = await client.modelVersions.createOrUpdate(rg, ws, 'weather', '1', {
    properties: {
      modelType: 'custom_model',
      modelUri: `azureml://datastores/workspaceblobstore/paths/${modelPrefix}/`,
    },
  });
  modelId = model.id ?? '';
  const code = await createCode('weather-score', scoreScript);
  codeId = code.id;
  codePrefix = code.prefix;
  brokenCodeId = (await createCode('broken-score', BROKEN_SCORE)).id;
});

afterAll(async () => {
  await emulator?.close();
  rmSync(modelFolder, { recursive: true, force: true });
});

describe('online endpoints', () => {
  let scoringUri: string;
  let keys: { primaryKey?: string; secondaryKey?: string };
  const key = () => ({ authorization: `Bearer ${keys.primaryKey ?? ''}` });

  it('serves the deployed model at the endpoint scoring URI, with key auth', async () => {
    const created = await createEndpoint('rain', 'Key');
    scoringUri = created.properties.scoringUri ?? '';
    expect(scoringUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/score$/);
    expect(created.properties.swaggerUri).toBe(scoringUri.replace(/score$/, 'swagger.json'));
    const blue = await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'rain',
      'blue',
      deployment(codeId),
      poll,
    );
    expect(blue.properties.provisioningState).toBe('Succeeded');
    const updated = await setTraffic('rain', { blue: 100 });
    expect(updated.properties.scoringUri).toBe(scoringUri);
    keys = await client.onlineEndpoints.listKeys(rg, ws, 'rain');

    const answer = await call(scoringUri, { headers: key(), body: twoRows });
    expect(answer).toMatchObject({ status: 200, text: '[0, 1]' });
    expect(answer.headers['azureml-model-deployment']).toBe('blue');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const secondary = await call(scoringUri, {
      headers: { authorization: `Bearer ${keys.secondaryKey ?? ''}` },
      body: twoRows,
    });
    expect(secondary.status).toBe(200);

    expect(
      await call(scoringUri, { headers: { authorization: 'Bearer wrong' }, body: twoRows }),
    ).toMatchObject({
      status: 401,
      text: 'key_auth_access_denied',
    });
    expect((await call(scoringUri, { body: twoRows })).status).toBe(401);

    // A non-200 answer of the model comes back as 424, its status in a header (managed endpoints).
    const bad = await call(scoringUri, { headers: key(), body: truncated });
    expect(bad.status).toBe(424);
    expect(bad.headers['ms-azureml-model-error-statuscode']).toBe('400');
    expect(JSON.parse(bad.text)).toEqual({
      error: expect.stringMatching(/^bad request: the body is not valid JSON/),
    });

    const swagger = await call(scoringUri.replace(/score$/, 'swagger.json'), {
      method: 'GET',
      headers: key(),
    });
    expect(JSON.parse(swagger.text)).toMatchObject({ swagger: '2.0' });

    const logs = await client.onlineDeployments.getLogs(rg, ws, 'rain', 'blue', { tail: 200 });
    expect(logs.content).toMatch(/loaded .*model\.json: threshold/);
    expect(logs.content).toContain('POST /score 200');
    const last = await client.onlineDeployments.getLogs(rg, ws, 'rain', 'blue', { tail: 1 });
    expect(last.content?.split('\n')).toHaveLength(1);
    // The storage initializer's log: the model and code downloads, not the server's output.
    const init = await client.onlineDeployments.getLogs(rg, ws, 'rain', 'blue', {
      containerType: 'StorageInitializer',
    });
    expect(init.content).toContain(`Downloading model '${modelId}'`);
    expect(init.content).toMatch(/Model downloaded: AZUREML_MODEL_DIR=.*azureml-models\/weather\/1/);
    expect(init.content).not.toContain('POST /score');
  });

  it('routes by the azureml-model-deployment header, by traffic weights and to a mirror', async () => {
    await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'rain',
      'green',
      deployment(codeId, 'azureml:weather:1'),
      poll,
    );
    await setTraffic('rain', { blue: 100, green: 0 });
    const byHeader = await call(scoringUri, {
      headers: { ...key(), 'azureml-model-deployment': 'green' },
      body: twoRows,
    });
    expect(byHeader).toMatchObject({ status: 200, text: '[0, 1]' });
    expect(byHeader.headers['azureml-model-deployment']).toBe('green');
    const unknown = await call(scoringUri, {
      headers: { ...key(), 'azureml-model-deployment': 'red' },
      body: twoRows,
    });
    expect(unknown.status).toBe(404);
    const seen = async (n: number) => {
      const names = new Set<string>();
      for (let i = 0; i < n; i++) {
        const answer = await call(scoringUri, { headers: key(), body: twoRows });
        names.add(String(answer.headers['azureml-model-deployment']));
      }
      return names;
    };
    expect(await seen(5)).toEqual(new Set(['blue']));

    await setTraffic('rain', { blue: 50, green: 50 });
    expect(await seen(40)).toEqual(new Set(['blue', 'green']));

    const greenRequests = async () =>
      (
        (await client.onlineDeployments.getLogs(rg, ws, 'rain', 'green', {})).content?.match(
          /POST \/score 200/g,
        ) ?? []
      ).length;
    await setMirrorTraffic('rain', { blue: 100, green: 0 }, { green: 50 });
    const before = await greenRequests();
    expect(await seen(20)).toEqual(new Set(['blue']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await greenRequests()).toBeGreaterThan(before);

    await setMirrorTraffic('rain', { blue: 0, green: 0 }, {});
    const none = await call(scoringUri, { headers: key(), body: twoRows });
    expect(none.status).toBe(404);
    expect(JSON.parse(none.text)).toEqual({ message: NO_VALID_DEPLOYMENTS });
  });

  it('accepts tokens from the token action on an AMLToken endpoint, and refuses keys', async () => {
    const created = await createEndpoint('rain-token', 'AMLToken', {});
    await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'rain-token',
      'blue',
      deployment(codeId),
      poll,
    );
    await setTraffic('rain-token', { blue: 100 });
    const token = await client.onlineEndpoints.getToken(rg, ws, 'rain-token');
    const uri = created.properties.scoringUri ?? '';
    const answer = await call(uri, {
      headers: { authorization: `Bearer ${token.accessToken ?? ''}` },
      body: twoRows,
    });
    expect(answer).toMatchObject({ status: 200, text: '[0, 1]' });
    const keys2 = await client.onlineEndpoints.listKeys(rg, ws, 'rain-token');
    const withKey = await call(uri, {
      headers: { authorization: `Bearer ${keys2.primaryKey ?? ''}` },
      body: twoRows,
    });
    expect(withKey.status).toBe(401);
  });

  it('fails a deployment whose init() raises, with the traceback in its logs', async () => {
    await expect(
      client.onlineDeployments.beginCreateOrUpdateAndWait(
        rg,
        ws,
        'rain',
        'broken',
        deployment(brokenCodeId),
        poll,
      ),
    ).rejects.toThrow(/ResourceNotReady.*User container has crashed or terminated/);
    const broken = await client.onlineDeployments.get(rg, ws, 'rain', 'broken');
    expect(broken.properties.provisioningState).toBe('Failed');
    const logs = await client.onlineDeployments.getLogs(rg, ws, 'rain', 'broken', { tail: 50 });
    expect(logs.content).toContain("User's init function failed");
    expect(logs.content).toContain('RuntimeError: model.pkl is corrupt');
    expect(logs.content).toContain('loading the model');
    expect(emulator.scoring.deployments.serverOf(deploymentId('rain', 'broken'))).toBeUndefined();
  });

  it('restarts a server on update and stops it on delete', async () => {
    const first = emulator.scoring.deployments.serverOf(deploymentId('rain', 'green'))?.url ?? '';
    await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg,
      ws,
      'rain',
      'green',
      deployment(codeId),
      poll,
    );
    const second = emulator.scoring.deployments.serverOf(deploymentId('rain', 'green'))?.url ?? '';
    expect(second).not.toBe(first);
    await expect(call(`${first}/`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await call(`${second}/`, { method: 'GET' })).text).toBe('Healthy');

    await client.onlineDeployments.beginDeleteAndWait(rg, ws, 'rain', 'green', poll);
    await expect(call(`${second}/`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const blue = emulator.scoring.deployments.serverOf(deploymentId('rain', 'blue'))?.url ?? '';
    await client.onlineEndpoints.beginDeleteAndWait(rg, ws, 'rain', poll);
    await expect(call(`${blue}/`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(call(scoringUri, { headers: key(), body: twoRows })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('container instances', () => {
  it('runs the inference server of a group whose init container downloads with a read-only SAS', async () => {
    const group = await aci.containerGroups.beginCreateOrUpdateAndWait(
      rg,
      'rain-aci',
      scoringGroup(sasUrl('rl')),
      poll,
    );
    expect(group.instanceView?.state).toBe('Running');
    expect(group.ipAddress).toMatchObject({ ip: '127.0.0.1', fqdn: 'localhost' });
    const port = group.ipAddress?.ports[0]?.port;
    const answer = await call(`http://${group.ipAddress?.fqdn ?? ''}:${port ?? 0}/score`, { body: twoRows });
    expect(answer).toMatchObject({ status: 200, text: '[0, 1]' });
    const bad = await call(`http://127.0.0.1:${port ?? 0}/score`, { body: truncated });
    expect(bad.status).toBe(400);

    const serverLog = await aci.containers.listLogs(rg, 'rain-aci', 'inference-server');
    expect(serverLog.content).toMatch(/loaded .*model\.json/);
    const initLog = await aci.containers.listLogs(rg, 'rain-aci', 'storage-initializer');
    expect(initLog.content).toContain('Downloaded 1 file(s).');
    expect(initLog.content).not.toContain('sig=');

    await aci.containerGroups.beginDeleteAndWait(rg, 'rain-aci', poll);
    // ACI's onDeleted hook runs once the delete has completed: the server stops a moment later.
    await expect(refused(`http://127.0.0.1:${port ?? 0}/`)).resolves.toBe(true);
  });

  it.each([
    ['write-only', () => sasUrl('w'), /403 AuthorizationPermissionMismatch/],
    ['expired', () => sasUrl('rl', new Date(Date.now() - 60_000)), /403 AuthorizationFailure/],
  ])('fails a group whose SAS is %s', async (label, sas, reason) => {
    const name = `rain-aci-${label}`;
    const group = await aci.containerGroups.beginCreateOrUpdateAndWait(rg, name, scoringGroup(sas()), poll);
    expect(group.instanceView?.state).toBe('Failed');
    const init = group.initContainers?.[0]?.instanceView;
    expect(init?.currentState).toMatchObject({ state: 'Terminated', exitCode: 1 });
    expect(init?.events?.map((e) => e.message).join('\n')).toMatch(reason);
    const log = await aci.containers.listLogs(rg, name, 'storage-initializer');
    expect(log.content).toMatch(reason);
    expect(emulator.scoring.aci.serverOf(group.id ?? '')).toBeUndefined();
  });
});

describe('inference server', () => {
  const SCRIPT = `
import json, os
from azureml.contrib.services.aml_response import AMLResponse

def init():
    print("init with", os.environ["GREETING"])

def run(raw_data, request_headers):
    data = json.loads(raw_data)
    if data.get("fail"):
        raise ValueError("cannot score " + str(data["fail"]))
    if data.get("teapot"):
        return AMLResponse("short and stout", 418, {"x-pot": "a, b"})
    return {"echo": data, "trace": request_headers.get("X-Trace")}
`;

  it('follows the inference-server contract: run(), AMLResponse, errors, GET /score', async () => {
    const dir = scratchFolder('inference-');
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code', 'entry.py'), SCRIPT);
    const server = new InferenceServer({
      appRoot: join(dir, 'code'),
      entryScript: 'entry.py',
      modelDir: dir,
      port: await freePort(),
      python: await python3Interpreter(),
      home: dir,
      env: { GREETING: 'hello' },
    });
    try {
      expect(await server.ready(10_000)).toEqual({ ok: true });
      const ok = await call(`${server.url}/score`, { headers: { 'x-trace': 't1' }, body: '{"a": 1}' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text)).toEqual({ echo: { a: 1 }, trace: 't1' });
      expect(ok.headers['x-ms-run-fn-exec-ms']).toMatch(/^\d+\.\d{3}$/);

      const failed = await call(`${server.url}/score`, { body: '{"fail": 7}' });
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.text)).toEqual({
        message: 'An unexpected error occurred in scoring script. Check the logs for more info.',
      });
      expect(failed.headers['x-ms-run-function-failed']).toBe('True');

      const teapot = await call(`${server.url}/score`, { body: '{"teapot": true}' });
      expect(teapot).toMatchObject({ status: 418, text: 'short and stout' });
      expect(teapot.headers['x-pot']).toBe('a, b');

      const get = await call(`${server.url}/score?a=1&b=x`, { method: 'GET' });
      expect(JSON.parse(get.text)).toMatchObject({ echo: { a: 1, b: 'x' } });
      expect((await call(`${server.url}/score`, { method: 'PUT' })).status).toBe(405);
      expect((await call(`${server.url}/other`, { method: 'GET' })).status).toBe(404);

      expect(server.log).toContain('init with hello');
      expect(server.log).toContain('ValueError: cannot score 7');
      expect(server.log).toMatch(/ I \[\d+\] azmlinfsrv - POST \/score 200 /);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('routing', () => {
  const endpoint = (properties: Record<string, unknown>, secrets: Record<string, unknown> = {}) => ({
    id: '/e',
    body: { properties },
    secrets,
  });
  const known = (name: string) => ['blue', 'green'].includes(name.toLowerCase());
  /** Math.random's stand-in: these values, in turn. */
  const draws =
    (...values: number[]) =>
    () =>
      values.shift() ?? 0;

  it('checks keys, AML tokens and Azure ML AAD tokens per auth mode', () => {
    const aad = { aadToken: (token: string) => token === 'aad-ok' };
    const keyed = endpoint({ authMode: 'Key' }, { keys: { primaryKey: 'k1', secondaryKey: 'k2' } });
    expect(authorize(keyed, 'Bearer k2', aad)).toBeUndefined();
    expect(authorize(keyed, 'Bearer k3', aad)).toBe('key_auth_access_denied');
    expect(authorize(keyed, 'k1', aad)).toBe('key_auth_bad_header_forbidden');
    const tokens = endpoint({ authMode: 'AMLToken' }, { tokens: ['t1'] });
    expect(authorize(tokens, 'Bearer t1', aad)).toBeUndefined();
    expect(authorize(tokens, 'Bearer t2', aad)).toBe('aml_token_auth_access_denied');
    expect(authorize(endpoint({ authMode: 'AADToken' }), 'Bearer aad-ok', aad)).toBeUndefined();
    expect(authorize(endpoint({ authMode: 'AADToken' }), 'Bearer other', aad)).toBeDefined();
  });

  it('splits by weight, mirrors only traffic-routed requests, and refuses when no weight is positive', () => {
    const ep = endpoint({ traffic: { blue: 80, green: 20 }, mirrorTraffic: { green: 50 } });
    expect(route(ep, undefined, known, draws(0.79, 0.49))).toEqual({ deployment: 'blue', mirror: 'green' });
    expect(route(ep, undefined, known, draws(0.79, 0.5))).toEqual({ deployment: 'blue' });
    expect(route(ep, undefined, known, draws(0.8, 0))).toEqual({ deployment: 'green' });
    expect(route(ep, 'Green', known, draws(0))).toEqual({ deployment: 'Green' });
    expect(route(ep, 'red', known)).toMatchObject({ status: 404 });
    expect(route(endpoint({ traffic: { blue: 0 } }), undefined, known)).toEqual({
      status: 404,
      message: NO_VALID_DEPLOYMENTS,
    });
  });
});
