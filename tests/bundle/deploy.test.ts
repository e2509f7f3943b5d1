import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { registerRainModel } from '../harness/emulator-model';
import { emulatorSignIn, runOnEmulator } from '../harness/emulator-run';
import { runStepAs, type Host, type HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';

/**
 * The bundled deploy step, as both hosts run it, against the emulator whose deployments and container groups run
 * the weather model's score.py for real: deploy, smoke-test, shift traffic, roll back, refuse, attach, ACI.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
const weather = join(repoRoot, 'examples/weather');
/**
 * The weather smoke cases, with 424 allowed for the bad request: a managed endpoint answers 424 "model error"
 * when the model answers anything but 200 (examples/weather/smoke-cases.yml allows 400, 422 and 500 only).
 */
let casesFile: string;
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;
let scratch: string;
/** A score.py whose init() fails: the deployment must end Failed with this in its log. */
let brokenCode: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'deploy-bundle-'));
  casesFile = join(scratch, 'smoke-cases.yml');
  writeFileSync(
    casesFile,
    readFileSync(join(weather, 'smoke-cases.yml'), 'utf8')
      .replace('status: [400, 422, 500]', 'status: [400, 422, 424, 500]')
      .replace(/: requests\//g, `: ${join(weather, 'requests')}/`),
  );
  brokenCode = join(scratch, 'broken');
  mkdirSync(brokenCode);
  writeFileSync(
    join(brokenCode, 'score.py'),
    'def init():\n    raise RuntimeError("model.json is corrupt: cannot load weights")\n\ndef run(raw):\n    return []\n',
  );

  emulator = await startEmulator();
  description = describeEmulator(emulator);
  await registerRainModel(emulator, join(scratch, 'model'));
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function deploy(host: Host, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, description, {
    task: 'AzureMLDeployV1',
    action: 'deploy',
    inputs,
    timeoutMs: 90_000,
  });
}

function smokeTest(host: Host, inputs: Record<string, string>): Promise<HostRun> {
  const access = emulatorSignIn(host, description);
  const byName = inputs['endpointName'] !== undefined;
  return runStepAs(host, {
    task: 'AzureMLSmokeTestV1',
    action: 'smoke-test',
    inputs: {
      ...(byName
        ? { ...access.inputs, resourceGroup: emulator.resourceGroup, workspaceName: emulator.workspaceName }
        : {}),
      casesFile,
      latencyRequests: '0',
      readyTimeoutSeconds: '30',
      ...inputs,
    },
    extraEnv: access.env,
    timeoutMs: 60_000,
  });
}

const model = { modelId: 'azureml:rain:1', codePath: join(weather, 'score'), scoringScript: 'score.py' };
const endpointPath = (name: string) => `${emulator.workspaceId}/onlineEndpoints/${name}`;
const puts = (name: string) =>
  emulator.received('PUT', new RegExp(`/onlineEndpoints/${name}(/deployments/[^/]+)?$`)).length;
const endpointPuts = (name: string) => emulator.received('PUT', endpointPath(name));
const primaryKey = (name: string) =>
  (emulator.store.get(endpointPath(name))!.secrets['keys'] as { primaryKey: string }).primaryKey;
const traffic = (name: string) =>
  (emulator.store.get(endpointPath(name))!.body['properties'] as { traffic: Record<string, number> }).traffic;
const expectSucceeded = (run: HostRun) => {
  expect(run.errors).toEqual([]);
  expect(run.succeeded).toBe(true);
};

