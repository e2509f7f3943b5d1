/**
 * Retries with a budget (#14, point 4) and the broken-PEM error: the built smoke-test step (endpoint by name, so it
 * reads the endpoint through ARM) against the emulator's injected faults, with the retry settings scaled down
 * through their environment variables (README, "Retries and waits").
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createClientCertificate } from '../../../emulator/certificates';
import { startEmulator, type Emulator } from '../../../emulator/emulator';
import { azureRmServiceConnection } from '../../../emulator/service-connections';
import { describeEmulator } from '../../../emulator/start';
import { emulatorSignIn } from '../../harness/emulator-run';
import { runStepAs, type Host, type HostRun } from '../../harness/host-run';
import { repoRoot } from '../../harness/runtimes';
import { startScoringServer, type ScoringServer } from '../../servers/scoring-servers';
import { countCanaryHits } from '../canary';
import { defineArea, isUnexpectedError, type Probe, type ProbeResult } from '../probe';

interface Context {
  readonly emulator: Emulator;
  readonly description: ReturnType<typeof describeEmulator>;
  readonly model: ScoringServer;
  /** The probes' step runs, started together by the first probe run (see `together`). */
  results?: Map<string, Promise<ProbeResult>>;
}

const key = 'ek-retries-7f3a9c1e';
const casesFile = join(repoRoot, 'examples/weather/smoke-cases.yml');

/** The scaled-down settings: one wait at most 0.2 s, 1 s of waiting per step, requests abandoned after 1 s. */
const scaled = {
  AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS: '0.2',
  AZUREML_STEPS_RETRY_BUDGET_SECONDS: '1',
  AZUREML_STEPS_REQUEST_TIMEOUT_SECONDS: '1',
};

/** An endpoint of its own per probe, so that faults on one path never meet another probe's requests. */
function seedEndpoint(context: Context, name: string): string {
  const id = `${context.emulator.workspaceId}/onlineEndpoints/${name}`;
  context.emulator.store.set({
    id,
    secrets: { keys: { primaryKey: key, secondaryKey: 'ek-retries-unused' } },
    body: {
      id,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      properties: {
        authMode: 'Key',
        scoringUri: context.model.scoringUri,
        traffic: { blue: 100 },
        provisioningState: 'Succeeded',
      },
    },
  });
  return id;
}

/** Runs smoke-test by endpoint name; the step is stopped at `boundMs` (a hang then shows as a failed run). */
async function smokeTest(
  context: Context,
  host: Host,
  endpointName: string,
  boundMs: number,
  signIn = emulatorSignIn(host, context.description),
  env: Record<string, string> = {},
): Promise<{ run: HostRun; ms: number }> {
  const started = Date.now();
  const run = await runStepAs(host, {
    task: 'AzureMLSmokeTestV1',
    action: 'smoke-test',
    inputs: {
      ...signIn.inputs,
      resourceGroup: context.description.resourceGroup,
      workspaceName: context.description.workspaceName,
      endpointName,
      casesFile,
      latencyRequests: '0',
    },
    extraEnv: { ...signIn.env, ...scaled, ...env },
    timeoutMs: boundMs,
  });
  return { run, ms: Date.now() - started };
}

const ended = (ms: number, boundMs: number) =>
  ms < boundMs ? `ended in ${ms} ms` : `stopped at ${boundMs} ms`;
const unexpected = (run: HostRun) => run.errors.some(isUnexpectedError);

/**
 * The step runs of all probes go out together (each run mostly waits: on the emulator, or on a scoring server), so
 * the area costs about one run; each probe still awaits its own run, bound and result.
 */
function together(probes: readonly Probe<Context>[]): Probe<Context>[] {
  return probes.map((probe) => ({
    ...probe,
    run(context: Context) {
      context.results ??= new Map(probes.map((each) => [each.id, each.run.call(each, context)]));
      return context.results.get(probe.id)!;
    },
  }));
}

