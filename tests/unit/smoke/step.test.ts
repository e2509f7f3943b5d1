import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AssertionFailure, CancelledError } from '../../../shared/src/step/errors';
import { smokeTestStep } from '../../../shared/src/steps/smoke-test/step';
import {
  startScoringServer,
  type ScoringBehaviour,
  type ScoringServer,
  type ScoringServerOptions,
} from '../../servers/scoring-servers';
import { fakeContext, parseConfig, runSmokeStep, smokeInputs, tempFiles, type FakeContext } from './helpers';

const KEY = 'sk-test-3f9a7c1e2b5d4a6f';
const servers: ScoringServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(
  behaviour: ScoringBehaviour,
  options: ScoringServerOptions = {},
): Promise<ScoringServer> {
  const started = await startScoringServer(behaviour, { key: KEY, ...options });
  servers.push(started);
  return started;
}

interface Run {
  outcome?: Awaited<ReturnType<typeof smokeTestStep.run>>;
  error?: Error;
  context: FakeContext;
  junit?: string;
}

/** Parses the inputs as the GitHub host would and runs the step against a fake context. */
async function run(
  values: Record<string, string | undefined>,
  options: { signal?: AbortSignal; workspaceDir?: string } = {},
): Promise<Run> {
  const junitDir = tempFiles({});
  const junitFile = path.join(junitDir, 'reports', 'smoke.xml');
  const inputs = {
    readyTimeoutSeconds: '2',
    requestTimeoutSeconds: '5',
    latencyRequests: '10',
    concurrency: '2',
    junitFile,
    authKey: KEY,
    ...values,
  };
  const config = parseConfig(inputs, options.workspaceDir);
  const context = fakeContext({ secrets: smokeInputs(inputs).secrets(), ...options });
  const result: Run = { context };
  try {
    result.outcome = await runSmokeStep(config, context);
  } catch (error) {
    result.error = error as Error;
  }
  if (existsSync(junitFile)) result.junit = readFileSync(junitFile, 'utf8');
  return result;
}

const weather = (server: ScoringServer, extra: Record<string, string> = {}) => ({
  scoringUri: server.scoringUri,
  casesFile: 'smoke-cases.yml',
  ...extra,
});

/** Everything the step wrote or logged, to check that the key is in none of it. */
function everything(result: Run): string {
  return [
    result.context.summary.join('\n'),
    JSON.stringify(result.context.evidence),
    JSON.stringify(result.context.outputs),
    result.context.logs.join('\n'),
    result.junit ?? '',
    result.outcome?.message ?? '',
    result.error?.message ?? '',
  ].join('\n');
}

