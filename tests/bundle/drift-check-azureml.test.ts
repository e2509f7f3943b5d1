/**
 * drift-check with `runOn: azureml` on both hosts: the bundle submits a pipeline job to the emulator, whose
 * parallel steps run the bundle's own engine (Node, from the Docker context it carries) over 8 Parquet files per
 * side, registered as data assets and cut at row groups into 16 partitions, with a sample smaller than the data;
 * the verdict and every feature's figures equal those of `runOn: agent` on the same files, and a second run (on a
 * compute cluster) uploads no code and registers no environment. One emulator for the file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import type { DriftReport } from '../../shared/src/drift/model';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { emulatorSignIn, runOnEmulator } from '../harness/emulator-run';
import { datastoreContainer } from '../harness/emulator-model';
import { runStepAs, type Host, type HostRun } from '../harness/host-run';
import { scratchFolder } from '../harness/scratch-folders';
import { SeededDraw } from '../harness/seeded-draw';

const hosts: Host[] = ['azure-pipelines', 'github'];
const ROWS = 200_000;
const PARTITIONS = 8;
const ROW_GROUP_ROWS = 12_500;
/** Below a side's rows: the job's partitions keep part of the sample each, and the merge must cut it as one pass does. */
const MAX_SAMPLE_ROWS = '150000';
const CITIES = ['Paris', 'Oslo', 'Lima', 'Pune'];

let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;
let data: string;

/** One side's partitions: `<side>/part-<i>.parquet`, seeded; the current side is warmer and rainier in Lima. */
function writeSide(side: 'baseline' | 'current'): string[] {
  const draw = new SeededDraw(side === 'baseline' ? 11 : 23);
  const warm = side === 'current' ? 3 : 0;
  const weights = side === 'current' ? [1, 1, 3, 1] : [1, 1, 1, 1];
  const per = ROWS / PARTITIONS;
  const files: string[] = [];
  mkdirSync(join(data, side));
  for (let p = 0; p < PARTITIONS; p++) {
    const buffer = parquetWriteBuffer({
      columnData: [
        {
          name: 'temperature',
          data: Float64Array.from({ length: per }, () => Math.round(draw.normal(15 + warm, 5) * 100) / 100),
          type: 'DOUBLE',
        },
        { name: 'humidity', data: Float64Array.from({ length: per }, () => draw.uniform()), type: 'DOUBLE' },
        { name: 'city', data: Array.from({ length: per }, () => draw.pick(CITIES, weights)), type: 'STRING' },
      ],
      rowGroupSize: ROW_GROUP_ROWS,
    });
    const file = `${side}/part-${p}.parquet`;
    writeFileSync(join(data, file), new Uint8Array(buffer));
    files.push(file);
  }
  return files;
}

beforeAll(async () => {
  emulator = await startBriskEmulator();
  description = describeEmulator(emulator);
  emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
  data = scratchFolder('drift-azureml-');
  const store = datastoreContainer(emulator);
  for (const side of ['baseline', 'current'] as const) {
    for (const file of writeSide(side)) {
      const bytes = readFileSync(join(data, file));
      await store.getBlockBlobClient(`weather/${file}`).uploadData(bytes);
    }
    emulator.assets.addAssetVersion(emulator.workspaceId, 'data', `weather-${side}`, '1', {
      dataType: 'uri_folder',
      dataUri: `azureml://datastores/workspaceblobstore/paths/weather/${side}/`,
    });
  }
}, 60_000);
afterAll(() => emulator.close());

const onAzureMl = (host: Host, inputs: Record<string, string> = {}) =>
  runOnEmulator(host, description, {
    task: 'AzureMLDriftCheckV1',
    action: 'drift-check',
    inputs: {
      runOn: 'azureml',
      baselineData: 'azureml:weather-baseline:1',
      currentData: 'azureml:weather-current@latest',
      failOn: 'never',
      ...inputs,
    },
    timeoutMs: 180_000,
  });

function reportOf(run: HostRun): DriftReport {
  return JSON.parse(readFileSync(run.outputs.reportJson!, 'utf8')) as DriftReport;
}

