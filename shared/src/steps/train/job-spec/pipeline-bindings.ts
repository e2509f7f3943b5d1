/** Pipeline wiring: `${{parent...}}` bindings must name real things and steps must not wait on each other in a circle. */
import { declaredNames } from './command-job';
import { declares, expressions } from './expressions';
import type { ComponentInput, ComponentOutput, InputValue, PipelineStep, PrimitiveType } from './model';
import type { AnyComponentSpec, ComponentReference } from './model';
import type { DataType } from '../../../azureml/references';
import type { ReadStep } from './pipeline-job';
import type { Node } from '../../../yaml/read-node';

const STEP_OUTPUT = /^parent\.jobs\.([^.]+)\.outputs\.([^.]+)$/;
const PARENT_INPUT = /^parent\.inputs\.(.+)$/;
const PARENT_OUTPUT = /^parent\.outputs\.([^.]+)$/;

/** Checks every binding of every step and reports cycles; steps that failed to read are still known by name. */
export function checkBindings(root: Node, steps: readonly ReadStep[], stepNames: readonly string[]): void {
  const pipelineInputs = declaredNames(root.child('inputs'));
  const pipelineOutputs = declaredNames(root.child('outputs'));
  const outputsOf = new Map(steps.map((s) => [s.step.name, s.declaredOutputs]));
  const dependsOn = new Map<string, Set<string>>();

  for (const { node, step } of steps) {
    const upstream = new Set<string>();
    dependsOn.set(step.name, upstream);
    for (const [name, input] of Object.entries(step.inputs)) {
      if (input.kind !== 'binding') continue;
      const at = node.child('inputs').child(name);
      for (const { body } of expressions(input.expression)) {
        const fromStep = STEP_OUTPUT.exec(body);
        const fromParent = PARENT_INPUT.exec(body);
        if (fromParent) {
          if (!pipelineInputs.includes(fromParent[1]!))
            at.error(
              `'${at.label}' binds to \${{${body}}} but the pipeline ${declares('inputs', fromParent[1]!, pipelineInputs)}`,
            );
        } else if (fromStep) {
          const [, source, output] = fromStep as unknown as [string, string, string];
          if (source === step.name) at.error(`'${at.label}' binds to an output of its own step '${source}'`);
          else if (!stepNames.includes(source))
            at.error(
              `'${at.label}' binds to \${{${body}}} but the pipeline ${declares('steps', source, stepNames)}`,
            );
          else {
            upstream.add(source);
            const declared = outputsOf.get(source);
            if (declared && !declared.includes(output))
              at.error(
                `'${at.label}' binds to \${{${body}}} but step '${source}' ${declares('outputs', output, declared)}`,
              );
          }
        } else
          at.error(
            `'${at.label}' uses \${{${body}}}; a step input binds to \${{parent.inputs.<name>}} or \${{parent.jobs.<step>.outputs.<name>}}`,
          );
      }
    }
    for (const [name, output] of Object.entries(step.outputs)) {
      if (output.kind !== 'binding') continue;
      const at = node.child('outputs').child(name);
      const found = expressions(output.expression);
      const match =
        found.length === 1 && output.expression.trim().startsWith('${{')
          ? PARENT_OUTPUT.exec(found[0]!.body)
          : null;
      if (!match) at.error(`'${at.label}' must be \${{parent.outputs.<name>}}, got '${output.expression}'`);
      else if (!pipelineOutputs.includes(match[1]!))
        at.error(
          `'${at.label}' binds to \${{parent.outputs.${match[1]}}} but the pipeline ${declares('outputs', match[1]!, pipelineOutputs)}`,
        );
    }
  }
  reportCycles(steps, dependsOn);
}

