/**
 * The `set` input: CLI `--set`-like overrides, one `path=value` per line.
 *
 * ```
 * compute=azureml:gpu-cluster
 * inputs.learning_rate=0.01
 * jobs.train.environment_variables.EPOCHS=3
 * ```
 * Values are YAML scalars, so numbers and booleans keep their type; a value in `{...}` or `[...]` is a YAML
 * flow mapping or list. Anything else stays the text as written (a `#` or `: ` in it is not YAML syntax here).
 */
import { load } from 'js-yaml';
import { InputError, InputErrors } from '../../../step/errors';

export interface SetOverride {
  /** Mapping keys (and list indexes, as digits) from the document root. */
  readonly path: readonly string[];
  readonly value: unknown;
  /** 1-based line of the input it came from, for messages. */
  readonly line: number;
  /** The line as written, for messages. */
  readonly text: string;
  /** Name of the input, for messages. */
  readonly input: string;
}

const SEGMENT = /^[A-Za-z0-9_$-]+$/;

/** Parses `path=value` lines; blank lines and `#` comments are skipped. Throws InputError(s) naming the lines. */
export function parseSetOverrides(text: string, input = 'set'): SetOverride[] {
  const overrides: SetOverride[] = [];
  const errors: InputError[] = [];
  const fail = (line: number, message: string) =>
    errors.push(new InputError(input, `Input '${input}' line ${line}: ${message}`));
  const seen = new Map<string, number>();

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const equals = trimmed.indexOf('=');
    if (equals < 0) return fail(line, `expected path=value, got '${trimmed}'`);
    const pathText = trimmed.slice(0, equals).trim();
    const valueText = trimmed.slice(equals + 1).trim();
    const path = pathText.split('.');
    if (pathText === '' || !path.every((segment) => SEGMENT.test(segment)))
      return fail(line, `'${pathText}' is not a dotted path such as inputs.learning_rate`);
    if (valueText === '')
      return fail(line, `'${pathText}=' has no value; write ${pathText}="" for an empty string`);
    const earlier = seen.get(pathText);
    if (earlier !== undefined) return fail(line, `'${pathText}' is already set on line ${earlier}`);
    seen.set(pathText, line);
    let value: unknown;
    try {
      value = parseValue(valueText);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return fail(line, `the value of '${pathText}' is not valid YAML: ${reason}`);
    }
    overrides.push({ path, value, line, text: trimmed, input });
  });

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);
  return overrides;
}

function parseValue(text: string): unknown {
  const first = text[0];
  if (first === '{' || first === '[' || first === '"' || first === "'") return load(text);
  const parsed = load(text);
  // Only the type of a plain scalar comes from YAML; its text is kept whole.
  return typeof parsed === 'number' || typeof parsed === 'boolean' || parsed === null ? parsed : text;
}
