/**
 * Half-done deploys (#14, point 5): an online deployment operation cannot be cancelled, so a deploy that times out
 * while one runs waits a grace period for it before rolling back (or names the command that cleans up), a re-run
 * waits for a deployment still in progress instead of failing with 409, and an endpoint the run itself created is
 * removed when its first deployment fails (one that existed before is kept). The built deploy step, as the GitHub
 * runner runs it (the host does not matter here), against the emulator: its deployments run their score.py for real,
 * answer 409 to a write while an operation runs, as Azure does, and are slowed down by planned durations.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/emulator';
import { describeEmulator } from '../../../emulator/start';
import { seedOnlineEndpoint } from '../../harness/emulator-endpoints';
import { datastoreContainer } from '../../harness/emulator-model';
import { runOnEmulator } from '../../harness/emulator-run';
import type { HostRun } from '../../harness/host-run';
import { defineArea, isUnexpectedError, type ProbeResult } from '../probe';

interface DeployContext {
  readonly emulator: Emulator;
  readonly description: ReturnType<typeof describeEmulator>;
  readonly scratch: string;
  /** A score.py that starts. */
  readonly good: string;
  /** A score.py whose init() raises. */
  readonly broken: string;
}

/** The step's timeout in the probes: 0.3 s (timeoutMinutes takes fractions). */
const TIMEOUT_MINUTES = '0.005';

async function start(): Promise<DeployContext> {
  const scratch = mkdtempSync(join(tmpdir(), 'reliability-deploys-'));
  const code = (name: string, init: string) => {
    const folder = join(scratch, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'score.py'), `def init():\n    ${init}\n\ndef run(raw):\n    return []\n`);
    return folder;
  };
  const emulator = await startEmulator();
  await datastoreContainer(emulator).getBlockBlobClient('models/tiny/1/model.json').upload('{}', 2);
  emulator.assets.addAssetVersion(emulator.workspaceId, 'models', 'tiny', '1', {
    modelUri: 'azureml://datastores/workspaceblobstore/paths/models/tiny/1/',
    modelType: 'custom_model',
  });
  return {
    emulator,
    description: describeEmulator(emulator),
    scratch,
    good: code('good', 'pass'),
    broken: code('broken', 'raise RuntimeError("weights are corrupt: cannot load the model")'),
  };
}

async function stop(context: DeployContext): Promise<void> {
  await context.emulator.close();
  rmSync(context.scratch, { recursive: true, force: true });
}

function deploy(context: DeployContext, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator('github', context.description, {
    task: 'AzureMLDeployV1',
    action: 'deploy',
    inputs: { modelId: 'azureml:tiny:1', codePath: context.good, scoringScript: 'score.py', ...inputs },
    timeoutMs: 60_000,
  });
}

/** An endpoint that exists before the run (Succeeded), with no deployment. */
function existingEndpoint(context: DeployContext, name: string): void {
  seedOnlineEndpoint(context.emulator, { name, deployments: {}, traffic: {} });
}

/**
 * The next deployment PUT takes this long in the emulator. Its score.py is not run (no inference server to wait
 * for): what these probes are about is the operation's time.
 */
function slowNextDeployment(context: DeployContext, seconds: number): void {
  context.emulator.scoring.enabled = false;
  context.emulator.lro.plan({ resourceType: 'deployments', method: 'PUT', durationSeconds: seconds });
}

const endpointId = (context: DeployContext, endpoint: string) =>
  `${context.emulator.workspaceId}/onlineEndpoints/${endpoint}`;

function deploymentState(context: DeployContext, endpoint: string, name: string): string {
  const found = context.emulator.store.get(`${endpointId(context, endpoint)}/deployments/${name}`);
  if (!found) return 'absent';
  return String((found.body['properties'] as { provisioningState?: string }).provisioningState);
}

/**
 * Once a request at or after `from` reads the deployment (GET of its path), its running operation ends `afterMs`
 * later: the run under test has seen it in progress, whatever the load of the machine. Returns the stop function.
 */
function endOnFirstRead(context: DeployContext, deploymentId: string, from: number, afterMs: number) {
  const path = deploymentId.toLowerCase();
  const timer = setInterval(() => {
    const read = context.emulator.requests
      .slice(from)
      .some((r) => r.method === 'GET' && r.path.toLowerCase() === path);
    const operation = read ? context.emulator.lro.runningOn(deploymentId) : undefined;
    if (!read) return;
    if (operation) operation.dueAt = Date.now() + afterMs;
    clearInterval(timer);
  }, 20);
  return () => clearInterval(timer);
}

