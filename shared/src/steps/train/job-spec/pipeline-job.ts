/** `type: pipeline` jobs: steps (command steps, nested pipeline components) wired with `${{parent...}}` bindings. */
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
  jobOrigin,
} from './command-parts';
import { loadComponentFile, readComponent } from './component';
import { checkCommand, declares } from './expressions';
import { readInputs, readOutputs } from './io';
import type {
  AnyComponentSpec,
  ComponentReference,
  ComponentSpec,
  ParallelComponentSpec,
  PipelineJobSpec,
  SparkComponentSpec,
  PipelineSettings,
  PipelineStep,
} from './model';
import { assetName, isFullId } from '../../../azureml/asset-names';
import type { FixedId } from '../../../azureml/references';
import { checkBindings, inferStepComponent, localComponent } from './pipeline-bindings';
import { closest, describe } from '../../../yaml/problems';
import { boolean, fields, isMapping, stringMap, text, type Node } from '../../../yaml/read-node';
import { readEnvironment } from '../../../azureml/sources';
import { readCompute } from './compute';
import { loadPipelineComponentFile, readPipelineComponent, type PipelineIo } from './pipeline-component';
import { readParallelStep } from './parallel-step';
import { readAutoMLStep } from './automl-step';
import { readSparkStep } from './spark-step';
import { readSweepStep } from './sweep-step';

const KEYS = [...JOB_KEYS, 'jobs', 'component', 'settings'];

/** Keys of every step; a `type: pipeline` step (a pipeline component run as one step) has these only. */
const PIPELINE_STEP_KEYS = [
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
];

/** Keys of a command step. */
const STEP_KEYS = [
  ...PIPELINE_STEP_KEYS,
  ...COMMAND_PART_KEYS,
  'limits',
  'identity',
  'services',
  'queue_settings',
];

/** A step as read, before the second pass that needs every step (bindings, inferred component types). */
export interface ReadStep {
  readonly node: Node;
  readonly step: PipelineStep;
  /** The outputs other steps may bind to; undefined for a registered component (not known offline). */
  readonly declaredOutputs?: readonly string[];
  /** The component of a local step, before its inputs are typed from the pipeline (inline steps). */
  readonly component?: ComponentSpec | ParallelComponentSpec | SparkComponentSpec;
  readonly inline: boolean;
}

/** Reads a step of one type; `scope` prefixes the keys of its local components (steps of nested pipelines). */
export type StepReader = (node: Node, scope: string) => ReadStep | undefined;

/** What the readers of the step types in their own modules share with this one. */
export interface StepParts {
  /** The keys every step has. */
  readonly keys: readonly string[];
  /** What every step has: name, compute, inputs, outputs, metadata, identity...; `limits` of a command step. */
  common(node: Node, options?: { commandLimits?: boolean }): StepCommon;
  /** Whether a component is written as a registered one rather than a local file. */
  isRegistered(written: string): boolean;
  registered(componentNode: Node, written: string, step: string): ComponentReference | FixedId | undefined;
  /** The step's inputs and outputs against its component's. */
  check(node: Node, component: AnyComponentSpec): void;
}

const STEP_PARTS: StepParts = {
  keys: PIPELINE_STEP_KEYS,
  common: (node, options) => readStepCommon(node, readMetadata(node), options?.commandLimits ?? true),
  isRegistered: (written) => isRegistered(written),
  registered: (componentNode, written, step) => registeredComponent(componentNode, written, step),
  check: (node, component) => checkStepAgainstComponent(node, component),
};

/**
 * The reader of each step type: the one place a step type is added. A step without `type` is a command step.
 */
function stepReader(type: string): StepReader | undefined {
  switch (type) {
    case 'command':
      return readStep;
    case 'pipeline':
      return readPipelineStep;
    case 'parallel':
      return (node, scope) => readParallelStep(node, scope, STEP_PARTS);
    case 'sweep':
      return (node, scope) => readSweepStep(node, scope, STEP_PARTS);
    case 'spark':
      return (node, scope) => readSparkStep(node, scope, STEP_PARTS);
    case 'automl':
      return (node, scope) => readAutoMLStep(node, scope, STEP_PARTS);
    default:
      return undefined;
  }
}

