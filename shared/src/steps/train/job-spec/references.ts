/** What a job needs from the workspace before it can be submitted. */
import type { FixedId } from '../../../azureml/references';
import type { CommandParts, InputValue, JobSpec, PipelineSettings, Reference } from './model';

const ORDER: readonly Reference['kind'][] = [
  'code',
  'environment',
  'compute',
  'datastore',
  'asset',
  'localInput',
  'component',
];

/**
 * Every reference to resolve (look up, upload or register), each once by key, in an order that works: a local
 * component's code and environment come before the component itself.
 */
export function references(spec: JobSpec): Reference[] {
  const found = new Map<string, Reference>();
  const add = (item: Reference | FixedId | undefined) => {
    if (item && item.kind !== 'fixed' && !found.has(item.key)) found.set(item.key, item);
  };
  const addParts = (parts: CommandParts) => {
    add(parts.code);
    add(parts.environment);
  };
  const addInputs = (inputs: Readonly<Record<string, InputValue>>) => {
    for (const input of Object.values(inputs)) if (input.kind === 'data') add(input.source);
  };

  add(spec.compute);
  addInputs(spec.inputs);
  switch (spec.type) {
    case 'command':
      addParts(spec);
      break;
    case 'sweep':
      addParts(spec.trial);
      break;
    case 'automl':
      addInputs(spec.data);
      break;
    case 'spark':
      add(spec.code);
      add(spec.environment);
      break;
    case 'pipeline':
      addSettings(spec.settings, add);
      for (const step of Object.values(spec.jobs)) {
        add(step.compute);
        addInputs(step.inputs);
        add(step.environment);
        if (step.component.kind === 'component' && step.component.source === 'local')
          addParts(step.component.spec.parts);
        add(step.component);
      }
      break;
  }
  return [...found.values()].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

function addSettings(settings: PipelineSettings, add: (item: Reference | FixedId | undefined) => void): void {
  add(settings.defaultCompute);
  add(settings.defaultDatastore);
  add(settings.defaultEnvironment);
}
