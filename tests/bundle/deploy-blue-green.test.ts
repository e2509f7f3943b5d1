import { readFileSync } from 'node:fs';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { seedOnlineEndpoint } from '../harness/emulator-endpoints';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';

/**
 * Actions promote and reject of the bundled deploy step, as both hosts run them: blue/green without a script. The
 * endpoints are seeded (their deployments exist as Azure ML shows them), so only the traffic PUT and the deletions
 * go through the API, which refuses to delete a deployment that still has traffic. The runs are sequential: the
 * failed-deletion case plans the emulator's next deployment DELETE to fail, which must not be another test's.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;

beforeAll(async () => {
  emulator = await startBriskEmulator();
  description = describeEmulator(emulator);
}, 60_000);
afterAll(async () => {
  await emulator?.close();
});

const deploy = (host: Host, inputs: Record<string, string>): Promise<HostRun> =>
  runOnEmulator(host, description, { task: 'AzureMLDeployV1', action: 'deploy', inputs });
const endpointPath = (name: string) => `${emulator.workspaceId}/onlineEndpoints/${name}`;
const trafficOf = (name: string) =>
  (emulator.store.get(endpointPath(name))?.body['properties'] as { traffic: Record<string, number> }).traffic;
const deploymentsOf = (name: string) =>
  ['blue', 'green', 'red'].filter((d) => emulator.store.get(`${endpointPath(name)}/deployments/${d}`));
const writes = (name: string) => [
  ...emulator.received('PUT', endpointPath(name)),
  ...emulator.received('DELETE', new RegExp(`/onlineEndpoints/${name}/deployments/`)),
];
const evidenceOf = (run: HostRun) =>
  JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8')) as { details: Record<string, unknown> };

describe.each(hosts)('blue/green as %s', (host) => {
  const tag = host === 'github' ? 'gh' : 'ado';
  const seed = (name: string, traffic: Record<string, number>, deployments = ['blue', 'green']) =>
    seedOnlineEndpoint(emulator, {
      name,
      compute: 'aks-prod',
      deployments: Object.fromEntries(deployments.map((d) => [d, 'Succeeded'])),
      traffic,
    });

  it('promote: a dry run sends nothing; then all traffic to green, and blue, which served, deleted', async () => {
    const name = `promote-${tag}`;
    seed(name, { blue: 100, green: 0 }, ['blue', 'green', 'red']);
    const inputs = { action: 'promote', target: 'kubernetes', endpointName: name, deploymentName: 'green' };
    const dry = await deploy(host, { ...inputs, dryRun: 'true' });
    expect(dry.errors).toEqual([]);
    expect(dry.outputs.dryRun).toBe('true');
    expect(dry.summary).toContain('- set traffic blue 0 %, green 100 %, red 0 %: `PUT');
    expect(dry.summary).toContain("- delete deployment 'blue': `DELETE");
    expect(dry.summary).toContain("would promote deployment 'green' of Kubernetes online endpoint");
    expect(writes(name)).toEqual([]);
    expect(deploymentsOf(name)).toEqual(['blue', 'green', 'red']);

    const run = await deploy(host, inputs);
    expect(run.errors).toEqual([]);
    expect(trafficOf(name)).toMatchObject({ blue: 0, green: 100 });
    // red served nothing: promote leaves it alone.
    expect(deploymentsOf(name)).toEqual(['green', 'red']);
    // The traffic moved before the deletion (Azure would refuse the other order).
    expect(writes(name).map((r) => r.method)).toEqual(['PUT', 'DELETE']);
    expect(run.outputs.traffic).toBe('{"green":100,"red":0}');
    expect(run.outputs.previousTraffic).toBe('{"blue":100,"green":0,"red":0}');
    expect(run.outputs.removedDeployments).toBe('["blue"]');
    expect(run.summary).toContain("deleted deployment 'blue'");
    expect(evidenceOf(run).details).toMatchObject({ action: 'promote', removed: ['blue'] });
  }, 90_000);

  it('promote with keepPrevious: the old deployments stay at 0 %', async () => {
    const name = `keep-${tag}`;
    seed(name, { blue: 70, red: 30 }, ['blue', 'green', 'red']);
    const run = await deploy(host, {
      action: 'promote',
      target: 'kubernetes',
      endpointName: name,
      deploymentName: 'green',
      keepPrevious: 'true',
    });
    expect(run.errors).toEqual([]);
    expect(trafficOf(name)).toEqual({ blue: 0, green: 100, red: 0 });
    expect(deploymentsOf(name)).toEqual(['blue', 'green', 'red']);
    expect(run.outputs.removedDeployments).toBe('[]');
    expect(run.everythingPrinted).toContain("kept at 0 %: 'blue', 'red'");
  }, 60_000);

  it('reject: a canary dry run sends nothing; then the split from before restored and green deleted', async () => {
    const name = `reject-${tag}`;
    seed(name, { blue: 72, green: 10, red: 18 }, ['blue', 'green', 'red']);
    const inputs = { action: 'reject', target: 'kubernetes', endpointName: name, deploymentName: 'green' };
    const dry = await deploy(host, { ...inputs, dryRun: 'true' });
    expect(dry.errors).toEqual([]);
    expect(dry.summary).toContain('- set traffic blue 80 %, red 20 %: `PUT');
    expect(dry.summary).toContain("- delete deployment 'green': `DELETE");
    expect(writes(name)).toEqual([]);

    // Given the previousTraffic output of the step that added green, that split exactly.
    const run = await deploy(host, { ...inputs, restoreTraffic: '{"blue":75,"red":25}' });
    expect(run.errors).toEqual([]);
    expect(trafficOf(name)).toMatchObject({ blue: 75, red: 25 });
    expect(deploymentsOf(name)).toEqual(['blue', 'red']);
    expect(writes(name).map((r) => r.method)).toEqual(['PUT', 'DELETE']);
    expect(run.outputs.traffic).toBe('{"blue":75,"red":25}');
    expect(run.outputs.removedDeployments).toBe('["green"]');
    expect(run.summary).toContain("rejected deployment 'green'");

    // Green at 0 % (the blue/green test failed): nothing to restore, green deleted; again: nothing to reject.
    const zero = `reject0-${tag}`;
    seed(zero, { blue: 100, green: 0 });
    const plain = await deploy(host, { ...inputs, endpointName: zero });
    expect(plain.errors).toEqual([]);
    expect(writes(zero).map((r) => r.method)).toEqual(['DELETE']);
    expect(deploymentsOf(zero)).toEqual(['blue']);
    const again = await deploy(host, { ...inputs, endpointName: zero });
    expect(again.succeeded).toBe(true);
    expect(again.everythingPrinted).toContain(`has no deployment 'green': nothing to reject`);
  }, 90_000);

  it('refuses to promote a deployment the endpoint does not have, or on ACI, changing nothing', async () => {
    const name = `missing-${tag}`;
    seed(name, { blue: 100 }, ['blue']);
    const run = await deploy(host, {
      action: 'promote',
      target: 'kubernetes',
      endpointName: name,
      deploymentName: 'green',
    });
    expect(run.succeeded).toBe(false);
    const input = host === 'github' ? 'deployment-name' : 'deploymentName';
    expect(run.errors.join('\n')).toContain(
      `Online endpoint '${name}' has no deployment 'green' (it has: blue); fix '${input}'. Nothing was changed.`,
    );
    expect(writes(name)).toEqual([]);
    const aci = await deploy(host, {
      action: 'reject',
      target: 'aci',
      endpointName: 'rain-test',
      deploymentName: 'green',
    });
    expect(aci.succeeded).toBe(false);
    expect(aci.errors.join('\n')).toContain('Action reject is for online endpoints');
  }, 60_000);

  it('a deletion that fails after the traffic moved leaves the traffic on green and says what is left', async () => {
    const name = `stuck-${tag}`;
    seed(name, { blue: 100, green: 0 });
    emulator.lro.plan({
      resourceType: 'deployments',
      method: 'DELETE',
      fail: { code: 'InternalServerError', message: 'The deletion failed (planned).' },
    });
    const run = await deploy(host, {
      action: 'promote',
      target: 'kubernetes',
      endpointName: name,
      deploymentName: 'green',
    });
    expect(run.succeeded).toBe(false);
    expect(trafficOf(name)).toMatchObject({ blue: 0, green: 100 });
    expect(deploymentsOf(name)).toEqual(['blue', 'green']);
    const error = run.errors.join('\n');
    expect(error).toContain(`Traffic of '${name}' is blue 0 %, green 100 % (it was moved)`);
    expect(error).toContain("Left to delete: 'blue'");
    expect(run.outputs.removedDeployments).toBe('[]');
    expect(evidenceOf(run).details).toMatchObject({
      changes: ['traffic blue 100 %, green 0 % → blue 0 %, green 100 %'],
    });
  }, 60_000);
});
