/** `type: pipeline` jobs: command steps wired together with `${{parent...}}` bindings. */
import path from 'node:path';
import { declaredNames, JOB_KEYS } from './command-job';
import {
  COMMAND_HINTS,
  COMMAND_PART_KEYS,
  readCommandLimits,
  readCommandParts,
  readDistribution,
  readIdentity,
  readMetadata,
  readQueueSettings,
  readResources,
  readServices,
} from './command-parts';
import { loadComponentFile, readComponent } from './component';
import { checkCommand } from './expressions';
import { readInputs, readOutputs } from './io';
import type {
  ComponentReference,
  ComponentSpec,
  PipelineJobSpec,
  PipelineSettings,
  PipelineStep,
} from './model';
import { assetName, isFullId } from '../../../azureml/asset-names';
import type { FixedId } from '../../../azureml/references';
import { checkBindings, inferStepComponent, localComponent } from './pipeline-bindings';
import { describe } from '../../../yaml/problems';
import { boolean, fields, isMapping, stringMap, text, type Node } from '../../../yaml/read-node';
import { readEnvironment } from '../../../azureml/sources';
import { readCompute } from './compute';

const KEYS = [...JOB_KEYS, 'jobs', 'settings'];

const STEP_KEYS = [
  '$schema',
  'type',
  'name',
  'component',
  'compute',
  'inputs',
  'outputs',
  'display_name',
  'description',
  'tags',
  'properties',
  'experiment_name',
  'comment',
  ...COMMAND_PART_KEYS,
  'limits',
  'identity',
  'services',
  'queue_settings',
];

const UNSUPPORTED_STEP_TYPES = 'sweep, parallel, spark, pipeline, automl, import and data_transfer steps';

/** A step as read, before the second pass that needs every step (bindings, inferred component types). */
export interface ReadStep {
  readonly node: Node;
  readonly step: PipelineStep;
  /** The outputs other steps may bind to; undefined for a registered component (not known offline). */
  readonly declaredOutputs?: readonly string[];
  /** The component of a local step, before its inputs are typed from the pipeline (inline steps). */
  readonly component?: ComponentSpec;
  readonly inline: boolean;
}

export function readPipelineJob(root: Node): PipelineJobSpec | undefined {
  if (
    !fields(root, {
      what: 'a pipeline job',
      keys: KEYS,
      required: ['jobs'],
      hints: { jobs: 'the steps of the pipeline' },
    })
  )
    return undefined;
  const metadata = readMetadata(root);
  const compute = root.child('compute').present ? readCompute(root.child('compute')) : undefined;
  const inputs = readInputs(root.child('inputs'), 'pipeline');
  const outputs = readOutputs(root.child('outputs'), 'pipeline');
  const identity = readIdentity(root.child('identity'));
  const services = readServices(root.child('services'));
  const settings = readSettings(root.child('settings'));

  const jobsNode = root.child('jobs');
  const steps: ReadStep[] = [];
  if (!isMapping(jobsNode.value) || Object.keys(jobsNode.value).length === 0)
    jobsNode.expected('a mapping of step names to steps');
  else
    for (const name of Object.keys(jobsNode.value)) {
      const step = readStep(jobsNode.child(name));
      if (step) steps.push(step);
    }
  const stepNames = declaredNames(jobsNode);

  checkBindings(root, steps, stepNames);
  for (const read of steps)
    if (!read.step.compute && !compute && !settings.defaultCompute)
      read.node.error(
        `Step '${read.step.name}' has no compute: set 'compute' on the step or on the pipeline, or settings.default_compute`,
        'key',
      );
  for (const [key, value] of [
    ['on_init', settings.onInit],
    ['on_finalize', settings.onFinalize],
  ] as const)
    if (value !== undefined && !stepNames.includes(value))
      root.child('settings').child(key).error(`'settings.${key}' names no step of the pipeline: '${value}'`);

  const jobs: Record<string, PipelineStep> = {};
  for (const read of steps)
    jobs[read.step.name] = read.inline ? inferStepComponent(read, { inputs, outputs }, steps) : read.step;
  if (!stepNames.every((name) => name in jobs)) return undefined;
  return {
    type: 'pipeline',
    file: path.resolve(root.document.file),
    location: root.location(),
    warnings: root.problems.warnings,
    ...metadata,
    ...(compute ? { compute } : {}),
    inputs,
    outputs,
    services,
    ...(identity ? { identity } : {}),
    settings,
    jobs,
  };
}

