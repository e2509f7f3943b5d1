/**
 * The bundled train step runs, on both hosts and to completion on the emulator, the job kinds the CLI submits
 * beyond command, pipeline and sweep: a standalone AutoML job, a standalone Spark job, a pipeline with a
 * parallel step, one with sweep steps, one with a spark step and one with an automl step (tests/fixtures/train).
 * The emulator runs AutoML and Spark through stand-ins (emulator/README.md).
 */
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';

const hosts: Host[] = ['azure-pipelines', 'github'];
const fixtures = join(repoRoot, 'tests/fixtures/train');
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;

/** A datastore's container: the default one holds inputs and outputs, the artifact store the runs' logs. */
function datastore(name = 'workspaceblobstore'): ContainerClient {
  const stored = emulator.store.get(`${emulator.workspaceId}/datastores/${name}`)!;
  const containerName = (stored.body['properties'] as { containerName: string }).containerName;
  const { accountName, accountKey, blobUrl } = emulator.blob;
  return new ContainerClient(
    `${blobUrl}/${containerName}`,
    new StorageSharedKeyCredential(accountName, accountKey),
    { tlsOptions: emulator.tlsOptions } as never,
  );
}

async function upload(path: string, text: string): Promise<void> {
  await datastore().getBlockBlobClient(path).upload(text, Buffer.byteLength(text));
}

async function read(path: string, store?: string): Promise<string> {
  return (await datastore(store).getBlobClient(path).downloadToBuffer()).toString('utf8');
}

beforeAll(async () => {
  emulator = await startBriskEmulator();
  description = describeEmulator(emulator);
  const ws = emulator.workspaceId;
  emulator.assets.addAmlCompute(ws, 'cpu-cluster');
  emulator.assets.addAssetVersion(ws, 'environments', 'AzureML-sklearn-1.0-ubuntu20.04-py38-cpu', '33', {
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
  });
  // What the AutoML job names besides its local training data, and the Spark job's input.
  const table = 'paths:\n  - file: ./data.csv\n';
  for (const name of ['valid', 'test']) {
    await upload(`bank/${name}/MLTable`, table);
    await upload(`bank/${name}/data.csv`, 'age,y\n30,yes\n');
    emulator.assets.addAssetVersion(ws, 'data', `bank-${name}`, '1', {
      dataType: 'mltable',
      dataUri: `azureml://datastores/workspaceblobstore/paths/bank/${name}/`,
    });
  }
  await upload('data/titanic.csv', 'PassengerId,Survived\n1,0\n');
  await upload('spark/raw/weather.csv', 'day,rain\n1,0\n');
  // The pipeline-sweep fixture's data and the registered trial component its second sweep step names.
  await upload('tune/data/rows.csv', 'x,y\n1,0\n');
  emulator.assets.addAssetVersion(ws, 'components', 'tune_trial', '2', {
    componentSpec: {
      type: 'command',
      command: 'test -d ${{inputs.data}} && echo lr=${{inputs.learning_rate}}',
      environment: 'azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33',
      inputs: { data: { type: 'uri_folder' }, learning_rate: { type: 'number', default: 0.05 } },
    },
  });
}, 60_000);
afterAll(() => emulator.close());

function train(host: Host, file: string): Promise<HostRun> {
  return runOnEmulator(host, description, {
    task: 'AzureMLTrainV1',
    action: 'train',
    inputs: { jobFile: join(fixtures, file) },
  });
}

interface JobProperties {
  displayName?: string;
  jobType?: string;
  status?: string;
  properties?: Record<string, string>;
}

function properties(job: { body: Record<string, unknown> }): JobProperties {
  return job.body['properties'] as JobProperties;
}

/** Runs a pipeline fixture through train, expects it Completed, and returns its steps' child jobs. */
async function trainPipeline(host: Host, file: string) {
  const run = await train(host, file);
  expect(run.errors).toEqual([]);
  expect(run.outputs.jobStatus).toBe('Completed');
  return emulator.store
    .children(emulator.workspaceId, 'jobs')
    .filter((j) => properties(j).properties?.['azureml.pipelinerunid'] === run.outputs.jobName);
}

function stored(jobName: string): Record<string, unknown> {
  return emulator.store.get(`${emulator.workspaceId}/jobs/${jobName}`)!.body['properties'] as Record<
    string,
    unknown
  >;
}

