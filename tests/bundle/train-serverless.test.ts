import { join } from 'node:path';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';

/** The bundled train step on both hosts: serverless jobs and nested pipeline components, run on the emulator. */
const hosts: Host[] = ['azure-pipelines', 'github'];
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;

beforeAll(async () => {
  emulator = await startBriskEmulator();
  description = describeEmulator(emulator);
  // No compute of the workspace: serverless jobs need none.
  emulator.assets.addAssetVersion(
    emulator.workspaceId,
    'environments',
    'AzureML-sklearn-1.0-ubuntu20.04-py38-cpu',
    '33',
    { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' },
  );
}, 60_000);
afterAll(() => emulator.close());

function train(host: Host, jobFile: string): Promise<HostRun> {
  return runOnEmulator(host, description, { task: 'AzureMLTrainV1', action: 'train', inputs: { jobFile } });
}

/** The job PUT of a run: path, api-version and body. */
function jobPut(jobName: string) {
  const [put] = emulator.received('PUT', new RegExp(`/jobs/${jobName}$`));
  if (!put) throw new Error(`no PUT of job ${jobName}`);
  return {
    apiVersion: put.query['api-version'],
    properties: (put.body as { properties: Record<string, unknown> }).properties,
  };
}

describe('train: serverless compute', () => {
  it.concurrent.each(hosts)(
    'runs the weather job on serverless compute as %s',
    async (host) => {
      const run = await train(host, join(repoRoot, 'examples/weather/train-job-serverless.yml'));
      expect(run.errors).toEqual([]);
      expect(run.outputs.jobStatus).toBe('Completed');
      const put = jobPut(run.outputs.jobName!);
      expect(put.apiVersion).toBe('2025-12-01');
      expect(put.properties).not.toHaveProperty('computeId');
      expect(put.properties['resources']).toEqual({ instanceCount: 1, instanceType: 'Standard_DS3_v2' });
      expect(put.properties['queueSettings']).toEqual({ jobTier: 'Standard' });
      // Nothing looked up a compute called serverless.
      expect(emulator.received('GET', /\/computes\//)).toEqual([]);
      const metrics = JSON.parse(run.outputs.metrics!) as Record<string, number>;
      expect(metrics['f1']).toBeGreaterThan(0.3);
    },
    150_000,
  );
});

describe('train: pipeline components', () => {
  it.concurrent.each(hosts)(
    'runs a pipeline with a nested pipeline component as %s',
    async (host) => {
      const run = await train(host, join(repoRoot, 'tests/fixtures/train-run/nested-pipeline.yml'));
      expect(run.errors).toEqual([]);
      expect(run.outputs.jobStatus).toBe('Completed');
      const put = jobPut(run.outputs.jobName!);
      expect(put.apiVersion).toBe('2025-12-01');
      const jobs = put.properties['jobs'] as Record<string, Record<string, unknown>>;
      expect(jobs['train_and_check']).toMatchObject({ type: 'pipeline' });
      const component = emulator.store.get(String(jobs['train_and_check']!['componentId']));
      expect(component?.body).toMatchObject({ properties: { componentSpec: { type: 'pipeline' } } });
      // The nested pipeline's output reached the step after it.
      expect(run.everythingPrinted).toMatch(/^3$/m);
      // ... and the parallel step, which scored its one file (3, times --factor 2) in a mini-batch.
      expect(jobs['score']).toMatchObject({ type: 'parallel', input_data: '${{inputs.model}}' });
      expect(run.everythingPrinted).toMatch(/^epochs\.txt 6$/m);
    },
    150_000,
  );

  it.concurrent.each(hosts)(
    'runs a pipeline job whose top-level component is a pipeline component as %s',
    async (host) => {
      const run = await train(host, join(repoRoot, 'tests/fixtures/train/pipeline-nested/job-component.yml'));
      expect(run.errors).toEqual([]);
      expect(run.outputs.jobStatus).toBe('Completed');
      const put = jobPut(run.outputs.jobName!);
      expect(put.properties['componentId']).toMatch(/\/components\/azureml_anonymous\/versions\/[0-9a-f-]+$/);
      expect(Object.keys(put.properties['jobs'] as object)).toEqual(['train', 'check']);
      expect(JSON.parse(run.outputs.jobOutputs!)).toHaveProperty('model');
    },
    150_000,
  );
});
