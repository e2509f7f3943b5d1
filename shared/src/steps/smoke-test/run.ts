import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeFailure, describeFailureInFull, type CaseFailure } from '../../smoke/assertions';
import type { SmokeCase } from '../../smoke/cases-file';
import { ScoringClient, type ScoringResult } from '../../smoke/http-client';
import { renderJUnit, type JUnitCase } from '../../smoke/junit';
import { measureLatency, type LatencyStats } from '../../smoke/latency';
import { waitUntilReady, type Clock, type Readiness } from '../../smoke/readiness';
import { formatMs, type ResultRow, type SmokeSummary } from '../../smoke/report';
import { checkNotConstant, runCases, type CaseOutcome, type CheckOutcome } from '../../smoke/run-cases';
import type { StepContext, StepOutcome } from '../../step/define';
import type { FinalReport } from '../../step/final-report';
import { AssertionFailure, CancelledError, InputError } from '../../step/errors';
import type { SmokeTestConfig } from './config';

/** Seams for tests: time and randomness of the readiness wait. */
export interface SmokeTestDependencies {
  readonly clock?: Clock;
  readonly random?: () => number;
}

type LatencyOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'measured'; readonly stats: LatencyStats; readonly failure?: CaseFailure };

const OUTCOME_NAMES = ['p50Ms', 'p95Ms', 'p99Ms'] as const;
const CHECK_MARKS = { passed: '✔', failed: '✘', skipped: '⏭' } as const;

/** The smoke-test step's report, once the cases ran (or the endpoint never became ready): results and latency. */
type SmokeTestReport = FinalReport<SmokeSummary>;

/** Waits for the endpoint, runs the cases, measures latency, then judges and reports. */
export async function runSmokeTest(
  config: SmokeTestConfig,
  context: StepContext,
  reported: SmokeTestReport,
  dependencies: SmokeTestDependencies = {},
): Promise<StepOutcome> {
  const { plan, authKey } = config;
  const { logger, signal } = context;
  if (authKey) context.addSecret(authKey);
  const startedAt = new Date();
  const client = new ScoringClient(config.scoringUri, {
    timeoutMs: config.requestTimeoutMs,
    maxResponse: { bytes: config.maxResponseBytes, input: config.inputNames.maxResponseMegabytes },
    ...(authKey ? { key: authKey } : {}),
    ...(config.deploymentName ? { deploymentName: config.deploymentName } : {}),
    maxSockets: Math.max(1, config.concurrency),
  });
  // An answer is redacted as it arrives, before any assertion quotes, trims or escapes a piece of it: a scoring
  // server that echoes the key (plain, escaped, encoded or cut) cannot carry it into a message.
  const send = async (smokeCase: SmokeCase): Promise<ScoringResult> => {
    const result = await client.send(smokeCase.body, signal);
    return result.kind === 'answer'
      ? { ...result, body: context.redact(result.body) }
      : { ...result, message: context.redact(result.message) };
  };
  const firstValid = plan.cases.find((c) => !c.reject)!;
  const latencyCase = plan.cases.find((c) => c.name === plan.latencyCase) ?? firstValid;

  try {
    const target = config.deploymentName
      ? `${config.scoringUri} (deployment ${config.deploymentName})`
      : config.scoringUri;
    logger.info(
      `Smoke-testing ${target} with ${plan.cases.length} case${plan.cases.length === 1 ? '' : 's'} from ${plan.source}`,
    );

    let readiness: Readiness;
    try {
      readiness = await waitUntilReady({
        probe: () => send(firstValid),
        timeoutMs: config.readyTimeoutMs,
        signal,
        logger,
        ...(dependencies.clock ? { clock: dependencies.clock } : {}),
        ...(dependencies.random ? { random: dependencies.random } : {}),
      });
    } catch (error) {
      if (error instanceof AssertionFailure)
        conclude(config, context, reported, startedAt, notReadyOutcomes(config, error.message), [], {
          kind: 'skipped',
          reason: 'the endpoint never became ready',
        });
      throw error;
    }
    logger.info(
      readiness.attempts === 1
        ? 'Endpoint is ready.'
        : `Endpoint is ready after ${readiness.attempts} attempts (${(readiness.waitedMs / 1000).toFixed(1)} s).`,
    );

    const outcomes = await runCases(plan, send, (outcome) => logCase(context, outcome));
    const checks = [checkNotConstant(plan.notConstant, outcomes)].filter(
      (c): c is CheckOutcome => c !== undefined,
    );
    for (const check of checks)
      logger.info(
        `${CHECK_MARKS[check.result]} check ${check.name}: ${check.result}${check.reason ? ` (${context.redact(check.reason)})` : ''}`,
      );

    let latency: LatencyOutcome;
    if (outcomes.some((o) => !o.passed) || checks.some((c) => c.result === 'failed'))
      latency = { kind: 'skipped', reason: 'the cases did not pass' };
    else if (config.latencyRequests === 0)
      latency = { kind: 'skipped', reason: `${config.inputNames.latencyRequests} is 0` };
    else {
      const body = Buffer.from(latencyCase.body);
      latency = await measure(config, context, () => client.send(body, signal), latencyCase.name);
    }

    return conclude(config, context, reported, startedAt, outcomes, checks, latency, readiness);
  } finally {
    client.close();
  }
}

