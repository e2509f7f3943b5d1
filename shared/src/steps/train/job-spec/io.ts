/** Inputs and outputs of jobs, pipeline steps and components. */
import {
  INPUT_MODES,
  OUTPUT_MODES,
  PRIMITIVE_TYPES,
  type ComponentInput,
  type ComponentOutput,
  type InputMode,
  type InputValue,
  type Literal,
  type OutputValue,
  type PrimitiveType,
} from './model';
import { assetName, isFullId, isUri, localPath, looksLikeAsset } from '../../../azureml/asset-names';
import { DATA_TYPES, type DataType } from '../../../azureml/references';
import { DOTTED_IDENTIFIER, IDENTIFIER } from './identifiers';
import { boolean, entries, fields, number, oneOf, text, textLike, type Node } from '../../../yaml/read-node';

/** Where inputs are read: pipeline steps may bind to the pipeline; pipeline inputs may be grouped with dots. */
export type IoPlace = 'job' | 'pipeline' | 'step';

const INPUT_KEYS = [
  'type',
  'path',
  'mode',
  'description',
  'optional',
  'default',
  'value',
  'datastore',
  'path_on_compute',
];
const OUTPUT_KEYS = ['type', 'path', 'mode', 'name', 'version', 'description'];
const ALL_INPUT_TYPES = [...DATA_TYPES, ...PRIMITIVE_TYPES] as const;

export function readInputs(node: Node, place: IoPlace): Record<string, InputValue> {
  const result: Record<string, InputValue> = {};
  for (const input of entries(node, 'a mapping of input names to values')) {
    checkName(input, place === 'pipeline' ? DOTTED_IDENTIFIER : IDENTIFIER, 'Input');
    const value = readInput(input, place);
    if (value) result[input.key] = value;
  }
  return result;
}

export function readOutputs(node: Node, place: IoPlace): Record<string, OutputValue> {
  const result: Record<string, OutputValue> = {};
  for (const output of entries(node, 'a mapping of output names to outputs')) {
    checkName(output, IDENTIFIER, 'Output');
    const value = readOutput(output, place);
    if (value) result[output.key] = value;
  }
  return result;
}

function checkName(node: Node, pattern: RegExp, what: string): void {
  if (!pattern.test(node.key))
    node.error(
      `${what} name '${node.key}' must start with a letter or _ and hold only letters, digits and _`,
      'key',
    );
}

