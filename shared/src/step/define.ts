import type {
  LoggerPort,
  HostIdentityPort,
  PullRequestPort,
  RunEnvironment,
  StepResult,
} from '../platform/ports';
import type { StepInputs } from './inputs';
import type { StepManifest } from './manifest';

/** What a step's run() gets: everything it may touch, nothing host-specific. */
export interface StepContext {
  readonly logger: LoggerPort;
  readonly environment: RunEnvironment;
  readonly identity: HostIdentityPort;
  /** Fires when the pipeline is cancelled (SIGINT/SIGTERM). Pass it to every wait and request. */
  readonly signal: AbortSignal;
  /** The run's pull request and its comments API, on hosts that have one (release/pr-comment.ts uses it). */
  readonly pullRequest?: PullRequestPort;
  /** Sets an output declared in the manifest (secret outputs are masked and set as secret). */
  setOutput(name: string, value: string | number | boolean): void;
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

/** How the run ended, as its report is rendered: returned, threw, or was cancelled. */
export interface StepEnding {
  readonly result: StepResult;
  /** The step's result message (secrets redacted), when it has one. */
  readonly message?: string;
  /** What ended the run when it threw: the error, or the cancellation when the run was cancelled. */
  readonly error?: unknown;
}

/** A step's report as written: its part of the job summary and its details in the evidence JSON. */
export interface RenderedReport {
  /** Markdown after the heading runStep writes (result and message); nothing when the step has nothing to add. */
  readonly summary?: string;
  /** Step-specific details of the evidence JSON. */
  readonly evidence?: Record<string, unknown>;
}

/**
 * How a step reports: `start` makes the report run() fills as it goes; runStep renders it once when the run
 * ended, whichever way, and writes the summary and the evidence.
 */
export interface StepReporter<Config, Report> {
  start(config: Config): Report;
  /** `redact` hides every secret registered during the run; use it before text is escaped (markdown, JSON). */
  render(report: Report, ending: StepEnding, redact: (text: string) => string): RenderedReport;
}

export interface StepDefinition<Config, Report = undefined, M extends StepManifest = StepManifest> {
  readonly manifest: M;
  /**
   * Turns the inputs, typed by this step's manifest, into a validated config. Pure: no network, no writes.
   * Throws InputError(s). May load what it needs first (a lazy `import()` of its parsers: docs/decisions/0003).
   */
  parse(inputs: StepInputs<M>, context: ParseContext): Config | Promise<Config>;
  /**
   * Work that may start once the inputs are read (every required one given), before `parse`: only what creates
   * nothing anywhere, the ARM token request (docs/decisions/0003, "Start-up"). `signal` fires when the run is
   * cancelled or `parse` refused the inputs. It reports nothing: whatever it meets, the run meets again.
   */
  readonly startEarly?: (inputs: StepInputs<M>, context: StepContext, signal: AbortSignal) => Promise<void>;
  /** The step's report; a step without one writes the result only. */
  readonly report?: StepReporter<Config, Report>;
  /** Does the work, filling `report` as it goes. Throws typed errors (StepError subclasses) for expected failures. */
  run(config: Config, context: StepContext, report: Report): Promise<StepOutcome>;
  /**
   * What a worker thread started from the bundle runs (drift profiling): the bundle loads a step's run modules
   * lazily, so a worker has to ask for the module that starts its job.
   */
  readonly inWorker?: () => Promise<unknown>;
}

export function defineStep<Config, Report = undefined, M extends StepManifest = StepManifest>(
  definition: StepDefinition<Config, Report, M>,
): StepDefinition<Config, Report, M> {
  return definition;
}
