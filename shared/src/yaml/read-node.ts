/** Typed readers over a located YAML document: each reports what it expected at the value's position. */
import type { SourceLocation } from '../step/errors';
import type { DocumentPath } from './load-yaml';
import { closest, describe, type AnnotatedDocument, type Problems } from './problems';

/** A value of a document with its path, so problems about it land at its file:line:column. */
export class Node {
  constructor(
    readonly document: AnnotatedDocument,
    readonly problems: Problems,
    readonly path: DocumentPath,
    readonly value: unknown,
    /** How messages name the whole document, e.g. "The job YAML". */
    readonly rootName = 'The YAML file',
  ) {}

  /** The document's root value; `rootName` is how messages name the whole document ("The job YAML"). */
  static root(document: AnnotatedDocument, problems: Problems, rootName?: string): Node {
    return new Node(document, problems, [], document.value, rootName);
  }

  get present(): boolean {
    return this.value !== undefined;
  }

  /** The dotted path as the user wrote it, e.g. `jobs.train.inputs.lr`. */
  get label(): string {
    return this.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : p))
      .join('.')
      .replace(/\.\[/g, '[');
  }

  /** The last key of the path: the name of an entry in a mapping. */
  get key(): string {
    return String(this.path[this.path.length - 1] ?? '');
  }

  child(key: string | number): Node {
    const value = isMapping(this.value) || Array.isArray(this.value) ? (this.value as never)[key] : undefined;
    return new Node(this.document, this.problems, [...this.path, key], value, this.rootName);
  }

  location(part: 'key' | 'value' = 'value'): SourceLocation {
    return this.document.locate(this.path, part);
  }

  error(message: string, part: 'key' | 'value' = 'value'): void {
    this.problems.at(this.document, this.path, message, part);
  }

  /** `'label' must be <expected>, got <value>` at the value. */
  expected(expected: string): void {
    this.error(`'${this.label}' must be ${expected}, got ${describe(this.value)}`);
  }
}

export interface MappingRules {
  /** What the mapping is, for messages: "a command job", "the 'resources' of step 'train'". */
  readonly what: string;
  readonly keys: readonly string[];
  readonly required?: readonly string[];
  /** A short explanation added to "Missing 'x'" messages. */
  readonly hints?: Readonly<Record<string, string>>;
}

/** Checks a mapping's keys; returns undefined (after reporting) when it is not a mapping. */
export function fields(node: Node, rules: MappingRules): Node | undefined {
  if (!isMapping(node.value)) {
    node.error(
      `${node.label ? `'${node.label}'` : node.rootName} must be a mapping (${rules.what}), got ${describe(node.value)}`,
    );
    return undefined;
  }
  for (const key of Object.keys(node.value)) {
    if (rules.keys.includes(key)) continue;
    const guess = closest(key, rules.keys);
    const known = rules.keys.filter((k) => !k.startsWith('$'));
    const advice = guess
      ? ` (did you mean '${guess}'?)`
      : known.length <= 12
        ? ` (known keys: ${known.join(', ')})`
        : '';
    node.child(key).error(`Unknown key '${key}' in ${rules.what}${advice}`, 'key');
  }
  for (const key of rules.required ?? []) {
    if (node.value[key] === undefined || node.value[key] === null) {
      const hint = rules.hints?.[key];
      if (node.value[key] === null)
        node
          .child(key)
          .error(`'${node.child(key).label}' is empty in ${rules.what}${hint ? `: ${hint}` : ''}`);
      else node.error(`Missing '${key}' in ${rules.what}${hint ? `: ${hint}` : ''}`);
    }
  }
  return node;
}

export function text(node: Node, expected = 'a string'): string | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'string') return node.value;
  node.expected(expected);
  return undefined;
}

/** A string, or a number or boolean written without quotes (versions, tag values). */
export function textLike(node: Node, expected = 'a string'): string | undefined {
  if (!node.present) return undefined;
  const { value } = node;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  node.expected(expected);
  return undefined;
}

export function integer(node: Node, expected = 'an integer', min = -Infinity): number | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= min) return node.value;
  node.expected(expected);
  return undefined;
}

export function number(node: Node, expected = 'a number'): number | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
  node.expected(expected);
  return undefined;
}

export function boolean(node: Node): boolean | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'boolean') return node.value;
  node.expected('true or false');
  return undefined;
}

/** One of `allowed` (compared without case, as the CLI does); returns the allowed spelling. */
export function oneOf<T extends string>(node: Node, allowed: readonly T[]): T | undefined {
  if (!node.present) return undefined;
  const found =
    typeof node.value === 'string'
      ? allowed.find((a) => a.toLowerCase() === (node.value as string).toLowerCase())
      : undefined;
  if (found !== undefined) return found;
  const guess = typeof node.value === 'string' ? closest(node.value, allowed) : undefined;
  node.error(
    `'${node.label}' must be one of ${allowed.join(', ')}; got ${describe(node.value)}${guess ? ` (did you mean '${guess}'?)` : ''}`,
  );
  return undefined;
}

/** A mapping of names to scalar values, kept as strings (tags, properties, environment variables). */
export function stringMap(node: Node): Record<string, string> {
  const result: Record<string, string> = {};
  if (!node.present) return result;
  if (!isMapping(node.value)) {
    node.expected('a mapping of names to values');
    return result;
  }
  for (const key of Object.keys(node.value)) {
    const child = node.child(key);
    if (child.value === null) continue;
    const value = textLike(child, 'a string, number or boolean');
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** The entries of a mapping as nodes; reports anything else. */
export function entries(node: Node, expected: string): Node[] {
  if (!node.present || node.value === null) return [];
  if (!isMapping(node.value)) {
    node.expected(expected);
    return [];
  }
  return Object.keys(node.value).map((key) => node.child(key));
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
