/**
 * Pipeline components (`type: pipeline`): steps with inputs and outputs of their own, run as one step of a pipeline
 * (a `type: pipeline` step) or as a whole pipeline job (its top-level `component:`).
 */
import path from 'node:path';
import { loadComponentRoot } from './component';
import { readComponentInputs, readComponentOutputs } from './io';
import type { InputValue, OutputValue, PipelineComponentSpec, PipelineStep } from './model';
import { describe } from '../../../yaml/problems';
import { fields, stringMap, textLike, type Node } from '../../../yaml/read-node';

const KEYS = [
  '$schema',
  'name',
  'version',
  'display_name',
  'description',
  'tags',
  'properties',
  'type',
  'inputs',
  'outputs',
  'jobs',
  'is_deterministic',
];

/** The pipeline's inputs and outputs as the steps see them (`${{parent.inputs.x}}`), for typing bindings. */
export interface PipelineIo {
  readonly inputs: Readonly<Record<string, InputValue>>;
  readonly outputs: Readonly<Record<string, OutputValue>>;
}

/** Reads the `jobs` of a pipeline (job or component) whose steps' component keys start with `scope`. */
export type ReadSteps = (
  root: Node,
  io: PipelineIo,
  scope: string,
) => Record<string, PipelineStep> | undefined;

/** Loads the pipeline component file `written` (relative to the YAML that names it). */
export function loadPipelineComponentFile(
  reference: Node,
  written: string,
  scope: string,
  readSteps: ReadSteps,
): PipelineComponentSpec | undefined {
  const root = loadComponentRoot(reference, written);
  return root ? readPipelineComponent(root, 'file', scope, readSteps) : undefined;
}

/** Reads a pipeline component mapping (a whole file, or `component:` written inline in a step). */
export function readPipelineComponent(
  node: Node,
  origin: 'file' | 'inline',
  scope: string,
  readSteps: ReadSteps,
): PipelineComponentSpec | undefined {
  const what = origin === 'file' ? 'a pipeline component' : `the inline component '${node.label}'`;
  const hints = { jobs: 'the steps of the pipeline component' };
  if (!fields(node, { what, keys: KEYS, required: ['jobs'], hints })) return undefined;
  const typeNode = node.child('type');
  if (typeNode.present && typeNode.value !== 'pipeline') {
    typeNode.error(`A pipeline step's component must be of type pipeline, got ${describe(typeNode.value)}`);
    return undefined;
  }
  const inputs = readComponentInputs(node.child('inputs'));
  const outputs = readComponentOutputs(node.child('outputs'));
  // Inside the component, `${{parent.inputs.x}}` is the component's input x: typed, given no value here.
  const io: PipelineIo = {
    inputs: Object.fromEntries(
      Object.entries(inputs).map(([name, input]) => [
        name,
        { kind: 'unset', type: input.type, location: node.child('inputs').child(name).location() },
      ]),
    ),
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([name, output]) => [
        name,
        { kind: 'output', type: output.type, location: node.child('outputs').child(name).location() },
      ]),
    ),
  };
  const jobs = readSteps(node, io, scope);
  if (!jobs) return undefined;
  const name = textLike(node.child('name'));
  const version = textLike(node.child('version'));
  const displayName = textLike(node.child('display_name'));
  const description = textLike(node.child('description'));
  return {
    type: 'pipeline',
    origin,
    ...(origin === 'file' ? { file: path.resolve(node.document.file) } : {}),
    location: node.location(),
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(description !== undefined ? { description } : {}),
    tags: stringMap(node.child('tags')),
    inputs,
    outputs,
    jobs,
  };
}