const probes: Probe<Context>[] = [
  {
    id: 'retries/retry-after-100-capped',
    title: 'ARM answers 429 with Retry-After: 100, twice',
    kind: 'fault',
    expected: 'each wait capped (0.2 s), logged with attempt n of m; step succeeds',
    boundMs: 20_000,
    async run(context): Promise<ProbeResult> {
      const path = seedEndpoint(context, 'rain-capped');
      const fault = context.emulator.faults.add({
        method: 'GET',
        path,
        times: 2,
        fault: { status: 429, retryAfterSeconds: 100 },
      });
      const { run, ms } = await smokeTest(context, 'azure-pipelines', 'rain-capped', this.boundMs);
      const waits = [2, 3].filter((attempt) =>
        new RegExp(`429[^\\n]*Retry-After 100 s[^\\n]*waiting 0\\.2 s[^\\n]*attempt ${attempt} of 5`).test(
          run.everythingPrinted,
        ),
      ).length;
      return {
        observed: `${run.result}, ${fault.hits} 429s, ${waits} capped waits logged, ${ended(ms, this.boundMs)}`,
        pass: run.succeeded && fault.hits === 2 && waits === 2 && ms < this.boundMs,
        unexpectedError: unexpected(run),
      };
    },
  },
  {
    id: 'retries/budget-spent',
    title: 'ARM answers 429 with Retry-After: 100 again and again',
    kind: 'fault',
    expected: 'fails when 2 waits of 0.5 s spent the 1 s budget, naming 429, the service, the 100 s asked',
    boundMs: 20_000,
    async run(context): Promise<ProbeResult> {
      const path = seedEndpoint(context, 'rain-spent');
      const fault = context.emulator.faults.add({
        method: 'GET',
        path,
        times: 50,
        fault: { status: 429, retryAfterSeconds: 100 },
      });
      const { run, ms } = await smokeTest(context, 'azure-pipelines', 'rain-spent', this.boundMs, undefined, {
        AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS: '0.5',
      });
      const error = run.errors.join('\n');
      const clear = /429/.test(error) && /100 s/.test(error) && /Azure Resource Manager/.test(error);
      const budget = /retry budget/i.test(error);
      return {
        observed: `${run.result} after ${fault.hits} 429s${clear && budget ? ', error names 429, ARM, 100 s and the budget' : `: ${error.slice(0, 80) || 'no error'}`}, ${ended(ms, this.boundMs)}`,
        pass: !run.succeeded && fault.hits === 3 && clear && budget && ms < this.boundMs,
        unexpectedError: unexpected(run),
      };
    },
  },
  {
    id: 'retries/slow-arm-get-retried',
    title: 'one ARM GET answers after 65 s (over the 1 s request timeout)',
    kind: 'fault',
    expected: 'the GET is abandoned at the timeout, retried, and the step succeeds',
    boundMs: 20_000,
    async run(context): Promise<ProbeResult> {
      const path = seedEndpoint(context, 'rain-slow');
      const fault = context.emulator.faults.add({ method: 'GET', path, fault: { delayMs: 65_000 } });
      const { run, ms } = await smokeTest(context, 'azure-pipelines', 'rain-slow', this.boundMs);
      const logged = /did not answer[^\n]*within 1 s[^\n]*attempt 2 of 5/.test(run.everythingPrinted);
      return {
        observed: `${run.result}, slow answers ${fault.hits}, retry ${logged ? '' : 'not '}logged, ${ended(ms, this.boundMs)}`,
        pass: run.succeeded && fault.hits === 1 && logged && ms < this.boundMs,
        unexpectedError: unexpected(run),
      };
    },
  },
  {
    id: 'retries/broken-pem',
    title: 'a certificate service connection whose private key is cut in half',
    kind: 'bad-input',
    expected: "fails naming the connection: the certificate's private key could not be read",
    boundMs: 20_000,
    async run(context): Promise<ProbeResult> {
      const { emulator } = context;
      seedEndpoint(context, 'rain-pem');
      const certificate = createClientCertificate('retries-broken-pem');
      const app = emulator.registerApp({
        tenantId: emulator.tenantId,
        clientId: randomUUID(),
        certificatePem: certificate.certPem,
      });
      emulator.rbac.grant(app.objectId);
      const keyLines = certificate.keyPem.trim().split('\n');
      const body = keyLines.slice(1, -1);
      const broken = [keyLines[0], ...body.slice(0, Math.floor(body.length / 2)), keyLines.at(-1)].join('\n');
      const connection = azureRmServiceConnection(emulator, 'ServicePrincipal', {
        authenticationType: 'spnCertificate',
        servicePrincipalId: app.clientId,
        servicePrincipalCertificate: `${broken}\n${certificate.certPem}`,
        tenantId: emulator.tenantId,
      });
      // Only Azure DevOps connections carry a certificate (GitHub's `creds` has a secret, never a PEM).
      const signIn = {
        inputs: { azureSubscription: connection.id },
        env: { ...context.description.env, ...connection.env },
      };
      const { run, ms } = await smokeTest(context, 'azure-pipelines', 'rain-pem', this.boundMs, signIn);
      const error = run.errors.join('\n');
      const clear =
        error.includes(connection.id) &&
        /private key could not be read/i.test(error) &&
        !/secretOrPrivateKey/.test(error);
      return {
        observed: `${run.result}: ${clear ? 'names the connection and the unreadable private key' : error.slice(0, 90) || 'no error'}, ${ended(ms, this.boundMs)}`,
        pass: !run.succeeded && clear && ms < this.boundMs,
        canaryHits: countCanaryHits(run.everythingPrinted, [body[1]!]),
        unexpectedError: unexpected(run),
      };
    },
  },
];

export const area = defineArea<Context>({
  name: 'retries',
  async start() {
    const emulator = await startEmulator();
    const model = await startScoringServer('correct', { key });
    return { emulator, description: describeEmulator(emulator), model };
  },
  async stop(context) {
    await Promise.all([context.model.close(), context.emulator.close()]);
  },
  probes: together(probes),
});
