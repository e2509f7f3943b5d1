import { composeStepSummary } from '../evidence/step-summary';
import { writeEvidence, evidenceSchema } from '../evidence/evidence-file';
import type { Platform, StepResult } from '../platform/ports';
import { version } from '../version';
import { cancellationOnSignals } from './cancellation';
import type { StepContext, StepDefinition } from './define';
import { describeError } from './describe-error';
import { CancelledError, InputErrors } from './errors';
import { readInputs, type StepInputs } from './inputs';
import { SecretRegistry } from './secrets';

export interface RunStepOptions {
  /** Cancellation source; defaults to SIGINT/SIGTERM of this process. */
  readonly signal?: AbortSignal;
}

/**
 * The one place that decides a step's result. Order: read inputs, mask secrets, validate, act; then
 * outputs, evidence and summary are written whatever happened, and every error becomes one clear message.
 */
export async function runStep<Config>(
  step: StepDefinition<Config>,
  platform: Platform,
  options: RunStepOptions = {},
): Promise<StepResult> {
  const { manifest } = step;
  const { logger, environment } = platform;
  const startedAt = new Date();
  const secrets = new SecretRegistry(logger);
  const cancellation = options.signal ? undefined : cancellationOnSignals();
  const signal = options.signal ?? cancellation!.signal;
  const summarySections: string[] = [];
  const details: Record<string, unknown> = {};
  let inputs: StepInputs | undefined;
  let result: StepResult;
  let message: string | undefined;

  try {
    const read = readInputs(manifest, platform.inputs, environment.host);
    inputs = read.inputs;
    for (const secret of inputs.secrets()) secrets.add(secret);
    if (read.errors.length > 0) throw new InputErrors(read.errors);
    const config = step.parse(inputs, { workspaceDir: environment.workspaceDir });

    const context: StepContext = {
      logger,
      environment,
      identity: platform.identity,
      signal,
      setOutput(name, value) {
        const spec = manifest.outputs.find((output) => output.name === name);
        if (!spec) throw new Error(`step sets output '${name}' that its manifest does not declare`);
        const text = String(value);
        if (spec.secret) {
          secrets.add(text);
          platform.outputs.setSecret(name, text);
        } else {
          platform.outputs.set(name, secrets.redact(text));
        }
      },
      appendSummary: (markdown) => summarySections.push(markdown),
      recordEvidence: (record) => Object.assign(details, record),
      addSecret: (value) => secrets.add(value),
      redact: (text) => secrets.redact(text),
    };
    if (signal.aborted)
      throw signal.reason instanceof Error ? signal.reason : new CancelledError('The run was cancelled.');
    const outcome = await step.run(config, context);
    result = outcome.result;
    message = outcome.message;
    if (message) {
      if (result === 'failed') logger.error(secrets.redact(message));
      else if (result === 'succeededWithIssues') logger.warning(secrets.redact(message));
    }
  } catch (error) {
    // Once cancelled, whatever the interrupted work threw (a reset socket, an abort) is a consequence, not the cause.
    const cause = signal.aborted
      ? signal.reason instanceof CancelledError
        ? signal.reason
        : new CancelledError('The run was cancelled.')
      : error;
    const described = describeError(cause, logger.isDebug);
    result = described.cancelled ? 'cancelled' : 'failed';
    message = described.message;
    logger.error(secrets.redact(message), described.location);
  } finally {
    cancellation?.dispose();
  }

  const safeMessage = message === undefined ? undefined : secrets.redact(message);
  if (manifest.outputs.some((output) => output.name === 'evidencePath')) {
    try {
      const finishedAt = new Date();
      const path = writeEvidence(
        environment.tempDir,
        {
          schema: evidenceSchema,
          step: manifest.id,
          task: `${manifest.taskName}@1`,
          version,
          host: environment.host,
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          durationMs: finishedAt.getTime() - startedAt.getTime(),
          result,
          ...(safeMessage === undefined ? {} : { message: safeMessage }),
          run: {
            runUrl: environment.runUrl,
            commit: environment.commit,
            repository: environment.repository,
            branch: environment.branch,
            triggeredBy: environment.triggeredBy,
          },
          inputs: inputs?.publicValues() ?? {},
          details,
        },
        (text) => secrets.redact(text),
      );
      platform.outputs.set('evidencePath', path);
    } catch (error) {
      logger.warning(`Could not write the evidence file: ${(error as Error).message}`);
    }
  }

  try {
    const markdown = composeStepSummary(manifest.friendlyName, result, summarySections, safeMessage);
    await platform.summary.publish(secrets.redact(markdown));
  } catch (error) {
    logger.warning(`Could not publish the job summary: ${(error as Error).message}`);
  }

  // The message was already logged above (with its file location when it has one).
  platform.result.complete(result, safeMessage);
  return result;
}
