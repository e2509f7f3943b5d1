/** Where in a user's file something went wrong (1-based line and column). */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(location: SourceLocation): string {
  if (location.line === undefined) return location.file;
  return location.column === undefined
    ? `${location.file}:${location.line}`
    : `${location.file}:${location.line}:${location.column}`;
}

/** `file:line:column: message`, the location once: a message that already starts with it is left as it is. */
export function withLocation(message: string, location: SourceLocation | undefined): string {
  if (!location || message.startsWith(formatLocation(location))) return message;
  return `${formatLocation(location)}: ${message}`;
}

/**
 * Base of every error a step raises on purpose; runStep turns these into one clear message. When it replaces an
 * error from below (an SDK's, the file system's), that error is its `cause`: shown in debug mode only.
 */
export abstract class StepError extends Error {
  abstract readonly kind: string;
  constructor(
    message: string,
    readonly location?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An input is missing, malformed or contradicts another input. */
export class InputError extends StepError {
  readonly kind = 'input';
  constructor(
    readonly input: string,
    message: string,
    location?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(message, location, options);
  }
}

/** Several input problems found at once, reported together so the user fixes them in one go. */
export class InputErrors extends StepError {
  readonly kind = 'inputs';
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** Runs one input read and adds what it throws as input errors to `errors`, so later reads still run. */
export function collectInputErrors(errors: InputError[], read: () => void): void {
  try {
    read();
  } catch (error) {
    if (error instanceof InputError) errors.push(error);
    else if (error instanceof InputErrors) errors.push(...error.errors);
    else throw error;
  }
}

/** A user's data file (cases, YAML, CSV) is unreadable or malformed. */
export class DataError extends StepError {
  readonly kind = 'data';
}

/** What the step checked did not hold (a smoke-test case, a drift threshold, a gate). */
export class AssertionFailure extends StepError {
  readonly kind = 'assertion';
}

/** Azure answered with an error. */
export class AzureError extends StepError {
  readonly kind = 'azure';
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode?: number,
    readonly correlationId?: string,
    options?: ErrorOptions,
  ) {
    super(message, undefined, options);
  }
}

/** The pipeline was cancelled or the step ran out of time while waiting. */
export class CancelledError extends StepError {
  readonly kind = 'cancelled';
}
