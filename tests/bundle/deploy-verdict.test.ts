import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { evaluateSuccessCriteria } from '../harness/ado-success-criteria';
import { registerRainModel } from '../harness/emulator-model';
import { runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { scratchFolder } from '../harness/scratch-folders';
import { armRequest, serviceConnectionToken } from '../harness/service-connection';

/**
 * Policy after approval, against the emulator: the bundled deploy step with `requireVerdict` deploys a version
 * whose `release.verdict` tag is `pass` and refuses one tagged `fail` or untagged, before anything is created
 * (dry runs too); and the Azure DevOps environment check committed in examples/azure-devops/ (its URL and success
 * criterion) says the same of the model's newest version.
 */
const hosts: Host[] = ['azure-pipelines', 'github'];
const weather = join(repoRoot, 'examples/weather');
const rainUri = 'azureml://datastores/workspaceblobstore/paths/models/rain/1/';
let emulator: Emulator;
let scratch: string;

beforeAll(async () => {
  scratch = scratchFolder('deploy-verdict-');
  emulator = await startEmulator();
  await registerRainModel(emulator, join(scratch, 'model'));
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Registers `name` versions with these tags (in order: the last is the newest). */
function registerVersions(name: string, tagSets: Record<string, string>[]): void {
  tagSets.forEach((tags, index) =>
    emulator.assets.addAssetVersion(emulator.workspaceId, 'models', name, String(index + 1), {
      modelUri: rainUri,
      modelType: 'custom_model',
      tags,
    }),
  );
}

const pass = {
  'release.verdict': 'pass',
  'release.evidence': 'sha256:ab12',
  'release.evidenceLink': 'https://ci/run/7',
};
const fail = { ...pass, 'release.verdict': 'fail' };

function deploy(host: Host, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, describeEmulator(emulator), {
    task: 'AzureMLDeployV1',
    action: 'deploy',
    inputs: {
      deploymentName: 'blue',
      codePath: join(weather, 'score'),
      scoringScript: 'score.py',
      requireVerdict: 'true',
      ...inputs,
    },
    timeoutMs: 90_000,
  });
}

const endpointWrites = (endpoint: string) =>
  emulator.requests.filter((r) => r.method !== 'GET' && r.path.includes(`/onlineEndpoints/${endpoint}`))
    .length;

describe('deploy with requireVerdict (bundled, both hosts)', () => {
  it.concurrent.each(hosts)(
    'as %s: @latest with a pass verdict deploys that version; fail and missing are refused (managed and aci), nothing created',
    async (host) => {
      const tag = host === 'github' ? 'gh' : 'ado';
      const model = `verdict-${tag}`;
      registerVersions(model, [fail, {}, pass]);
      const [failed, missing, passed, aci] = await Promise.all([
        deploy(host, { modelId: `azureml:${model}:1`, endpointName: `verdict-${tag}-fail` }),
        deploy(host, { modelId: `azureml:${model}:2`, endpointName: `verdict-${tag}-none`, dryRun: 'true' }),
        deploy(host, { modelId: `azureml:${model}@latest`, endpointName: `verdict-${tag}-ok` }),
        deploy(host, {
          modelId: `azureml:${model}:1`,
          target: 'aci',
          endpointName: `verdict-${tag}-aci`,
          deploymentName: '',
        }),
      ]);

      expect(failed.succeeded).toBe(false);
      expect(failed.errors.join('\n')).toContain(
        `Model azureml:${model}:1 has 'release.verdict' = 'fail' (evidence sha256:ab12, https://ci/run/7)`,
      );
      expect(failed.errors.join('\n')).toContain(
        'An approval cannot bypass the verdict. Nothing was created.',
      );
      expect(failed.summary).toContain(`release verdict: azureml:${model}:1: 'release.verdict' = 'fail'`);
      expect(endpointWrites(`verdict-${tag}-fail`)).toBe(0);

      expect(missing.succeeded).toBe(false);
      expect(missing.errors.join('\n')).toContain(`Model azureml:${model}:2 has no 'release.verdict' tag`);
      expect(missing.errors.join('\n')).toContain('Run the release-gate step on this version');
      expect(endpointWrites(`verdict-${tag}-none`)).toBe(0);

      // Target aci: refused before the scoring code is uploaded or the container group created.
      expect(aci.succeeded).toBe(false);
      expect(aci.errors.join('\n')).toContain(`Model azureml:${model}:1 has 'release.verdict' = 'fail'`);
      expect(aci.everythingPrinted).not.toContain('Scoring code');
      expect(emulator.requests.filter((r) => r.path.includes(`/containerGroups/verdict-${tag}-aci`))).toEqual(
        [],
      );

      expect(passed.errors).toEqual([]);
      expect(passed.succeeded).toBe(true);
      expect(passed.outputs.modelId).toBe(`${emulator.workspaceId}/models/${model}/versions/3`);
      expect(passed.everythingPrinted).toContain(`azureml:${model}@latest is azureml:${model}:3.`);
      expect(passed.summary).toContain(`release verdict: azureml:${model}:3: 'release.verdict' = 'pass'`);
    },
    120_000,
  );
});

/** examples/azure-devops/release-verdict-check.json, as Azure DevOps runs it through the ARM service connection. */
describe('the Azure DevOps environment check (examples/azure-devops/release-verdict-check.json)', () => {
  const check = JSON.parse(
    readFileSync(join(repoRoot, 'examples/azure-devops/release-verdict-check.json'), 'utf8'),
  ) as { settings: { inputs: Record<string, string>; linkedVariableGroup: string } };
  const { inputs } = check.settings;

  /** GETs the check's URL (the connection's ARM URL + urlSuffix, variables substituted) with an ARM token. */
  async function runCheck(modelName: string): Promise<{ status: number; passed: boolean }> {
    const variables: Record<string, string> = {
      subscriptionId: emulator.subscriptionId,
      resourceGroup: emulator.resourceGroup,
      workspaceName: emulator.workspaceName,
      modelName,
    };
    const suffix = inputs['urlSuffix']!.replace(/\$\(([^)]+)\)/g, (_all, name: string) => {
      if (!(name in variables)) throw new Error(`The check uses $(${name}), not in the variable group`);
      return encodeURIComponent(variables[name]!);
    });
    const token = await serviceConnectionToken(emulator);
    const url = new URL(suffix, `${emulator.armUrl.replace(/\/$/, '')}/`);
    const response = await armRequest(emulator, url, token, inputs['method']);
    const passed =
      response.status === 200 &&
      evaluateSuccessCriteria(inputs['successCriteria']!, JSON.parse(response.body));
    return { status: response.status, passed };
  }

  it('is an Invoke REST API check through an Azure Resource Manager connection, GET, judged on the response', () => {
    expect(check).toMatchObject({
      type: { id: 'fe1de3ee-a436-41b4-bb20-f6eb4cb879a7' },
      settings: { definitionRef: { name: 'InvokeRESTAPI' }, linkedVariableGroup: 'azureml-production' },
      resource: { type: 'environment' },
    });
    expect(inputs).toMatchObject({
      connectedServiceNameSelector: 'connectedServiceNameARM',
      method: 'GET',
      waitForCompletion: 'false',
    });
  });

  it('passes when the newest version is tagged pass, fails when it is tagged fail or untagged', async () => {
    registerVersions('check-pass', [fail, pass]);
    registerVersions('check-fail', [pass, fail]);
    registerVersions('check-none', [pass, {}]);
    const results = await Promise.all(
      ['check-pass', 'check-fail', 'check-none', 'check-absent'].map(runCheck),
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, false, false]);
    expect(results.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