const STEP_TYPES = ['command', 'pipeline', 'parallel', 'sweep', 'spark', 'automl'];

export function readPipelineJob(root: Node): PipelineJobSpec | undefined {
  const hints = { jobs: `the steps of the pipeline (or a pipeline 'component')` };
  if (!fields(root, { what: 'a pipeline job', keys: KEYS, hints })) return undefined;
  const hasComponent = root.child('component').present;
  if (hasComponent === root.child('jobs').present) {
    root.error(
      hasComponent
        ? `A pipeline job has 'jobs' or a 'component' (a pipeline component), not both`
        : `Missing 'jobs' in a pipeline job: ${hints.jobs}`,
    );
    return undefined;
  }
  const metadata = readMetadata(root);
  const compute = root.child('compute').present ? readCompute(root.child('compute')) : undefined;
  const inputs = readInputs(root.child('inputs'), 'pipeline');
  const outputs = readOutputs(root.child('outputs'), 'pipeline');
  const identity = readIdentity(root.child('identity'));
  const services = readServices(root.child('services'));
  const settings = readSettings(root.child('settings'));
  const body: { component?: ComponentReference | FixedId; jobs?: Record<string, PipelineStep> } | undefined =
    hasComponent
      ? readJobComponent(root.child('component'))
      : { jobs: readPipelineSteps(root, { inputs, outputs }, '') };
  if (!body?.jobs) return undefined;
  checkStepNames(root, settings, Object.keys(body.jobs));
  return {
    type: 'pipeline',
    ...jobOrigin(root),
    ...metadata,
    ...(compute ? { compute } : {}),
    inputs,
    outputs,
    services,
    ...(identity ? { identity } : {}),
    settings,
    ...(body.component ? { component: body.component } : {}),
    jobs: body.jobs,
  };
}

/** `settings.on_init` / `on_finalize` must name steps of the pipeline. */
function checkStepNames(root: Node, settings: PipelineSettings, stepNames: readonly string[]): void {
  for (const [key, value] of [
    ['on_init', settings.onInit],
    ['on_finalize', settings.onFinalize],
  ] as const)
    if (value !== undefined && !stepNames.includes(value))
      root.child('settings').child(key).error(`'settings.${key}' names no step of the pipeline: '${value}'`);
}

/**
 * A pipeline job's top-level `component:`: a local pipeline component (registered, its steps sent as the job's
 * `jobs`, as the CLI does) or a registered one (`azureml:<name>:<version>`, `@latest`, or an id).
 */
function readJobComponent(
  node: Node,
): { component: ComponentReference | FixedId; jobs: Record<string, PipelineStep> } | undefined {
  const written = node.value;
  if (typeof written === 'string' && isRegistered(written)) {
    const component = registeredComponent(node, written, '(pipeline job)');
    return component ? { component, jobs: {} } : undefined;
  }
  const spec = isMapping(written)
    ? readPipelineComponent(node, 'inline', '', readPipelineSteps)
    : typeof written === 'string'
      ? loadPipelineComponentFile(node, written, '', readPipelineSteps)
      : (node.expected('a pipeline component YAML path or azureml:<name>:<version>'), undefined);
  if (!spec) return undefined;
  const component: ComponentReference = {
    kind: 'component',
    source: 'local',
    spec,
    step: '(pipeline job)',
    key: 'component:job',
    location: spec.location,
  };
  return { component, jobs: { ...spec.jobs } };
}

/**
 * Reads the `jobs` of a pipeline job or component: every step, then what needs all of them (bindings, cycles,
 * the types of inline steps' inputs). Undefined when a step could not be read.
 */