const endpointExists = (context: DeployContext, endpoint: string) =>
  context.emulator.store.get(endpointId(context, endpoint)) !== undefined;

/** 409 answers the run got from the emulator for writes under the endpoint. */
function conflicts(context: DeployContext, endpoint: string, from: number): number {
  return context.emulator.requests
    .slice(from)
    .filter((r) => r.status === 409 && r.path.toLowerCase().includes(`/onlineendpoints/${endpoint}`)).length;
}

/** The evidence JSON the run wrote, as text ('' when none). */
function evidence(run: HostRun): string {
  const path = run.outputs.evidencePath;
  try {
    return path ? readFileSync(path, 'utf8') : '';
  } catch {
    return '';
  }
}

/**
 * A deploy to an endpoint that existed before, whose deployment operation takes `operationSeconds`, with the 0.3 s
 * timeout and the given grace: the run, its errors, the 409 answers it got, how long it took.
 */
async function timedOut(
  context: DeployContext,
  endpoint: string,
  deploymentName: string,
  operationSeconds: number,
  timeoutGraceMinutes: string,
) {
  existingEndpoint(context, endpoint);
  slowNextDeployment(context, operationSeconds);
  const started = Date.now();
  const from = context.emulator.requests.length;
  const run = await deploy(context, {
    endpointName: endpoint,
    deploymentName,
    timeoutMinutes: TIMEOUT_MINUTES,
    timeoutGraceMinutes,
  });
  return {
    run,
    message: run.errors.join('\n'),
    conflicted: conflicts(context, endpoint, from),
    elapsed: Date.now() - started,
  };
}

const unexpected = (run: HostRun) => run.errors.some(isUnexpectedError);
const firstError = (run: HostRun) => (run.errors[0] ?? 'no error').split('\n')[0]!;

