/** What a job needs from the workspace before it can be submitted. */
import type {
  CommandParts,
  Compute,
  InputValue,
  JobSpec,
  PipelineSettings,
  PipelineStep,
  Reference,
} from './model';

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
  // Serverless compute and a compute bound to a pipeline input are sent as they are: nothing to look up.
  const add = (item: Reference | Compute | undefined) => {
    if (item && 'key' in item && !found.has(item.key)) found.set(item.key, item);
  };
  const addParts = (parts: Partial<Pick<CommandParts, 'code' | 'environment'>>) => {
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
      addSteps(spec.jobs, { add, addInputs, addParts });
      add(spec.component);
      break;
  }
  return [...found.values()].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

interface Adders {
  add(item: Reference | Compute | undefined): void;
  addInputs(inputs: Readonly<Record<string, InputValue>>): void;
  addParts(parts: Partial<Pick<CommandParts, 'code' | 'environment'>>): void;
}

/** The steps' references; a pipeline component's own steps come before it (it is registered with their ids). */
function addSteps(jobs: Readonly<Record<string, PipelineStep>>, adders: Adders): void {
  const { add, addInputs, addParts } = adders;
  for (const step of Object.values(jobs)) {
    add(step.compute);
    addInputs(step.inputs);
    if (step.autoMLData) addInputs(step.autoMLData);
    add(step.environment);
    if (step.component.kind === 'component' && step.component.source === 'local') {
      const { spec } = step.component;
      if (spec.type === 'pipeline') addSteps(spec.jobs, adders);
      else addParts(spec.type === 'parallel' ? spec.task : spec.type === 'spark' ? spec : spec.parts);
    }
    add(step.component);
  }
}

function addSettings(settings: PipelineSettings, add: (item: Reference | Compute | undefined) => void): void {
  add(settings.defaultCompute);
  add(settings.defaultDatastore);
  add(settings.defaultEnvironment);
}