const isBinding = (value: string) => value.includes('${{');
/** A binding to the pipeline or another step (`${{name}}` in an output path is the job's name, not a binding). */
const isParentBinding = (value: string) => /\$\{\{\s*parent\./.test(value);

/** `path`: the legacy port type of pipeline components, which the CLI takes as uri_folder. */
const LEGACY_PATH_TYPE = 'path';

/** A type of `allowed`, the legacy `path` read as uri_folder. */
function readType<T extends string>(node: Node, allowed: readonly T[]): T | undefined {
  if (typeof node.value === 'string' && node.value.toLowerCase() === LEGACY_PATH_TYPE)
    return 'uri_folder' as T;
  return oneOf(node, allowed);
}

export function readInput(node: Node, place: IoPlace): InputValue | undefined {
  const { value } = node;
  const location = node.location();
  if (typeof value === 'string' && place === 'step' && isBinding(value))
    return { kind: 'binding', expression: value, location };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { kind: 'literal', value, location };
  if (value === null) {
    node.error(`Input '${node.label}' has no value`);
    return undefined;
  }
  if (!fields(node, { what: `input '${node.label}'`, keys: INPUT_KEYS })) return undefined;
  for (const ignored of ['datastore', 'path_on_compute'])
    if (node.child(ignored).present)
      node.problems.warn(
        node.document,
        [...node.path, ignored],
        `'${node.label}.${ignored}' is ignored: the API version the step uses has no such field`,
      );
  const description = textLike(node.child('description'));
  const optional = boolean(node.child('optional'));
  const typeNode = node.child('type');
  const pathNode = node.child('path');
  if (!typeNode.present && !pathNode.present) {
    if (node.child('value').present) {
      const literal = literalOf(node.child('value'), undefined);
      return literal === undefined
        ? undefined
        : { kind: 'literal', value: literal, location, ...(description ? { description } : {}) };
    }
    node.error(`Input '${node.label}' needs 'type' and 'path' (data), or a value`);
    return undefined;
  }
  const type = typeNode.present ? readType(typeNode, ALL_INPUT_TYPES) : 'uri_folder';
  if (type === undefined) return undefined;
  if (isPrimitive(type)) {
    const given = node.child('value').present ? node.child('value') : node.child('default');
    if (!given.present) {
      if (optional) return { kind: 'unset', type, location };
      node.error(`Input '${node.label}' of type ${type} needs a 'default' value (or optional: true)`);
      return undefined;
    }
    const literal = literalOf(given, type);
    return literal === undefined
      ? undefined
      : { kind: 'literal', value: literal, type, location, ...(description ? { description } : {}) };
  }
  const mode = readInputMode(node.child('mode'), type);
  if (!pathNode.present) {
    if (optional) return { kind: 'unset', type, location };
    node.error(`Input '${node.label}' of type ${type} needs a 'path'`);
    return undefined;
  }
  const written = text(pathNode, 'a path, a URI or azureml:<name>:<version>');
  if (written === undefined) return undefined;
  if (place === 'step' && isBinding(written))
    return { kind: 'binding', expression: written, ...(mode ? { mode } : {}), location };
  const source = dataSource(pathNode, written, type);
  if (!source) return undefined;
  return {
    kind: 'data',
    type,
    source,
    ...(mode ? { mode } : {}),
    ...(description ? { description } : {}),
    location,
  };
}

function dataSource(node: Node, written: string, type: DataType) {
  const location = node.location();
  if (isFullId(written) || isUri(written)) return { kind: 'fixed', id: written, location } as const;
  const asset = assetName(written);
  const assetType = type.endsWith('_model') ? 'model' : 'data';
  if (asset)
    return {
      kind: 'asset',
      assetType,
      asset,
      inputType: type,
      key: `asset:${assetType}:${written}`,
      location,
    } as const;
  if (looksLikeAsset(written)) {
    node.error(`'${node.label}' must be azureml:<name>:<version> or azureml:<name>@latest, got '${written}'`);
    return undefined;
  }
  const local = localPath(written, node);
  if (!local) return undefined;
  if (!local.exists) {
    node.error(`'${node.label}': the local path '${written}' does not exist (looked for ${local.path})`);
    return undefined;
  }
  if (type === 'uri_file' && !local.isFile) {
    node.error(`'${node.label}': a uri_file input must be a file, '${written}' is a folder`);
    return undefined;
  }
  if ((type === 'uri_folder' || type === 'mltable') && local.isFile) {
    node.error(`'${node.label}': a ${type} input must be a folder, '${written}' is a file`);
    return undefined;
  }
  return {
    kind: 'localInput',
    path: local.path,
    isFile: local.isFile,
    inputType: type,
    key: `localInput:${type}:${local.path}`,
    location,
  } as const;
}

function readInputMode(node: Node, type: DataType | PrimitiveType): InputMode | undefined {
  const mode = oneOf(node, INPUT_MODES);
  if ((mode === 'eval_mount' || mode === 'eval_download') && type !== 'mltable') {
    node.error(`'${node.label}': mode ${mode} is only for mltable inputs`);
    return undefined;
  }
  return mode;
}

function literalOf(node: Node, type: PrimitiveType | undefined): Literal | undefined {
  const { value } = node;
  const ok =
    type === undefined
      ? typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      : type === 'integer'
        ? Number.isInteger(value)
        : type === 'number'
          ? typeof value === 'number'
          : type === 'boolean'
            ? typeof value === 'boolean'
            : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  // A string input written `True` or `5` is the text the CLI (Python) makes of it.
  if (ok) return type === 'string' ? stringOf(value as Literal) : (value as Literal);
  node.expected(type === undefined ? 'a string, number or boolean' : `a value of type ${type}`);
  return undefined;
}

function stringOf(value: Literal): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function readOutput(node: Node, place: IoPlace): OutputValue | undefined {
  const { value } = node;
  const location = node.location();
  if (value === null) return { kind: 'output', type: 'uri_folder', location };
  if (typeof value === 'string') {
    if (place === 'step' && isBinding(value)) return { kind: 'binding', expression: value, location };
    node.expected(
      place === 'step'
        ? 'a mapping (type, mode, path) or ${{parent.outputs.<name>}}'
        : 'a mapping (type, mode, path)',
    );
    return undefined;
  }
  if (!fields(node, { what: `output '${node.label}'`, keys: OUTPUT_KEYS })) return undefined;
  const type = node.child('type').present ? readType(node.child('type'), DATA_TYPES) : 'uri_folder';
  const mode = oneOf(node.child('mode'), OUTPUT_MODES);
  const written = text(node.child('path'), 'a URI such as azureml://datastores/<name>/paths/<path>');
  const name = textLike(node.child('name'));
  const version = textLike(node.child('version'));
  const description = textLike(node.child('description'));
  if (type === undefined) return undefined;
  if (written !== undefined && place === 'step' && isParentBinding(written))
    return { kind: 'binding', expression: written, ...(mode ? { mode } : {}), location };
  if (written !== undefined && !isUri(written))
    node
      .child('path')
      .error(
        `'${node.child('path').label}' must be a URI such as azureml://datastores/<name>/paths/<path>, got '${written}'`,
      );
  if (name !== undefined || version !== undefined)
    node.problems.warn(
      node.document,
      node.path,
      `'${node.label}': output 'name' and 'version' are not sent: the API version the step uses cannot register outputs as assets`,
    );
  return {
    kind: 'output',
    type,
    location,
    ...(written !== undefined ? { path: written } : {}),
    ...(mode ? { mode } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

/** Inputs a component declares. */
export function readComponentInputs(node: Node): Record<string, ComponentInput> {
  const result: Record<string, ComponentInput> = {};
  for (const input of entries(node, 'a mapping of input names to definitions')) {
    checkName(input, IDENTIFIER, 'Input');
    const keys = ['type', 'optional', 'default', 'description', 'min', 'max', 'enum', 'mode'];
    if (!fields(input, { what: `component input '${input.label}'`, keys, required: ['type'] })) continue;
    const type = readType(input.child('type'), ALL_INPUT_TYPES);
    if (type === undefined) continue;
    const optional = boolean(input.child('optional'));
    const fallback = input.child('default').present
      ? literalOf(input.child('default'), isPrimitive(type) ? type : 'string')
      : undefined;
    const description = textLike(input.child('description'));
    const min = number(input.child('min'));
    const max = number(input.child('max'));
    const choices = input.child('enum').present ? readEnum(input.child('enum')) : undefined;
    const mode = isPrimitive(type) ? undefined : readInputMode(input.child('mode'), type);
    result[input.key] = {
      type,
      ...(optional !== undefined ? { optional } : {}),
      ...(fallback !== undefined ? { default: fallback } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(choices ? { enum: choices } : {}),
      ...(mode ? { mode } : {}),
    };
  }
  return result;
}

function readEnum(node: Node): string[] | undefined {
  if (!Array.isArray(node.value)) {
    node.expected('a list of allowed values');
    return undefined;
  }
  return node.value.map((_, i) => textLike(node.child(i)) ?? '');
}

/** Outputs a component declares. */
export function readComponentOutputs(node: Node): Record<string, ComponentOutput> {
  const result: Record<string, ComponentOutput> = {};
  for (const output of entries(node, 'a mapping of output names to definitions')) {
    checkName(output, IDENTIFIER, 'Output');
    const keys = ['type', 'description', 'mode'];
    if (!fields(output, { what: `component output '${output.label}'`, keys, required: ['type'] })) continue;
    const type = readType(output.child('type'), DATA_TYPES);
    const description = textLike(output.child('description'));
    const mode = oneOf(output.child('mode'), OUTPUT_MODES);
    if (type === undefined) continue;
    result[output.key] = {
      type,
      ...(description !== undefined ? { description } : {}),
      ...(mode ? { mode } : {}),
    };
  }
  return result;
}

export function isPrimitive(type: string): type is PrimitiveType {
  return (PRIMITIVE_TYPES as readonly string[]).includes(type);
}
