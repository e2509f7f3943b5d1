/**
 * `matches:` assertions run a pattern the user wrote on text an endpoint sent: a pattern that backtracks
 * catastrophically (`^(a+)+$` on `aaaa…!`) would hang the step outside every timeout, since V8's regex engine never
 * yields. The patterns run in a `vm` context with a timeout: V8's watchdog then terminates the execution, and that
 * interrupts the regex engine mid-backtrack (measured: a 200 ms limit ends `^(a+)+$` on 40 a's after ~210 ms).
 * One context is made once and reused; each assertion is one call over all its values (about 0.2 ms).
 */
import vm from 'node:vm';

/** How long one assertion's pattern may run over all its values. */
export const REGEX_TIME_LIMIT_MS = 1000;

interface Job {
  readonly pattern: RegExp;
  readonly values: readonly unknown[];
  /** Index of the value being tested: after a timeout, the one that took too long. */
  at: number;
}

const program = `(() => {
  const job = globalThis.job;
  for (job.at = 0; job.at < job.values.length; job.at++) {
    const value = job.values[job.at];
    if (typeof value !== 'string' || !job.pattern.test(value)) return job.at;
  }
  return -1;
})()`;

let compiled: { context: vm.Context; script: vm.Script } | undefined;

/** The outcome over a list of values: all match, the first that does not, or the one that ran over the limit. */
export type BoundedMatch =
  | { readonly kind: 'all-match' }
  | { readonly kind: 'mismatch'; readonly index: number }
  | { readonly kind: 'timeout'; readonly index: number; readonly limitMs: number };

/**
 * Tests `pattern` on each value in order, as `typeof value === 'string' && pattern.test(value)` would, stopping at
 * the first value that does not match, or when the whole run exceeds `limitMs`.
 */
export function matchWithinTime(
  pattern: RegExp,
  values: readonly unknown[],
  limitMs = REGEX_TIME_LIMIT_MS,
): BoundedMatch {
  compiled ??= { context: vm.createContext({}), script: new vm.Script(program) };
  const job: Job = { pattern, values, at: 0 };
  (compiled.context as { job?: Job }).job = job;
  try {
    const index = compiled.script.runInContext(compiled.context, { timeout: limitMs }) as number;
    return index < 0 ? { kind: 'all-match' } : { kind: 'mismatch', index };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      return { kind: 'timeout', index: job.at, limitMs };
    throw error;
  } finally {
    (compiled.context as { job?: Job }).job = undefined;
  }
}
