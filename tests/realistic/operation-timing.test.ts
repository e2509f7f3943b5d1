import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { registerRainModel } from '../harness/emulator-model';
import { runOnEmulator } from '../harness/emulator-run';
import type { HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { scratchFolder } from '../harness/scratch-folders';

/**
 * The built deploy and train steps against long-running operations and job queueing that take Azure's time (time
 * factor 1, emulator/arm/timing-profile.ts: a deployment is created in 8 minutes, a job waits 3 minutes for a node):
 * deploy reports progress while the deployment is Creating and stops at its timeout with the traffic unchanged;
 * train cancels a job still queued at its timeout. The setup runs at a small factor.
 */
const weather = join(repoRoot, 'examples/weather');
const FAST = 0.001;
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;
let scratch: string;

beforeAll(async () => {
  scratch = scratchFolder('realistic-');
  emulator = await startEmulator({ timeFactor: FAST });
  description = describeEmulator(emulator);
  await registerRainModel(emulator, join(scratch, 'model'));
  emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
}, 120_000);
afterAll(async () => {
  await emulator?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const model = { modelId: 'azureml:rain:1', codePath: join(weather, 'score'), scoringScript: 'score.py' };
const traffic = (name: string) =>
  (
    emulator.store.get(`${emulator.workspaceId}/onlineEndpoints/${name}`)!.body['properties'] as {
      traffic: Record<string, number>;
    }
  ).traffic;
const printed = (run: HostRun) => run.everythingPrinted;

describe('at Azure pace', () => {
  it('deploy reports progress while the deployment is Creating, then times out leaving the traffic unchanged', async () => {
    const endpointName = 'rain-realistic';
    const blue = await runOnEmulator('github', description, {
      task: 'AzureMLDeployV1',
      action: 'deploy',
      inputs: { endpointName, deploymentName: 'blue', ...model },
    });
    expect(blue.errors).toEqual([]);
    expect(traffic(endpointName)).toEqual({ blue: 100 });

    emulator.lro.timeFactor = 1;
    const started = Date.now();
    const requestsBefore = emulator.requests.length;
    const green = await runOnEmulator('github', description, {
      task: 'AzureMLDeployV1',
      action: 'deploy',
      // No grace: the deployment is left Creating (its operation cannot be cancelled), as this test wants.
      inputs: {
        endpointName,
        deploymentName: 'green',
        ...model,
        timeoutMinutes: '1',
        timeoutGraceMinutes: '0',
      },
      timeoutMs: 240_000,
    });
    const elapsed = Date.now() - started;
    emulator.lro.timeFactor = FAST;

    expect(green.succeeded).toBe(false);
    expect(green.errors.join('\n')).toContain(
      "Deployment 'green' did not finish within 1 minute(s) (state Creating).",
    );
    // Progress while it ran: elapsed time and the deployment state, every 30 s.
    expect(printed(green)).toMatch(
      /Deployment 'green' of online endpoint 'rain-realistic': still running after 3\d s \(Creating\)\./,
    );
    expect(elapsed).toBeGreaterThanOrEqual(60_000);
    expect(elapsed).toBeLessThan(180_000);
    // Polled at the pace Azure asks (Retry-After 10 s), not in a tight loop.
    const deploymentPolls = emulator.requests
      .slice(requestsBefore)
      .filter((r) => r.method === 'GET' && /mfeOperationsStatus/.test(r.path));
    expect(deploymentPolls.length).toBeLessThanOrEqual(12);
    expect(traffic(endpointName)).toEqual({ blue: 100 });
    const deployment = emulator.store.get(
      `${emulator.workspaceId}/onlineEndpoints/${endpointName}/deployments/green`,
    );
    expect((deployment?.body['properties'] as { provisioningState: string }).provisioningState).toBe(
      'Creating',
    );
  });

  it('train cancels a job still queued at its timeout, having reported its status', async () => {
    emulator.lro.timeFactor = 1;
    const run = await runOnEmulator('azure-pipelines', description, {
      task: 'AzureMLTrainV1',
      action: 'train',
      // Queued from 75 s (Starting 30 s, Preparing 45 s) to 255 s at factor 1: the 2-minute timeout falls in it.
      inputs: { jobFile: join(repoRoot, 'tests/fixtures/train-run/sleepy-job.yml'), timeoutMinutes: '2' },
      timeoutMs: 240_000,
    });
    emulator.lro.timeFactor = FAST;
    expect(run.result).toBe('Failed');
    expect(run.errors.join('\n')).toMatch(
      /did not finish within the timeout \(last status Queued\); it was cancelled/,
    );
    expect(printed(run)).toMatch(/Job '[^']+' is Queued\./);
    const jobName = run.outputs.jobName!;
    expect(emulator.received('POST', new RegExp(`/jobs/${jobName}/cancel$`))).toHaveLength(1);
  });
});
