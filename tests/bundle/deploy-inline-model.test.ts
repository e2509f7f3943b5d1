import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { datastoreContainer, registerRainModel } from '../harness/emulator-model';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { scratchFolder } from '../harness/scratch-folders';

/**
 * The bundled deploy step, as both hosts run it, with examples/weather/deployment.yml: the endpoint's and the
 * deployment's names come from the file, its inline model is uploaded and registered once (a re-run reuses the
 * version), and the dry runs of every action send nothing (the emulator's resources and blobs are listed before
 * and after). Each host has an emulator of its own, so the two run at once and "nothing changed" stays exact.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
const weather = join(repoRoot, 'examples/weather');
const emulators = new Map<Host, Emulator>();
let scratch: string;

beforeAll(async () => {
  scratch = scratchFolder('deploy-inline-');
  // Trains the weather model (python3) into <scratch>/model: the folder the example's deployment.yml names.
  const started = await Promise.all(hosts.map(() => startBriskEmulator()));
  hosts.forEach((host, index) => emulators.set(host, started[index]!));
  for (const emulator of started) await registerRainModel(emulator, join(scratch, 'model'));
}, 60_000);
afterAll(async () => {
  await Promise.all([...emulators.values()].map((emulator) => emulator.close()));
  rmSync(scratch, { recursive: true, force: true });
});

/** examples/weather/deployment.yml in its own folder (with score/ and the trained model), names made per host. */
function exampleCopy(tag: string): string {
  const dir = mkdtempSync(join(scratch, `${tag}-`));
  cpSync(join(weather, 'score'), join(dir, 'score'), { recursive: true });
  cpSync(join(scratch, 'model'), join(dir, 'model'), { recursive: true });
  const file = join(dir, 'deployment.yml');
  writeFileSync(
    file,
    readFileSync(join(weather, 'deployment.yml'), 'utf8')
      .replace('endpoint_name: rain-forecast', `endpoint_name: rain-inline-${tag}`)
      .replace('name: rain-forecast', `name: rain-forecast-${tag}`),
  );
  return file;
}

function deploy(host: Host, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, describeEmulator(emulators.get(host)!), {
    task: 'AzureMLDeployV1',
    action: 'deploy',
    inputs,
    timeoutMs: 90_000,
  });
}

/** Every resource of the emulator's ARM store and every blob of the default datastore: what a dry run must not change. */
async function everything(emulator: Emulator): Promise<string[]> {
  const resources = emulator.store
    .all()
    .map((r) => `${r.id} ${JSON.stringify(r.body['properties'] ?? {})}`)
    .sort();
  const container = datastoreContainer(emulator);
  const blobs: string[] = [];
  for await (const blob of container.listBlobsFlat()) blobs.push(`blob ${blob.name}`);
  return [...resources, ...blobs.sort()];
}

const expectSucceeded = (run: HostRun) => {
  expect(run.errors).toEqual([]);
  expect(run.succeeded).toBe(true);
};
/** Requests that write (ARM and blobs alike): reads, token requests and key listings (POST) aside. */
const writes = (emulator: Emulator) =>
  emulator.requests.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method)).length;

/** One host's emulator and the names its run uses. */
function world(host: Host) {
  const emulator = emulators.get(host)!;
  const tag = host === 'github' ? 'gh' : 'ado';
  const endpointName = `rain-inline-${tag}`;
  const modelName = `rain-forecast-${tag}`;
  const endpointPath = (): string => `${emulator.workspaceId}/onlineEndpoints/${endpointName}`;
  return { emulator, tag, endpointName, modelName, endpointPath };
}