export function readPipelineSteps(
  root: Node,
  io: PipelineIo,
  scope: string,
): Record<string, PipelineStep> | undefined {
  const jobsNode = root.child('jobs');
  const steps: ReadStep[] = [];
  if (!isMapping(jobsNode.value) || Object.keys(jobsNode.value).length === 0)
    jobsNode.expected('a mapping of step names to steps');
  else
    for (const name of Object.keys(jobsNode.value)) {
      const step = readAnyStep(jobsNode.child(name), scope);
      if (step) steps.push(step);
    }
  const stepNames = declaredNames(jobsNode);
  checkBindings(root, steps, stepNames);
  // A step with no compute, in a pipeline with none, runs on serverless compute (the CLI's default).
  for (const read of steps) checkComputeBinding(read, Object.keys(io.inputs));
  const jobs: Record<string, PipelineStep> = {};
  for (const read of steps)
    jobs[read.step.name] = read.inline ? inferStepComponent(read, io, steps) : read.step;
  return stepNames.every((name) => name in jobs) ? jobs : undefined;
}

/** A step of any type, read by the reader of its type. */
function readAnyStep(node: Node, scope: string): ReadStep | undefined {
  if (!isMapping(node.value)) {
    node.expected(`a step (a mapping with component, or command and environment)`);
    return undefined;
  }
  const typeNode = node.child('type');
  const type = typeNode.present ? typeNode.value : 'command';
  const reader = typeof type === 'string' ? stepReader(type) : undefined;
  if (!reader) {
    typeNode.error(
      `Step type ${describe(typeNode.value)} is not supported yet: pipeline steps may be of type ${STEP_TYPES.join(', ')}`,
    );
    return undefined;
  }
  return reader(node, scope);
}

/** A step's `compute: ${{parent.inputs.<name>}}` must name an input of the pipeline. */
function checkComputeBinding(read: ReadStep, pipelineInputs: readonly string[]): void {
  const { compute } = read.step;
  if (compute?.kind !== 'binding') return;
  const name = /parent\.inputs\.([A-Za-z0-9_]+)/.exec(compute.expression)?.[1] ?? '';
  if (!pipelineInputs.includes(name))
    read.node
      .child('compute')
      .error(
        `'${read.node.child('compute').label}' binds to ${compute.expression} but the pipeline ${declares('inputs', name, pipelineInputs)}`,
      );
}

/** The settings the CLI documents; others are sent as written (the CLI passes them through) with a warning. */
const SETTINGS_KEYS = [
  'default_compute',
  'default_datastore',
  'continue_on_step_failure',
  'force_rerun',
  'default_environment',
  'on_init',
  'on_finalize',
];

function readSettings(node: Node): PipelineSettings {
  if (!node.present) return {};
  if (!isMapping(node.value)) {
    node.expected(`a mapping (default_compute, continue_on_step_failure, ...)`);
    return {};
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.value))
    if (!SETTINGS_KEYS.includes(key)) {
      const like = closest(key, SETTINGS_KEYS);
      node.problems.warn(
        node.document,
        [...node.path, key],
        `'settings.${key}' is not a setting the Azure ML CLI documents${like ? ` (did you mean '${like}'?)` : ''}; it is sent as written`,
      );
      extra[key] = value;
    }
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
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

/** What every step has, whether it runs a component or its own command. */
export type StepCommon = Omit<PipelineStep, 'component' | 'environment' | 'resources' | 'distribution'>;

/** A command step: its own command, or a command component (local or registered). */
function readStep(node: Node, scope: string): ReadStep | undefined {
  const hasComponent = checkStepKeys(node);
  if (hasComponent === undefined) return undefined;
  const metadata = readMetadata(node);
  const common = readStepCommon(node, metadata);
  return hasComponent
    ? readComponentStep(node, common, scope)
    : readCommandStep(node, common, metadata, scope);
}

/**
 * A `type: pipeline` step: a pipeline component (a local file, inline, or registered) with its own inputs and
 * outputs, registered as a component version of type pipeline and sent by id, as the CLI does.
 */
