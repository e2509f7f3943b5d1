/** Command components: a component YAML a pipeline step names, or one written inline in the step. */
import path from 'node:path';
import { DataError } from '../../../step/errors';
import { readYamlFile } from '../../../yaml/load-yaml';
import { declaredNames } from './command-job';
import { COMMAND_HINTS, COMMAND_PART_KEYS, readCommandParts } from './command-parts';
import { checkCommand } from './expressions';
import { readComponentInputs, readComponentOutputs } from './io';
import type { ComponentSpec } from './model';
import { localPath } from '../../../azureml/asset-names';
import { asSpecDocument } from './overrides';
import { describe } from '../../../yaml/problems';
import { boolean, fields, stringMap, textLike, Node } from '../../../yaml/read-node';

/** Keys of every component YAML (command or pipeline). */
export const COMPONENT_KEYS = [
  '$schema',
  'name',
  'version',
  'display_name',
  'description',
  'tags',
  'properties',
  'is_deterministic',
  'type',
  'inputs',
  'outputs',
];

const KEYS = [...COMPONENT_KEYS, ...COMMAND_PART_KEYS, 'additional_includes'];

/** Loads the component YAML a step names (relative to the YAML that names it); problems point into that file. */
export function loadComponentFile(reference: Node, written: string): ComponentSpec | undefined {
  const root = loadComponentRoot(reference, written);
  return root ? readComponent(root, 'file') : undefined;
}

/** The root of a component YAML a step (or a pipeline job's `component`) names, or undefined (reported). */
export function loadComponentRoot(reference: Node, written: string): Node | undefined {
  const local = localPath(written, reference);
  if (!local) return undefined;
  if (!local.exists || !local.isFile) {
    reference.error(
      `'${reference.label}': the component file '${written}' does not exist (looked for ${local.path})`,
    );
    return undefined;
  }
  // Shown relative the way the job YAML was named, so messages read like the user's paths.
  const unprefixed = written.replace(/^file:(\/\/)?/, '');
  const shown = path.isAbsolute(unprefixed)
    ? unprefixed
    : path.join(path.dirname(reference.document.file), unprefixed);
  try {
    return Node.root(asSpecDocument(readYamlFile(shown)), reference.problems, 'The job YAML');
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    reference.problems.add(error.message, error.location ?? { file: shown });
    return undefined;
  }
}

/** Where a component comes from and its metadata (name, version, display_name, description, tags). */
export function componentMetadata<O extends 'file' | 'inline'>(node: Node, origin: O) {
  const name = textLike(node.child('name'));
  const version = textLike(node.child('version'));
  const displayName = textLike(node.child('display_name'));
  const description = textLike(node.child('description'));
  return {
    origin,
    ...(origin === 'file' ? { file: path.resolve(node.document.file) } : {}),
    location: node.location(),
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(description !== undefined ? { description } : {}),
    tags: stringMap(node.child('tags')),
  };
}

/** Reads a command component mapping (a whole component file, or `component:` written inline). */
export function readComponent(node: Node, origin: 'file' | 'inline'): ComponentSpec | undefined {
  const what = origin === 'file' ? 'a command component' : `the inline component '${node.label}'`;
  if (!fields(node, { what, keys: KEYS, required: ['command', 'environment'], hints: COMMAND_HINTS }))
    return undefined;
  const typeNode = node.child('type');
  if (typeNode.present && typeNode.value !== 'command') {
    typeNode.error(
      `Component type ${describe(typeNode.value)} is not supported yet: the train step runs command components`,
    );
    return undefined;
  }
  if (node.child('additional_includes').present) {
    node
      .child('additional_includes')
      .error(
        `'additional_includes' is not supported yet: put the files in the component's code folder`,
        'key',
      );
  }
  const name = textLike(node.child('name'));
  const isDeterministic = boolean(node.child('is_deterministic'));
  const inputs = readComponentInputs(node.child('inputs'));
  const outputs = readComponentOutputs(node.child('outputs'));
  const parts = readCommandParts(node);
  const owner = origin === 'file' ? `component${name ? ` '${name}'` : ''}` : 'the inline component';
  if (parts)
    checkCommand(node.child('command'), parts.command, {
      owner,
      inputs: declaredNames(node.child('inputs')),
      outputs: declaredNames(node.child('outputs')),
      optionalMayBeUndeclared: false,
    });
  if (!parts) return undefined;
  return {
    ...componentMetadata(node, origin),
    ...(isDeterministic !== undefined ? { isDeterministic } : {}),
    inputs,
    outputs,
    parts,
  };
}
