import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoggerPort } from '../../../shared/src/platform/ports';
import type { StepContext, StepEnding, StepOutcome } from '../../../shared/src/step/define';
import { readInputs, type StepInputs } from '../../../shared/src/step/inputs';
import { smokeTestManifest } from '../../../shared/src/steps/smoke-test/manifest';
import { smokeTestStep } from '../../../shared/src/steps/smoke-test/step';
import { parseSmokeTestConfig, type SmokeTestConfig } from '../../../shared/src/steps/smoke-test/config';
import { scratchFolder } from '../../harness/scratch-folders';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/smoke');
/** The weather example: its cases file and request files are what users copy, and what these tests read. */
export const WEATHER = path.resolve(__dirname, '../../../examples/weather');

/** Inputs as the GitHub host would read them, from camelCase names. */
export function smokeInputs(values: Record<string, string | undefined>): StepInputs {
  const { inputs, errors } = readInputs(smokeTestManifest, { get: (name) => values[name] }, 'github');
  if (errors.length > 0) throw errors[0];
  return inputs;
}

export function parseConfig(
  values: Record<string, string | undefined>,
  workspaceDir = WEATHER,
): SmokeTestConfig {
  const request = parseSmokeTestConfig(smokeInputs(values), { workspaceDir });
  if (request.scoringUri === undefined) throw new Error('these tests give a scoring URI');
  return { ...request, scoringUri: request.scoringUri };
}

export interface FakeContext extends StepContext {
  readonly outputs: Record<string, string | number | boolean>;
  readonly summary: string[];
  readonly evidence: Record<string, unknown>;
  /** Every line logged, at any level. */
  readonly logs: string[];
  readonly secrets: string[];
}

/** A StepContext that records everything the step does; secrets are registered as runStep would. */
export function fakeContext(
  options: { secrets?: string[]; signal?: AbortSignal; workspaceDir?: string } = {},
): FakeContext {
  const logs: string[] = [];
  const secrets = [...(options.secrets ?? [])];
  const record = (level: string) => (message: string) => logs.push(`${level}: ${message}`);
  const logger: LoggerPort = {
    info: record('info'),
    debug: record('debug'),
    warning: record('warning'),
    error: record('error'),
    startGroup: record('group'),
    endGroup: () => undefined,
    mask: (value) => void secrets.push(value),
    isDebug: true,
  };
  const context: FakeContext = {
    logger,
    environment: {
      host: 'github',
      workspaceDir: options.workspaceDir ?? FIXTURES,
      tempDir: scratchFolder('smoke-unit-temp-'),
    },
    identity: {},
    signal: options.signal ?? new AbortController().signal,
    outputs: {},
    summary: [],
    evidence: {},
    logs,
    secrets,
    setOutput(name, value) {
      if (!smokeTestManifest.outputs.some((o) => o.name === name))
        throw new Error(`undeclared output ${name}`);
      context.outputs[name] = value;
    },
    addSecret: (value) => void secrets.push(value),
    redact: (text) => secrets.reduce((result, secret) => result.split(secret).join('***'), text),
  };
  return context;
}

/** Runs the step and renders its report as runStep does, into the context's `summary` and `evidence`. */
export async function runSmokeStep(config: SmokeTestConfig, context: FakeContext): Promise<StepOutcome> {
  const reporter = smokeTestStep.report!;
  const report = reporter.start(config);
  let ending: StepEnding = { result: 'failed' };
  try {
    ending = await smokeTestStep.run(config, context, report);
    return ending as StepOutcome;
  } catch (error) {
    ending = { result: 'failed', error };
    throw error;
  } finally {
    const rendered = reporter.render(report, ending, context.redact);
    if (rendered.summary) context.summary.push(rendered.summary);
    Object.assign(context.evidence, rendered.evidence);
  }
}

/** A fresh temporary directory holding the given files. */
export function tempFiles(files: Record<string, string>): string {
  const dir = scratchFolder('smoke-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
