import { composeStepSummary } from '../evidence/step-summary';
import { writeEvidence, evidenceSchema } from '../evidence/evidence-file';
import type { Platform, StepResult } from '../platform/ports';
import { version } from '../version';
import { inAllowedRoots } from './allowed-roots';
import { cancellationOnSignals } from './cancellation';
import type { RenderedReport, StepContext, StepDefinition, StepEnding } from './define';
import { describeError } from './describe-error';
import { CancelledError, InputErrors } from './errors';
import type { StepManifest } from './manifest';
import { readInputs, type StepInputs } from './inputs';
import { redactDeep } from './redactor';
import { redactingPlatform, SecretRegistry } from './secrets';

export interface RunStepOptions {
  /** Cancellation source; defaults to SIGINT/SIGTERM of this process. */
  readonly signal?: AbortSignal;
}

/**
 * The one place that decides a step's result. Order: read inputs, mask secrets, validate, act; then the step's
 * report is rendered once and outputs, evidence and summary are written whatever happened (success, failure,
 * cancellation), and every error becomes one clear message.
 */
export async function runStep<Config, Report>(
  step: StepDefinition<Config, Report>,
  hostPlatform: Platform,
  options: RunStepOptions = {},
): Promise<StepResult> {
  const { manifest } = step;
  const secrets = new SecretRegistry(hostPlatform.logger);
  // Every text that leaves through the host's ports is redacted there, before the host escapes or encodes it.
  const platform = redactingPlatform(hostPlatform, secrets);
  const { logger, environment } = platform;
  const startedAt = new Date();
  const cancellation = options.signal ? undefined : cancellationOnSignals();
  const signal = options.signal ?? cancellation!.signal;
  let inputs: StepInputs | undefined;
  // Set once the config is valid: a run that never started has nothing to report but its result.
  let started: { report: Report } | undefined;
  let ending: StepEnding;

  try {
    const read = readInputs(manifest, platform.inputs, environment.host);
    inputs = read.inputs;
    for (const secret of inputs.secrets()) secrets.add(secret);
    if (read.errors.length > 0) throw new InputErrors(read.errors);
    const inRoots = inAllowedRoots(environment, inputs);
    const context = stepContext(manifest, platform, secrets, signal);
    const config = await inRoots(() => startAndParse(step, inputs!, context, environment.workspaceDir));
    started = { report: step.report?.start(config) as Report };
    if (signal.aborted)
      throw signal.reason instanceof Error ? signal.reason : new CancelledError('The run was cancelled.');
    const outcome = await inRoots(() => step.run(config, context, started!.report));
    ending = outcome;
    if (outcome.message) {
      if (outcome.result === 'failed') logger.error(outcome.message);
      else if (outcome.result === 'succeededWithIssues') logger.warning(outcome.message);
    }
  } catch (error) {
    // Once cancelled, whatever the interrupted work threw (a reset socket, an abort) is a consequence, not the cause.
    const cause = signal.aborted
      ? signal.reason instanceof CancelledError
        ? signal.reason
        : new CancelledError('The run was cancelled.')
      : error;
    const described = describeError(cause, logger.isDebug, (text) => secrets.redact(text));
    ending = {
      result: described.cancelled ? 'cancelled' : 'failed',
      message: described.message,
      error: cause,
    };
    logger.error(described.message, described.location);
  } finally {
    cancellation?.dispose();
  }

  const { result } = ending;
  const safeMessage = ending.message === undefined ? undefined : secrets.redact(ending.message);
  const rendered =
    step.report && started
      ? renderReport(
          step.report.render,
          started.report,
          { ...ending, message: safeMessage },
          platform,
          secrets,
        )
      : {};
  if (manifest.outputs.some((output) => output.name === 'evidencePath')) {
    writeEvidenceOutput(platform, secrets, {
      manifest,
      startedAt,
      result,
      message: safeMessage,
      inputs: inputs?.publicValues() ?? {},
      details: rendered.evidence ?? {},
    });
  }
  try {
    // Redacted before composing: the summary may be cut to its size limit, and a cut must not leave a secret's start.
    const sections = rendered.summary ? [secrets.redact(rendered.summary)] : [];
    const markdown = composeStepSummary(manifest.friendlyName, result, sections, safeMessage);
    await platform.summary.publish(markdown);
  } catch (error) {
    logger.warning(`Could not publish the job summary: ${(error as Error).message}`);
  }

  // The message was already logged above (with its file location when it has one).
  platform.result.complete(result, safeMessage);
  return result;
}

