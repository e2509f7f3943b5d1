import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../../emulator/storage';
import { seedCompletedJob } from '../harness/emulator-jobs';
import { callsBesideSignIn, runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { describeOnTargets, emulatorOnly, emulatorTarget, type Target } from '../harness/target';
import { scratchFolder } from '../harness/scratch-folders';

/**
 * The bundled register-model step, as both hosts run it, against the emulator: models registered from real
 * training runs (the train step's bundle on the weather example), and the gate on jobs seeded with their MLflow
 * metrics (fast: nothing is trained for those).
 */
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;
let scratch: string;
const weatherJob = join(repoRoot, 'examples/weather/train-job.yml');

beforeAll(async () => {
  emulator = await startEmulator();
  description = describeEmulator(emulator);
  emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
  scratch = scratchFolder('register-model-');
  await uploadSeedModel('seeded/model/', { 'model.json': '{"weights": [0.1, 0.2]}' });
}, 60_000);
afterAll(() => emulator.close());

function runStep(host: Host, task: string, action: string, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, description, { task, action, inputs });
}

const register = (host: Host, inputs: Record<string, string>) =>
  runStep(host, 'AzureMLRegisterModelV1', 'register-model', inputs);

/** A datastore's blob container, written with Azurite's (public) account key. */
function datastoreContainer(name = 'workspaceblobstore'): ContainerClient {
  const datastore = emulator.store.get(`${emulator.workspaceId}/datastores/${name}`)!;
  const containerName = (datastore.body['properties'] as { containerName: string }).containerName;
  const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
    tlsOptions: emulator.tlsOptions,
  };
  return new ContainerClient(
    `${emulator.blob.blobUrl}/${containerName}`,
    new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    options,
  );
}

async function uploadSeedModel(
  prefix: string,
  files: Record<string, string>,
  datastore?: string,
): Promise<void> {
  const container = datastoreContainer(datastore);
  for (const [name, text] of Object.entries(files))
    await container.getBlockBlobClient(`${prefix}${name}`).upload(text, Buffer.byteLength(text));
}

let seeded = 0;
/** A completed job whose output `model` is the seeded model folder, with its metrics in MLflow (nothing runs). */
function seedJob(metrics: Record<string, number>): string {
  const name = `seeded-job-${++seeded}-${Date.now().toString(36)}`;
  return seedCompletedJob(emulator, { name, experimentName: 'seeded', modelPath: 'seeded/model/', metrics });
}

/** A model version registered earlier (by this step or anyone), with the job that produced it. */
function seedVersion(model: string, version: string, jobName: string, tags: Record<string, string> = {}) {
  emulator.assets.addAssetVersion(emulator.workspaceId, 'models', model, version, {
    modelUri: 'azureml://datastores/workspaceblobstore/paths/seeded/model/',
    modelType: 'custom_model',
    jobName,
    tags,
  });
}

/** An online endpoint with deployments serving model versions, and its traffic split. */
function seedEndpoint(name: string, deployments: Record<string, string>, traffic: Record<string, number>) {
  const id = `${emulator.workspaceId}/onlineEndpoints/${name}`;
  emulator.store.set({
    id,
    secrets: { keys: { primaryKey: 'k1', secondaryKey: 'k2' } },
    body: {
      id,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: emulator.location,
      properties: { authMode: 'Key', traffic, provisioningState: 'Succeeded' },
    },
  });
  for (const [deployment, model] of Object.entries(deployments)) {
    const deploymentId = `${id}/deployments/${deployment}`;
    emulator.store.set({
      id: deploymentId,
      secrets: {},
      body: {
        id: deploymentId,
        name: deployment,
        type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
        location: emulator.location,
        sku: { name: 'Default', capacity: 1 },
        properties: {
          endpointComputeType: 'Managed',
          model,
          instanceType: 'Standard_DS3_v2',
          provisioningState: 'Succeeded',
        },
      },
    });
  }
}

const modelVersion = (model: string, version: string) =>
  emulator.store.get(`${emulator.workspaceId}/models/${model}/versions/${version}`);
/** The stored version's properties (what the step sent, as the emulator keeps it). */
const versionProperties = (model: string, version: string) =>
  modelVersion(model, version)!.body['properties'] as {
    modelType?: string;
    modelUri?: string;
    jobName?: string;
    tags: Record<string, string>;
    properties: Record<string, string>;
  };
