/**
 * Checks an azure-pipelines.yml the way a user's editor does: against the Azure Pipelines language service's schema
 * (tests/fixtures/azure-pipelines-schema, vendored), with an entry per task of ours generated from its task.json,
 * as an organisation's schema has one per installed extension task. See that folder's SOURCE.md.
 *
 * What a plain validation of the whole file misses, and what this adds:
 * - the grammar is full of loose `anyOf` alternatives, so a misspelt input of a task inside a deployment job's
 *   strategy can pass: every step that names a task is also checked on its own against `#/definitions/task`;
 * - the schema's `ignoreCase` hints (task names and input names are case-insensitive to Azure DevOps) are unknown
 *   to JSON-schema validators: names are put in their declared case before the check;
 * - YAML scalars are all strings to Azure DevOps (`maxP95Ms: 800` is the string "800"): types are coerced;
 * - macros, runtime and template expressions (`$(x)`, `$[ x ]`, `${{ x }}`) are only known at run time: such a
 *   value is not held to an input's enum or boolean type, and `${{ if }}` keys inside `inputs` are merged.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { formatLocation } from '../../shared/src/step/errors';
import { parseYaml, type DocumentPath, type LocatedDocument } from '../../shared/src/yaml/load-yaml';
import { closest } from '../../shared/src/yaml/problems';
import { repoRoot } from './runtimes';

type Json = Record<string, unknown>;
type Schema = Json & { definitions: Record<string, Json> };

/** One entry of `definitions.task.anyOf`: a task's name pattern and its inputs. */
interface TaskEntry {
  properties: {
    task: { pattern: string } & Json;
    inputs: { properties: Record<string, InputSchema>; required: string[] } & Json;
  };
}

interface InputSchema {
  description: string;
  ignoreCase: 'key' | 'all';
  type?: 'string' | 'boolean';
  enum?: string[];
  aliases?: string[];
}

interface TaskJsonInput {
  name: string;
  type: string;
  label?: string;
  required?: boolean;
  defaultValue?: unknown;
  visibleRule?: string;
  aliases?: string[];
  options?: Record<string, string>;
  properties?: Record<string, string>;
}