/** Dry run: validates, prints the requests, creates, uploads and registers nothing. */
async function dryRunSendsNothing(host: Host): Promise<void> {
  const { emulator, tag, modelName, endpointPath } = world(host);
  const deploymentFile = exampleCopy(tag);
  const before = await everything(emulator);
  const dry = await deploy(host, { deploymentFile, dryRun: 'true' });
  expectSucceeded(dry);
  expect(await everything(emulator)).toEqual(before);
  expect(dry.outputs.dryRun).toBe('true');
  expect(dry.outputs.modelId).toBe(`${emulator.workspaceId}/models/${modelName}/versions/1`);
  expect(dry.summary).toContain('dry run: nothing was created, uploaded or registered');
  expect(dry.summary).toContain(`azureml:${modelName}:1 would be registered (custom_model)`);
  expect(dry.everythingPrinted).toContain(`Would create the endpoint: PUT ${endpointPath()}`);
  expect(dry.everythingPrinted).toContain(
    `Would create deployment 'blue': PUT ${endpointPath()}/deployments/blue`,
  );
  expect(dry.everythingPrinted).toContain('"requestTimeout": "PT5S"');
  expect(dry.everythingPrinted).toMatch(
    /Dry run: deployment 'blue' of 'rain-inline-\w+' with azureml:rain-forecast-\w+:1 was validated/,
  );
}

/** Deploys with the names and the inline model of the file; a re-run reuses the model version. */
async function deploysAndReusesTheModel(host: Host): Promise<void> {
  const { emulator, tag, modelName, endpointPath } = world(host);
  const deploymentFile = exampleCopy(tag);
  const first = await deploy(host, { deploymentFile });
  expectSucceeded(first);
  expect(first.outputs.dryRun).toBe('false');
  const versionId = `${emulator.workspaceId}/models/${modelName}/versions/1`;
  expect(first.outputs.modelId).toBe(versionId);
  expect(first.summary).toContain(`azureml:${modelName}:1 registered (custom_model)`);
  const version = emulator.store.get(versionId)!;
  const props = version.body['properties'] as {
    modelUri: string;
    tags: Record<string, string>;
    properties: Record<string, string>;
  };
  expect(props.modelUri).toMatch(
    /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/model\/$/,
  );
  // The lineage tags register-model gives.
  expect(props.tags['ci.host']).toBe(host);
  expect(props.properties['azureml.steps.source']).toMatch(/^local:[0-9a-f]{64}$/);
  const deployment = emulator.store.get(`${endpointPath()}/deployments/blue`)!;
  expect((deployment.body['properties'] as { model: string }).model.toLowerCase()).toBe(
    versionId.toLowerCase(),
  );
  expect(JSON.parse(first.outputs.traffic!)).toEqual({ blue: 100 });
  // Deployments go as raw JSON at 2025-12-01 (decision 18), endpoints at 2024-04-01.
  const putsOf = (path: string) =>
    emulator.requests
      .filter((r) => r.method === 'PUT' && r.path.toLowerCase() === path.toLowerCase())
      .map((r) => r.query['api-version']);
  expect(putsOf(`${endpointPath()}/deployments/blue`)).toEqual(['2025-12-01']);
  expect(new Set(putsOf(endpointPath()))).toEqual(new Set(['2024-04-01']));

  // Again, from a fresh copy of the same files: the same content is the same version; nothing is written.
  const writesBefore = writes(emulator);
  const again = await deploy(host, { deploymentFile: exampleCopy(tag) });
  expectSucceeded(again);
  expect(again.outputs.modelId).toBe(versionId);
  expect(again.summary).toContain(`azureml:${modelName}:1 reused (same content)`);
  expect(again.summary).toContain('nothing to change');
  expect(writes(emulator)).toBe(writesBefore);
  expect(emulator.store.get(`${emulator.workspaceId}/models/${modelName}/versions/2`)).toBeUndefined();
}

