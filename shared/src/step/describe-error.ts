import { AzureError, formatLocation, InputErrors, StepError, type SourceLocation } from './errors';

export interface DescribedError {
  readonly message: string;
  readonly location?: SourceLocation;
  readonly cancelled: boolean;
}

/** Turns any thrown value into the one message the user sees; stacks only in debug mode. */
export function describeError(error: unknown, debug: boolean): DescribedError {
  if (error instanceof InputErrors) {
    const only = error.errors.length === 1 ? error.errors[0] : undefined;
    if (only)
      return {
        message: withLocation(only.message, only.location),
        location: only.location,
        cancelled: false,
      };
    return {
      message: `${error.errors.length} inputs are invalid:\n${error.errors.map((e) => `- ${e.message}`).join('\n')}`,
      cancelled: false,
    };
  }
  if (error instanceof AzureError) {
    const facts = [`code ${error.code}`];
    if (error.statusCode !== undefined) facts.push(`HTTP ${error.statusCode}`);
    if (error.correlationId) facts.push(`correlation id ${error.correlationId}`);
    return { message: `${error.message} (${facts.join(', ')})`, cancelled: false };
  }
  if (error instanceof StepError) {
    return {
      message: withLocation(error.message, error.location),
      location: error.location,
      cancelled: error.kind === 'cancelled',
    };
  }
  if (error instanceof Error) {
    const detail = debug && error.stack ? `\n${error.stack}` : '';
    return { message: `Unexpected error: ${error.message}${detail}`, cancelled: false };
  }
  return { message: `Unexpected error: ${String(error)}`, cancelled: false };
}

function withLocation(message: string, location: SourceLocation | undefined): string {
  if (!location || location.line === undefined || message.startsWith(formatLocation(location)))
    return message;
  return `${formatLocation(location)}: ${message}`;
}