async function measure(
  config: SmokeTestConfig,
  context: StepContext,
  send: () => ReturnType<ScoringClient['send']>,
  caseName: string,
): Promise<LatencyOutcome> {
  context.logger.info(
    `Measuring latency: ${config.latencyRequests} requests of case '${caseName}' at concurrency ${config.concurrency}`,
  );
  const stats = await measureLatency(send, {
    requests: config.latencyRequests,
    concurrency: config.concurrency,
    signal: context.signal,
  });
  if (context.signal.aborted) throw new CancelledError('smoke test cancelled while measuring latency');
  const figures =
    stats.p50Ms === undefined
      ? 'no answers'
      : `p50 ${formatMs(stats.p50Ms)}, p95 ${formatMs(stats.p95Ms!)}, p99 ${formatMs(stats.p99Ms!)}`;
  context.logger.info(
    `Latency: ${figures}, ${stats.requestsPerSecond.toFixed(1)} req/s, ${stats.errors} errors`,
  );
  if (stats.errors > 0) {
    return {
      kind: 'measured',
      stats,
      failure: {
        expected: `every latency request answered 2xx`,
        actual: `${stats.errors} of ${stats.requests} failed (first: ${stats.firstError})`,
      },
    };
  }
  if (config.maxP95Ms !== undefined && stats.p95Ms !== undefined && stats.p95Ms > config.maxP95Ms) {
    return {
      kind: 'measured',
      stats,
      failure: {
        expected: `p95 at most ${formatMs(config.maxP95Ms)} (${config.inputNames.maxP95Ms})`,
        actual: `p95 ${formatMs(stats.p95Ms)} (${figures})`,
      },
    };
  }
  return { kind: 'measured', stats };
}

function logCase(context: StepContext, outcome: CaseOutcome): void {
  const head = `${outcome.passed ? '✔' : '✘'} ${outcome.name}: ${outcome.status} in ${formatMs(outcome.durationMs)}`;
  const lines = [
    head,
    ...outcome.failures.map((f) => `    ${describeFailureInFull(f)}`),
    ...outcome.notes.map((note) => `    note: ${note}`),
  ];
  context.logger.info(context.redact(lines.join('\n')));
}

/** Every case counts as failed when the endpoint never became ready: none of them could pass. */
function notReadyOutcomes(config: SmokeTestConfig, reason: string): CaseOutcome[] {
  return config.plan.cases.map((c) => ({
    name: c.name,
    reject: c.reject,
    passed: false,
    status: '',
    durationMs: 0,
    failures: [{ headline: 'not run', expected: 'a ready endpoint', actual: reason }],
    notes: [],
  }));
}

