/**
 * Seeding a workspace from a file of CLI v2 YAML (`emulator/seed/`, `npm run emulator -- --seed team.yml`): each
 * kind is created and read back through the real SDK; a bad entry is refused at its file:line; start.ts --seed.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ClientSecretCredential } from '@azure/identity';
import { startEmulator, type Emulator } from '../emulator';
import { seedWorkspace } from '../seed/apply-seed';
import { readSeedFile, SeedError } from '../seed/seed-file';
import { emulatorCredential } from './test-clients';
import { scratchFolder } from '../../tests/harness/scratch-folders';

const root = join(__dirname, '..', '..');
const example = join(root, 'emulator', 'seed-example.yml');
let emulator: Emulator;
let client: AzureMachineLearningWorkspaces;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator();
  client = new AzureMachineLearningWorkspaces(emulatorCredential(emulator), emulator.subscriptionId, {
    ...emulator.armClientOptions,
  });
  dir = scratchFolder('seed-test-');
});

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writeSeed(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('seedWorkspace (the example file)', () => {
  it('creates each kind, read back through the SDK', async () => {
    const seeded = await seedWorkspace(emulator, example);
    expect(seeded).toEqual({
      computes: ['cpu-cluster', 'aks-inference'],
      data: ['weather-observations:1', 'weather-recent:1'],
      environments: ['weather-rain:1'],
      components: ['weather_rain_train:1'],
      models: ['rain-model:1'],
      endpoints: ['weather-rain'],
    });
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    const cpu = await client.computeOperations.get(rg, ws, 'cpu-cluster');
    expect(cpu.properties).toMatchObject({ computeType: 'AmlCompute', provisioningState: 'Succeeded' });
    const aks = await client.computeOperations.get(rg, ws, 'aks-inference');
    expect(aks.properties).toMatchObject({ computeType: 'Kubernetes', provisioningState: 'Succeeded' });
    const data = await client.dataVersions.get(rg, ws, 'weather-observations', '1');
    expect(data.properties).toMatchObject({ dataType: 'uri_folder' });
    expect(data.properties.dataUri).toMatch(
      /^azureml:\/\/subscriptions\/.+\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/data\/$/,
    );
    const file = await client.dataVersions.get(rg, ws, 'weather-recent', '1');
    expect(file.properties.dataUri).toMatch(/\/LocalUpload\/[0-9a-f]{32}\/recent\.csv$/);
    const env = await client.environmentVersions.get(rg, ws, 'weather-rain', '1');
    expect(env.properties.image).toBe('mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest');
    expect(env.properties.condaFile).toContain('azureml-mlflow');
    const component = await client.componentVersions.get(rg, ws, 'weather_rain_train', '1');
    const spec = component.properties.componentSpec as Record<string, unknown>;
    expect(spec['command']).toContain('python train.py');
    expect(spec['code']).toMatch(/^azureml:\/subscriptions\/.+\/codes\/[0-9a-f]{32}\/versions\/1$/);
    const model = await client.modelVersions.get(rg, ws, 'rain-model', '1');
    expect(model.properties).toMatchObject({ modelType: 'custom_model' });
    const endpoint = await client.onlineEndpoints.get(rg, ws, 'weather-rain');
    expect(endpoint.properties).toMatchObject({ authMode: 'Key', provisioningState: 'Succeeded' });
    // The uploads are in Azurite: the data folder's files under its prefix.
    const blobs = [];
    const prefix = /paths\/(.+)$/.exec(data.properties.dataUri)?.[1] ?? '';
    const store = emulator.store.get(`${emulator.workspaceId}/datastores/workspaceblobstore`);
    const container = String((store?.body['properties'] as Record<string, unknown>)['containerName']);
    const { BlobStore } = await import('../jobs/blob-store');
    for await (const b of new BlobStore(emulator.blob, emulator.caPem)
      .container(container)
      .listBlobsFlat({ prefix }))
      blobs.push(b.name.slice(prefix.length));
    expect(blobs.sort()).toEqual(['generate.py', 'recent.csv', 'train.csv']);
  });
});

describe('bad seed entries', () => {
  it.each([
    ['an unknown list', 'computes: []\nclusters:\n  - name: x\n', 2, /unknown list 'clusters'/],
    [
      'a compute type',
      'computes:\n  - name: c\n    type: gpu-farm\n',
      3,
      /type 'gpu-farm' is not one of amlcompute, kubernetes/,
    ],
    [
      'a missing local path',
      'data:\n  - name: d\n    type: uri_folder\n    path: ./nowhere\n',
      4,
      /path '\.\/nowhere' does not exist/,
    ],
    ['a missing name', 'models:\n  - type: custom_model\n    path: .\n', 2, /'name' is required/],
    [
      'an auth mode',
      'endpoints:\n  - name: e\n    auth_mode: password\n',
      3,
      /auth_mode 'password' is not one of/,
    ],
  ])('%s is refused at its file:line', async (_what, text, line, message) => {
    const file = writeSeed(`bad-${line}-${Math.random().toString(36).slice(2)}.yml`, text);
    const error = await seedWorkspace(emulator, file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: `),
    );
    expect((error as SeedError).message).toMatch(message);
  });

  it('names the referenced file and its line for an entry given as file:', () => {
    writeSeed('env.yml', 'name: e\nversion: 1\nimage: [not, a, string]\n');
    const file = writeSeed('with-file.yml', 'environments:\n  - file: env.yml\n  - file: missing.yml\n');
    expect(() => readSeedFile(file)).toThrow(
      new RegExp(`with-file\\.yml:3:\\d+: cannot read .*missing\\.yml`),
    );
  });

  it('refuses a wrongly typed value at its line', async () => {
    const file = writeSeed(
      'typed.yml',
      'environments:\n  - name: e\n    version: 1\n    image: [not, a, string]\n',
    );
    await expect(seedWorkspace(emulator, file)).rejects.toThrow(/typed.yml:4:\d+: 'image' must be a string/);
  });

  it('reports what Azure ML itself refuses at the entry', async () => {
    const file = writeSeed('refused.yml', 'environments:\n  - name: e\n    version: 1\n    image: ""\n');
    await expect(seedWorkspace(emulator, file)).rejects.toThrow(
      /refused.yml:2:\d+: Azure ML refused environments\/e\/versions\/1: 'image' must be a non-empty string/,
    );
  });
});

it('the emulator started with --seed prints its JSON line with what it seeded, and the things exist', async () => {
  // The emulator's own launcher, one process: through the tsx CLI, SIGTERM is relayed to a child node, and under
  // load the CLI gave up waiting for it and died of the signal (exit 143).
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'azureml-emulator.js'), '--seed', 'emulator/seed-example.yml'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`start.ts exited (${String(code)}) before printing`)));
  });
  try {
    const info = JSON.parse(await firstLine) as {
      armUrl: string;
      authorityHost: string;
      caPath: string;
      tenantId: string;
      clientId: string;
      clientSecret: string;
      subscriptionId: string;
      resourceGroup: string;
      workspaceName: string;
      seeded: Record<string, string[]>;
    };
    expect(info.seeded['models']).toEqual(['rain-model:1']);
    const tlsOptions = { ca: readFileSync(info.caPath, 'utf8') };
    const credential = new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
      authorityHost: info.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions,
    });
    const remote = new AzureMachineLearningWorkspaces(credential, info.subscriptionId, {
      endpoint: info.armUrl,
      credentialScopes: ['https://management.azure.com/.default'],
      tlsOptions,
    });
    const endpoint = await remote.onlineEndpoints.get(info.resourceGroup, info.workspaceName, 'weather-rain');
    expect(endpoint.properties.authMode).toBe('Key');
    const env = await remote.environmentVersions.get(
      info.resourceGroup,
      info.workspaceName,
      'weather-rain',
      '1',
    );
    expect(env.properties.image).toMatch(/openmpi/);
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}, 60_000);

it('start.ts --seed with a bad file exits 1 with the file:line on stderr, and no JSON line', async () => {
  const file = writeSeed('bad-start.yml', 'computes:\n  - name: c\n    type: gpu-farm\n');
  const child = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    [join(root, 'emulator', 'start.ts'), `--seed=${file}`],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
  expect(stderr).toContain(`${file}:3:11: type 'gpu-farm' is not one of amlcompute, kubernetes`);
}, 60_000);