function readSettings(node: Node): PipelineSettings {
  if (!node.present) return {};
  const keys = [
    'default_compute',
    'default_datastore',
    'continue_on_step_failure',
    'force_rerun',
    'default_environment',
    'on_init',
    'on_finalize',
  ];
  if (!fields(node, { what: `the pipeline's 'settings'`, keys })) return {};
  const defaultCompute = node.child('default_compute').present
    ? readCompute(node.child('default_compute'))
    : undefined;
  const datastore = text(node.child('default_datastore'), 'azureml:<datastore name>');
  const defaultEnvironment = readEnvironment(node.child('default_environment'));
  const continueOnStepFailure = boolean(node.child('continue_on_step_failure'));
  const forceRerun = boolean(node.child('force_rerun'));
  const onInit = text(node.child('on_init'), 'a step name');
  const onFinalize = text(node.child('on_finalize'), 'a step name');
  const location = node.child('default_datastore').location();
  const defaultDatastore =
    datastore === undefined
      ? undefined
      : isFullId(datastore)
        ? ({ kind: 'fixed', id: datastore.replace(/^azureml:(?=\/)/, ''), location } as const)
        : ({
            kind: 'datastore',
            name: datastore.replace(/^azureml:/, ''),
            key: `datastore:${datastore.replace(/^azureml:/, '')}`,
            location,
          } as const);
  return {
    ...(defaultCompute ? { defaultCompute } : {}),
    ...(defaultDatastore ? { defaultDatastore } : {}),
    ...(continueOnStepFailure !== undefined ? { continueOnStepFailure } : {}),
    ...(forceRerun !== undefined ? { forceRerun } : {}),
    ...(defaultEnvironment ? { defaultEnvironment } : {}),
    ...(onInit !== undefined ? { onInit } : {}),
    ...(onFinalize !== undefined ? { onFinalize } : {}),
  };
}

/** What every step has, whether it runs a component or its own command. */
type StepCommon = Omit<PipelineStep, 'component' | 'environment' | 'resources' | 'distribution'>;

/** Step settings that override its component's (component steps only). */
type StepSettings = Pick<PipelineStep, 'resources' | 'distribution'>;

function readStep(node: Node): ReadStep | undefined {
  const hasComponent = checkStepKeys(node);
  if (hasComponent === undefined) return undefined;
  const metadata = readMetadata(node);
  const common = readStepCommon(node, metadata);
  return hasComponent ? readComponentStep(node, common) : readCommandStep(node, common, metadata);
}

/**
 * Checks the step's shape and keys (a command step, the keys a step may have, nothing its component owns); gives
 * whether it names a component, or undefined when it cannot be read further.
 */
function checkStepKeys(node: Node): boolean | undefined {
  const name = node.key;
  if (!isMapping(node.value)) {
    node.expected(`a step (a mapping with component, or command and environment)`);
    return undefined;
  }
  const typeNode = node.child('type');
  if (typeNode.present && typeNode.value !== 'command') {
    typeNode.error(
      `Step type ${describe(typeNode.value)} is not supported yet: pipeline steps must be command steps (${UNSUPPORTED_STEP_TYPES} are not)`,
    );
    return undefined;
  }
  const what = `step '${name}'`;
  const hasComponent = node.child('component').present;
  const required = hasComponent ? [] : ['command', 'environment'];
  const hints = {
    command: `${COMMAND_HINTS.command} (or name a 'component')`,
    environment: COMMAND_HINTS.environment,
  };
  if (!fields(node, { what, keys: STEP_KEYS, required, hints })) return undefined;
  for (const key of ['experiment_name', 'comment'])
    if (node.child(key).present)
      node.problems.warn(
        node.document,
        [...node.path, key],
        `'${node.child(key).label}' is ignored in a pipeline step`,
      );
  if (hasComponent)
    for (const key of ['command', 'code'])
      if (node.child(key).present)
        node
          .child(key)
          .error(`Step '${name}' has a 'component': its '${key}' belongs in the component`, 'key');
  return hasComponent;
}

function readStepCommon(node: Node, metadata: ReturnType<typeof readMetadata>): StepCommon {
  const compute = node.child('compute').present ? readCompute(node.child('compute')) : undefined;
  const inputs = readInputs(node.child('inputs'), 'step');
  const outputs = readOutputs(node.child('outputs'), 'step');
  const environmentVariables = stringMap(node.child('environment_variables'));
  const limits = readCommandLimits(node.child('limits'));
  const identity = readIdentity(node.child('identity'));
  const services = readServices(node.child('services'));
  const queueSettings = readQueueSettings(node.child('queue_settings'));
  return {
    name: node.key,
    location: node.location('key'),
    type: 'command' as const,
    ...(compute ? { compute } : {}),
    inputs,
    outputs,
    ...(metadata.displayName !== undefined ? { displayName: metadata.displayName } : {}),
    ...(metadata.description !== undefined ? { description: metadata.description } : {}),
    tags: metadata.tags,
    properties: metadata.properties,
    environmentVariables,
    ...(limits ? { limits } : {}),
    ...(identity ? { identity } : {}),
    services,
    ...(queueSettings ? { queueSettings } : {}),
  };
}