export const SCHEMA_DIR = join(repoRoot, 'tests/fixtures/azure-pipelines-schema');
const EXPRESSION = /\$\(|\$\[|\$\{\{/;

let vendored: Schema | undefined;
function vendoredSchema(): Schema {
  vendored ??= JSON.parse(readFileSync(join(SCHEMA_DIR, 'service-schema.json'), 'utf8')) as Schema;
  return vendored;
}

function inputSchema(input: TaskJsonInput): InputSchema {
  const description = input.label ?? input.name;
  const aliases = input.aliases?.length ? { aliases: input.aliases } : {};
  if (input.type === 'pickList' && input.options && input.properties?.EditableOptions !== 'True')
    return { description, ignoreCase: 'all', enum: Object.keys(input.options), ...aliases };
  const type = input.type === 'boolean' ? 'boolean' : 'string';
  return { type, description, ignoreCase: 'key', ...aliases };
}

/**
 * The two entries of a task, in the form and places the built-in tasks have them: the name for
 * `definitions.task.properties.task.anyOf`, the inputs for `definitions.task.anyOf`. An input is required when
 * task.json says so, has no default and is always visible.
 */
export function taskEntries(taskJson: Json): { name: Json; entry: TaskEntry & Json } {
  const version = taskJson.version as { Major: number };
  const id = `${taskJson.name as string}@${version.Major}`;
  const inputs = taskJson.inputs as TaskJsonInput[];
  const description = `${taskJson.friendlyName as string}\n\n${taskJson.description as string}`;
  return {
    name: { description: taskJson.description, doNotSuggest: false, ignoreCase: 'value', enum: [id] },
    entry: {
      properties: {
        task: { description, ignoreCase: 'value', pattern: `^${id}$` },
        inputs: {
          description: `${taskJson.friendlyName as string} inputs`,
          properties: Object.fromEntries(inputs.map((input) => [input.name, inputSchema(input)])),
          additionalProperties: false,
          required: inputs
            .filter((input) => input.required && input.defaultValue === undefined && !input.visibleRule)
            .map((input) => input.name),
        },
      },
      doNotSuggest: false,
      firstProperty: ['task'],
      required: ['task'],
    },
  };
}

/** Our tasks' entries, from the generated tasks/<Name>V<major>/task.json files. */
export function ourTaskEntries(): Array<ReturnType<typeof taskEntries>> {
  return readdirSync(join(repoRoot, 'tasks'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^AzureML\w+V\d+$/.test(entry.name))
    .map(
      (entry) => JSON.parse(readFileSync(join(repoRoot, 'tasks', entry.name, 'task.json'), 'utf8')) as Json,
    )
    .map(taskEntries);
}

const entryName = (entry: TaskEntry): string => entry.properties.task.pattern.slice(1, -1);
const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The vendored schema with our entries added, keeping only the task entries the document names. Pruning changes
 * no verdict (a step can only match the entry whose name pattern it matches) and compiles in about a second
 * instead of six.
 */
function schemaFor(taskNames: readonly string[]): { schema: Schema; entries: TaskEntry[] } {
  const base = vendoredSchema();
  const ours = ourTaskEntries();
  const task = base.definitions.task as Json & { properties: Json & { task: Json & { anyOf: Json[] } } };
  const named = (name: string) => taskNames.some((wanted) => sameName(wanted, name));
  const entries = [...(task.anyOf as TaskEntry[]), ...ours.map((our) => our.entry)].filter((entry) =>
    named(entryName(entry)),
  );
  const names = [...task.properties.task.anyOf, ...ours.map((our) => our.name)].filter((name) =>
    named((name.enum as string[])[0]!),
  );
  const prunedTask = {
    ...task,
    properties: { ...task.properties, task: { ...task.properties.task, anyOf: names } },
  };
  const { $id: _id, ...rest } = base;
  void _id;
  return {
    schema: { ...rest, definitions: { ...base.definitions, task: { ...prunedTask, anyOf: entries } } },
    entries,
  };
}

/** A compiled checker for the documents naming these tasks; compiled once per set of names. */
interface Checker {
  pipeline: ValidateFunction;
  task: ValidateFunction;
  entries: TaskEntry[];
}
const checkers = new Map<string, Checker>();

function checkerFor(taskNames: string[]): Checker {
  const key = [...new Set(taskNames.map((name) => name.toLowerCase()))].sort().join(',');
  let checker = checkers.get(key);
  if (!checker) {
    const { schema, entries } = schemaFor(taskNames);
    // The schema's regular expressions are not all valid in unicode mode; its hints are not keywords (strict off).
    const ajv = new Ajv({
      strict: false,
      coerceTypes: true,
      unicodeRegExp: false,
      inlineRefs: false,
      allErrors: true,
      verbose: true,
    });
    ajv.addSchema(schema, 'azure-pipelines');
    checker = {
      pipeline: ajv.getSchema('azure-pipelines')!,
      task: ajv.getSchema('azure-pipelines#/definitions/task')!,
      entries,
    };
    checkers.set(key, checker);
  }
  return checker;
}

/** Every mapping that names a task, with its path, wherever it is (jobs, deployment strategies, `${{ if }}`). */
function taskSteps(node: unknown, path: DocumentPath = []): Array<{ step: Json; path: DocumentPath }> {
  if (Array.isArray(node)) return node.flatMap((item, index) => taskSteps(item, [...path, index]));
  if (!node || typeof node !== 'object') return [];
  const record = node as Json;
  const self = typeof record.task === 'string' ? [{ step: record, path }] : [];
  return [...self, ...Object.entries(record).flatMap(([key, value]) => taskSteps(value, [...path, key]))];
}

/** Inputs as Azure DevOps reads them: `${{ if }}` branches merged, names in their declared case. */
function declaredInputs(inputs: unknown, entry: TaskEntry | undefined): Json {
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) return inputs as Json;
  const merged: Json = {};
  for (const [key, value] of Object.entries(inputs as Json)) {
    if (/^\$\{\{.*\}\}$/.test(key.trim()) && value && typeof value === 'object') Object.assign(merged, value);
    else merged[key] = value;
  }
  if (!entry) return merged;
  const declared = Object.entries(entry.properties.inputs.properties);
  const result: Json = {};
  for (const [key, value] of Object.entries(merged)) {
    const match = declared.find(([name, input]) =>
      [name, ...(input.aliases ?? [])].some((n) => sameName(n, key)),
    );
    if (!match) result[key] = value;
    else if (!(typeof value === 'string' && EXPRESSION.test(value) && match[1].type !== 'string'))
      result[match[0]] =
        match[1].enum?.find((allowed) => typeof value === 'string' && sameName(allowed, value)) ?? value;
  }
  return result;
}

function normalizedStep(step: Json, entries: TaskEntry[]): { step: Json; entry?: TaskEntry } {
  const entry = entries.find((candidate) => sameName(entryName(candidate), step.task as string));
  const task = entry ? entryName(entry) : step.task;
  return {
    step: { ...step, task, ...('inputs' in step ? { inputs: declaredInputs(step.inputs, entry) } : {}) },
    entry,
  };
}

/**
 * The errors worth showing: the deepest ones (the others are alternatives that did not fit), and of those the
 * unexpected keys when there are some (the missing keys are then those of the alternatives not meant).
 */
function deepest(errors: ErrorObject[]): ErrorObject[] {
  // An unexpected key close to a key the alternative knows is the likeliest typo, at whatever depth.
  const typos = errors.filter((error) => typoOf(error) !== undefined);
  if (typos.length > 0) return typos;
  const depth = (error: ErrorObject) => error.instancePath.split('/').length;
  const max = Math.max(...errors.map(depth));
  const found = errors.filter((error) => depth(error) === max && !['anyOf', 'oneOf'].includes(error.keyword));
  const unexpected = found.filter((error) => error.keyword === 'additionalProperties');
  const shown = unexpected.length > 0 ? unexpected : found;
  // Of the alternatives (`anyOf/<n>`) that failed there, the one that came closest.
  const groups = new Map<string, ErrorObject[]>();
  for (const error of shown) {
    const alternative = /^(.*\/(?:anyOf|oneOf)\/\d+)\//.exec(error.schemaPath)?.[1] ?? '';
    groups.set(alternative, [...(groups.get(alternative) ?? []), error]);
  }
  return [...groups.values()].reduce((best, group) => (group.length < best.length ? group : best));
}

function pathOf(instancePath: string): DocumentPath {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function inputProblem(error: ErrorObject, task: string, entry: TaskEntry): string | undefined {
  const inputs = Object.keys(entry.properties.inputs.properties);
  const name = pathOf(error.instancePath)[1];
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const hint = closest(key, inputs);
    return `'${key}' is not an input of ${task}${hint ? ` (did you mean '${hint}'?)` : ''}`;
  }
  if (error.keyword === 'required')
    return `${task} requires the input '${String(error.params.missingProperty)}'`;
  if (error.keyword === 'enum')
    return `input '${String(name)}' of ${task} must be one of ${(error.params.allowedValues as string[]).join(', ')}`;
  if (error.keyword === 'type')
    return `input '${String(name)}' of ${task} must be ${String(error.params.type)}`;
  return undefined;
}

type At = (path: DocumentPath, key: boolean) => string;

/** Errors as `where: what`, an unexpected key pointed at by its own position. */
function located(errors: ErrorObject[], at: At, say: (error: ErrorObject) => string | undefined): string[] {
  return errors.map((error) => {
    const path = pathOf(error.instancePath);
    const extra =
      error.keyword === 'additionalProperties' ? String(error.params.additionalProperty) : undefined;
    return `${at(extra ? [...path, extra] : path, !!extra)}: ${say(error) ?? error.message ?? error.keyword}`;
  });
}

/** The known key an unexpected key is a likely typo of (needs the validator's `verbose` option). */
function typoOf(error: ErrorObject): string | undefined {
  if (error.keyword !== 'additionalProperties') return undefined;
  const known = Object.keys((error.parentSchema as { properties?: Json } | undefined)?.properties ?? {});
  return closest(String(error.params.additionalProperty), known);
}

function unexpectedKey(error: ErrorObject): string | undefined {
  if (error.keyword !== 'additionalProperties') return undefined;
  const hint = typoOf(error);
  return `unexpected key '${String(error.params.additionalProperty)}'${hint ? ` (did you mean '${hint}'?)` : ''}`;
}

/**
 * A step's problems, from its task's own entry when the step names a known task (the errors of the other
 * entries' alternatives say nothing useful), else from `#/definitions/task`.
 */
function stepProblems(step: Json, entry: TaskEntry | undefined, checker: Checker, at: At): string[] {
  if (!entry) return [`${at(['task'], false)}: '${String(step.task)}' is not a task the schema knows`];
  const validate = new Ajv({ strict: false, coerceTypes: true, allErrors: true }).compile(entry);
  if (validate(structuredClone(step))) return located(deepest(checker.task.errors ?? []), at, unexpectedKey);
  const task = entryName(entry);
  return located(validate.errors ?? [], at, (error) => inputProblem(error, task, entry));
}

/**
 * The problems of a pipeline document, each as `file:line:column: message`: the whole file against the schema,
 * then each task step against `#/definitions/task`. Empty when the document is valid.
 */
export function azurePipelineProblems(text: string, file: string): string[] {
  const document: LocatedDocument = parseYaml(text, file);
  const value = structuredClone(document.value);
  const steps = taskSteps(value);
  const checker = checkerFor(steps.map(({ step }) => step.task as string));
  const problems: string[] = [];
  const at =
    (base: DocumentPath): At =>
    (inner, key) =>
      formatLocation(document.locate([...base, ...inner], key ? 'key' : 'value'));
  const normalized = steps.map(({ step, path }) => ({ ...normalizedStep(step, checker.entries), path }));
  for (const { step, path } of normalized) {
    // In place, so that the whole document is checked with the names in their declared case too.
    const original = steps.find((candidate) => candidate.path === path)!.step;
    for (const key of Object.keys(original)) delete original[key];
    Object.assign(original, step);
  }
  if (!checker.pipeline(structuredClone(value))) {
    // A failing task step's errors, and those it causes around it, are told below from the step's own entry.
    const failing = normalized.filter(({ step }) => !checker.task(structuredClone(step)));
    const inStep = (error: ErrorObject) =>
      failing.some(({ path }) => {
        const [a, b] = [`${error.instancePath}/`, `/${path.join('/')}/`];
        return a.startsWith(b) || b.startsWith(a);
      });
    const errors = (checker.pipeline.errors ?? []).filter((error) => !inStep(error));
    if (errors.length > 0) problems.push(...located(deepest(errors), at([]), unexpectedKey));
  }
  for (const { step, entry, path } of normalized) {
    if (!checker.task(structuredClone(step))) problems.push(...stepProblems(step, entry, checker, at(path)));
  }
  return [...new Set(problems)];
}
