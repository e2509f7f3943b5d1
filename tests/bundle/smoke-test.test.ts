import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsAzurePipelinesAgent, type AgentRun } from '../harness/azure-pipelines-agent';
import { runAsGitHubRunner, type RunnerRun } from '../harness/github-runner';
import { runStepAs, type Host, type HostRun, type HostRunOptions } from '../harness/host-run';
import { nodeRuntimes, repoRoot, type NodeRuntime } from '../harness/runtimes';
import {
  startScoringServer,
  type ScoringBehaviour,
  type ScoringServer,
  type ScoringServerOptions,
} from '../servers/scoring-servers';

const casesFile = join(repoRoot, 'examples/weather/smoke-cases.yml');
const key = 'sk-smoke-4f9c2b7e61d04a3c8e5f';
const [node20, node24] = nodeRuntimes as [NodeRuntime, NodeRuntime];

type Inputs = {
  scoringUri: string;
  casesFile?: string;
  requestFile?: string;
  deploymentName?: string;
  readyTimeoutSeconds?: string;
  latencyRequests?: string;
  concurrency?: string;
  maxP95Ms?: string;
  junitFile?: string;
};

function runOn(
  host: Host,
  runtime: NodeRuntime,
  inputs: Inputs,
  withKey = true,
  onStart?: HostRunOptions['onStart'],
): Promise<HostRun> {
  const all: Record<string, string> = { ...inputs, ...(withKey ? { authKey: key } : {}) };
  return runStepAs(host, { task: 'AzureMLSmokeTestV1', action: 'smoke-test', inputs: all, runtime, onStart });
}

function expectNoLeak(run: HostRun): void {
  expect(run.everythingPrinted).not.toContain(key);
  for (const value of Object.values(run.outputs)) expect(value).not.toContain(key);
  if (run.outputs.evidencePath) expect(readFileSync(run.outputs.evidencePath, 'utf8')).not.toContain(key);
}

const servers: ScoringServer[] = [];
async function server(
  behaviour: ScoringBehaviour,
  options: ScoringServerOptions = {},
): Promise<ScoringServer> {
  const started = await startScoringServer(behaviour, { key, ...options });
  servers.push(started);
  return started;
}
afterAll(async () => Promise.all(servers.map((s) => s.close())));

const hosts = ['azure-pipelines', 'github'] as const;

describe.each([
  ['azure-pipelines', node20],
  ['azure-pipelines', node24],
  ['github', node20],
  ['github', node24],
] as const)('against a correct model, as %s on %s', (host, runtime) => {
  it('passes and sets every output', async () => {
    const model = await server('correct');
    const junitFile = join(repoRoot, 'out', `junit-${host}-${runtime.name}.xml`);
    const run = await runOn(host, runtime, {
      scoringUri: model.scoringUri,
      casesFile,
      deploymentName: 'green',
      latencyRequests: '40',
      concurrency: '4',
      maxP95Ms: '5000',
      junitFile,
    });
    expect(run.errors).toEqual([]);
    expect(run.succeeded).toBe(true);
    expect(run.outputs).toMatchObject({ passed: 'true', casesPassed: '6', casesFailed: '0' });
    for (const name of ['p50Ms', 'p95Ms', 'p99Ms']) expect(Number(run.outputs[name])).toBeGreaterThan(0);
    expect(Number(run.outputs.p50Ms)).toBeLessThanOrEqual(Number(run.outputs.p95Ms));
    expect(Number(run.outputs.p95Ms)).toBeLessThanOrEqual(Number(run.outputs.p99Ms));
    expect(model.deployments.every((name) => name === 'green')).toBe(true);
    expect(model.requests).toBeGreaterThanOrEqual(6 + 40);

    const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8'));
    expect(evidence).toMatchObject({
      step: 'smoke-test',
      result: 'succeeded',
      host,
      inputs: { authKey: '***' },
    });
    expect(evidence.details.cases.map((c: { name: string; result: string }) => [c.name, c.result])).toEqual([
      ['two-rows', 'passed'],
      ['rain-row', 'passed'],
      ['dry-day', 'passed'],
      ['ten-rows', 'passed'],
      ['malformed-json', 'passed'],
      ['missing-input-data', 'passed'],
    ]);
    // The target (no key, no query), when it ran, and the counts, for the approver.
    expect(evidence.details).toMatchObject({
      target: { uri: model.scoringUri.split('?')[0], endpointName: null, deploymentName: 'green' },
      casesPassed: 6,
      casesFailed: 0,
      latency: { p50Ms: expect.any(Number), p95Ms: expect.any(Number), p99Ms: expect.any(Number) },
    });
    const { startedAt, finishedAt } = evidence.details as { startedAt: string; finishedAt: string };
    expect(new Date(startedAt).toISOString()).toBe(startedAt);
    expect(Date.parse(finishedAt)).toBeGreaterThanOrEqual(Date.parse(startedAt));
    expect(run.summary).toMatch(/Azure ML smoke test: ✅ succeeded/);
    expect(run.summary).toContain('| two-rows |');
    expect(existsSync(junitFile)).toBe(true);
    expect(readFileSync(junitFile, 'utf8')).toMatch(/<testsuite [^>]*tests="8" [^>]*failures="0"/);
    expectNoLeak(run);
  });
});

