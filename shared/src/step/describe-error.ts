import { boundText } from './bound-text';
import { AzureError, InputErrors, StepError, withLocation, type SourceLocation } from './errors';

export interface DescribedError {
  readonly message: string;
  readonly location?: SourceLocation;
  readonly cancelled: boolean;
}

/**
 * Turns any thrown value into the one message the user sees. In debug mode only, the message goes on with what
 * lies under it: the stack of an unexpected error, and the chain of errors ours replaced (`cause`).
 */
export function describeError(
  error: unknown,
  debug: boolean,
  redact: (text: string) => string = (text) => text,
): DescribedError {
  const described = describeOnly(error, debug);
  const causes = debug ? redact(describeCauses(error)) : '';
  // User text quoted in a message (a name, a header line) is cut to a bounded length, after redaction (a secret
  // cut first would leave a piece of it); the debug causes are not cut.
  return { ...described, message: `${boundText(redact(described.message))}${causes}` };
}

function describeOnly(error: unknown, debug: boolean): DescribedError {
  if (error instanceof InputErrors) {
    const only = error.errors.length === 1 ? error.errors[0] : undefined;
    if (only)
      return {
        message: withLocation(only.message, lineOf(only.location)),
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
      message: withLocation(error.message, lineOf(error.location)),
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

/** How deep a cause chain is followed: SDK errors wrap a few levels at most; a cycle must not loop. */
const MAX_CAUSES = 5;

/** `Caused by:` lines for each error under `error`: name, message, code, status, then its stack. */
function describeCauses(error: unknown): string {
  const seen = new Set<unknown>([error]);
  const lines: string[] = [];
  let cause = (error as { cause?: unknown } | null | undefined)?.cause;
  while (cause !== undefined && cause !== null && !seen.has(cause) && seen.size <= MAX_CAUSES) {
    seen.add(cause);
    lines.push(`Caused by: ${describeCause(cause)}`);
    cause = (cause as { cause?: unknown }).cause;
  }
  return lines.length ? `\n${lines.join('\n')}` : '';
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const { code, statusCode, status } = cause as { code?: unknown; statusCode?: unknown; status?: unknown };
  const httpStatus = statusCode ?? status;
  const facts: string[] = [];
  if (code !== undefined) facts.push(`code ${String(code)}`);
  if (httpStatus !== undefined) facts.push(`HTTP ${String(httpStatus)}`);
  const head = `${cause.name}: ${cause.message}${facts.length ? ` (${facts.join(', ')})` : ''}`;
  // A stack starts with `name: message`; only the frames are new.
  const frames = cause.stack?.split('\n').filter((line) => /^\s+at /.test(line)) ?? [];
  return [head, ...frames].join('\n');
}

/** A location worth writing into the message: one with a line (a whole file is named by the message itself). */
function lineOf(location: SourceLocation | undefined): SourceLocation | undefined {
  return location?.line === undefined ? undefined : location;
}
