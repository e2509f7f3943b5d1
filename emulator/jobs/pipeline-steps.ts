/**
 * Pipeline steps as the CLI / azure-ai-ml send them (`properties.jobs.<step>`: `type`, `componentId`,
 * `computeId`, snake_case `inputs` / `outputs`), turned into the child job each step runs as: a command step
 * a Command job (the component's `command`, `code`, `environment`), a parallel step a Command job running the
 * parallel driver (`parallel-step.ts`), a pipeline step (a pipeline component, registered or inline) a Pipeline
 * job of the component's `jobs`; inputs bound to `${{parent.inputs.<x>}}` or to an earlier step's output
 * `${{parent.jobs.<step>.outputs.<y>}}`; outputs bound to `${{parent.outputs.<z>}}`. Sweep, spark and automl
 * steps: `pipeline-kind-steps.ts`.
 */
import { isObject, properties, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { inputType, outputType } from './command-io';
import { workspaceIdOfJob, type RunnerContext } from './context';
import { JobFailure } from './job-handle';
import { parallelCommand } from './parallel-step';
import { componentHolder, KIND_STEP_TYPES, kindStepProperties, stepReferences } from './pipeline-kind-steps';
import { entriesOf, field, objectField, stringField } from './rest';

/** The step types the emulator runs. */
const STEP_TYPES = ['command', 'parallel', 'pipeline', ...KIND_STEP_TYPES];

const PARENT_INPUT = /^\$\{\{\s*parent\.inputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;
const STEP_OUTPUT = /^\$\{\{\s*parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;
const PARENT_OUTPUT = /^\$\{\{\s*parent\.outputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;
const ANY_STEP_OUTPUT = /\$\{\{\s*parent\.jobs\.([A-Za-z0-9_-]+)\.outputs\./g;
const EMBEDDED_PARENT_INPUT = /\$\{\{\s*parent\.inputs\.([A-Za-z0-9_.-]+)\s*\}\}/g;
const PRIMITIVE_TYPES = ['string', 'integer', 'number', 'boolean'];

export interface PipelineStep {
  key: string;
  /** `command`, `parallel`, `pipeline`, `sweep`, `spark` or `automl`. */
  type: string;
  node: Json;
  component: Json;
  /** Steps whose outputs this step reads. */
  dependsOn: Set<string>;
}

/** The steps of a pipeline job; throws a JobFailure for what the emulator cannot run. */
export function pipelineSteps(ctx: RunnerContext, job: StoredResource): PipelineStep[] {
  const workspaceId = workspaceIdOfJob(job);
  const nodes = entriesOf(properties(job)['jobs']);
  if (nodes.length === 0) throw new JobFailure("The pipeline job has no steps ('properties.jobs').");
  const keys = new Set(nodes.map(([key]) => key));
  return nodes.map(([key, node]) => {
    const type = (stringField(node, 'type', 'jobType') ?? 'command').toLowerCase();
    if (!STEP_TYPES.includes(type)) {
      throw new JobFailure(
        `Step '${key}' is a '${type}' step: the emulator runs ${STEP_TYPES.join(', ')} steps in pipelines.`,
      );
    }
    const dependsOn = new Set(
      [...JSON.stringify(stepReferences(node)).matchAll(ANY_STEP_OUTPUT)].map((m) => m[1] ?? ''),
    );
    for (const dep of dependsOn) {
      if (!keys.has(dep))
        throw new JobFailure(
          `Step '${key}' reads outputs of step '${dep}', which the pipeline does not have.`,
        );
      if (dep === key) throw new JobFailure(`Step '${key}' reads its own outputs.`);
    }
    const { holder, type: componentType } = componentHolder(node, type);
    const component = componentOf(ctx, workspaceId, key, holder, componentType);
    return { key, type, node, component, dependsOn };
  });
}

/** The component of a step: `componentId` (a components version) or an inline `component`. */
function componentOf(
  ctx: RunnerContext,
  workspaceId: string,
  key: string,
  node: Json,
  stepType: string,
): Json {
  const inline = field(node, 'component');
  if (isObject(inline)) return inline;
  const ref =
    stringField(node, 'componentId', 'component_id') ?? (typeof inline === 'string' ? inline : undefined);
  if (!ref) {
    if (typeof node['command'] === 'string' || isObject(node['task']) || stepType === 'automl') return node;
    throw new JobFailure(`Step '${key}' has no 'componentId'.`);
  }
  if (/^azureml:\/\/registries\//i.test(ref)) {
    throw new JobFailure(
      `Step '${key}': component '${ref}' is in a registry; the emulator runs workspace components only.`,
    );
  }
  const long = /\/components\/([^/]+)\/versions\/([^/]+)$/i.exec(ref);
  const short = /^azureml:([^/:@]+):([^/:@]+)$/i.exec(ref);
  const [name, version] = long ? [long[1], long[2]] : short ? [short[1], short[2]] : [undefined, undefined];
  const found = name
    ? ctx.arm.store.get(`${workspaceId}/components/${name}/versions/${version ?? ''}`)
    : undefined;
  const spec =
    found && isObject(found.body['properties']) ? found.body['properties']['componentSpec'] : undefined;
  if (!isObject(spec))
    throw new JobFailure(`Step '${key}': component '${ref}' was not found in the workspace.`);
  const type = String(spec['type'] ?? 'command').toLowerCase();
  if (type !== stepType) {
    throw new JobFailure(
      `Step '${key}' is a '${stepType}' step, but component '${ref}' is a '${type}' component.`,
    );
  }
  return spec;
}

/** What the step's child job needs from finished steps: their child job's outputs (with `uri`). */
export type StepOutputs = ReadonlyMap<string, Json>;

export interface StepJob {
  /** Properties of the step's Command job. */
  properties: Json;
  /** Parent output ← this step's output, bound by `${{parent.outputs.<z>}}`. */
  parentOutputs: { parent: string; step: string }[];
}

/** The Command job properties of a step whose dependencies have run. */
export function stepJob(job: StoredResource, step: PipelineStep, finished: StepOutputs): StepJob {
  const props = properties(job);
  const { node, component } = step;
  const settings = objectField(props, 'settings');
  const parentInputs = objectField(props, 'inputs');
  const code = stringField(component, 'code', 'codeId') ?? stringField(node, 'codeId', 'code');
  const environment =
    stringField(component, 'environment', 'environmentId') ??
    stringField(node, 'environmentId', 'environment');
  const computeId =
    stringField(node, 'computeId', 'compute') ??
    stringField(settings, 'default_compute', 'defaultCompute') ??
    stringField(props, 'computeId');
  const inputs: Json = {};
  const declaredInputs = objectField(component, 'inputs');
  const given = objectField(node, 'inputs');
  for (const name of new Set([...Object.keys(declaredInputs), ...Object.keys(given)])) {
    const declared = objectField(declaredInputs, name);
    const input = stepInput(step.key, name, given[name], declared, parentInputs, finished);
    if (input) inputs[name] = input;
  }
  const outputs: Json = {};
  const parentOutputs: StepJob['parentOutputs'] = [];
  const declaredOutputs = objectField(component, 'outputs');
  const sentOutputs = objectField(node, 'outputs');
  const parentOutputDefs = objectField(props, 'outputs');
  for (const name of new Set([...Object.keys(declaredOutputs), ...Object.keys(sentOutputs)])) {
    const sent = sentOutputs[name];
    const declaredType = stringField(objectField(declaredOutputs, name), 'type');
    const binding = isObject(sent) ? PARENT_OUTPUT.exec(String(field(sent, 'value', 'path') ?? '')) : null;
    if (binding?.[1]) {
      const parentOutput = objectField(parentOutputDefs, binding[1]);
      parentOutputs.push({ parent: binding[1], step: name });
      outputs[name] = compact({
        jobOutputType:
          declaredType ?? (Object.keys(parentOutput).length ? outputType(parentOutput) : 'uri_folder'),
        uri: stringField(parentOutput, 'uri'),
        mode: stringField(parentOutput, 'mode') ?? (isObject(sent) ? stringField(sent, 'mode') : undefined),
      });
    } else if (isObject(sent)) {
      outputs[name] = compact({
        jobOutputType:
          stringField(sent, 'jobOutputType', 'job_output_type', 'type') ?? declaredType ?? 'uri_folder',
        uri: stringField(sent, 'uri', 'path'),
        mode: stringField(sent, 'mode'),
      });
    } else {
      outputs[name] = { jobOutputType: declaredType ?? 'uri_folder' };
    }
  }
  if (KIND_STEP_TYPES.includes(step.type)) {
    const resolve = (name: string, sent: unknown) =>
      stepInput(step.key, name, sent, {}, parentInputs, finished);
    const strip = (id: string | undefined) => id?.replace(/^azureml:(?=\/)/i, '');
    const bound = {
      ...step,
      inputs,
      outputs,
      computeId,
      codeId: strip(code),
      environmentId: strip(environment),
    };
    return { properties: kindStepProperties({ ...bound, resolve }), parentOutputs };
  }
  if (step.type === 'pipeline') {
    const jobs = field(component, 'jobs');
    if (!isObject(jobs) || Object.keys(jobs).length === 0)
      throw new JobFailure(`Step '${step.key}': its pipeline component has no 'jobs'.`);
    const innerSettings = objectField(component, 'settings');
    return {
      properties: compact({
        jobType: 'Pipeline',
        jobs,
        settings: compact({
          ...innerSettings,
          default_compute: computeId ?? innerSettings['default_compute'],
        }),
        computeId,
        inputs,
        outputs,
      }),
      parentOutputs,
    };
  }
  const run =
    step.type === 'parallel'
      ? parallelCommand(step.key, node, component)
      : {
          command: stringField(component, 'command') ?? '',
          codeId: code?.replace(/^azureml:(?=\/)/i, ''),
          environmentId: environment?.replace(/^azureml:(?=\/)/i, ''),
          environmentVariables:
            field(node, 'environmentVariables', 'environment_variables') ??
            field(component, 'environment_variables'),
        };
  return {
    properties: compact({
      jobType: 'Command',
      ...run,
      computeId,
      resources: field(node, 'resources') ?? field(component, 'resources'),
      limits: field(node, 'limits'),
      inputs,
      outputs,
    }),
    parentOutputs,
  };
}

/** One input of a step, as a REST JobInput (camelCase); undefined when neither given nor defaulted. */
function stepInput(
  step: string,
  name: string,
  sent: unknown,
  declared: Json,
  parentInputs: Json,
  finished: StepOutputs,
): Json | undefined {
  const declaredType = stringField(declared, 'type')?.toLowerCase();
  const raw = isObject(sent) ? field(sent, 'value', 'path', 'uri') : sent;
  if (typeof raw === 'string') {
    const fromParent = PARENT_INPUT.exec(raw);
    if (fromParent?.[1]) {
      const parentInput = parentInputs[fromParent[1]];
      if (isObject(parentInput)) return restInput(parentInput);
      return defaultInput(declared, declaredType);
    }
    const fromStep = STEP_OUTPUT.exec(raw);
    if (fromStep?.[1] && fromStep[2]) {
      const output = objectField(finished.get(fromStep[1]) ?? {}, fromStep[2]);
      const uri = stringField(output, 'uri');
      if (!uri) throw new JobFailure(`Step '${step}': step '${fromStep[1]}' has no output '${fromStep[2]}'.`);
      const type =
        declaredType && !PRIMITIVE_TYPES.includes(declaredType) ? declaredType : outputType(output);
      return { jobInputType: type, uri };
    }
  }
  if (sent === undefined || sent === null) return defaultInput(declared, declaredType);
  if (!isObject(sent)) return { jobInputType: 'literal', value: String(sent) };
  const type = inputType(sent);
  if (type === 'literal') {
    const value = String(field(sent, 'value') ?? '').replace(
      EMBEDDED_PARENT_INPUT,
      (whole, parent: string) => {
        const parentInput = parentInputs[parent];
        return isObject(parentInput) && inputType(parentInput) === 'literal'
          ? String(parentInput['value'] ?? '')
          : whole;
      },
    );
    return { jobInputType: 'literal', value };
  }
  return restInput(sent);
}

function restInput(input: Json): Json {
  const type = inputType(input);
  if (type === 'literal') return { jobInputType: 'literal', value: String(field(input, 'value') ?? '') };
  return compact({
    jobInputType: type,
    uri: stringField(input, 'uri', 'path'),
    mode: stringField(input, 'mode'),
  });
}

/** A component input's `default` (primitive types), or undefined (an optional input left out). */
function defaultInput(declared: Json, type: string | undefined): Json | undefined {
  const value = declared['default'];
  if (value === undefined || value === null) return undefined;
  if (type && !PRIMITIVE_TYPES.includes(type)) return { jobInputType: type, uri: String(value) };
  return { jobInputType: 'literal', value: String(value) };
}

function compact(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null));
}