function readPipelineStep(node: Node, scope: string): ReadStep | undefined {
  const what = `step '${node.key}'`;
  const hints = {
    component: 'the pipeline component the step runs (a YAML path or azureml:<name>:<version>)',
  };
  if (!fields(node, { what, keys: PIPELINE_STEP_KEYS, required: ['component'], hints })) return undefined;
  const common = { ...readStepCommon(node, readMetadata(node)), type: 'pipeline' as const };
  const componentNode = node.child('component');
  const written = componentNode.value;
  if (typeof written === 'string' && isRegistered(written)) {
    const component = registeredComponent(componentNode, written, node.key);
    return component ? { node, step: { ...common, component }, inline: false } : undefined;
  }
  const inner = `${scope}${node.key}/`;
  const spec = isMapping(written)
    ? readPipelineComponent(componentNode, 'inline', inner, readPipelineSteps)
    : typeof written === 'string'
      ? loadPipelineComponentFile(componentNode, written, inner, readPipelineSteps)
      : (componentNode.expected('a pipeline component YAML path, azureml:<name>:<version> or a mapping'),
        undefined);
  if (!spec) return undefined;
  checkStepAgainstComponent(node, spec);
  return {
    node,
    step: { ...common, component: localComponent(node.key, spec, scope) },
    declaredOutputs: Object.keys(spec.outputs),
    inline: false,
  };
}

/** A component named by id or as `azureml:<name>:<version>` / `@latest`, rather than a local file. */
function isRegistered(written: string): boolean {
  return isFullId(written) || assetName(written) !== undefined || /^azureml:/i.test(written);
}

/** The reference to a registered component, or undefined when `written` is not a valid name (reported). */
function registeredComponent(
  componentNode: Node,
  written: string,
  step: string,
): ComponentReference | FixedId | undefined {
  const location = componentNode.location();
  if (isFullId(written)) return { kind: 'fixed', id: written.replace(/^azureml:(?=\/)/, ''), location };
  const asset = assetName(written);
  if (!asset) {
    componentNode.error(
      `'${componentNode.label}' must be azureml:<name>:<version> or azureml:<name>@latest, got '${written}'`,
    );
    return undefined;
  }
  return { kind: 'component', source: 'workspace', asset, step, key: `component:${written}`, location };
}

/**
 * Checks the step's shape and keys (a command step, the keys a step may have, nothing its component owns); gives
 * whether it names a component, or undefined when it cannot be read further.
 */
function checkStepKeys(node: Node): boolean | undefined {
  const name = node.key;
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

function readStepCommon(
  node: Node,
  metadata: ReturnType<typeof readMetadata>,
  commandLimits = true,
): StepCommon {
  const compute = node.child('compute').present
    ? readCompute(node.child('compute'), { binding: true })
    : undefined;
  const inputs = readInputs(node.child('inputs'), 'step');
  const outputs = readOutputs(node.child('outputs'), 'step');
  const environmentVariables = stringMap(node.child('environment_variables'));
  const limits = commandLimits ? readCommandLimits(node.child('limits')) : undefined;
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
  scope: string,
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
  const reference = localComponent(name, component, scope);
  return {
    node,
    step: { ...common, component: reference },
    declaredOutputs: declaredNames(node.child('outputs')),
    component,
    inline: true,
  };
}

/** A step that names a component: inline, a local YAML file, or registered in the workspace. */
function readComponentStep(node: Node, common: StepCommon, scope: string): ReadStep | undefined {
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
  } else if (isRegistered(written)) {
    if (environment)
      node
        .child('environment')
        .error(`Step '${node.key}' uses a registered component: its environment cannot be changed here`);
    const registered = registeredComponent(componentNode, written, node.key);
    return registered
      ? { node, step: { ...common, ...settings, component: registered }, inline: false }
      : undefined;
  } else component = loadComponentFile(componentNode, written);
  if (!component) return undefined;

  checkStepAgainstComponent(node, component);
  const withEnvironment = environment
    ? { ...component, parts: { ...component.parts, environment } }
    : component;
  return {
    node,
    step: { ...common, ...settings, component: localComponent(node.key, withEnvironment, scope) },
    declaredOutputs: Object.keys(component.outputs),
    component: withEnvironment,
    inline: false,
  };
}

/** A step's inputs and outputs must be ones its component declares; required inputs must be given. */
function checkStepAgainstComponent(node: Node, component: AnyComponentSpec): void {
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