const versionsOf = (model: string) =>
  emulator.store
    .children(`${emulator.workspaceId}/models/${model}`, 'versions')
    .map((v) => String(v.body['name']));
const gateResult = (run: HostRun) => JSON.parse(run.outputs.gateResult ?? '{}') as Record<string, unknown>;

/**
 * The weather model registered from real training runs and from a local MLflow folder, on the emulator and, with
 * AZUREML_STEPS_LIVE=1, in a real workspace (with a `cpu-cluster`): model names carry the run id, what was
 * registered is read back through the SDK, and everything the run made is cleaned up at the end.
 */
describeOnTargets(
  'register-model: the weather model from real training runs, and a local MLflow folder; clean up',
  async () => ({ target: emulatorTarget(emulator) }),
  (target, timeoutMs) => {
    const trained: string[] = [];
    let model: string;
    let localModel: string;
    const { onTarget, versionOn, versionsOn } = sdkReads(target);
    beforeAll(() => {
      model = target().uniqueName('rain-forecast');
      localModel = target().uniqueName('local-model');
    });
    const trainOn = async (host: Host) => {
      const run = await target().run(host, {
        task: 'AzureMLTrainV1',
        action: 'train',
        inputs: { jobFile: weatherJob },
      });
      if (run.outputs.jobName) await target().trackJob(run.outputs.jobName);
      return run;
    };
    const registerOn = async (host: Host, inputs: Record<string, string>) => {
      const run = await onTarget(host, inputs);
      if (run.outputs.registered === 'true')
        target().track({
          kind: 'modelVersion',
          name: run.outputs.modelName!,
          version: run.outputs.modelVersion!,
        });
      return run;
    };

    it(
      'as azure-pipelines: registers the first training run as version 1, with lineage and metrics',
      async () => {
        const train = await trainOn('azure-pipelines');
        expect(train.errors).toEqual([]);
        trained.push(train.outputs.jobName!);

        const run = await registerOn('azure-pipelines', {
          modelName: model,
          jobName: trained[0]!,
          jobOutput: 'model',
          tags: 'team=forecasting',
        });
        expect(run.errors).toEqual([]);
        expect(run.result).toBe('Succeeded');
        expect(run.outputs).toMatchObject({
          registered: 'true',
          modelName: model,
          modelVersion: '1',
          modelId: `azureml:${model}:1`,
        });
        expect(gateResult(run)).toMatchObject({ verdict: 'none' });
        const props = await versionOn(model, '1');
        expect(props).toMatchObject({
          modelType: 'custom_model',
          jobName: trained[0],
          modelUri: `azureml://datastores/workspaceblobstore/paths/azureml/${trained[0]}/model/`,
        });
        expect(props['tags']).toMatchObject({
          team: 'forecasting',
          'ci.host': 'azure-pipelines',
          'source.job': trained[0],
        });
        expect(Number(props.tags['metric.f1'])).toBeGreaterThan(0.3);
        expect(props['properties']).toMatchObject({
          'azureml.steps.source': `azureml://jobs/${trained[0]}/outputs/model`,
          'azureml.steps.job': trained[0],
        });
        expect(run.summary).toContain(`\`azureml:${model}:1\` (registered)`);
        expect(run.summary).toMatch(/\| f1 \| 0\.\d+ \|/);
        const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8')) as {
          details: { model: Record<string, unknown> };
        };
        expect(evidence.details.model).toMatchObject({ id: `azureml:${model}:1`, registered: true });
      },
      timeoutMs,
    );

    it(
      'as github: the second training run becomes version 2; registering it again returns version 2',
      async () => {
        const train = await trainOn('github');
        expect(train.errors).toEqual([]);
        trained.push(train.outputs.jobName!);
        const inputs = { modelName: model, jobName: trained[1]!, jobOutput: 'model' };

        const first = await registerOn('github', inputs);
        expect(first.errors).toEqual([]);
        expect(first.outputs).toMatchObject({
          registered: 'true',
          modelVersion: '2',
          modelId: `azureml:${model}:2`,
        });

        const again = await registerOn('azure-pipelines', inputs);
        expect(again.errors).toEqual([]);
        expect(again.result).toBe('Succeeded');
        expect(again.outputs).toMatchObject({
          registered: 'true',
          modelVersion: '2',
          modelId: `azureml:${model}:2`,
        });
        expect(again.everythingPrinted).toContain(`is registered already as azureml:${model}:2`);
        expect(await versionsOn(model)).toEqual(['1', '2']);
      },
      timeoutMs,
    );

    it(
      'uploads a local MLflow model folder once, detects mlflow_model, and converges on re-runs',
      async () => {
        const folder = join(scratch, 'mlflow-model');
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'MLmodel'), 'flavors:\n  python_function: {}\n');
        writeFileSync(join(folder, 'model.pkl'), 'weights');
        const first = await registerOn('github', {
          modelName: localModel,
          modelPath: folder,
          tags: 'metric.f1=0.7',
        });
        expect(first.errors).toEqual([]);
        expect(first.outputs).toMatchObject({ registered: 'true', modelVersion: '1' });
        const props = await versionOn(localModel, '1');
        expect(props['modelType']).toBe('mlflow_model');
        expect(props['modelUri']).toMatch(
          /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/mlflow-model\/$/,
        );
        const again = await registerOn('azure-pipelines', { modelName: localModel, modelPath: folder });
        expect(again.outputs).toMatchObject({ registered: 'true', modelVersion: '1' });
      },
      timeoutMs,
    );

    it(
      'cleans up: the model versions and the training jobs, nothing of the run left',
      async () => {
        expect(await target().leftovers()).toEqual(
          expect.arrayContaining([
            `model version ${model}:1`,
            `model version ${model}:2`,
            `model version ${localModel}:1`,
          ]),
        );
        const report = await target().cleanUp();
        for (const job of trained) expect(report.done).toContain(`job ${job} had finished`);
        expect(report.done).toContainEqual(
          expect.stringMatching(new RegExp(`^(deleted|archived) model version ${model}:2$`)),
        );
        expect(target().created).toEqual([]);
        expect(await target().leftovers()).toEqual([]);
      },
      timeoutMs,
    );
  },
);

