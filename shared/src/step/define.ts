import type { LoggerPort, HostIdentityPort, RunEnvironment, StepResult } from '../platform/ports';
import type { StepInputs } from './inputs';
import type { StepManifest } from './manifest';

/** What a step's run() gets: everything it may touch, nothing host-specific. */
export interface StepContext {
  readonly logger: LoggerPort;
  readonly environment: RunEnvironment;
  readonly identity: HostIdentityPort;
  /** Fires when the pipeline is cancelled (SIGINT/SIGTERM). Pass it to every wait and request. */
  readonly signal: AbortSignal;
  /** Sets an output declared in the manifest (secret outputs are masked and set as secret). */
  setOutput(name: string, value: string | number | boolean): void;
  /** Adds markdown to this step's section of the job summary. Registered secrets are redacted. */
  appendSummary(markdown: string): void;
  /** Adds step-specific details to the evidence JSON. */
  recordEvidence(details: Record<string, unknown>): void;
  /** Registers a secret found at run time (a key, a token): masked by the host and redacted from our files. */
  addSecret(value: string): void;
  /** Replaces every registered secret in a text by `***`; for files the host does not mask (JUnit, reports). */
  redact(text: string): string;
}

export interface ParseContext {
  readonly workspaceDir: string;
}

/** How a step ended when it did not throw. */
export interface StepOutcome {
  readonly result: Exclude<StepResult, 'cancelled'>;
  /** One line shown as the step's result message (the reason when it failed or has issues). */
  readonly message?: string;
}

export interface StepDefinition<Config, M extends StepManifest = StepManifest> {
  readonly manifest: M;
  /**
   * Turns the inputs, typed by this step's manifest, into a validated config. Pure: no network, no writes.
   * Throws InputError(s).
   */
  parse(inputs: StepInputs<M>, context: ParseContext): Config;
  /** Does the work. Throws typed errors (StepError subclasses) for expected failures. */
  run(config: Config, context: StepContext): Promise<StepOutcome>;
}

export function defineStep<Config, M extends StepManifest>(
  definition: StepDefinition<Config, M>,
): StepDefinition<Config, M> {
  return definition;
}
