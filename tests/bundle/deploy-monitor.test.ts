import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { registerRainModel } from '../harness/emulator-model';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { scratchFolder } from '../harness/scratch-folders';

/** A JSON object read back from the emulator, walked without types (the assertions say the shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON read in assertions only
type Untyped = Record<string, any>;

/**
 * The bundled deploy step's `monitor` input, as both hosts run it, on one emulator (each host its own endpoint):
 * `monitor: true` creates the deployment's model monitor schedule with the data drift signal and the thresholds
 * file's metrics mapped to Azure's, a re-run writes nothing, `monitor: false` removes it; a schedule the step did
 * not create is left alone; without collected model inputs the step refuses before anything is created.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
let emulator: Emulator;
let scratch: string;
let thresholdsFile: string;

beforeAll(async () => {
  scratch = scratchFolder('deploy-monitor-');
  emulator = await startBriskEmulator();
  await registerRainModel(emulator, join(scratch, 'model'));
  emulator.assets.addAssetVersion(emulator.workspaceId, 'data', 'weather-train', '1', {
    dataType: 'uri_folder',
    dataUri: 'azureml://datastores/workspaceblobstore/paths/weather/train/',
  });
  thresholdsFile = join(scratch, 'thresholds.yml');
  writeFileSync(
    thresholdsFile,
    [
      'features:',
      '  Temperature_C: { metric: psi, threshold: 0.2 }',
      '  Humidity: { metric: psi, threshold: 0.2 }',
      '  Pressure_millibars: 0.15',
      '  Current_weather_condition: { metric: chi2_pvalue, threshold: 0.01 }',
      '  Wind_speed_kmph: { metric: out_of_range_share, threshold: 0.05 }',
      '',
    ].join('\n'),
  );
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A deployment YAML of the rain model for the host's endpoint, collecting model inputs or not. */
function deploymentFile(endpoint: string, collectInputs: boolean): string {
  const dir = mkdtempSync(join(scratch, `${endpoint}-`));
  cpSync(join(repoRoot, 'examples/weather/score'), join(dir, 'score'), { recursive: true });
  const file = join(dir, 'deployment.yml');
  writeFileSync(
    file,
    [
      'name: blue',
      `endpoint_name: ${endpoint}`,
      'model: azureml:rain:1',
      'code_configuration: { code: ./score, scoring_script: score.py }',
      'instance_type: Standard_DS3_v2',
      'instance_count: 1',
      'data_collector:',
      '  collections:',
      `    model_inputs: { enabled: ${collectInputs} }`,
      '',
    ].join('\n'),
  );
  return file;
}

function deploy(host: Host, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, describeEmulator(emulator), {
    task: 'AzureMLDeployV1',
    action: 'deploy',
    inputs,
    timeoutMs: 90_000,
  });
}

const expectSucceeded = (run: HostRun) => {
  expect(run.errors).toEqual([]);
  expect(run.succeeded).toBe(true);
};

const schedule = (name: string) => emulator.store.get(`${emulator.workspaceId}/schedules/${name}`);

