/**
 * The settings of AutoML tasks as tables: each YAML key of the CLI v2 AutoML schemas (azure-ai-ml `_schema/automl`),
 * its REST name (REST 2025-12-01 `AutoMLVertical` and its task types) and how its value is written there.
 */
import { boolean, fields, integer, isMapping, Node, number, text } from '../../../yaml/read-node';
import { isoDuration } from './rest-parts';

export type Field =
  | {
      readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'map' | 'stringList' | 'scalar';
      readonly rest?: string;
    }
  /** A REST enum; the YAML may write it snake_case (`light_gbm`, `auc_weighted`) as the CLI takes it. */
  | { readonly kind: 'enum' | 'enumList'; readonly values: readonly string[]; readonly rest?: string }
  /** Minutes in the YAML, an ISO 8601 duration in REST. */
  | { readonly kind: 'minutes'; readonly rest: string }
  | { readonly kind: 'section'; readonly rest: string; readonly fields: Readonly<Record<string, Field>> }
  /** `auto` or a custom value: `{mode: Auto}` or `{mode: Custom, value(s)}`. */
  | { readonly kind: 'autoOr'; readonly list?: boolean; readonly rest?: string }
  /** A mapping whose keys are REST enum values (`imputer` -> `Imputer`), values passed on as written. */
  | { readonly kind: 'enumKeys'; readonly values: readonly string[]; readonly rest?: string };

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const squash = (value: string) => value.replace(/_/g, '').toLowerCase();

/** Reads the mapping `node` by its table; gives the REST object (keys and values as REST writes them). */
export function readByTable(
  node: Node,
  what: string,
  table: Readonly<Record<string, Field>>,
): Record<string, unknown> | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what, keys: Object.keys(table) })) return undefined;
  return readKeys(node, table);
}

/** The keys of `table` that the mapping `node` has, without checking its other keys. */
export function readKeys(node: Node, table: Readonly<Record<string, Field>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(table)) {
    const child = node.child(key);
    if (!child.present) continue;
    const value = readField(child, field);
    if (value !== undefined) result[field.rest ?? camel(key)] = value;
  }
  return result;
}

function readField(node: Node, field: Field): unknown {
  switch (field.kind) {
    case 'string':
      return text(node);
    case 'number':
      return number(node);
    case 'integer':
      return integer(node);
    case 'boolean':
      return boolean(node);
    case 'scalar':
      if (['string', 'number', 'boolean'].includes(typeof node.value)) return node.value;
      return node.expected('a string, a number or a boolean');
    case 'map':
      if (!isMapping(node.value)) node.expected('a mapping');
      return isMapping(node.value) ? node.value : undefined;
    case 'stringList':
      if (typeof node.value === 'string') return [node.value];
      if (!Array.isArray(node.value)) return node.expected('a list of names');
      return node.value.map((_, i) => text(node.child(i)));
    case 'enum':
      return enumValue(node, field.values);
    case 'enumList':
      if (!Array.isArray(node.value)) return node.expected(`a list of ${field.values.join(', ')}`);
      return node.value.map((_, i) => enumValue(node.child(i), field.values));
    case 'minutes': {
      const minutes = integer(node, 'a whole number of minutes', 0);
      return minutes === undefined ? undefined : isoDuration(minutes * 60);
    }
    case 'section':
      return readByTable(node, `'${node.label}'`, field.fields);
    case 'autoOr':
      return autoOr(node, field.list === true);
    case 'enumKeys':
      if (!isMapping(node.value)) return node.expected('a mapping');
      return Object.fromEntries(
        Object.keys(node.value).map((key) => [
          enumValue(new KeyNode(node, key), field.values) ?? key,
          (node.value as Record<string, unknown>)[key],
        ]),
      );
  }
}

/** A REST enum value from its REST or snake_case spelling, any case. */
export function enumValue(node: Node, values: readonly string[]): string | undefined {
  const written = text(node);
  if (written === undefined) return undefined;
  const found = values.find((value) => squash(value) === squash(written));
  if (!found) node.error(`'${node.label}' must be one of ${values.join(', ')}; got '${written}'`);
  return found;
}

function autoOr(node: Node, list: boolean): unknown {
  if (typeof node.value === 'string' && node.value.toLowerCase() === 'auto') return { mode: 'Auto' };
  if (list) {
    const values = Array.isArray(node.value) ? node.value : [node.value];
    if (values.every((v) => Number.isInteger(v))) return { mode: 'Custom', values };
    return node.expected('auto, a whole number or a list of whole numbers');
  }
  if (Number.isInteger(node.value)) return { mode: 'Custom', value: node.value };
  return node.expected('auto or a whole number');
}

/** A key of a mapping read as a value: enum problems land at the key. */
class KeyNode extends Node {
  constructor(parent: Node, key: string) {
    super(parent.document, parent.problems, [...parent.path, key], key, parent.rootName);
  }
  override error(message: string): void {
    super.error(message, 'key');
  }
}