/** Runs register-model on the target, and reads model versions back through the SDK (the same on both targets). */
function sdkReads(target: () => Target) {
  const rg = () => target().resourceGroup;
  const ws = () => target().workspaceName;
  return {
    onTarget: (host: Host, inputs: Record<string, string>) =>
      target().run(host, { task: 'AzureMLRegisterModelV1', action: 'register-model', inputs }),
    versionOn: async (model: string, version: string) =>
      (await target().ml.modelVersions.get(rg(), ws(), model, version)).properties as unknown as ReturnType<
        typeof versionProperties
      >,
    versionsOn: async (model: string) => {
      const names: string[] = [];
      for await (const v of target().ml.modelVersions.list(rg(), ws(), model)) names.push(v.name!);
      return names.sort((a, b) => Number(a) - Number(b));
    },
  };
}

emulatorOnly(
  'register-model: the champion/challenger gate',
  'jobs are seeded in the emulator store with their MLflow metrics (nothing is trained)',
  () => {
    it('passes a better model against the latest version, and says so metric by metric', async () => {
      seedVersion('gate-latest', '1', seedJob({ f1: 0.8, accuracy: 0.9 }));
      const run = await register('github', {
        modelName: 'gate-latest',
        jobName: seedJob({ f1: 0.85, accuracy: 0.91, auc: 0.9 }),
        jobOutput: 'model',
        compareMetric: 'f1',
        baseline: 'latest',
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs).toMatchObject({ registered: 'true', modelVersion: '2' });
      expect(gateResult(run)).toMatchObject({
        metric: 'f1',
        higherIsBetter: true,
        candidate: { value: 0.85 },
        baseline: { modelId: 'azureml:gate-latest:1', value: 0.8 },
        verdict: 'pass',
      });
      expect(run.summary).toContain('### Candidate against azureml:gate-latest:1');
      expect(run.summary).toContain('| **f1** (gate, higher is better) | 0.85 | 0.8 | +0.05 |');
      expect(run.summary).toContain('| accuracy | 0.91 | 0.9 | +0.01 |');
      expect(run.summary).not.toContain('| auc |');
      const tags = (modelVersion('gate-latest', '2')!.body['properties'] as { tags: Record<string, string> })
        .tags;
      expect(tags).toMatchObject({
        'gate.verdict': 'pass',
        'gate.baseline': 'azureml:gate-latest:1',
        'data.training_data': 'weather:3',
      });
    }, 60_000);

    it('flags a metric that regressed while the gate passed, and links the version in studio', async () => {
      seedVersion('gate-recall', '1', seedJob({ f1: 0.85, recall: 0.8 }));
      const run = await register('azure-pipelines', {
        modelName: 'gate-recall',
        jobName: seedJob({ f1: 0.853, recall: 0.785 }),
        jobOutput: 'model',
        compareMetric: 'f1',
        baseline: 'latest',
      });
      expect(run.errors).toEqual([]);
      expect(gateResult(run)).toMatchObject({ verdict: 'pass' });
      expect(run.warnings).toContainEqual(
        expect.stringMatching(
          /^recall regressed against azureml:gate-recall:1: recall 0\.8 → 0\.785 \(−0\.015, higher is better\)/,
        ),
      );
      expect(run.summary).toContain('| Regressions | ⚠️ recall 0.8 → 0.785 (−0.015, higher is better) |');
      const studioUrl = `https://ml.azure.com/model/gate-recall:2/details?wsid=${encodeURIComponent(emulator.workspaceId)}`;
      expect(run.summary).toContain(`| Studio | [azureml:gate-recall:2](${studioUrl}) |`);
      const { details } = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8')) as {
        details: {
          model: Record<string, unknown>;
          regressions: string[];
          metrics: Record<string, unknown>[];
        };
      };
      expect(details.model).toMatchObject({ id: 'azureml:gate-recall:2', studioUrl });
      expect(details.regressions).toEqual(['recall']);
      expect(details.metrics).toEqual([
        {
          name: 'f1',
          candidate: 0.853,
          baseline: 0.85,
          delta: expect.closeTo(0.003, 9),
          higherIsBetter: true,
          direction: 'gate',
          regressed: false,
        },
        {
          name: 'recall',
          candidate: 0.785,
          baseline: 0.8,
          delta: expect.closeTo(-0.015, 9),
          higherIsBetter: true,
          direction: 'name',
          regressed: true,
        },
      ]);
    }, 60_000);

    it.each<[Host, 'fail' | 'skip']>([
      ['azure-pipelines', 'fail'],
      ['github', 'skip'],
    ])(
      'as %s refuses a worse model (onGateFail %s) and registers nothing',
      async (host, onGateFail) => {
        const model = `gate-worse-${onGateFail}`;
        seedVersion(model, '1', seedJob({ f1: 0.8 }));
        const run = await register(host, {
          modelName: model,
          jobName: seedJob({ f1: 0.75 }),
          jobOutput: 'model',
          compareMetric: 'f1',
          baseline: 'latest',
          onGateFail,
        });
        expect(run.outputs.registered).toBe('false');
        expect(gateResult(run)).toMatchObject({ verdict: 'fail', delta: expect.closeTo(-0.05, 9) });
        expect(versionsOf(model)).toEqual(['1']);
        const reason = 'f1 0.75 is 0.05 lower (worse) than 0.8 of azureml:';
        if (onGateFail === 'fail') {
          expect(run.result).toBe('Failed');
          expect(run.errors[0]).toContain(reason);
          expect(run.errors[0]).toContain('Nothing was registered.');
        } else {
          expect(run.succeeded).toBe(true);
          expect(run.result).toBe('SucceededWithIssues');
          expect(run.warnings.join('\n')).toContain(reason);
        }
        expect(run.summary).toContain('**not registered**');
      },
      60_000,
    );

    it('honours higherIsBetter false (RMSE) and minImprovement, ties at the boundary passing', async () => {
      seedVersion('gate-rmse', '1', seedJob({ rmse: 0.32 }));
      const common = {
        modelName: 'gate-rmse',
        jobOutput: 'model',
        compareMetric: 'rmse',
        higherIsBetter: 'false',
        baseline: 'latest',
      };
      const tooLittle = await register('azure-pipelines', {
        ...common,
        jobName: seedJob({ rmse: 0.31 }),
        minImprovement: '0.02',
      });
      expect(tooLittle.result).toBe('Failed');
      expect(tooLittle.errors[0]).toContain('rmse 0.31 is 0.01 lower (better) than 0.32');
      expect(tooLittle.errors[0]).toContain('less than the required improvement of 0.02');

      const enough = await register('github', {
        ...common,
        jobName: seedJob({ rmse: 0.3 }),
        minImprovement: '0.02',
      });
      expect(enough.errors).toEqual([]);
      expect(enough.outputs).toMatchObject({ registered: 'true', modelVersion: '2' });
      expect(gateResult(enough)).toMatchObject({
        verdict: 'pass',
        higherIsBetter: false,
        minImprovement: 0.02,
      });

      const higherIsWorse = await register('github', { ...common, jobName: seedJob({ rmse: 0.35 }) });
      expect(higherIsWorse.succeeded).toBe(false);
      expect(higherIsWorse.errors[0]).toContain(
        'rmse 0.35 is 0.05 higher (worse) than 0.3 of azureml:gate-rmse:2',
      );
    }, 60_000);

    it('finds the production baseline behind the deployment with the most traffic', async () => {
      seedVersion('rain', '1', seedJob({ f1: 0.8 }));
      seedVersion('rain', '2', seedJob({ f1: 0.9 }));
      seedEndpoint(
        'rain-prod',
        { blue: `${emulator.workspaceId}/models/rain/versions/1`, green: 'azureml:rain:2' },
        { blue: 90, green: 10 },
      );
      const run = await register('azure-pipelines', {
        modelName: 'rain',
        jobName: seedJob({ f1: 0.85 }),
        jobOutput: 'model',
        compareMetric: 'f1',
        baselineEndpoint: 'rain-prod',
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs).toMatchObject({ registered: 'true', modelVersion: '3' });
      expect(gateResult(run)).toMatchObject({
        verdict: 'pass',
        baseline: { modelId: 'azureml:rain:1', value: 0.8 },
      });
      expect(String(gateResult(run)['reason'])).toContain(
        "deployment 'blue' of online endpoint 'rain-prod' with 90 % of the traffic",
      );
    }, 60_000);

    it('passes the first model and says why; a missing metric is an error naming it', async () => {
      const first = await register('github', {
        modelName: 'brand-new',
        jobName: seedJob({ f1: 0.7 }),
        jobOutput: 'model',
        compareMetric: 'f1',
        baselineEndpoint: 'no-such-endpoint',
        minValue: '0.6',
      });
      expect(first.errors).toEqual([]);
      expect(first.outputs).toMatchObject({ registered: 'true', modelVersion: '1' });
      expect(gateResult(first)).toMatchObject({
        verdict: 'pass',
        baseline: null,
        delta: null,
        minValue: 0.6,
      });
      expect(String(gateResult(first)['reason'])).toContain(
        "No baseline to compare with: online endpoint 'no-such-endpoint' does not exist",
      );

      const missing = await register('azure-pipelines', {
        modelName: 'brand-new',
        jobName: seedJob({ accuracy: 0.9 }),
        jobOutput: 'model',
        compareMetric: 'f1',
        baseline: 'latest',
      });
      expect(missing.result).toBe('Failed');
      expect(missing.errors[0]).toMatch(
        /The gate compares 'f1', but the candidate .* has no metric 'f1': looked in the MLflow run of job '[^']+' \(it logged accuracy\)/,
      );
      expect(versionsOf('brand-new')).toEqual(['1']);
    }, 60_000);
  },
);