function reportCycles(steps: readonly ReadStep[], dependsOn: ReadonlyMap<string, ReadonlySet<string>>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const nodeOf = new Map(steps.map((s) => [s.step.name, s.node]));
  const trail: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    trail.push(name);
    for (const next of dependsOn.get(name) ?? []) {
      if (state.get(next) === 'visiting') {
        // The trail runs downstream to upstream; show the cycle in the order data flows.
        const cycle = trail.slice(trail.indexOf(next)).reverse();
        const id = [...cycle].sort().join(' ');
        if (!reported.has(id)) {
          reported.add(id);
          const first = [...cycle].sort(
            (a, b) => steps.findIndex((s) => s.step.name === a) - steps.findIndex((s) => s.step.name === b),
          )[0]!;
          const start = cycle.indexOf(first);
          const ordered = [...cycle.slice(start), ...cycle.slice(0, start), first];
          nodeOf.get(first)!.error(`Steps form a cycle: ${ordered.join(' -> ')}`, 'key');
        }
      } else if (state.get(next) === undefined) visit(next);
    }
    trail.pop();
    state.set(name, 'done');
  };
  for (const { step } of steps) if (!state.has(step.name)) visit(step.name);
}

import type { PipelineIo } from './pipeline-component';

/** An inline step becomes an anonymous component whose inputs and outputs take the types of what they bind to. */
export function inferStepComponent(
  read: ReadStep,
  pipeline: PipelineIo,
  steps: readonly ReadStep[],
): PipelineStep {
  const { step, component } = read;
  const inputs: Record<string, ComponentInput> = {};
  for (const [name, input] of Object.entries(step.inputs))
    inputs[name] = componentInput(input, pipeline, steps);
  const outputs: Record<string, ComponentOutput> = {};
  for (const [name, output] of Object.entries(step.outputs))
    outputs[name] =
      output.kind === 'output'
        ? {
            type: output.type,
            ...(output.mode ? { mode: output.mode } : {}),
            ...(output.description ? { description: output.description } : {}),
          }
        : { type: parentOutputType(output.expression, pipeline) };
  return { ...step, component: localComponent(step.name, { ...component!, inputs, outputs }) };
}

function componentInput(input: InputValue, pipeline: PipelineIo, steps: readonly ReadStep[]): ComponentInput {
  switch (input.kind) {
    case 'literal':
      return { type: input.type ?? literalType(input.value), default: input.value };
    case 'unset':
      return { type: input.type, optional: true };
    case 'data':
      return { type: input.type, ...(input.mode ? { mode: input.mode } : {}) };
    case 'binding':
      return { type: bindingType(input.expression, pipeline, steps) };
  }
}

function literalType(value: string | number | boolean): PrimitiveType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'string';
}

function bindingType(
  expression: string,
  pipeline: PipelineIo,
  steps: readonly ReadStep[],
): PrimitiveType | DataType {
  const found = expressions(expression);
  if (found.length !== 1 || !/^\s*\$\{\{[^}]*\}\}\s*$/.test(expression)) return 'string';
  const body = found[0]!.body;
  const parentInput = PARENT_INPUT.exec(body);
  if (parentInput) {
    const source = pipeline.inputs[parentInput[1]!];
    if (!source) return 'string';
    if (source.kind === 'literal') return source.type ?? literalType(source.value);
    if (source.kind === 'data' || source.kind === 'unset') return source.type;
    return 'string';
  }
  const fromStep = STEP_OUTPUT.exec(body);
  if (fromStep) {
    const source = steps.find((s) => s.step.name === fromStep[1]);
    const declared = source?.component?.outputs[fromStep[2]!];
    if (declared) return declared.type;
    const written = source?.step.outputs[fromStep[2]!];
    if (!written) return 'uri_folder';
    return written.kind === 'output' ? written.type : parentOutputType(written.expression, pipeline);
  }
  return 'string';
}

function parentOutputType(expression: string, pipeline: PipelineIo): DataType {
  const body = expressions(expression)[0]?.body ?? '';
  const match = PARENT_OUTPUT.exec(body);
  const output = match ? pipeline.outputs[match[1]!] : undefined;
  return output?.kind === 'output' ? output.type : 'uri_folder';
}

/**
 * The reference to a step's local component (a file, inline, or the step itself): registered anonymously. `scope`
 * names the pipeline steps it is nested in (`outer/`), so same-named steps of nested pipelines stay apart.
 */
export function localComponent(step: string, spec: AnyComponentSpec, scope = ''): ComponentReference {
  return {
    kind: 'component',
    source: 'local',
    spec,
    step,
    key: `component:step:${scope}${step}`,
    location: spec.location,
  };
}