/** Sets the outputs, fills the report, writes the JUnit file, and turns the results into the step's outcome. */
function conclude(
  config: SmokeTestConfig,
  context: StepContext,
  reported: SmokeTestReport,
  startedAt: Date,
  outcomes: readonly CaseOutcome[],
  checks: readonly CheckOutcome[],
  latency: LatencyOutcome,
  readiness?: Readiness,
): StepOutcome {
  const { redact } = context;
  const failedCases = outcomes.filter((o) => !o.passed);
  const failedChecks = checks.filter((c) => c.result === 'failed');
  const latencyFailure = latency.kind === 'measured' ? latency.failure : undefined;
  const passed = failedCases.length === 0 && failedChecks.length === 0 && latencyFailure === undefined;
  const stats = latency.kind === 'measured' ? latency.stats : undefined;

  context.setOutput('passed', passed);
  context.setOutput('casesPassed', outcomes.length - failedCases.length);
  context.setOutput('casesFailed', failedCases.length);
  for (const name of OUTCOME_NAMES) {
    const value = stats?.[name];
    // Empty rather than 0 when not measured: a zero would read as "very fast".
    context.setOutput(name, value === undefined ? '' : round(value));
  }

  const latencyRow: ResultRow =
    latency.kind === 'skipped'
      ? { name: 'latency', result: 'skipped', reason: latency.reason }
      : {
          name: 'latency',
          result: latencyFailure ? 'failed' : 'passed',
          ...(stats?.p95Ms === undefined ? {} : { latencyMs: stats.p95Ms }),
          reason: latencyFailure ? describeFailure(latencyFailure) : 'p95 shown',
        };
  const rows: ResultRow[] = [
    ...outcomes.map((o) => ({
      name: o.reject ? `${o.name} (reject)` : o.name,
      result: o.passed ? ('passed' as const) : ('failed' as const),
      status: o.status,
      ...(o.status === '' ? {} : { latencyMs: o.durationMs }),
      reason: redact([...o.failures.map(describeFailureInFull), ...o.notes].join('\n')),
    })),
    ...checks.map((c) => ({ name: c.name, result: c.result, reason: redact(c.reason ?? '') })),
    latencyRow,
  ];
  reported.summary = {
    scoringUri: config.scoringUri,
    ...(config.deploymentName ? { deploymentName: config.deploymentName } : {}),
    ...(readiness ? { readiness } : {}),
    rows,
    latency: latency.kind === 'measured' ? latency.stats : { skipped: latency.reason },
    ...(config.maxP95Ms === undefined ? {} : { maxP95Ms: config.maxP95Ms }),
  };

  reported.evidence = {
    ...evidenceOf(config, outcomes, checks, latency, readiness, passed, redact),
    target: targetOf(config),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    casesPassed: outcomes.length - failedCases.length,
    casesFailed: failedCases.length,
  };

  if (config.junitFile) writeJUnit(config.junitFile, context, startedAt, outcomes, checks, latency);

  if (passed) return { result: 'succeeded' };
  const failedCase = failedCases[0];
  const failedCheck = failedChecks[0];
  let message: string;
  if (failedCase) message = `case '${failedCase.name}' failed: ${describeFailure(failedCase.failures[0]!)}`;
  else if (failedCheck) message = `check '${failedCheck.name}' failed: ${failedCheck.reason}`;
  else message = `latency of case '${config.plan.latencyCase}' failed: ${describeFailure(latencyFailure!)}`;
  const more = failedCases.length + failedChecks.length + (latencyFailure ? 1 : 0) - 1;
  if (more > 0) message += ` (and ${more} more failure${more === 1 ? '' : 's'}: see the summary)`;
  return { result: 'failed', message: redact(message) };
}

/**
 * What was tested, for the approver: the scoring URI without credentials, query or fragment (a key can ride in
 * `?code=`), and the endpoint and deployment when named.
 */