emulatorOnly(
  'register-model: artifact paths, model YAML and bad inputs',
  'jobs seeded in the emulator store; "calling no Azure" is read from its request log',
  () => {
    it('registers an artifact path of a job, and detects an MLflow model there', async () => {
      const jobName = seedJob({ f1: 0.8 });
      await uploadSeedModel(
        `ExperimentRun/dcid.${jobName}/outputs/mlflow-model/`,
        { MLmodel: 'flavors: {}\n', 'model.pkl': 'w' },
        'workspaceartifactstore',
      );
      const run = await register('github', {
        modelName: 'artifact-model',
        jobName,
        jobOutput: 'outputs/mlflow-model',
      });
      expect(run.errors).toEqual([]);
      const props = versionProperties('artifact-model', '1');
      expect(props).toMatchObject({
        modelType: 'mlflow_model',
        modelUri: `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${jobName}/outputs/mlflow-model/`,
      });
      const missing = await register('github', {
        modelName: 'artifact-model',
        jobName,
        jobOutput: 'nothing',
      });
      expect(missing.errors[0]).toBe(
        `Job '${jobName}' has no output 'nothing' (its outputs: model) and no artifact at 'nothing'.`,
      );
    }, 60_000);

    it('registers from a model YAML naming a job output, with its version and tags', async () => {
      const jobName = seedJob({ f1: 0.8 });
      const file = join(scratch, 'model.yml');
      writeFileSync(
        file,
        `$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: yaml-model\nversion: 7\npath: azureml://jobs/${jobName}/outputs/model\ntype: custom_model\ntags:\n  stage: candidate\n`,
      );
      const run = await register('azure-pipelines', { modelName: 'yaml-model', modelFile: file });
      expect(run.errors).toEqual([]);
      expect(run.outputs).toMatchObject({ modelVersion: '7', modelId: 'azureml:yaml-model:7' });
      const props = versionProperties('yaml-model', '7');
      expect(props['tags']).toMatchObject({ stage: 'candidate', 'metric.f1': '0.8' });
    }, 60_000);

    it.each<Host>(['azure-pipelines', 'github'])(
      'as %s rejects two sources and a model YAML typo at its line, calling no Azure but the sign-in',
      async (host) => {
        const before = callsBesideSignIn(emulator);
        const two = await register(host, {
          modelName: 'm',
          jobName: 'j',
          jobOutput: 'model',
          modelPath: scratch,
        });
        expect(two.result).toBe('Failed');
        expect(two.errors[0]).toMatch(
          /Give one model source, not '(jobOutput|job-output)' and '(modelPath|model-path)'/,
        );

        const file = join(scratch, `typo-${host}.yml`);
        writeFileSync(file, 'name: m\npath: .\ntpye: custom_model\n');
        const typo = await register(host, { modelName: 'm', modelFile: file });
        expect(typo.result).toBe('Failed');
        expect(typo.errors.join('\n')).toContain("Unknown key 'tpye' in a model YAML (did you mean 'type'?)");
        expect(typo.locatedErrors[0]).toMatchObject({ file, line: '3' });
        expect(callsBesideSignIn(emulator)).toBe(before);
      },
      60_000,
    );
  },
);

