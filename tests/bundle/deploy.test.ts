import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { registerRainModel } from '../harness/emulator-model';
import { runStepAs, type Host, type HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { describeOnTargets, emulatorTarget, liveSettings, uniqueName, type Target } from '../harness/target';
import { scratchFolder } from '../harness/scratch-folders';

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
let scratch: string;
/** A score.py whose init() fails: the deployment must end Failed with this in its log. */
let brokenCode: string;

beforeAll(async () => {
  scratch = scratchFolder('deploy-bundle-');
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
  await registerRainModel(emulator, join(scratch, 'model'));
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const model = { modelId: 'azureml:rain:1', codePath: join(weather, 'score'), scoringScript: 'score.py' };
const endpointPath = (name: string) => `${emulator.workspaceId}/onlineEndpoints/${name}`;
const puts = (name: string) =>
  emulator.received('PUT', new RegExp(`/onlineEndpoints/${name}(/deployments/[^/]+)?$`)).length;
const endpointPuts = (name: string) => emulator.received('PUT', endpointPath(name));
const expectSucceeded = (run: HostRun) => {
  expect(run.errors).toEqual([]);
  expect(run.succeeded).toBe(true);
};

/** What the scenarios read back through the SDK: the same on the emulator and in Azure. */
function sdkReads(target: () => Target) {
  const rg = () => target().resourceGroup;
  const ws = () => target().workspaceName;
  const status = (error: unknown) => (error as { statusCode?: number }).statusCode;
  const exists = <T>(read: Promise<T>) =>
    read.then(
      () => true,
      (error: unknown) => {
        if (status(error) === 404) return false;
        throw error;
      },
    );
  return {
    primaryKey: async (name: string) =>
      (await target().ml.onlineEndpoints.listKeys(rg(), ws(), name)).primaryKey!,
    traffic: async (name: string) =>
      (await target().ml.onlineEndpoints.get(rg(), ws(), name)).properties.traffic ?? {},
    deploymentExists: (endpoint: string, deployment: string) =>
      exists(target().ml.onlineDeployments.get(rg(), ws(), endpoint, deployment)),
    containerGroup: (name: string) => target().aci.containerGroups.get(rg(), name),
    containerGroupExists: (name: string) => exists(target().aci.containerGroups.get(rg(), name)),
  };
}

describe.each(hosts)('deploy as %s', (host) => {
  const tag = host === 'github' ? 'gh' : 'ado';

  /**
   * Managed blue/green with a rollback, and ACI, on the emulator and, with AZUREML_STEPS_LIVE=1, in a real
   * workspace: the model registered by the register-model step under a name with the run id, endpoints and
   * container groups named with it, everything deleted at the end. Request-log checks run on the emulator only.
   */
  describeOnTargets(
    `deploy as ${host}: managed blue/green, rollback, ACI; clean up`,
    async () => ({ target: emulatorTarget(emulator) }),
    (target, timeoutMs) => {
      const reads = sdkReads(target);
      const onEmulator = () => target().kind === 'emulator';
      let modelName: string;
      let endpointName: string;
      let aciName: string;
      let onTarget: typeof model;
      const deployOn = (inputs: Record<string, string>) =>
        target().run(host, { task: 'AzureMLDeployV1', action: 'deploy', inputs });
      const smokeOn = (inputs: Record<string, string>) =>
        target().run(host, {
          task: 'AzureMLSmokeTestV1',
          action: 'smoke-test',
          inputs: { casesFile, latencyRequests: '0', readyTimeoutSeconds: '30', ...inputs },
        });
      const smokeByUri = (scoringUri: string) =>
        runStepAs(host, {
          task: 'AzureMLSmokeTestV1',
          action: 'smoke-test',
          inputs: { casesFile, latencyRequests: '0', readyTimeoutSeconds: '30', scoringUri },
          timeoutMs: 60_000,
        });

      beforeAll(() => {
        modelName = target().uniqueName(`rain-${tag}`);
        endpointName = target().uniqueName(`rain-${tag}`);
        aciName = target().uniqueName(`rain-aci-${tag}`);
      });

      it(
        'registers the weather model from a local folder',
        async () => {
          const run = await target().run(host, {
            task: 'AzureMLRegisterModelV1',
            action: 'register-model',
            inputs: { modelName, modelPath: join(scratch, 'model') },
          });
          if (run.outputs.modelVersion)
            target().track({ kind: 'modelVersion', name: modelName, version: run.outputs.modelVersion });
          expectSucceeded(run);
          onTarget = { ...model, modelId: `azureml:${modelName}:1` };
          expect(run.outputs.modelId).toBe(onTarget.modelId);
        },
        timeoutMs,
      );

      it(
        'managed: blue, smoke test, green at 0 %, smoke test through the header, shift traffic, delete blue',
        async () => {
          target().track({ kind: 'endpoint', name: endpointName });
          const blue = await deployOn({ endpointName, deploymentName: 'blue', ...onTarget });
          expectSucceeded(blue);
          expect(JSON.parse(blue.outputs.traffic!)).toEqual({ blue: 100 });
          expect(JSON.parse(blue.outputs.previousTraffic!)).toEqual({});
          expect(blue.outputs.scoringUri).toMatch(/^https:\/\/.+\/score$/);
          const key = await reads.primaryKey(endpointName);
          expect(blue.outputs.endpointKey).toBe(key);
          expect(blue.everythingPrinted).not.toContain(key);
          expect(blue.summary).toContain('managed online endpoint');
          expect(blue.summary).toContain('none → blue 100 %');
          expect(blue.summary).toContain(`created deployment 'blue' with ${onTarget.modelId}`);
          const evidence = readFileSync(blue.outputs.evidencePath!, 'utf8');
          expect(evidence).not.toContain(key);
          // What was done, in words and fields, for the approver.
          expect(JSON.parse(evidence).details).toMatchObject({
            action: 'deploy',
            endpoint: endpointName,
            deployment: 'blue',
            model: onTarget.modelId,
            trafficBefore: {},
            trafficAfter: { blue: 100 },
            description: `deployed ${onTarget.modelId} as deployment 'blue' of managed online endpoint '${endpointName}'; traffic none → blue 100 %`,
          });
          expect(blue.summary).toContain(`**In words:** deployed ${onTarget.modelId} as deployment 'blue'`);

          expectSucceeded(await smokeOn({ endpointName }));

          // The same deploy again: nothing is written.
          const before = onEmulator() ? puts(endpointName) : 0;
          const again = await deployOn({ endpointName, deploymentName: 'blue', ...onTarget });
          expectSucceeded(again);
          if (onEmulator()) expect(puts(endpointName)).toBe(before);
          expect(again.summary).toContain('nothing to change');
          expect(again.everythingPrinted).toContain(
            `Nothing to change: deployment 'blue' of '${endpointName}' already runs ${onTarget.modelId}`,
          );

          const green = await deployOn({
            endpointName,
            deploymentName: 'green',
            trafficPercent: '0',
            mirrorPercent: '10',
            ...onTarget,
          });
          expectSucceeded(green);
          expect(JSON.parse(green.outputs.traffic!)).toEqual({ blue: 100, green: 0 });
          expect(JSON.parse(green.outputs.previousTraffic!)).toEqual({ blue: 100 });
          if (onEmulator()) {
            // Mirrored traffic needs a newer api-version than the SDK's: the body the endpoint received carries it.
            const mirrored = endpointPuts(endpointName).at(-1)!;
            expect(mirrored.query['api-version']).toBe('2024-04-01');
            expect(mirrored.body).toMatchObject({
              properties: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } },
            });
          }
          expect(green.summary).toContain('| Mirrored traffic | none → green 10 % |');
          expectSucceeded(await smokeOn({ endpointName, deploymentName: 'green' }));

          const shift = await deployOn({ endpointName, action: 'set-traffic', traffic: 'blue=0,green=100' });
          expectSucceeded(shift);
          expect(JSON.parse(shift.outputs.traffic!)).toEqual({ blue: 0, green: 100 });
          expect(await reads.traffic(endpointName)).toMatchObject({ blue: 0, green: 100 });
          expect(shift.summary).toContain('blue 100 %, green 0 % → blue 0 %, green 100 %');
          // A deployment that gets live traffic is no longer mirrored.
          if (onEmulator())
            expect(endpointPuts(endpointName).at(-1)!.body).toMatchObject({
              properties: { mirrorTraffic: {} },
            });

          const removed = await deployOn({
            endpointName,
            action: 'delete-deployment',
            deploymentName: 'blue',
          });
          expectSucceeded(removed);
          expect(await reads.deploymentExists(endpointName, 'blue')).toBe(false);
          expectSucceeded(await smokeOn({ endpointName }));
        },
        timeoutMs,
      );

      it(
        'managed: a deployment whose init() fails is rolled back, with its log, and traffic stays',
        async () => {
          const before = await reads.traffic(endpointName);
          const broken = await deployOn({
            endpointName,
            deploymentName: 'red',
            trafficPercent: '50',
            modelId: onTarget.modelId,
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
          expect(await reads.traffic(endpointName)).toEqual(before);
          expect(await reads.deploymentExists(endpointName, 'red')).toBe(false);

          // A deployment that still has traffic is not deleted.
          const refused = await deployOn({
            endpointName,
            action: 'delete-deployment',
            deploymentName: 'green',
          });
          expect(refused.succeeded).toBe(false);
          expect(refused.errors[0]).toContain(`Deployment 'green' of '${endpointName}'`);
          expect(refused.errors[0]).toContain('still gets 100 % of the live traffic');
          expect(await reads.deploymentExists(endpointName, 'green')).toBe(true);
        },
        timeoutMs,
      );

      it(
        'aci: deploys the model with a read-only SAS, answers the smoke test, and is deleted',
        async () => {
          target().track({ kind: 'aciGroup', name: aciName });
          const deployed = await deployOn({ target: 'aci', endpointName: aciName, ...onTarget });
          expectSucceeded(deployed);
          expect(deployed.warnings.join('\n')).toContain('has no key authentication');
          expect(deployed.outputs.scoringUri).toMatch(/^http:\/\/[^/]+:\d+\/score$/);
          expect(deployed.outputs.endpointKey).toBeUndefined();
          // ACI never returns a secure value: the group as Azure shows it carries no SAS signature.
          expect(JSON.stringify(await reads.containerGroup(aciName))).not.toContain('sig=');
          if (onEmulator()) {
            // The SAS went as a secure value, and the step never printed it.
            const group = emulator.store.get(
              `${emulator.resourceGroupId}/providers/Microsoft.ContainerInstance/containerGroups/${aciName}`,
            )!;
            const request = JSON.stringify(group.secrets['request']);
            const sas = /"secureValue":"([^"]+)"/.exec(request)?.[1];
            expect(sas).toMatch(/sig=/);
            expect(JSON.stringify(group.body)).not.toContain('sig=');
            expect(deployed.everythingPrinted).not.toContain(new URL(sas!).searchParams.get('sig')!);
          }

          expectSucceeded(await smokeByUri(deployed.outputs.scoringUri!));

          // Again: the group already serves this model and code, so it is left alone (a fresh SAS changes nothing).
          const groupPuts = () =>
            emulator.received(
              'PUT',
              `${emulator.resourceGroupId}/providers/Microsoft.ContainerInstance/containerGroups/${aciName}`,
            ).length;
          const before = onEmulator() ? groupPuts() : 0;
          const again = await deployOn({ target: 'aci', endpointName: aciName, ...onTarget });
          expectSucceeded(again);
          if (onEmulator()) expect(groupPuts()).toBe(before);
          expect(again.outputs.scoringUri).toBe(deployed.outputs.scoringUri);
          expect(again.everythingPrinted).toContain(
            `Nothing to change: container group '${aciName}' already serves ${onTarget.modelId}`,
          );

          const removed = await deployOn({
            target: 'aci',
            endpointName: aciName,
            action: 'delete-deployment',
          });
          expectSucceeded(removed);
          expect(await reads.containerGroupExists(aciName)).toBe(false);
        },
        timeoutMs,
      );

      it(
        'cleans up: the endpoint with its deployments and the model; nothing of the run left',
        async () => {
          expect(await target().leftovers()).toEqual([
            `online endpoint ${endpointName}`,
            `model version ${modelName}:1`,
          ]);
          const report = await target().cleanUp();
          expect(report.done).toEqual([
            `deleted online endpoint ${endpointName}`,
            `deleted container group ${aciName}`,
            expect.stringMatching(new RegExp(`^(deleted|archived) model version ${modelName}:1$`)),
          ]);
          expect(target().created).toEqual([]);
          expect(await target().leftovers()).toEqual([]);
        },
        timeoutMs,
      );
    },
  );

  /**
   * Kubernetes: on the emulator with a cluster it makes; live only when AZUREML_STEPS_AKS_CLUSTER names an AKS
   * cluster (resource id) with the Azure ML extension installed for inference, and not attached to the workspace.
   */
  describeOnTargets(
    `deploy as ${host}: kubernetes (live with AZUREML_STEPS_AKS_CLUSTER), refused until attached; clean up`,
    async () => ({ target: emulatorTarget(emulator) }),
    (target, timeoutMs) => {
      const onEmulator = () => target().kind === 'emulator';
      it(
        'kubernetes: refuses a cluster that is not attached, with the attach command; attachCluster attaches and deploys',
        async () => {
          const clusterId = onEmulator()
            ? emulatorCluster(`aks-${tag}`)
            : process.env['AZUREML_STEPS_AKS_CLUSTER']!;
          const clusterName = clusterId.split('/').at(-1)!;
          const modelName = target().uniqueName(`rain-k8s-${tag}`);
          const compute = uniqueName(`k8s-${tag}`, target().runId, 16);
          const common = {
            endpointName: target().uniqueName(`rain-k8s-${tag}`),
            target: 'kubernetes',
            compute,
            aksCluster: clusterId,
          };
          const ws = target().workspaceName;
          const rg = target().resourceGroup;
          const registered = await target().run(host, {
            task: 'AzureMLRegisterModelV1',
            action: 'register-model',
            inputs: { modelName, modelPath: join(scratch, 'model') },
          });
          if (registered.outputs.modelVersion)
            target().track({
              kind: 'modelVersion',
              name: modelName,
              version: registered.outputs.modelVersion,
            });
          expectSucceeded(registered);
          const onTarget = { ...model, modelId: `azureml:${modelName}:1` };
          const deployOn = (inputs: Record<string, string>) =>
            target().run(host, { task: 'AzureMLDeployV1', action: 'deploy', inputs });

          const refused = await deployOn({ ...common, deploymentName: 'blue', ...onTarget });
          expect(refused.succeeded).toBe(false);
          expect(refused.errors).toHaveLength(1);
          expect(refused.errors[0]).toContain(
            `AKS cluster '${clusterName}' is not attached to workspace '${ws}' as Kubernetes compute '${compute}'.`,
          );
          expect(refused.errors[0]).toContain(
            `az ml compute attach --resource-group ${rg} --workspace-name ${ws} --type Kubernetes --name ${compute} --resource-id ${clusterId}`,
          );
          await expect(target().ml.onlineEndpoints.get(rg, ws, common.endpointName)).rejects.toMatchObject({
            statusCode: 404,
          });
          expect(refused.summary).toContain('✅ running: power state Running');
          expect(refused.summary).toContain(`❌ attached as compute '${compute}'`);

          target().track({ kind: 'compute', name: compute });
          target().track({ kind: 'endpoint', name: common.endpointName });
          const attached = await deployOn({
            ...common,
            attachCluster: 'true',
            deploymentName: 'blue',
            ...onTarget,
          });
          expectSucceeded(attached);
          expect(attached.summary).toContain(`attached AKS cluster '${clusterName}' as compute '${compute}'`);
          expect(attached.summary).toMatch(/✅ Azure ML extension with inference/);
          const endpoint = await target().ml.onlineEndpoints.get(rg, ws, common.endpointName);
          expect(endpoint.properties.compute!.toLowerCase()).toBe(
            `/subscriptions/${target().subscriptionId}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/computes/${compute}`.toLowerCase(),
          );
          const deployment = await target().ml.onlineDeployments.get(rg, ws, common.endpointName, 'blue');
          expect(deployment.properties).toMatchObject({ endpointComputeType: 'Kubernetes' });
          expectSucceeded(
            await target().run(host, {
              task: 'AzureMLSmokeTestV1',
              action: 'smoke-test',
              inputs: {
                endpointName: common.endpointName,
                casesFile,
                latencyRequests: '0',
                readyTimeoutSeconds: '30',
              },
            }),
          );

          expect((await target().leftovers()).sort()).toEqual(
            [
              `compute ${compute}`,
              `model version ${modelName}:1`,
              `online endpoint ${common.endpointName}`,
            ].sort(),
          );
          const report = await target().cleanUp();
          expect(report.done).toEqual([
            `deleted online endpoint ${common.endpointName}`,
            `detached compute ${compute}`,
            expect.stringMatching(new RegExp(`^(deleted|archived) model version ${modelName}:1$`)),
          ]);
          expect(await target().leftovers()).toEqual([]);
        },
        timeoutMs,
      );
    },
    process.env['AZUREML_STEPS_AKS_CLUSTER'] ? liveSettings() : undefined,
  );
});

/** An AKS cluster in the emulator with the Azure ML extension installed for inference; its resource id. */
function emulatorCluster(name: string): string {
  const cluster = emulator.aks.createCluster({ name });
  emulator.kubernetesConfiguration.installExtension(cluster.id, {
    configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
  });
  return cluster.id;
}