/** ModelId wins over the inline model; dry runs of set-traffic and delete-deployment send nothing. */
async function modelIdWinsAndOtherDryRunsSendNothing(host: Host): Promise<void> {
  const { emulator, tag, endpointName, endpointPath } = world(host);
  // green: the file's deployment with the model given by the input (it wins, with an info line), no traffic.
  const green = await deploy(host, {
    deploymentFile: exampleCopy(tag),
    deploymentName: 'green',
    modelId: 'azureml:rain:1',
    trafficPercent: '0',
  });
  expectSucceeded(green);
  expect(green.everythingPrinted).toMatch(
    /'model' inline model rain-forecast-\w+ \(.*\) is overridden by 'model-?[iI]d' 'azureml:rain:1'/,
  );
  expect(green.everythingPrinted).toMatch(/'name' blue is overridden by 'deployment-?[nN]ame' 'green'/);
  const greenModel = emulator.store.get(`${endpointPath()}/deployments/green`)!.body['properties'] as {
    model: string;
  };
  expect(greenModel.model.toLowerCase()).toBe(`${emulator.workspaceId}/models/rain/versions/1`.toLowerCase());

  const before = await everything(emulator);
  const writesBefore = writes(emulator);
  const shift = await deploy(host, {
    endpointName,
    action: 'set-traffic',
    traffic: 'blue=0,green=100',
    dryRun: 'true',
  });
  expectSucceeded(shift);
  expect(shift.outputs.dryRun).toBe('true');
  expect(JSON.parse(shift.outputs.traffic!)).toEqual({ blue: 100, green: 0 });
  expect(shift.everythingPrinted).toContain(
    `Dry run: traffic of '${endpointName}' would be blue 0 %, green 100 %; nothing was sent.`,
  );
  expect(shift.everythingPrinted).toContain(`: PUT ${endpointPath()}?api-version=2024-04-01`);
  const removal = await deploy(host, {
    endpointName,
    action: 'delete-deployment',
    deploymentName: 'green',
    dryRun: 'true',
  });
  expectSucceeded(removal);
  expect(removal.summary).toContain('dry run: nothing was created, uploaded or registered');
  expect(removal.everythingPrinted).toContain(
    `Would delete deployment 'green': DELETE ${endpointPath()}/deployments/green`,
  );
  // Validation still runs in a dry run: blue has all the traffic.
  const refused = await deploy(host, {
    endpointName,
    action: 'delete-deployment',
    deploymentName: 'blue',
    dryRun: 'true',
  });
  expect(refused.succeeded).toBe(false);
  expect(refused.errors[0]).toContain('still gets 100 % of the live traffic');
  expect(writes(emulator)).toBe(writesBefore);
  expect(await everything(emulator)).toEqual(before);
}

/** Kubernetes with attachCluster, and aci: dry runs attach, create and upload nothing. */
async function kubernetesAndAciDryRunsSendNothing(host: Host): Promise<void> {
  const { emulator, tag } = world(host);
  const cluster = emulator.aks.createCluster({ name: `aks-dry-${tag}` });
  emulator.kubernetesConfiguration.installExtension(cluster.id, {
    configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
  });
  const code = { modelId: 'azureml:rain:1', codePath: join(weather, 'score'), scoringScript: 'score.py' };
  const before = await everything(emulator);
  const writesBefore = writes(emulator);
  const kubernetes = await deploy(host, {
    endpointName: `rain-k8s-dry-${tag}`,
    target: 'kubernetes',
    compute: `k8s-dry-${tag}`,
    aksCluster: cluster.id,
    attachCluster: 'true',
    deploymentName: 'blue',
    dryRun: 'true',
    ...code,
  });
  expectSucceeded(kubernetes);
  expect(kubernetes.everythingPrinted).toContain(`Would attach the AKS cluster as compute 'k8s-dry-${tag}'`);
  expect(kubernetes.everythingPrinted).toContain('"endpointComputeType": "Kubernetes"');
  const aci = await deploy(host, {
    target: 'aci',
    endpointName: `rain-aci-dry-${tag}`,
    dryRun: 'true',
    ...code,
  });
  expectSucceeded(aci);
  expect(aci.outputs.dryRun).toBe('true');
  expect(aci.everythingPrinted).toContain(`Would create container group 'rain-aci-dry-${tag}'`);
  expect(aci.everythingPrinted).toContain('<SAS token not printed>');
  expect(aci.everythingPrinted).not.toContain('sig=');
  expect(writes(emulator)).toBe(writesBefore);
  expect(await everything(emulator)).toEqual(before);
}

it.concurrent.each(hosts)(
  'deploys an inline model as %s: the dry run sends nothing; deploy and a re-run reuse the model; modelId wins; dry runs of set-traffic, delete-deployment, kubernetes and aci send nothing',
  async (host) => {
    await dryRunSendsNothing(host);
    await deploysAndReusesTheModel(host);
    await modelIdWinsAndOtherDryRunsSendNothing(host);
    await kubernetesAndAciDryRunsSendNothing(host);
  },
  420_000,
);