/** Requests of the emulator from `from` on that registered something the job reuses (code, environment, component). */
function creations(from: number) {
  return emulator.requests
    .slice(from)
    .filter((r) => r.method === 'PUT' && /\/(codes|environments|components)\/[^/]+\/versions\//i.test(r.path))
    .map((r) => r.path);
}

describe('drift-check runOn azureml', () => {
  // Both hosts at once; the second runs start once both first runs have ended, so every request from then on is
  // theirs, and must create nothing.
  it('judges the job’s report as an agent run judges the same files, and reuses the code on a second run, on both hosts', async () => {
    const agentRun = (host: Host) =>
      runStepAs(host, {
        task: 'AzureMLDriftCheckV1',
        action: 'drift-check',
        inputs: {
          baselineData: 'baseline',
          currentData: 'current',
          failOn: 'never',
          maxSampleRows: MAX_SAMPLE_ROWS,
        },
        cwd: data,
        timeoutMs: 120_000,
      });
    const [agents, firsts] = await Promise.all([
      Promise.all(hosts.map(agentRun)),
      Promise.all(hosts.map((host) => onAzureMl(host, { maxSampleRows: MAX_SAMPLE_ROWS }))),
    ]);
    const partitions = PARTITIONS * Math.ceil(ROWS / PARTITIONS / ROW_GROUP_ROWS);
    hosts.forEach((host, index) => {
      const [agent, first] = [agents[index]!, firsts[index]!];
      expect([host, agent.errors, first.errors]).toEqual([host, [], []]);
      expect([host, first.result]).toEqual([host, agent.result]);
      for (const output of ['driftStatus', 'driftShare', 'driftedFeatures'])
        expect([host, output, first.outputs[output]]).toEqual([host, output, agent.outputs[output]]);
      expect(first.outputs.driftStatus).toBe('fail');
      // Each file's row groups were profiled as partitions of their own.
      expect(first.everythingPrinted).toContain(
        `baseline: ${ROWS} rows in ${PARTITIONS} file(s), ${partitions} partition(s)`,
      );
      const [local, job] = [reportOf(agent), reportOf(first)];
      expect(job.rows).toEqual({ baseline: ROWS, current: ROWS });
      expect(job.sources.baseline.files).toHaveLength(PARTITIONS);
      // The sample was cut: the merge of the partitions' samples is what the single pass keeps.
      const temperature = job.features.find((feature) => feature.name === 'temperature');
      expect(temperature?.notes.join('\n')).toMatch(
        /seeded samples \(baseline \d+ of 200000, current \d+ of 200000/,
      );
      // Every figure of every feature, to the last bit.
      expect(JSON.stringify(job.features)).toBe(JSON.stringify(local.features));
      expect(first.summary).toBe(agent.summary.replace(agent.outputs.reportHtml!, first.outputs.reportHtml!));
      // The job ran the engine in the job's Node environment.
      expect(first.everythingPrinted).toMatch(/The environment asks for Node \(node:24-bookworm-slim\)/);
    });

    // Again, on a compute cluster of the workspace this time.
    const before = emulator.requests.length;
    const seconds = await Promise.all(
      hosts.map((host) => onAzureMl(host, { compute: 'cpu-cluster', maxSampleRows: MAX_SAMPLE_ROWS })),
    );
    const puts = emulator.requests.slice(before).filter((r) => r.method === 'PUT' && /\/jobs\//.test(r.path));
    expect(puts).toHaveLength(hosts.length);
    for (const put of puts)
      expect(put.body).toMatchObject({
        properties: { settings: { default_compute: `${emulator.workspaceId}/computes/cpu-cluster` } },
      });
    expect(creations(before)).toEqual([]);
    hosts.forEach((host, index) => {
      const second = seconds[index]!;
      expect([host, second.errors]).toEqual([host, []]);
      expect(JSON.stringify(reportOf(second).features)).toBe(
        JSON.stringify(reportOf(firsts[index]!).features),
      );
      expect(second.everythingPrinted).toMatch(/code '[^']+': reused/);
      expect(second.everythingPrinted).toMatch(/inline environment: reused/);
    });
  }, 400_000);

  it.concurrent.each(hosts)(
    'cancels the job and fails when timeoutMinutes passes, as %s',
    async (host) => {
      const run = await onAzureMl(host, { timeoutMinutes: '0.001' });
      expect(run.succeeded).toBe(false);
      const name = /Submitted pipeline job '([^']+)'/.exec(run.everythingPrinted)?.[1];
      expect(name).toBeDefined();
      expect(run.errors.join('\n')).toContain(
        `Azure ML job '${name}' did not finish within the 0.001 minute(s) of '${host === 'github' ? 'timeout-minutes' : 'timeoutMinutes'}'`,
      );
      expect(
        emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/jobs/${name}/cancel`)),
      ).toHaveLength(1);
      expect(run.outputs.driftStatus).toBeUndefined();
    },
    120_000,
  );

  it.concurrent.each(hosts)(
    'refuses runOn azureml without a workspace, naming the inputs, as %s',
    async (host) => {
      const run = await runStepAs(host, {
        task: 'AzureMLDriftCheckV1',
        action: 'drift-check',
        inputs: {
          ...emulatorSignIn(host, description).inputs,
          runOn: 'azureml',
          baselineData: 'azureml:weather-baseline:1',
          currentData: 'azureml:weather-current:1',
        },
        extraEnv: emulatorSignIn(host, description).env,
        timeoutMs: 60_000,
      });
      expect(run.succeeded).toBe(false);
      const [group, workspace] =
        host === 'github' ? ['resource-group', 'workspace-name'] : ['resourceGroup', 'workspaceName'];
      expect(run.errors.join('\n')).toContain(
        `Input '${group}' is required with '${host === 'github' ? 'run-on' : 'runOn'}' 'azureml'`,
      );
      expect(run.errors.join('\n')).toContain(`Input '${workspace}' is required`);
    },
    60_000,
  );

  it.concurrent.each(hosts)(
    'names the input whose data asset is not found, as %s',
    async (host) => {
      const run = await onAzureMl(host, { currentData: 'azureml:weather-nowhere:3' });
      expect(run.succeeded).toBe(false);
      expect(run.errors.join('\n')).toMatch(
        new RegExp(
          `Input '${host === 'github' ? 'current-data' : 'currentData'}': Data asset 'weather-nowhere' version 3 was not found`,
        ),
      );
      expect(run.everythingPrinted).not.toMatch(/Submitted pipeline job/);
    },
    60_000,
  );
});