describe.each(hosts)('on %s', (host) => {
  const endpoint = host === 'github' ? 'mon-gh' : 'mon-ado';
  const name = `${endpoint}-blue-drift`;
  // A function: the thresholds file is written in beforeAll, after describe.each ran.
  const monitorInputs = () => ({
    monitor: 'true',
    monitorReferenceData: 'azureml:weather-train:1',
    monitorThresholdsFile: thresholdsFile,
    monitorEmails: 'ml-team@example.com, oncall@example.com',
  });

  test('without collected model inputs the step refuses before anything is created', async () => {
    const run = await deploy(host, { deploymentFile: deploymentFile(endpoint, false), ...monitorInputs() });
    expect(run.succeeded).toBe(false);
    expect(run.everythingPrinted).toMatch(/'monitor' is true, but the deployment collects no model inputs/);
    expect(run.everythingPrinted).toContain('data_collector.collections.model_inputs.enabled: true');
    expect(emulator.store.get(`${emulator.workspaceId}/onlineEndpoints/${endpoint}`)).toBeUndefined();
    expect(schedule(name)).toBeUndefined();
  });

  test('monitor true creates the schedule, a re-run writes nothing, monitor false removes it', async () => {
    const file = deploymentFile(endpoint, true);
    const first = await deploy(host, { deploymentFile: file, ...monitorInputs() });
    expectSucceeded(first);
    const created = schedule(name)!;
    expect(created).toBeDefined();
    const props = created.body['properties'] as Untyped;
    expect(props['provisioningState']).toBe('Succeeded');
    expect(props['tags']['azureml-steps.monitor']).toBe(`${endpoint}/blue`);
    expect(props['trigger']).toMatchObject({ triggerType: 'Recurrence', frequency: 'Day', interval: 1 });
    const definition = props['action']['monitorDefinition'];
    expect(definition['monitoringTarget']).toEqual({
      deploymentId: `${emulator.workspaceId}/onlineEndpoints/${endpoint}/deployments/blue`,
      modelId: `${emulator.workspaceId}/models/rain/versions/1`,
      taskType: 'Classification',
    });
    expect(definition['alertNotificationSettings']).toEqual({
      emailNotificationSettings: { emails: ['ml-team@example.com', 'oncall@example.com'] },
    });
    const signals = Object.values(definition['signals']) as Untyped[];
    expect(signals.map((s) => [s['features']['features'], s['metricThresholds']])).toEqual(
      expect.arrayContaining([
        [
          ['Humidity', 'Temperature_C'],
          [
            { dataType: 'Numerical', metric: 'PopulationStabilityIndex', threshold: { value: 0.2 } },
            { dataType: 'Categorical', metric: 'PopulationStabilityIndex', threshold: { value: 0.2 } },
          ],
        ],
        [
          ['Current_weather_condition'],
          [{ dataType: 'Categorical', metric: 'PearsonsChiSquaredTest', threshold: { value: 0.01 } }],
        ],
        [
          ['Pressure_millibars'],
          [
            { dataType: 'Numerical', metric: 'NormalizedWassersteinDistance', threshold: { value: 0.15 } },
            { dataType: 'Categorical', metric: 'JensenShannonDistance', threshold: { value: 0.15 } },
          ],
        ],
      ]),
    );
    expect(signals).toHaveLength(3);
    for (const signal of signals) {
      expect(signal['signalType']).toBe('DataDrift');
      expect(signal['productionData']).toMatchObject({
        inputDataType: 'Rolling',
        uri: `azureml:${endpoint}-blue-model_inputs:1`,
        windowSize: 'P1D',
      });
      expect(signal['referenceData']).toMatchObject({
        inputDataType: 'Fixed',
        uri: 'azureml:weather-train:1',
      });
    }
    expect(first.summary).toContain(`**Model monitor** \`${name}\`: created.`);
    expect(first.summary).toContain('Runs daily at 03:00 UTC');
    expect(first.summary).toMatch(/Not monitorable.*`Wind_speed_kmph` \(out_of_range_share\)/);
    expect(first.summary).toContain(
      `(\`azureml:${endpoint}-blue-model_inputs:1\`) against the training data (\`azureml:weather-train:1\`)`,
    );
    expect(first.summary).toContain('Features not in the thresholds file are not monitored');
    expect(first.summary).toContain('e-mailed to `ml-team@example.com`, `oncall@example.com`');

    const modified = (created.body['systemData'] as Record<string, string>)['lastModifiedAt'];
    const again = await deploy(host, { deploymentFile: file, ...monitorInputs() });
    expectSucceeded(again);
    expect((schedule(name)!.body['systemData'] as Record<string, string>)['lastModifiedAt']).toBe(modified);
    expect(again.summary).toContain(`**Model monitor** \`${name}\`: unchanged.`);

    const removed = await deploy(host, { deploymentFile: file, monitor: 'false' });
    expectSucceeded(removed);
    expect(schedule(name)).toBeUndefined();
    expect(removed.summary).toContain(`**Model monitor** \`${name}\`: removed.`);
  });
});

test('a dry run prints the schedule body it would PUT and creates nothing', async () => {
  const endpoint = 'mon-dry';
  const name = `${endpoint}-blue-drift`;
  const run = await deploy('github', {
    deploymentFile: deploymentFile(endpoint, true),
    monitor: 'true',
    monitorReferenceData: 'azureml:weather-train:1',
    monitorFrequency: 'weekly',
    dryRun: 'true',
  });
  expectSucceeded(run);
  expect(run.everythingPrinted).toContain(
    `Would create model monitor '${name}': PUT ${emulator.workspaceId}/schedules/${name}?api-version=2025-12-01`,
  );
  expect(run.everythingPrinted).toContain('"actionType": "CreateMonitor"');
  expect(run.everythingPrinted).toContain('"filterType": "AllFeatures"');
  expect(run.summary).toContain(`**Model monitor** \`${name}\`: would be created.`);
  expect(run.summary).toContain('Runs weekly, Mondays at 03:00 UTC');
  expect(run.summary).toContain('No alert e-mails');
  expect(schedule(name)).toBeUndefined();
  expect(emulator.store.get(`${emulator.workspaceId}/onlineEndpoints/${endpoint}`)).toBeUndefined();
});

test('monitor remove leaves a schedule of the same name it did not create', async () => {
  const endpoint = 'mon-ado';
  const name = `${endpoint}-blue-drift`;
  const id = `${emulator.workspaceId}/schedules/${name}`;
  const foreign = {
    id,
    secrets: {},
    body: { id, name, properties: { tags: { owner: 'someone else' }, isEnabled: true } },
  };
  emulator.store.set(foreign);
  const run = await deploy('azure-pipelines', {
    deploymentFile: deploymentFile(endpoint, true),
    monitor: 'remove',
  });
  expectSucceeded(run);
  expect(schedule(name)).toBe(foreign);
  expect(run.summary).toContain('was not created by this step');
});
