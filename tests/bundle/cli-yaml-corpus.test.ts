import { startEmulator, type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { deployManifest } from '../../shared/src/steps/deploy/manifest';
import { registerModelManifest } from '../../shared/src/steps/register-model/manifest';
import { corpusFiles, type CorpusFile } from '../harness/cli-yaml-corpus';
import { addDocsAssets } from '../harness/docs-assets';
import { datastoreContainer } from '../harness/emulator-model';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';

/**
 * Every file of the CLI YAML corpus (tests/fixtures/cli-yaml) through the bundled steps' dry runs, as both hosts
 * run them, against one emulator: job files through train, deployment and endpoint files through deploy, model
 * files through register-model. Dry runs create nothing, so one emulator serves every file.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
const files = corpusFiles();
const of = (folder: string): CorpusFile[] => files.filter((f) => f.path.startsWith(folder));
const hasDryRun = (manifest: { inputs: readonly { name: string }[] }): boolean =>
  manifest.inputs.some((input) => input.name === 'dryRun');

let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;

beforeAll(async () => {
  emulator = await startEmulator();
  description = describeEmulator(emulator);
  const ws = emulator.workspaceId;
  addDocsAssets(emulator);
  const image = { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' };
  emulator.assets.addAssetVersion(ws, 'environments', 'AzureML-AutoML', '120', image);
  emulator.assets.addAssetVersion(ws, 'models', 'rain-model', '3', {
    modelType: 'custom_model',
    modelUri: 'azureml://datastores/workspaceblobstore/paths/models/rain/3/',
  });
  emulator.assets.addAssetVersion(ws, 'data', 'weather-validation', '2', {
    dataType: 'mltable',
    dataUri: 'azureml://datastores/workspaceblobstore/paths/weather-validation/',
  });
  // The attached Synapse Spark pool jobs/spark/attached-pool.yml runs on.
  emulator.assets.addCompute(ws, 'synapse-pool', {
    computeType: 'SynapseSpark',
    properties: { nodeSize: 'Medium', nodeCount: 3, sparkVersion: '3.3' },
  });
  // What models/from-datastore.yml registers: a model folder already on the datastore.
  await datastoreContainer(emulator).getBlockBlobClient('models/rain/model.pkl').upload('weights', 7);
}, 60_000);
afterAll(() => emulator.close());

/** ARM writes: a dry run makes none (sign-in and reading datastore keys are not writes). */
const writes = (): number =>
  emulator.requests.filter(
    (r) => r.method !== 'GET' && r.path.startsWith('/subscriptions/') && !/listSecrets$/.test(r.path),
  ).length;

async function dryRun(
  host: Host,
  task: string,
  action: string,
  inputs: Record<string, string>,
): Promise<HostRun> {
  const before = writes();
  const run = await runOnEmulator(host, description, { task, action, inputs: { ...inputs, dryRun: 'true' } });
  expect({ errors: run.errors, writes: writes() - before }).toEqual({ errors: [], writes: 0 });
  expect(run.succeeded).toBe(true);
  return run;
}

const cases = (list: CorpusFile[]): [Host, string, CorpusFile][] =>
  hosts.flatMap((host) => list.map((file): [Host, string, CorpusFile] => [host, file.path, file]));

describe('CLI YAML corpus: job files through train dry run', () => {
  it.concurrent.each(cases(of('jobs/')))(
    '%s accepts %s',
    async (host, _, file) => {
      const run = await dryRun(host, 'AzureMLTrainV1', 'train', { jobFile: file.absolute });
      expect(run.outputs.jobStatus).toBe('NotSubmitted');
    },
    60_000,
  );
});

// Enabled when the deploy step has its dry run (branch deploy13 adds the `dryRun` input).
(hasDryRun(deployManifest) ? describe : describe.skip)('CLI YAML corpus: deploy dry run', () => {
  it.concurrent.each(cases(of('endpoints/')))(
    '%s accepts the endpoint file %s',
    async (host, _, file) => {
      await dryRun(host, 'AzureMLDeployV1', 'deploy', { endpointFile: file.absolute });
    },
    60_000,
  );
  it.concurrent.each(cases(of('deployments/')))(
    '%s accepts the deployment file %s',
    async (host, _, file) => {
      await dryRun(host, 'AzureMLDeployV1', 'deploy', { deploymentFile: file.absolute });
    },
    60_000,
  );
});

// Enabled when the register-model step has its dry run (branch reg13 adds the `dryRun` input).
(hasDryRun(registerModelManifest) ? describe : describe.skip)(
  'CLI YAML corpus: register-model dry run',
  () => {
    it.concurrent.each(cases(of('models/')))(
      '%s accepts %s',
      async (host, _, file) => {
        await dryRun(host, 'AzureMLRegisterModelV1', 'register-model', { modelFile: file.absolute });
      },
      60_000,
    );
  },
);
