/**
 * Checks a JSON body against the derived REST models: required properties, types, enum values (the known values
 * of extensible enums too), polymorphic discriminators, patterns, lengths and bounds. Read-only properties are
 * ignored (ARM drops them from a PUT body), and so are properties the models do not know (the service's JSON
 * reader skips them). Enum and discriminator values compare case-insensitively, as the service's reader does.
 */
import type { ModelSchema, PropertySchema, TypeSchema } from './schema';

/** One problem, at a JSON path such as `properties.outputs.model.mode`. */
export interface Problem {
  path: string;
  message: string;
}

/** Models by name, for one api-version. */
export type Models = Readonly<Record<string, ModelSchema>>;

const DURATION =
  /^-?P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?!$)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
const TIMESPAN = /^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The value at a serialized name: a flattened property (`properties.containers`, x-ms-client-flatten in the SDKs
 * of ACI and Kubernetes configuration) is nested in the JSON; `\\.` is a literal dot (`odata\\.type`).
 */
function at(value: Record<string, unknown>, key: string): unknown {
  let current: unknown = value;
  for (const part of key.split(/(?<!\\)\./)) {
    if (!isObject(current)) return undefined;
    current = current[part.replace(/\\\./g, '.')];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function scalarProblem(schema: TypeSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'date-time':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : 'a date-time';
    case 'duration':
      return typeof value === 'string' && (DURATION.test(value) || TIMESPAN.test(value))
        ? undefined
        : 'an ISO 8601 duration';
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? undefined : 'a UUID';
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    default:
      return undefined;
  }
}

export class BodyValidator {
  readonly problems: Problem[] = [];

  constructor(private readonly models: Models) {}

  model(name: string, value: unknown, path: string): void {
    const schema = this.models[name];
    if (!schema) return;
    if (!isObject(value)) {
      this.problems.push({ path, message: `expects an object but got ${describe(value)}` });
      return;
    }
    if (schema.discriminator) {
      const { property, values } = schema.discriminator;
      const given = value[property];
      if (typeof given !== 'string') {
        this.problems.push({ path: join(path, property), message: 'is required' });
        return;
      }
      const key = Object.keys(values).find((v) => v.toLowerCase() === given.toLowerCase());
      if (key === undefined) {
        this.problems.push({
          path: join(path, property),
          message: `'${given}' is not one of ${Object.keys(values).join(', ')}`,
        });
        return;
      }
      const subtype = values[key] ?? name;
      if (subtype !== name) return this.model(subtype, value, path);
    }
    for (const [key, property] of Object.entries(schema.properties))
      this.property(property, at(value, key), join(path, key.replace(/\\\./g, '.')));
  }

  private property(schema: PropertySchema, value: unknown, path: string): void {
    if (schema.readOnly) return;
    if (value === undefined || value === null) {
      if (schema.required) this.problems.push({ path, message: 'is required' });
      return;
    }
    this.value(schema, value, path);
  }

  private value(schema: TypeSchema, value: unknown, path: string): void {
    if (schema.type === 'object' && schema.model) return this.model(schema.model, value, path);
    if (schema.type === 'array') return this.array(schema, value, path);
    if (schema.type === 'dictionary') {
      if (!isObject(value)) return this.expected(path, 'an object', value);
      for (const [key, item] of Object.entries(value))
        if (item !== null && schema.values) this.value(schema.values, item, join(path, key));
      return;
    }
    const expected = scalarProblem(schema, value);
    if (expected) return this.expected(path, expected, value);
    if (typeof value === 'string') this.text(schema, value, path);
    if (typeof value === 'number') this.number(schema, value, path);
  }

  private array(schema: TypeSchema, value: unknown, path: string): void {
    if (!Array.isArray(value)) return this.expected(path, 'an array', value);
    if (schema.minItems !== undefined && value.length < schema.minItems)
      this.problems.push({ path, message: `needs at least ${schema.minItems} items` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      this.problems.push({ path, message: `takes at most ${schema.maxItems} items` });
    value.forEach((item, i) => schema.items && this.value(schema.items, item, `${path}[${i}]`));
  }

  private text(schema: TypeSchema, value: string, path: string): void {
    if (schema.enum && !schema.enum.some((e) => e.toLowerCase() === value.toLowerCase()))
      this.problems.push({ path, message: `'${value}' is not one of ${schema.enum.join(', ')}` });
    if (schema.minLength !== undefined && value.length < schema.minLength)
      this.problems.push({ path, message: `needs at least ${schema.minLength} characters` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      this.problems.push({ path, message: `takes at most ${schema.maxLength} characters` });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      this.problems.push({ path, message: `'${value}' does not match the pattern ${schema.pattern}` });
  }

  private number(schema: TypeSchema, value: number, path: string): void {
    if (schema.minimum !== undefined && value < schema.minimum)
      this.problems.push({ path, message: `${value} is below the minimum ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum)
      this.problems.push({ path, message: `${value} is above the maximum ${schema.maximum}` });
  }

  private expected(path: string, what: string, value: unknown): void {
    this.problems.push({ path, message: `expects ${what} but got ${describe(value)}` });
  }
}
