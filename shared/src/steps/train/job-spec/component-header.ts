/** What every component spec the CLI registers begins with: its names, tags, type, inputs and outputs (YAML keys). */
import type { AnyComponentSpec, ComponentInput, ComponentOutput, PipelineStep } from './model';

export interface ComponentHeader {
  readonly displayName?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, ComponentInput>>;
  readonly outputs: Readonly<Record<string, ComponentOutput>>;
}

/** Without a display name of its own, a component shows its step's name, as the CLI names it. */
export function componentHeader(spec: ComponentHeader, step: string, type: string): Record<string, unknown> {
  return {
    display_name: spec.displayName ?? step,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(Object.keys(spec.tags).length > 0 ? { tags: { ...spec.tags } } : {}),
    ...(type === 'pipeline' ? {} : { is_deterministic: true }),
    type,
    inputs: Object.fromEntries(Object.entries(spec.inputs).map(([name, input]) => [name, { ...input }])),
    outputs: Object.fromEntries(Object.entries(spec.outputs).map(([name, output]) => [name, { ...output }])),
  };
}

/** A code or environment id as a component names it: `azureml:<id>`. */
export const withAzuremlPrefix = (id: string): string => (id.startsWith('azureml:') ? id : `azureml:${id}`);

/** The step's local component when it is of `type` (a parallel or Spark step's own), else undefined. */
export function localSpecOf<T extends AnyComponentSpec['type']>(
  step: PipelineStep,
  type: T,
): Extract<AnyComponentSpec, { type: T }> | undefined {
  const { component } = step;
  if (component.kind !== 'component' || component.source !== 'local') return undefined;
  return component.spec.type === type
    ? (component.spec as Extract<AnyComponentSpec, { type: T }>)
    : undefined;
}