/**
 * The step's early work (`startEarly`, what creates nothing: the ARM token request), then its parse, the early work
 * in flight; a parse that refuses the inputs ends the early work.
 */
async function startAndParse<Config, Report>(
  step: StepDefinition<Config, Report>,
  inputs: StepInputs,
  context: StepContext,
  workspaceDir: string,
): Promise<Config> {
  const refused = new AbortController();
  await step
    .startEarly?.(inputs, context, AbortSignal.any([context.signal, refused.signal]))
    .catch(() => undefined);
  try {
    return await step.parse(inputs, { workspaceDir });
  } catch (error) {
    refused.abort();
    throw error;
  }
}

/** What run() may touch: the host's logger, environment and identity, our outputs and secrets, the signal. */
function stepContext(
  manifest: StepManifest,
  platform: Platform,
  secrets: SecretRegistry,
  signal: AbortSignal,
): StepContext {
  return {
    logger: platform.logger,
    environment: platform.environment,
    identity: platform.identity,
    signal,
    pullRequest: platform.pullRequest,
    setOutput(name, value) {
      const spec = manifest.outputs.find((output) => output.name === name);
      if (!spec) throw new Error(`step sets output '${name}' that its manifest does not declare`);
      const text = String(value);
      if (spec.secret) {
        secrets.add(text);
        platform.outputs.setSecret(name, text);
      } else {
        platform.outputs.set(name, text);
      }
    },
    addSecret: (value) => secrets.add(value),
    redact: (text) => secrets.redact(text),
  };
}

/** The step's report, rendered once; a renderer that throws costs the report, never the result. */
function renderReport<Report>(
  render: (report: Report, ending: StepEnding, redact: (text: string) => string) => RenderedReport,
  report: Report,
  ending: StepEnding,
  platform: Platform,
  secrets: SecretRegistry,
): RenderedReport {
  try {
    // Redacted before the renderer escapes anything (markdown cells, JSON blocks) and cuts long texts.
    const redact = (text: string) => secrets.redact(text);
    return render(redactDeep(report, redact), ending, redact);
  } catch (error) {
    platform.logger.warning(`Could not render the step's report: ${(error as Error).message}`);
    return {};
  }
}

function writeEvidenceOutput(
  platform: Platform,
  secrets: SecretRegistry,
  run: {
    manifest: StepManifest;
    startedAt: Date;
    result: StepResult;
    message: string | undefined;
    inputs: Record<string, string | number | boolean>;
    details: Record<string, unknown>;
  },
): void {
  const { environment } = platform;
  try {
    const finishedAt = new Date();
    const path = writeEvidence(
      environment.tempDir,
      {
        schema: evidenceSchema,
        step: run.manifest.id,
        task: `${run.manifest.taskName}@1`,
        version,
        host: environment.host,
        startedAt: run.startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - run.startedAt.getTime(),
        result: run.result,
        ...(run.message === undefined ? {} : { message: run.message }),
        run: {
          runUrl: environment.runUrl,
          commit: environment.commit,
          repository: environment.repository,
          branch: environment.branch,
          triggeredBy: environment.triggeredBy,
        },
        inputs: run.inputs,
        details: run.details,
      },
      (text) => secrets.redact(text),
    );
    platform.outputs.set('evidencePath', path);
  } catch (error) {
    platform.logger.warning(`Could not write the evidence file: ${(error as Error).message}`);
  }
}
