import { InputError } from './errors';
import type { ChoiceOf, Filled, InputName, InputNameOfType, SpecNamed, TextType } from './input-types';
import { hostName, inputsFor, type HostKind, type InputSpec, type StepManifest } from './manifest';
import type { InputPort } from '../platform/ports';

type TextName<M extends StepManifest> = InputNameOfType<M, TextType>;
type NumberName<M extends StepManifest> = InputNameOfType<M, 'integer' | 'number'>;

/**
 * Inputs of one step run, converted to their manifest types. Typed by the manifest (see input-types.ts): names
 * are checked at compile time, choices give their options' union, and inputs with a default are never undefined.
 * Accessors also throw at run time on names the manifest lacks.
 */
export class StepInputs<M extends StepManifest = StepManifest> {
  constructor(
    private readonly specs: ReadonlyMap<string, InputSpec>,
    private readonly values: ReadonlyMap<string, string | boolean | number>,
    readonly host: HostKind | 'local',
  ) {}

  /** The name the user wrote for this input on their host (kebab-case on GitHub). */
  displayName(name: InputName<M>): string {
    this.spec(name);
    return hostName(name, this.host);
  }

  /** Whether this host offers the input (sign-in inputs differ between Azure DevOps and GitHub). */
  has(name: InputName<M>): boolean {
    return this.specs.has(name);
  }

  // The typed accessors cast once, here: readInputs converted each value against this same manifest, so its
  // literal types (options, defaults) describe the values.

  /** A text input; a pickList is read with `choice`, which types it by its options. */
  string<N extends TextName<M>>(name: N): Filled<SpecNamed<M, N>, string> {
    return this.text(name) as Filled<SpecNamed<M, N>, string>;
  }

  requiredString(name: TextName<M>): string {
    const value = this.text(name);
    if (value === undefined) throw new InputError(name, `Input '${this.displayName(name)}' is required.`);
    return value;
  }

  /** A pickList's value, one of its options (readInputs refused any other). */
  choice<N extends InputNameOfType<M, 'pickList'>>(name: N): ChoiceOf<SpecNamed<M, N>> {
    const value = this.value(name, ['pickList']);
    return (value === undefined ? undefined : String(value)) as ChoiceOf<SpecNamed<M, N>>;
  }

  boolean(name: InputNameOfType<M, 'boolean'>): boolean {
    return this.value(name, ['boolean']) === true;
  }

  number<N extends NumberName<M>>(name: N): Filled<SpecNamed<M, N>, number> {
    const value = this.value(name, ['integer', 'number']);
    return (value === undefined ? undefined : Number(value)) as Filled<SpecNamed<M, N>, number>;
  }

  /** Non-empty, trimmed lines of a multi-line input (commas also separate items). */
  list(name: TextName<M>): string[] {
    const value = this.text(name);
    if (value === undefined) return [];
    return value
      .split(/[\r\n,]+/)
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  /**
   * A multi-line `key=value` input (tags, properties) as a record; the value may contain `=`. A line without a
   * key or `=` is an InputError naming the input and the line.
   */
  keyValues(name: TextName<M>): Record<string, string> {
    const result: Record<string, string> = {};
    const lines = (this.text(name) ?? '').split(/\r?\n/);
    lines.forEach((raw, index) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const at = line.indexOf('=');
      const key = at > 0 ? line.slice(0, at).trim() : '';
      if (!key) {
        throw new InputError(
          name,
          `Input '${this.displayName(name)}' line ${index + 1} ('${line}') is not 'key=value'.`,
        );
      }
      result[key] = line.slice(at + 1).trim();
    });
    return result;
  }

  /** Values of secret inputs, to be masked. */
  secrets(): string[] {
    return [...this.specs.values()]
      .filter((spec) => spec.secret)
      .map((spec) => this.values.get(spec.name))
      .filter((value): value is string => typeof value === 'string' && value.length > 0);
  }

  /** Input values safe to record as evidence: secrets replaced by a marker. */
  publicValues(): Record<string, string | boolean | number> {
    const result: Record<string, string | boolean | number> = {};
    for (const [name, value] of this.values) result[name] = this.specs.get(name)?.secret ? '***' : value;
    return result;
  }

  /** Any input read as text; pickList values too, for code that has no use for their union. */
  private text(name: string): string | undefined {
    const value = this.value(name, ['string', 'multiLine', 'pickList', 'filePath', 'azureConnection']);
    return value === undefined ? undefined : String(value);
  }

  private spec(name: string): InputSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`step reads input '${name}' that its manifest does not declare`);
    return spec;
  }

  private value(name: string, types: InputSpec['type'][]) {
    const spec = this.spec(name);
    if (!types.includes(spec.type))
      throw new Error(`input '${name}' is ${spec.type}, not ${types.join('/')}`);
    return this.values.get(name);
  }
}

/**
 * Reads every input the manifest declares for the host, applies defaults and converts types.
 * Returns all problems at once so the user can fix them in one go.
 */
export function readInputs<M extends StepManifest>(
  manifest: M,
  port: InputPort,
  host: HostKind | 'local',
): { inputs: StepInputs<M>; errors: InputError[] } {
  // This machine signs in as GitHub does (creds, OIDC, managed identity, Azure CLI): the GitHub inputs.
  const specs = inputsFor(manifest, host === 'local' ? 'github' : host);
  const values = new Map<string, string | boolean | number>();
  const errors: InputError[] = [];
  const shown = (spec: InputSpec) => hostName(spec.name, host);
  for (const spec of specs) {
    const raw = port.get(spec.name, { secret: spec.secret ?? false })?.trim();
    const text = raw === undefined || raw === '' ? spec.default : raw;
    if (text === undefined || text === '') {
      if (spec.required)
        errors.push(new InputError(spec.name, `Input '${shown(spec)}' is required: ${spec.help}`));
      continue;
    }
    const converted = convert(spec, text, shown(spec));
    if (converted instanceof InputError) errors.push(converted);
    else values.set(spec.name, converted);
  }
  return { inputs: new StepInputs<M>(new Map(specs.map((s) => [s.name, s])), values, host), errors };
}

function convert(spec: InputSpec, text: string, shown: string): string | boolean | number | InputError {
  // A secret's value must never appear in an error message.
  const quoted = spec.secret ? 'the given value' : `'${text}'`;
  switch (spec.type) {
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === 'false') return lower === 'true';
      return new InputError(spec.name, `Input '${shown}' must be true or false, got ${quoted}.`);
    }
    case 'integer':
    case 'number': {
      const pattern = spec.type === 'integer' ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
      const value = Number(text);
      if (!pattern.test(text) || !Number.isFinite(value)) {
        return new InputError(
          spec.name,
          `Input '${shown}' must be ${spec.type === 'integer' ? 'a whole number' : 'a number'}, got ${quoted}.`,
        );
      }
      if (spec.min !== undefined && value < spec.min) {
        return new InputError(spec.name, `Input '${shown}' must be at least ${spec.min}, got ${quoted}.`);
      }
      if (spec.max !== undefined && value > spec.max) {
        return new InputError(spec.name, `Input '${shown}' must be at most ${spec.max}, got ${quoted}.`);
      }
      return value;
    }
    case 'pickList':
      if (spec.options && !spec.options.includes(text)) {
        return new InputError(
          spec.name,
          `Input '${shown}' must be one of ${spec.options.join(', ')}; got ${quoted}.`,
        );
      }
      return text;
    default:
      return text;
  }
}