/** A step with its own command and environment: an inline component, typed later from the pipeline. */
function readCommandStep(
  node: Node,
  common: StepCommon,
  metadata: ReturnType<typeof readMetadata>,
): ReadStep | undefined {
  const name = node.key;
  const parts = readCommandParts(node);
  if (parts)
    checkCommand(node.child('command'), parts.command, {
      owner: `step '${name}'`,
      inputs: declaredNames(node.child('inputs')),
      outputs: declaredNames(node.child('outputs')),
      optionalMayBeUndeclared: true,
    });
  if (!parts) return undefined;
  const component: ComponentSpec = {
    origin: 'step',
    location: node.location(),
    ...(metadata.description !== undefined ? { description: metadata.description } : {}),
    tags: metadata.tags,
    inputs: {},
    outputs: {},
    parts,
  };
  const reference = localComponent(name, component);
  return {
    node,
    step: { ...common, component: reference },
    declaredOutputs: declaredNames(node.child('outputs')),
    component,
    inline: true,
  };
}

/** A step that names a component: inline, a local YAML file, or registered in the workspace. */
function readComponentStep(node: Node, common: StepCommon): ReadStep | undefined {
  const resources = readResources(node.child('resources'));
  const distribution = readDistribution(node.child('distribution'));
  const environment = readEnvironment(node.child('environment'));
  const settings = { ...(resources ? { resources } : {}), ...(distribution ? { distribution } : {}) };
  const componentNode = node.child('component');
  const written = componentNode.value;
  let component: ComponentSpec | undefined;
  if (isMapping(written)) component = readComponent(componentNode, 'inline');
  else if (typeof written !== 'string') {
    componentNode.expected('a component YAML path, azureml:<name>:<version> or an inline component');
    return undefined;
  } else if (isFullId(written) || assetName(written) || /^azureml:/i.test(written)) {
    if (environment)
      node
        .child('environment')
        .error(`Step '${node.key}' uses a registered component: its environment cannot be changed here`);
    return readRegisteredComponentStep(node, common, settings, written);
  } else component = loadComponentFile(componentNode, written);
  if (!component) return undefined;

  checkStepAgainstComponent(node, component);
  const withEnvironment = environment
    ? { ...component, parts: { ...component.parts, environment } }
    : component;
  return {
    node,
    step: { ...common, ...settings, component: localComponent(node.key, withEnvironment) },
    declaredOutputs: Object.keys(component.outputs),
    component: withEnvironment,
    inline: false,
  };
}

/** A step whose component is registered (`azureml:<name>:<version>`, `@latest`, or a full id). */
function readRegisteredComponentStep(
  node: Node,
  common: StepCommon,
  settings: StepSettings,
  written: string,
): ReadStep | undefined {
  const componentNode = node.child('component');
  const asset = assetName(written);
  const location = componentNode.location();
  if (isFullId(written)) {
    const fixed: FixedId = { kind: 'fixed', id: written.replace(/^azureml:(?=\/)/, ''), location };
    return { node, step: { ...common, ...settings, component: fixed }, inline: false };
  }
  if (!asset) {
    componentNode.error(
      `'${componentNode.label}' must be azureml:<name>:<version> or azureml:<name>@latest, got '${written}'`,
    );
    return undefined;
  }
  const reference: ComponentReference = {
    kind: 'component',
    source: 'workspace',
    asset,
    step: node.key,
    key: `component:${written}`,
    location,
  };
  return { node, step: { ...common, ...settings, component: reference }, inline: false };
}

/** A step's inputs and outputs must be ones its component declares; required inputs must be given. */
function checkStepAgainstComponent(node: Node, component: ComponentSpec): void {
  const owner = component.name ? `component '${component.name}'` : 'its component';
  for (const [kind, declared] of [
    ['inputs', Object.keys(component.inputs)],
    ['outputs', Object.keys(component.outputs)],
  ] as const) {
    for (const given of declaredNames(node.child(kind)))
      if (!declared.includes(given))
        node
          .child(kind)
          .child(given)
          .error(
            `Step '${node.key}' sets ${kind === 'inputs' ? 'input' : 'output'} '${given}', but ${owner} has no such ${kind === 'inputs' ? 'input' : 'output'} (it has: ${declared.join(', ') || 'none'})`,
            'key',
          );
  }
  const given = declaredNames(node.child('inputs'));
  for (const [name, input] of Object.entries(component.inputs))
    if (!input.optional && input.default === undefined && !given.includes(name))
      node.error(`Step '${node.key}' does not give input '${name}', which ${owner} requires`, 'key');
}