describe.each(hosts)('train on %s runs the job kinds of 2025-12-01 to completion', (host) => {
  // The pipeline step kinds run on one host each: their REST bodies do not depend on the host, and both hosts run
  // the standalone AutoML and Spark jobs here and the nested pipeline with a parallel step (train-serverless).
  const onlyOn = (owner: Host): typeof it.concurrent =>
    host === owner ? it.concurrent : ((() => undefined) as unknown as typeof it.concurrent);
  it.concurrent(
    'an AutoML classification job: child runs, the best one reported, best_model written',
    async () => {
      const run = await train(host, 'automl/classification.yml');
      expect(run.errors).toEqual([]);
      expect(run.outputs.jobStatus).toBe('Completed');
      const jobName = run.outputs.jobName!;
      expect(stored(jobName)).toMatchObject({
        jobType: 'AutoML',
        taskDetails: { taskType: 'Classification' },
      });
      const metrics = JSON.parse(run.outputs.metrics!) as Record<string, number>;
      expect(metrics['Accuracy']).toBeGreaterThan(0);
      expect(await read(`azureml/${jobName}/best_model/MLmodel`)).toMatch(/python_function/);
    },
    150_000,
  );

  it.concurrent(
    'a Spark job: the entry submitted with its conf and py_files, the direct output written',
    async () => {
      const run = await train(host, 'spark/job.yml');
      expect(run.errors).toEqual([]);
      expect(run.outputs.jobStatus).toBe('Completed');
      const jobName = run.outputs.jobName!;
      expect(stored(jobName)).toMatchObject({
        jobType: 'Spark',
        outputs: { wrangled_data: { mode: 'Direct' } },
      });
      const driver = await read(
        `ExperimentRun/dcid.${jobName}/logs/azureml/driver/stdout`,
        'workspaceartifactstore',
      );
      expect(driver).toMatch(
        /^spark-submit --conf spark\.driver\.cores=1 .*--py-files utils\.py .*titanic\.py/,
      );
      expect(await read('data/wrangled/_SUCCESS')).toBe('');
    },
    150_000,
  );

  onlyOn('azure-pipelines')(
    'a pipeline whose parallel step scores files in mini-batches, then a command step sums the scores',
    async () => {
      const run = await train(host, 'pipeline-parallel/pipeline.yml');
      expect(run.errors).toEqual([]);
      expect(run.outputs.jobStatus).toBe('Completed');
      const outputs = JSON.parse(run.outputs.jobOutputs!) as Record<string, string>;
      const summary = outputs['summary']!.replace(/^azureml:\/\/datastores\/workspaceblobstore\/paths\//, '');
      // Three files holding 1, 2 and 3, each scored times 2 by score.py (--factor 2).
      expect(await read(`${summary}summary.txt`)).toBe('total 12\n');
    },
    200_000,
  );

  onlyOn('github')(
    'a pipeline with two sweep steps (a local trial component and a registered one) runs their trials',
    async () => {
      const steps = await trainPipeline(host, 'pipeline-sweep/pipeline.yml');
      const jobs = emulator.store.children(emulator.workspaceId, 'jobs');
      expect(steps.map((j) => [properties(j)['displayName'], properties(j)['jobType']]).sort()).toEqual([
        ['tune', 'Sweep'],
        ['tune_registered', 'Sweep'],
      ]);
      const trials = (sweep: string) =>
        jobs.filter(
          (j) => String(j.body['name']).startsWith(`${sweep}_`) && properties(j)['status'] === 'Completed',
        );
      const [tune, registered] = ['tune', 'tune_registered'].map((step) =>
        String(steps.find((j) => properties(j)['displayName'] === step)!.body['name']),
      );
      expect(trials(tune!)).toHaveLength(4);
      expect(trials(registered!)).toHaveLength(2);
    },
    200_000,
  );

  onlyOn('azure-pipelines')(
    'a pipeline whose automl step has its data written in the step (a local folder, a data asset)',
    async () => {
      const steps = await trainPipeline(host, 'pipeline-automl-data/pipeline.yml');
      expect(steps).toHaveLength(1);
      const step = steps[0]!;
      expect(properties(step)).toMatchObject({
        displayName: 'classify',
        jobType: 'AutoML',
        status: 'Completed',
        taskDetails: {
          taskType: 'Classification',
          primaryMetric: 'Accuracy',
          validationData: { uri: expect.stringMatching(/\/data\/bank-valid\/versions\/1$/) },
        },
      });
      expect(await read(`azureml/${String(step.body['name'])}/best_model/MLmodel`)).toMatch(
        /python_function/,
      );
    },
    200_000,
  );

  onlyOn('github')(
    'a pipeline whose spark step writes the folder a command step then reads',
    async () => {
      const steps = (await trainPipeline(host, 'pipeline-spark/pipeline.yml'))
        .map(properties)
        .map((p) => [p.displayName, p.jobType, p.status])
        .sort();
      expect(steps).toEqual([
        ['count', 'Command', 'Completed'],
        ['wrangle', 'Spark', 'Completed'],
      ]);
    },
    200_000,
  );
});