describe('smoke-test step against real scoring servers', () => {
  it('passes a correct model and reports outputs, summary, evidence and JUnit', async () => {
    const target = await server('correct');
    const result = await run(weather(target, { deploymentName: 'green' }));
    expect(result.error).toBeUndefined();
    expect(result.outcome).toEqual({ result: 'succeeded' });

    const { outputs, summary, evidence } = result.context;
    expect(outputs).toMatchObject({ passed: true, casesPassed: 6, casesFailed: 0 });
    for (const name of ['p50Ms', 'p95Ms', 'p99Ms']) expect(outputs[name]).toEqual(expect.any(Number));
    expect(Number(outputs.p50Ms)).toBeLessThanOrEqual(Number(outputs.p95Ms));
    expect(Number(outputs.p95Ms)).toBeLessThanOrEqual(Number(outputs.p99Ms));
    expect(outputs.evidencePath).toBeUndefined();

    // Readiness probe, 6 cases, a recovery probe after each of the 2 reject cases, 10 latency requests.
    expect(target.requests).toBe(19);
    expect(new Set(target.deployments)).toEqual(new Set(['green']));

    const markdown = summary.join('\n');
    expect(markdown).toContain('| Case | Result | Status | Latency | Reason |');
    expect(markdown).toMatch(/\| two-rows \| ✅ passed \| 200 \| [\d.]+ ms \| {2}\|/);
    expect(markdown).toMatch(/\| malformed-json \(reject\) \| ✅ passed \| 400 \|/);
    expect(markdown).toContain('| not constant (rain-row, dry-day) | ✅ passed |');
    expect(markdown).toMatch(
      /\*\*Latency\*\* \(10 requests, concurrency 2\): p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms · [\d.]+ req\/s · 0 errors/,
    );
    expect(markdown).toContain('deployment `green`');

    expect(evidence).toMatchObject({
      scoringUri: target.scoringUri,
      deploymentName: 'green',
      passed: true,
      readiness: { attempts: 1 },
      checks: [{ name: 'not constant (rain-row, dry-day)', result: 'passed' }],
      latency: {
        measured: true,
        passed: true,
        requests: 10,
        concurrency: 2,
        errors: 0,
        outcomes: { '200': 10 },
      },
    });
    expect(
      (evidence.cases as { name: string; result: string; status: string }[]).map((c) => [
        c.name,
        c.result,
        c.status,
      ]),
    ).toEqual([
      ['two-rows', 'passed', '200'],
      ['rain-row', 'passed', '200'],
      ['dry-day', 'passed', '200'],
      ['ten-rows', 'passed', '200'],
      ['malformed-json', 'passed', '400'],
      ['missing-input-data', 'passed', '400'],
    ]);

    expect(result.junit).toContain('tests="8" failures="0" errors="0" skipped="0"');
    expect(result.junit?.match(/<testcase /g)).toHaveLength(8);
    expect(result.junit).toContain('<testcase name="latency"');
  });

  it.each([
    ['wrong', {}, "case 'two-rows' failed: expected $[*] one of [0,1], got $[0] = 7 (number)"],
    ['constant', {}, "case 'two-rows' failed: expected $[1] equal to 1, got $[1] = 0 (number)"],
    ['errors', {}, "case 'two-rows' failed: expected status 200, got 500"],
    [
      'dies-after-bad-payload',
      {},
      "case 'malformed-json' failed: endpoint did not answer a valid request after the rejected payload (recovery probe with case 'two-rows'): expected status 200, got connection refused (ECONNREFUSED)",
    ],
  ] as const)('fails a %s server naming the case', async (behaviour, options, message) => {
    const target = await server(behaviour, options);
    const result = await run(weather(target));
    expect(result.error).toBeUndefined();
    expect(result.outcome?.result).toBe('failed');
    expect(result.outcome?.message).toMatch(
      new RegExp(
        `^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(and \\d+ more failures?: see the summary\\))?$`,
      ),
    );
    expect(result.context.outputs).toMatchObject({ passed: false, p50Ms: '', p95Ms: '', p99Ms: '' });
    expect(result.context.summary.join('\n')).toContain('**Latency** not measured: the cases did not pass');
    expect(result.junit).toMatch(/failures="[1-9]\d*"/);
  });

  it('counts the cases a crashed endpoint fails', async () => {
    const result = await run(weather(await server('dies-after-bad-payload')));
    expect(result.context.outputs).toMatchObject({ passed: false, casesPassed: 4, casesFailed: 2 });
    expect(result.outcome?.message).toMatch(/\(and 1 more failure: see the summary\)$/);
    const markdown = result.context.summary.join('\n');
    expect(markdown).toMatch(/\| malformed-json \(reject\) \| ❌ failed \| 500 \|/);
    expect(markdown).toMatch(/\| missing-input-data \(reject\) \| ❌ failed \| ECONNREFUSED \|/);
  });

  it('shows the trimmed answer of a failed case in the summary and JUnit', async () => {
    const result = await run(weather(await server('errors')));
    expect(result.context.summary.join('\n')).toContain(
      'expected status 200, got 500; answer: {"error":"model failed: ValueError in run()"}',
    );
    expect(result.junit).toContain(
      '<failure message="expected status 200, got 500" type="AssertionFailure">expected status 200, got 500; answer: {&quot;error&quot;',
    );
  });

  it('fails a constant model on the not-constant check', async () => {
    const dir = tempFiles({
      'cases.yml': [
        'cases:',
        '  - name: wet',
        '    request: {input_data: {columns: [Humidity], data: [[95]]}}',
        '  - name: dry',
        '    request: {input_data: {columns: [Humidity], data: [[20]]}}',
        'notConstant: [wet, dry]',
        '',
      ].join('\n'),
    });
    const result = await run(
      { scoringUri: (await server('constant')).scoringUri, casesFile: 'cases.yml' },
      { workspaceDir: dir },
    );
    expect(result.outcome).toEqual({
      result: 'failed',
      message:
        "check 'not constant (wet, dry)' failed: expected different answers for cases 'wet', 'dry', got the same answer for all: [0]",
    });
    expect(result.context.outputs).toMatchObject({ passed: false, casesPassed: 2, casesFailed: 0 });
  });

  it('fails a slow model on maxP95Ms with the figures', async () => {
    const target = await server('slow', { delayMs: 120 });
    const result = await run({
      scoringUri: target.scoringUri,
      requestFile: 'requests/two-rows.json',
      maxP95Ms: '50',
      latencyRequests: '4',
      concurrency: '4',
    });
    expect(result.outcome?.result).toBe('failed');
    expect(result.outcome?.message).toMatch(
      /^latency of case 'two-rows' failed: expected p95 at most 50\.0 ms \(max-p95-ms\), got p95 \d{3,} ms \(p50 \d{3,} ms, p95 \d{3,} ms, p99 \d{3,} ms\)$/,
    );
    expect(result.context.outputs).toMatchObject({ passed: false, casesPassed: 1, casesFailed: 0 });
    expect(Number(result.context.outputs.p95Ms)).toBeGreaterThanOrEqual(120);
    expect(result.junit).toMatch(
      /<testcase name="latency" classname="smoke-test" time="[\d.]+">\n\s+<failure message="expected p95 at most/,
    );
  });

  it('passes a slow model without a latency bound', async () => {
    const target = await server('slow', { delayMs: 30 });
    const result = await run({
      scoringUri: target.scoringUri,
      requestFile: 'requests/two-rows.json',
      latencyRequests: '4',
      concurrency: '2',
    });
    expect(result.outcome).toEqual({ result: 'succeeded' });
    expect(Number(result.context.outputs.p50Ms)).toBeGreaterThanOrEqual(30);
  });

  it('fails the latency check when latency requests fail', async () => {
    // Two answers, then the server is gone: the latency requests meet refused connections.
    const target = await server('correct');
    let count = 0;
    const context = fakeContext({ secrets: [KEY] });
    const config = parseConfig({
      scoringUri: target.scoringUri,
      requestFile: 'requests/two-rows.json',
      latencyRequests: '5',
      authKey: KEY,
      readyTimeoutSeconds: '0',
    });
    const originalInfo = context.logger.info;
    (context.logger as { info: (m: string) => void }).info = (message) => {
      originalInfo(message);
      if (message.startsWith('Measuring latency') && count++ === 0) void target.close();
    };
    const outcome = await runSmokeStep(config, context);
    expect(outcome.result).toBe('failed');
    expect(outcome.message).toMatch(
      /^latency of case 'two-rows' failed: expected every latency request answered 2xx, got 5 of 5 failed \(first: connection refused \(ECONNREFUSED\)\)$/,
    );
    expect(context.outputs).toMatchObject({ passed: false, casesPassed: 1, casesFailed: 0, p50Ms: '' });
  });

  it('waits for an endpoint that becomes ready late', async () => {
    const target = await server('ready-late', { refuseMs: 300, unavailableMs: 1000 });
    const result = await run(weather(target, { readyTimeoutSeconds: '10' }));
    expect(result.error).toBeUndefined();
    expect(result.outcome).toEqual({ result: 'succeeded' });
    const logs = result.context.logs.join('\n');
    expect(logs).toContain('endpoint not ready (connection refused (ECONNREFUSED))');
    expect(logs).toContain('endpoint not ready (HTTP 503: {"error":"model is loading"})');
    expect(result.context.summary.join('\n')).toMatch(/ready after \d+ attempts \([\d.]+ s\)/);
    expect(result.context.evidence.readiness).toMatchObject({ attempts: expect.any(Number) });
  });

  it('gives up on an endpoint that never becomes ready, with outputs and JUnit still written', async () => {
    const target = await server('ready-late', { refuseMs: 60_000 });
    const result = await run(weather(target, { readyTimeoutSeconds: '1' }));
    expect(result.error).toBeInstanceOf(AssertionFailure);
    expect(result.error?.message).toMatch(
      /^endpoint never became ready within 1 s \(\d+ attempts\); last answer: connection refused \(ECONNREFUSED\)$/,
    );
    expect(result.context.outputs).toMatchObject({
      passed: false,
      casesPassed: 0,
      casesFailed: 6,
      p95Ms: '',
    });
    expect(result.junit).toContain('failures="6"');
    expect(result.context.summary.join('\n')).toContain('not run: expected a ready endpoint');
  });

  it('fails with 401 when the key is wrong', async () => {
    const target = await server('correct', { key: 'another-key' });
    const result = await run({ scoringUri: target.scoringUri, requestFile: 'requests/two-rows.json' });
    expect(result.outcome).toEqual({
      result: 'failed',
      message: "case 'two-rows' failed: expected status 200, got 401",
    });
  });

  it('never shows the key, even when the endpoint echoes it back', async () => {
    const results = [
      await run(weather(await server('correct'))),
      await run(weather(await server('errors', { echoAuthorization: true }))),
      await run(weather(await server('wrong', { echoAuthorization: true, answerShape: 'predictions' }))),
    ];
    const echoed = everything(results[1]!);
    expect(echoed).toContain('Bearer ***');
    for (const result of results) {
      expect(everything(result)).not.toContain(KEY);
      expect(result.junit).toBeDefined();
    }
  });

  it('decodes a JSON string holding JSON and says so', async () => {
    const result = await run({
      scoringUri: (await server('correct', { answerShape: 'json-string' })).scoringUri,
      requestFile: 'requests/two-rows.json',
    });
    expect(result.outcome).toEqual({ result: 'succeeded' });
    expect(result.context.summary.join('\n')).toContain('JSON string holding JSON');
    expect(result.junit).toContain('<system-out>the answer was a JSON string holding JSON');
  });

  it('counts predictions under a predictions key', async () => {
    const result = await run({
      scoringUri: (await server('correct', { answerShape: 'predictions' })).scoringUri,
      requestFile: 'requests/ten-rows.json',
    });
    expect(result.outcome).toEqual({ result: 'succeeded' });
    expect(result.context.outputs).toMatchObject({ passed: true, casesPassed: 1 });
  });

  it('skips latency when asked for 0 requests', async () => {
    const result = await run({
      scoringUri: (await server('correct')).scoringUri,
      requestFile: 'requests/two-rows.json',
      latencyRequests: '0',
    });
    expect(result.outcome).toEqual({ result: 'succeeded' });
    expect(result.context.outputs).toMatchObject({ passed: true, p50Ms: '', p95Ms: '', p99Ms: '' });
    expect(result.context.summary.join('\n')).toContain('**Latency** not measured: latency-requests is 0');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const target = await server('slow', { delayMs: 2000 });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await run(
      { scoringUri: target.scoringUri, requestFile: 'requests/two-rows.json' },
      { signal: controller.signal },
    );
    expect(result.error).toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