describe.each(hosts)('deploy as %s', (host) => {
  const tag = host === 'github' ? 'gh' : 'ado';

  it('managed: blue, smoke test, green at 0 %, smoke test through the header, shift traffic, delete blue', async () => {
    const endpointName = `rain-${tag}`;
    const blue = await deploy(host, { endpointName, deploymentName: 'blue', ...model });
    expectSucceeded(blue);
    expect(JSON.parse(blue.outputs.traffic!)).toEqual({ blue: 100 });
    expect(JSON.parse(blue.outputs.previousTraffic!)).toEqual({});
    expect(blue.outputs.scoringUri).toMatch(/^https:\/\/.+\/score$/);
    expect(blue.outputs.endpointKey).toBe(primaryKey(endpointName));
    expect(blue.everythingPrinted).not.toContain(primaryKey(endpointName));
    expect(blue.summary).toContain('managed online endpoint');
    expect(blue.summary).toContain('none → blue 100 %');
    expect(blue.summary).toContain("created deployment 'blue' with azureml:rain:1");
    const evidence = readFileSync(blue.outputs.evidencePath!, 'utf8');
    expect(evidence).not.toContain(primaryKey(endpointName));

    expectSucceeded(await smokeTest(host, { endpointName }));

    // The same deploy again: nothing is written.
    const before = puts(endpointName);
    const again = await deploy(host, { endpointName, deploymentName: 'blue', ...model });
    expectSucceeded(again);
    expect(puts(endpointName)).toBe(before);
    expect(again.summary).toContain('nothing to change');
    expect(again.everythingPrinted).toMatch(
      /Nothing to change: deployment 'blue' of 'rain-\w+' already runs azureml:rain:1/,
    );

    const green = await deploy(host, {
      endpointName,
      deploymentName: 'green',
      trafficPercent: '0',
      mirrorPercent: '10',
      ...model,
    });
    expectSucceeded(green);
    expect(JSON.parse(green.outputs.traffic!)).toEqual({ blue: 100, green: 0 });
    expect(JSON.parse(green.outputs.previousTraffic!)).toEqual({ blue: 100 });
    // Mirrored traffic needs a newer api-version than the SDK's: the body the endpoint received carries it.
    const mirrored = endpointPuts(endpointName).at(-1)!;
    expect(mirrored.query['api-version']).toBe('2024-04-01');
    expect(mirrored.body).toMatchObject({
      properties: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } },
    });
    expect(green.summary).toContain('| Mirrored traffic | none → green 10 % |');
    expectSucceeded(await smokeTest(host, { endpointName, deploymentName: 'green' }));

    const shift = await deploy(host, { endpointName, action: 'set-traffic', traffic: 'blue=0,green=100' });
    expectSucceeded(shift);
    expect(JSON.parse(shift.outputs.traffic!)).toEqual({ blue: 0, green: 100 });
    expect(traffic(endpointName)).toMatchObject({ blue: 0, green: 100 });
    expect(shift.summary).toContain('blue 100 %, green 0 % → blue 0 %, green 100 %');
    // A deployment that gets live traffic is no longer mirrored.
    expect(endpointPuts(endpointName).at(-1)!.body).toMatchObject({ properties: { mirrorTraffic: {} } });

    const removed = await deploy(host, { endpointName, action: 'delete-deployment', deploymentName: 'blue' });
    expectSucceeded(removed);
    expect(emulator.store.get(`${endpointPath(endpointName)}/deployments/blue`)).toBeUndefined();
    expectSucceeded(await smokeTest(host, { endpointName }));
  }, 120_000);

  it('managed: a deployment whose init() fails is rolled back, with its log, and traffic stays', async () => {
    const endpointName = `rain-${tag}`;
    const before = traffic(endpointName);
    const broken = await deploy(host, {
      endpointName,
      deploymentName: 'red',
      trafficPercent: '50',
      modelId: 'azureml:rain:1',
      codePath: brokenCode,
      scoringScript: 'score.py',
    });
    expect(broken.succeeded).toBe(false);
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]).toMatch(/Deployment 'red' ended Failed/);
    expect(broken.errors[0]).toContain('Traffic was not changed (green 100 %)');
    expect(broken.errors[0]).toContain("The failed deployment 'red' was deleted (rollbackOnFailure)");
    expect(broken.errors[0]).toContain('model.json is corrupt: cannot load weights');
    expect(broken.summary).toContain('Last lines of the log');
    expect(traffic(endpointName)).toEqual(before);
    expect(emulator.store.get(`${endpointPath(endpointName)}/deployments/red`)).toBeUndefined();

    // A deployment that still has traffic is not deleted.
    const refused = await deploy(host, {
      endpointName,
      action: 'delete-deployment',
      deploymentName: 'green',
    });
    expect(refused.succeeded).toBe(false);
    expect(refused.errors[0]).toContain("Deployment 'green' of 'rain-");
    expect(refused.errors[0]).toContain('still gets 100 % of the live traffic');
    expect(emulator.store.get(`${endpointPath(endpointName)}/deployments/green`)).toBeDefined();
  }, 120_000);

  it('kubernetes: refuses a cluster that is not attached, with the attach command; attachCluster attaches and deploys', async () => {
    const cluster = emulator.aks.createCluster({ name: `aks-${tag}` });
    emulator.kubernetesConfiguration.installExtension(cluster.id, {
      configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
    });
    const common = {
      endpointName: `rain-k8s-${tag}`,
      target: 'kubernetes',
      compute: `k8s-${tag}`,
      aksCluster: cluster.id,
    };

    const refused = await deploy(host, { ...common, deploymentName: 'blue', ...model });
    expect(refused.succeeded).toBe(false);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toContain(
      `AKS cluster 'aks-${tag}' is not attached to workspace '${emulator.workspaceName}' as Kubernetes compute 'k8s-${tag}'.`,
    );
    expect(refused.errors[0]).toContain(
      `az ml compute attach --resource-group ${emulator.resourceGroup} --workspace-name ${emulator.workspaceName} --type Kubernetes --name k8s-${tag} --resource-id ${cluster.id}`,
    );
    expect(emulator.store.get(endpointPath(common.endpointName))).toBeUndefined();
    expect(refused.summary).toContain('✅ running: power state Running');
    expect(refused.summary).toContain(`❌ attached as compute 'k8s-${tag}'`);

    const attached = await deploy(host, {
      ...common,
      attachCluster: 'true',
      deploymentName: 'blue',
      ...model,
    });
    expectSucceeded(attached);
    expect(attached.summary).toContain(`attached AKS cluster 'aks-${tag}' as compute 'k8s-${tag}'`);
    expect(attached.summary).toMatch(/✅ Azure ML extension with inference/);
    const endpoint = emulator.store.get(endpointPath(common.endpointName))!;
    expect((endpoint.body['properties'] as { compute: string }).compute.toLowerCase()).toBe(
      `${emulator.workspaceId}/computes/k8s-${tag}`.toLowerCase(),
    );
    const deployment = emulator.store.get(`${endpointPath(common.endpointName)}/deployments/blue`)!;
    expect(deployment.body['properties']).toMatchObject({ endpointComputeType: 'Kubernetes' });
    expectSucceeded(await smokeTest(host, { endpointName: common.endpointName }));
  }, 120_000);

  it('aci: deploys the model with a read-only SAS, answers the smoke test, and is deleted', async () => {
    const endpointName = `rain-aci-${tag}`;
    const deployed = await deploy(host, { target: 'aci', endpointName, ...model });
    expectSucceeded(deployed);
    expect(deployed.warnings.join('\n')).toContain('has no key authentication');
    expect(deployed.outputs.scoringUri).toMatch(/^http:\/\/[^/]+:\d+\/score$/);
    expect(deployed.outputs.endpointKey).toBeUndefined();
    const group = emulator.store.get(
      `${emulator.resourceGroupId}/providers/Microsoft.ContainerInstance/containerGroups/${endpointName}`,
    )!;
    // The SAS went as a secure value: ACI never returns it, and the step never printed it.
    const request = JSON.stringify(group.secrets['request']);
    const sas = /"secureValue":"([^"]+)"/.exec(request)?.[1];
    expect(sas).toMatch(/sig=/);
    expect(JSON.stringify(group.body)).not.toContain('sig=');
    expect(deployed.everythingPrinted).not.toContain(new URL(sas!).searchParams.get('sig')!);

    expectSucceeded(await smokeTest(host, { scoringUri: deployed.outputs.scoringUri! }));

    // Again: the group already serves this model and code, so it is left alone (a fresh SAS changes nothing).
    const groupPuts = () => emulator.received('PUT', group.id).length;
    const before = groupPuts();
    const again = await deploy(host, { target: 'aci', endpointName, ...model });
    expectSucceeded(again);
    expect(groupPuts()).toBe(before);
    expect(again.outputs.scoringUri).toBe(deployed.outputs.scoringUri);
    expect(again.everythingPrinted).toContain(
      `Nothing to change: container group '${endpointName}' already serves azureml:rain:1`,
    );

    const removed = await deploy(host, { target: 'aci', endpointName, action: 'delete-deployment' });
    expectSucceeded(removed);
    expect(emulator.store.get(group.id)).toBeUndefined();
  }, 120_000);
});
