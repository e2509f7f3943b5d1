import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { startBriskEmulator } from '../harness/brisk-emulator';
import { seedOnlineEndpoint } from '../harness/emulator-endpoints';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { scratchFolder } from '../harness/scratch-folders';

/**
 * Action endpoint of the bundled deploy step, as both hosts run it: the online endpoint alone from an endpoint
 * YAML (`az ml online-endpoint create -f`), its `traffic` and `mirror_traffic` sent at 2024-04-01 and checked
 * against the endpoint's deployments first. Each test has endpoints of its own, so all of them run at once.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;
let scratch: string;

beforeAll(async () => {
  scratch = scratchFolder('deploy-endpoint-');
  emulator = await startBriskEmulator();
  description = describeEmulator(emulator);
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function endpointFile(name: string, yaml: string): string {
  const file = join(scratch, `${name}.yml`);
  writeFileSync(file, yaml);
  return file;
}

const endpointAction = (host: Host, inputs: Record<string, string>): Promise<HostRun> =>
  runOnEmulator(host, description, {
    task: 'AzureMLDeployV1',
    action: 'deploy',
    inputs: { action: 'endpoint', ...inputs },
  });
const stored = (name: string) =>
  emulator.store.get(`${emulator.workspaceId}/onlineEndpoints/${name}`)?.body['properties'] as Record<
    string,
    unknown
  >;

describe.each(hosts)('action endpoint as %s', (host) => {
  const tag = host === 'github' ? 'gh' : 'ado';

  it.concurrent(
    'creates a new endpoint from the file alone (identity read-only keys warned about, not sent)',
    async () => {
      const name = `ep-new-${tag}`;
      const file = endpointFile(
        name,
        [
          `name: ${name}`,
          'auth_mode: aml_token',
          'description: Rain probability.',
          'tags: { team: forecasting }',
          'identity:',
          '  type: system_assigned',
          '  principal_id: 00000000-0000-0000-0000-000000000003',
          '  tenant_id: 00000000-0000-0000-0000-000000000004',
        ].join('\n'),
      );
      const run = await endpointAction(host, { endpointFile: file });
      expect(run.errors).toEqual([]);
      expect(run.succeeded).toBe(true);
      expect(run.warnings.join('\n')).toContain(`${file}:7:3: 'principal_id' is ignored: Azure sets it`);
      const puts = emulator.received('PUT', `${emulator.workspaceId}/onlineEndpoints/${name}`);
      expect(puts).toHaveLength(1);
      expect(puts[0]!.query['api-version']).toBe('2024-04-01');
      expect(puts[0]!.body).toMatchObject({
        tags: { team: 'forecasting' },
        identity: { type: 'SystemAssigned' },
        properties: { authMode: 'AMLToken', description: 'Rain probability.', traffic: {} },
      });
      expect(JSON.stringify(puts[0]!.body)).not.toContain('00000000-0000-0000-0000-000000000003');
      expect(emulator.received('PUT', /\/deployments\//)).toHaveLength(0);
    },
    60_000,
  );

  it.concurrent(
    "sets the file's traffic and mirrored traffic on an endpoint with deployments, and refuses a split Azure would",
    async () => {
      const name = `ep-split-${tag}`;
      seedOnlineEndpoint(emulator, {
        name,
        deployments: { blue: 'Succeeded', green: 'Succeeded' },
        traffic: { blue: 100 },
      });
      const good = endpointFile(
        name,
        [
          `name: ${name}`,
          'auth_mode: key',
          'traffic:',
          '  blue: 100',
          '  green: 0',
          'mirror_traffic:',
          '  green: 10',
        ].join('\n'),
      );
      const run = await endpointAction(host, { endpointFile: good });
      expect(run.errors).toEqual([]);
      expect(run.outputs.traffic).toBe('{"blue":100,"green":0}');
      expect(stored(name)).toMatchObject({ traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } });

      const unknown = endpointFile(`${name}-red`, [`name: ${name}`, 'traffic:', '  red: 100'].join('\n'));
      const refused = await endpointAction(host, { endpointFile: unknown });
      expect(refused.succeeded).toBe(false);
      expect(refused.errors.join('\n')).toContain(
        `'traffic' at ${unknown}:3:3: online endpoint '${name}' has no deployment 'red' (it has: blue, green).`,
      );
      const both = endpointFile(
        `${name}-both`,
        [`name: ${name}`, 'traffic: { blue: 50, green: 50 }', 'mirror_traffic: { green: 10 }'].join('\n'),
      );
      const refusedBoth = await endpointAction(host, { endpointFile: both });
      expect(refusedBoth.errors.join('\n')).toContain(
        "deployment 'green' takes live traffic (50 %); it cannot receive mirrored traffic (10 %) too",
      );
      // The input wins over the file's traffic.
      const fileSplit = endpointFile(`${name}-file`, [`name: ${name}`, 'traffic: { blue: 100 }'].join('\n'));
      const byInput = await endpointAction(host, {
        endpointFile: fileSplit,
        traffic: 'blue=0,green=100',
        dryRun: 'true',
      });
      expect(byInput.errors).toEqual([]);
      expect(byInput.everythingPrinted).toContain("'traffic' is overridden by 'traffic' 'blue=0,green=100'");
      expect(byInput.everythingPrinted).toContain('traffic blue 100 %, green 0 % → blue 0 %, green 100 %');
      expect(stored(name)).toMatchObject({ traffic: { blue: 100, green: 0 } });
    },
    90_000,
  );
});