/** Every blob of a datastore's container, by name. */
async function blobNames(datastore = 'workspaceblobstore'): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of datastoreContainer(datastore).listBlobsFlat()) names.push(blob.name);
  return names.sort();
}

/** A local MLflow model folder (its MLmodel declaring two flavors) and a model YAML naming it. */
function mlflowModelFile(name: string, extra = ''): { folder: string; file: string } {
  const folder = join(scratch, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'MLmodel'),
    [
      'artifact_path: model',
      'flavors:',
      '  python_function:',
      '    loader_module: mlflow.sklearn',
      '    python_version: 3.10.12',
      '  sklearn:',
      '    pickled_model: model.pkl',
      `    sklearn_version: 1.3.${name.length}`,
    ].join('\n'),
  );
  writeFileSync(join(folder, 'model.pkl'), `weights of ${name}`);
  const file = join(scratch, `${name}.yml`);
  writeFileSync(
    file,
    `$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: ${name}\npath: ./${name}\ndescription: Rain in four hours\ntags: { team: forecasting }\nproperties: { owner: ada }\nstage: Production\n${extra}`,
  );
  return { folder, file };
}

describe('register-model: MLflow model folders and model YAML keys', () => {
  it('registers an MLflow folder from a model YAML: type and flavors from MLmodel, uploaded to its datastore', async () => {
    const { file } = mlflowModelFile('mlflow-yaml', 'datastore: workspaceartifactstore\n');
    const run = await register('github', { modelName: 'mlflow-yaml', modelFile: file });
    expect(run.errors).toEqual([]);
    expect(run.outputs).toMatchObject({ registered: 'true', modelVersion: '1' });
    expect(run.warnings.join('\n')).toContain(`${file}:7:1: 'stage' is not sent`);
    const props = versionProperties('mlflow-yaml', '1') as ReturnType<typeof versionProperties> & {
      description?: string;
      flavors?: unknown;
    };
    expect(props).toMatchObject({
      modelType: 'mlflow_model',
      description: 'Rain in four hours',
      tags: { team: 'forecasting' },
      properties: { owner: 'ada' },
      flavors: {
        python_function: { data: { loader_module: 'mlflow.sklearn', python_version: '3.10.12' } },
        sklearn: { data: { pickled_model: 'model.pkl', sklearn_version: '1.3.11' } },
      },
    });
    expect(props.modelUri).toMatch(
      /^azureml:\/\/datastores\/workspaceartifactstore\/paths\/LocalUpload\/[0-9a-f]{32}\/mlflow-yaml\/$/,
    );
    const uploaded = props.modelUri!.replace(/^azureml:\/\/datastores\/workspaceartifactstore\/paths\//, '');
    expect((await blobNames('workspaceartifactstore')).filter((n) => n.startsWith(uploaded))).toEqual([
      `${uploaded}MLmodel`,
      `${uploaded}model.pkl`,
    ]);
  }, 60_000);

  it.each<Host>(['azure-pipelines', 'github'])(
    'as %s refuses type mlflow_model on a folder without MLmodel at its line, calling no Azure but the sign-in',
    async (host) => {
      const folder = join(scratch, `plain-${host}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'model.pkl'), 'w');
      const file = join(scratch, `plain-${host}.yml`);
      writeFileSync(file, `name: plain\npath: ./plain-${host}\ntype: mlflow_model\n`);
      const before = callsBesideSignIn(emulator);
      const run = await register(host, { modelName: 'plain', modelFile: file });
      expect(run.result).toBe('Failed');
      expect(run.errors.join('\n')).toContain(
        `'type' is mlflow_model but the folder ${folder} has no MLmodel file`,
      );
      expect(run.locatedErrors[0]).toMatchObject({ file, line: '3' });
      expect(callsBesideSignIn(emulator)).toBe(before);
    },
    60_000,
  );
});

describe('register-model: dry run', () => {
  it.each<Host>(['azure-pipelines', 'github'])(
    'as %s reads, gates and prints the requests; uploads and registers nothing',
    async (host) => {
      const model = `dry-${host}`;
      seedVersion(model, '1', seedJob({ f1: 0.8 }));
      const { file } = mlflowModelFile(model);
      const versionsBefore = versionsOf(model);
      const blobsBefore = await blobNames();
      const writesBefore = emulator.requests.filter((r) => r.method !== 'GET').length;

      const run = await register(host, {
        modelName: model,
        modelFile: file,
        jobName: seedJob({ f1: 0.85 }),
        compareMetric: 'f1',
        baseline: 'latest',
        dryRun: 'true',
      });
      expect(run.errors).toEqual([]);
      expect(run.succeeded).toBe(true);
      expect(run.outputs).toMatchObject({
        registered: 'false',
        modelVersion: '2',
        modelId: `azureml:${model}:2`,
      });
      expect(gateResult(run)).toMatchObject({ verdict: 'pass', baseline: { modelId: `azureml:${model}:1` } });
      expect(versionsOf(model)).toEqual(versionsBefore);
      expect(await blobNames()).toEqual(blobsBefore);
      const writes = emulator.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
      expect(
        writes.slice(writesBefore).filter((r) => !/\/token|oauth2|listSecrets|listKeys/i.test(r.path)),
      ).toEqual([]);

      const printed = run.everythingPrinted;
      expect(printed).toContain('Dry run: 2 request(s) that would be sent (none was)');
      expect(printed).toMatch(
        /PUT azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/dry-[a-z-]+\/ \(upload of 2 file\(s\), \d+ bytes\)/,
      );
      expect(printed).toContain(
        `PUT ${emulator.workspaceId}/models/${model}/versions/2?api-version=2022-10-01`,
      );
      expect(printed).toContain('"modelType": "mlflow_model"');
      expect(printed).toContain('"loader_module": "mlflow.sklearn"');
      expect(printed).toContain('"gate.verdict": "pass"');
      expect(printed).not.toContain(emulator.clientSecret);
      expect(run.summary).toContain('**dry run**: nothing uploaded or registered');
      expect(run.summary).toContain(`\`azureml:${model}:2\` (dry run: would be registered)`);
      expect(run.summary).toContain('this was a dry run, so nothing was uploaded or registered');
    },
    60_000,
  );
});