export function targetOf(config: Pick<SmokeTestConfig, 'scoringUri' | 'endpointName' | 'deploymentName'>): {
  uri: string;
  endpointName: string | null;
  deploymentName: string | null;
} {
  let uri = config.scoringUri;
  try {
    const url = new URL(config.scoringUri);
    uri = `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    // Parsing the config checked it is a URL; keep it as it is otherwise.
  }
  return { uri, endpointName: config.endpointName ?? null, deploymentName: config.deploymentName ?? null };
}

/** The evidence's details: every case, check and latency figure, answers and reasons redacted. */
function evidenceOf(
  config: SmokeTestConfig,
  outcomes: readonly CaseOutcome[],
  checks: readonly CheckOutcome[],
  latency: LatencyOutcome,
  readiness: Readiness | undefined,
  passed: boolean,
  redact: (text: string) => string,
): Record<string, unknown> {
  const latencyFailure = latency.kind === 'measured' ? latency.failure : undefined;
  return {
    scoringUri: config.scoringUri,
    deploymentName: config.deploymentName ?? null,
    casesSource: config.plan.source,
    passed,
    readiness: readiness
      ? { attempts: readiness.attempts, waitedMs: round(readiness.waitedMs) }
      : { ready: false },
    cases: outcomes.map((o) => ({
      name: o.name,
      reject: o.reject,
      result: o.passed ? 'passed' : 'failed',
      status: o.status,
      durationMs: round(o.durationMs),
      failures: o.failures.map((f) => ({
        description: redact(describeFailure(f)),
        ...(f.answer === undefined ? {} : { answer: redact(f.answer) }),
      })),
      notes: o.notes,
    })),
    checks: checks.map((c) => ({
      name: c.name,
      result: c.result,
      ...(c.reason ? { reason: redact(c.reason) } : {}),
    })),
    latency:
      latency.kind === 'skipped'
        ? { measured: false, reason: latency.reason }
        : {
            measured: true,
            passed: latencyFailure === undefined,
            requests: latency.stats.requests,
            concurrency: latency.stats.concurrency,
            errors: latency.stats.errors,
            outcomes: latency.stats.outcomes,
            p50Ms: optionalRound(latency.stats.p50Ms),
            p95Ms: optionalRound(latency.stats.p95Ms),
            p99Ms: optionalRound(latency.stats.p99Ms),
            minMs: optionalRound(latency.stats.minMs),
            maxMs: optionalRound(latency.stats.maxMs),
            meanMs: optionalRound(latency.stats.meanMs),
            requestsPerSecond: round(latency.stats.requestsPerSecond),
            maxP95Ms: config.maxP95Ms ?? null,
            ...(latencyFailure ? { failure: redact(describeFailure(latencyFailure)) } : {}),
          },
  };
}

function writeJUnit(
  file: string,
  context: StepContext,
  startedAt: Date,
  outcomes: readonly CaseOutcome[],
  checks: readonly CheckOutcome[],
  latency: LatencyOutcome,
): void {
  const { redact } = context;
  const classname = 'smoke-test';
  const cases: JUnitCase[] = [
    ...outcomes.map((o): JUnitCase => {
      const [first] = o.failures;
      return {
        name: o.name,
        classname,
        timeSeconds: o.durationMs / 1000,
        ...(first
          ? {
              failure: {
                message: redact(describeFailure(first)),
                details: redact(o.failures.map(describeFailureInFull).join('\n')),
              },
            }
          : {}),
        ...(o.notes.length > 0 ? { output: o.notes.join('\n') } : {}),
      };
    }),
    ...checks.map((c): JUnitCase => ({
      name: c.name,
      classname,
      timeSeconds: 0,
      ...(c.result === 'failed' ? { failure: { message: redact(c.reason ?? 'failed') } } : {}),
      ...(c.result === 'skipped' ? { skipped: redact(c.reason ?? 'skipped') } : {}),
    })),
    latency.kind === 'skipped'
      ? { name: 'latency', classname, timeSeconds: 0, skipped: latency.reason }
      : {
          name: 'latency',
          classname,
          timeSeconds: latency.stats.wallMs / 1000,
          ...(latency.failure ? { failure: { message: redact(describeFailure(latency.failure)) } } : {}),
          output: `p50 ${optionalRound(latency.stats.p50Ms)} ms, p95 ${optionalRound(latency.stats.p95Ms)} ms, p99 ${optionalRound(latency.stats.p99Ms)} ms, ${round(latency.stats.requestsPerSecond)} req/s, ${latency.stats.errors} errors`,
        },
  ];
  const totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const xml = renderJUnit({
    name: 'Azure ML smoke test',
    timestamp: startedAt,
    timeSeconds: totalSeconds,
    cases,
  });
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, redact(xml));
  } catch (error) {
    throw new InputError(
      'junitFile',
      `Cannot write the JUnit file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  context.logger.info(`JUnit results written to ${file}`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function optionalRound(value: number | undefined): number | null {
  return value === undefined ? null : round(value);
}