describe.each(hosts)('bad servers, as %s', (host) => {
  const runtime = host === 'github' ? node24 : node20;

  it.each([
    ['wrong', {}, {}, /case 'two-rows' failed: .*one of \[0,1\]/],
    ['constant', {}, {}, /case '(two-rows|rain-row)' failed: .*(equals|equal to) 1/],
    ['errors', {}, {}, /case 'two-rows' failed: expected status 200, got 500/],
    [
      'dies-after-bad-payload',
      {},
      {},
      /case 'malformed-json' failed: .*did not answer a valid request after the rejected payload/,
    ],
    [
      'slow',
      { delayMs: 150 },
      { maxP95Ms: '50', latencyRequests: '6' },
      /^latency of case 'two-rows' failed: expected p95 at most 50(\.0)? ms \(max-?p95-?ms\), got p95 \d+/i,
    ],
  ] as const)('fails on a %s server, naming the case', async (behaviour, serverOptions, extra, message) => {
    const bad = await server(behaviour, serverOptions);
    const run = await runOn(host, runtime, {
      scoringUri: bad.scoringUri,
      casesFile,
      latencyRequests: '5',
      readyTimeoutSeconds: '10',
      ...extra,
    });
    expect(run.succeeded).toBe(false);
    expect(run.errors).toEqual([expect.stringMatching(message)]);
    expect(run.outputs.passed).toBe('false');
    expectNoLeak(run);
  });

  it('waits for an endpoint that becomes ready late, then passes', async () => {
    // Refused until the step says it waits (however long it took to start), then 503 for a while, then ready.
    const late = await server('ready-late', { refuseMs: 60_000, unavailableMs: 300 });
    const run = await runOn(
      host,
      runtime,
      { scoringUri: late.scoringUri, casesFile, latencyRequests: '5', readyTimeoutSeconds: '30' },
      true,
      (child) => whenWaiting(child, () => late.stopRefusing()),
    );
    expect(run.errors).toEqual([]);
    expect(run.succeeded).toBe(true);
    const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8'));
    expect(evidence.details.readiness.attempts).toBeGreaterThan(1);
  });

  it('gives up on an endpoint that never becomes ready, saying what it saw', async () => {
    const late = await server('ready-late', { refuseMs: 60_000 });
    const run = await runOn(host, runtime, {
      scoringUri: late.scoringUri,
      casesFile,
      readyTimeoutSeconds: '1',
    });
    expect(run.succeeded).toBe(false);
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^endpoint never became ready within 1 s \(\d+ attempts\); last answer: connection refused \(ECONNREFUSED\)$/,
      ),
    ]);
  });

  it('redacts the key even when the endpoint echoes it back', async () => {
    const careless = await server('wrong', { echoAuthorization: true });
    const run = await runOn(host, runtime, {
      scoringUri: careless.scoringUri,
      casesFile,
      latencyRequests: '0',
    });
    expect(run.succeeded).toBe(false);
    expectNoLeak(run);
  });

  it('reports a cases file error at its file, line and column without calling the endpoint', async () => {
    const model = await server('correct');
    const broken = join(repoRoot, 'tests/fixtures/smoke/bundle-invalid-cases.yml');
    const run = await runOn(host, runtime, { scoringUri: model.scoringUri, casesFile: broken });
    expect(run.succeeded).toBe(false);
    expect(run.errors).toEqual([expect.stringMatching(/bundle-invalid-cases\.yml:6:7: .*statuz/)]);
    expect(model.requests).toBe(0);
    if (host === 'azure-pipelines') {
      const issue = (run.raw as AgentRun).issues.find((i) => i.type === 'error');
      expect(issue).toMatchObject({ linenumber: '6', columnnumber: '7' });
      expect(issue?.sourcepath).toMatch(/bundle-invalid-cases\.yml$/);
    } else {
      const annotation = (run.raw as RunnerRun).annotations.find((a) => a.level === 'error');
      expect(annotation).toMatchObject({ line: '6', col: '7' });
    }
  });
});

describe('cancellation', () => {
  it.each(hosts)('stops waiting and reports cancelled when the %s host sends SIGINT', async (host) => {
    const late = await server('ready-late', { refuseMs: 60_000 });
    const inputs = { scoringUri: late.scoringUri, casesFile, readyTimeoutSeconds: '120' };
    const onStart = (child: import('node:child_process').ChildProcess) =>
      whenWaiting(child, () => child.kill('SIGINT'));
    if (host === 'azure-pipelines') {
      const run = await runAsAzurePipelinesAgent({ task: 'AzureMLSmokeTestV1', inputs, onStart });
      expect(run.result).toBe('Cancelled');
    } else {
      const kebab = {
        'scoring-uri': inputs.scoringUri,
        'cases-file': casesFile,
        'ready-timeout-seconds': '120',
      };
      const run = await runAsGitHubRunner({ action: 'smoke-test', inputs: kebab, onStart });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message)).toEqual([expect.stringMatching(/cancelled \(SIGINT\)/)]);
    }
  });
});

/** Calls `then` once the step says it waits for the endpoint (it has retried a refused connection). */
function whenWaiting(child: import('node:child_process').ChildProcess, then: () => void): void {
  let printed = '';
  const watch = (chunk: Buffer) => {
    printed += chunk.toString('utf8');
    if (!printed.includes('endpoint not ready (connection refused')) return;
    child.stdout?.off('data', watch);
    then();
  };
  child.stdout?.on('data', watch);
}