export const area = defineArea<DeployContext>({
  name: 'deploys',
  start,
  stop,
  probes: [
    {
      id: 'deploys/timeout-grace-rollback',
      kind: 'fault',
      title: 'timeoutMinutes hits while the deployment is Creating; the operation ends 1.5 s later',
      expected: 'waits the grace for it, then deletes the deployment (no 409)',
      boundMs: 20_000,
      async run(context): Promise<ProbeResult> {
        const endpoint = 'grace-ends';
        const { run, message, conflicted } = await timedOut(context, endpoint, 'slow', 1.5, '0.2');
        const state = deploymentState(context, endpoint, 'slow');
        return {
          observed: `${run.succeeded ? 'succeeded' : 'failed'}; deployment ${state}; ${conflicted} × 409; ${firstError(run)}`,
          pass:
            !run.succeeded &&
            state === 'absent' &&
            conflicted === 0 &&
            /did not finish within/.test(message) &&
            /deployment 'slow' was deleted/i.test(message),
          unexpectedError: unexpected(run),
        };
      },
    },
    {
      id: 'deploys/timeout-grace-exceeded',
      kind: 'fault',
      title: 'timeoutMinutes hits while the deployment is Creating; it still runs after the grace',
      expected: 'fails after the grace naming the clean-up command with every name filled in',
      boundMs: 20_000,
      async run(context): Promise<ProbeResult> {
        const endpoint = 'grace-over';
        const { resourceGroup, workspaceName, subscriptionId } = context.emulator;
        const { run, message, conflicted, elapsed } = await timedOut(context, endpoint, 'stuck', 8, '0.01');
        const command = `az ml online-deployment delete --name stuck --endpoint-name ${endpoint} --resource-group ${resourceGroup} --workspace-name ${workspaceName} --subscription ${subscriptionId} --yes`;
        return {
          observed: `${run.succeeded ? 'succeeded' : 'failed'} in ${Math.round(elapsed / 100) / 10} s; ${conflicted} × 409; ${message.includes(command) ? 'names' : 'does not name'} the full command; ${firstError(run)}`,
          pass:
            !run.succeeded &&
            message.includes(command) &&
            /still Creating after the grace/.test(message) &&
            conflicted === 0 &&
            deploymentState(context, endpoint, 'stuck') === 'Creating',
          unexpectedError: unexpected(run),
        };
      },
    },
    {
      id: 'deploys/rerun-waits-for-creating',
      kind: 'fault',
      title: 're-run while the deployment a timed-out run left is still Creating',
      expected: 'waits for it (no 409), then succeeds',
      boundMs: 30_000,
      async run(context): Promise<ProbeResult> {
        const endpoint = 'rerun';
        existingEndpoint(context, endpoint);
        // Long enough to outlast the first run; the re-run's first read of it sets its end 1 s later.
        slowNextDeployment(context, 60);
        const inputs = { endpointName: endpoint, deploymentName: 'blue' };
        const first = await deploy(context, {
          ...inputs,
          timeoutMinutes: TIMEOUT_MINUTES,
          timeoutGraceMinutes: '0',
          rollbackOnFailure: 'false',
        });
        const left = deploymentState(context, endpoint, 'blue');
        const from = context.emulator.requests.length;
        const ending = endOnFirstRead(
          context,
          `${endpointId(context, endpoint)}/deployments/blue`,
          from,
          1000,
        );
        const again = await deploy(context, { ...inputs, timeoutMinutes: '0.5' }).finally(ending);
        const conflicted = conflicts(context, endpoint, from);
        const state = deploymentState(context, endpoint, 'blue');
        return {
          observed:
            `first ${first.succeeded ? 'succeeded' : 'failed'} leaving ${left}; re-run ${again.succeeded ? 'succeeded' : 'failed'} (${conflicted} × 409), deployment ${state}; ${again.succeeded ? '' : firstError(again)}`.trim(),
          pass:
            !first.succeeded &&
            left === 'Creating' &&
            again.succeeded &&
            conflicted === 0 &&
            state === 'Succeeded' &&
            /is Creating: waiting/.test(again.everythingPrinted),
          unexpectedError: unexpected(first) || unexpected(again),
        };
      },
    },
    {
      id: 'deploys/new-endpoint-removed-on-first-failure',
      kind: 'fault',
      title: "the first deployment of an endpoint the run created fails (score.py's init() raises)",
      expected: 'the endpoint is deleted and the summary and evidence say so',
      boundMs: 30_000,
      async run(context): Promise<ProbeResult> {
        const endpoint = 'fresh-fail';
        context.emulator.scoring.enabled = true;
        const run = await deploy(context, {
          endpointName: endpoint,
          deploymentName: 'red',
          codePath: context.broken,
        });
        const exists = endpointExists(context, endpoint);
        const said = `deleted online endpoint '${endpoint}'`;
        const inEvidence = evidence(run).includes(said);
        const inSummary = run.summary.includes(said);
        return {
          observed: `${run.succeeded ? 'succeeded' : 'failed'}; endpoint ${exists ? 'left behind' : 'deleted'}; evidence ${inEvidence ? 'says' : 'does not say'} so, summary ${inSummary ? 'says' : 'does not say'} so`,
          pass:
            !run.succeeded &&
            !exists &&
            inEvidence &&
            inSummary &&
            run.errors.join('\n').includes('weights are corrupt'),
          unexpectedError: unexpected(run),
        };
      },
    },
    {
      id: 'deploys/existing-endpoint-kept-on-failure',
      kind: 'fault',
      title: 'the first deployment fails (ResourceNotReady) on an endpoint that existed before the run',
      expected: 'the failed deployment is deleted, the endpoint is kept',
      boundMs: 30_000,
      async run(context): Promise<ProbeResult> {
        const endpoint = 'kept-fail';
        existingEndpoint(context, endpoint);
        // The failure Azure reports when the container does not start, planned: the probe above runs a real one.
        context.emulator.scoring.enabled = false;
        context.emulator.lro.plan({
          resourceType: 'deployments',
          method: 'PUT',
          fail: { code: 'ResourceNotReady', message: 'User container has crashed or terminated.' },
        });
        const run = await deploy(context, { endpointName: endpoint, deploymentName: 'red' });
        const exists = endpointExists(context, endpoint);
        const state = deploymentState(context, endpoint, 'red');
        const saysDeleted = /deleted online endpoint/.test(`${evidence(run)}\n${run.summary}`);
        return {
          observed: `${run.succeeded ? 'succeeded' : 'failed'}; endpoint ${exists ? 'kept' : 'deleted'}; deployment ${state}`,
          pass: !run.succeeded && exists && state === 'absent' && !saysDeleted,
          unexpectedError: unexpected(run),
        };
      },
    },
  ],
});
