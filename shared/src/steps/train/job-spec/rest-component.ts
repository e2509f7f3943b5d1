/** Anonymous components: what the CLI registers for a pipeline step whose component is local. */
import { createHash } from 'node:crypto';
import type { AnonymousComponent } from '../../../azureml/resolve-references';
import type { ComponentReference, ComponentSpec, PipelineComponentSpec } from './model';
import { idOf, type Resolved } from './rest-parts';
import { componentHeader, withAzuremlPrefix } from './component-header';
import { parallelComponentSpec } from './parallel-step';
import { pipelineStep } from './rest-steps';
import { sparkComponentSpec } from './spark-step';

/** The name the CLI registers anonymous components under; the version is a hash of the component. */
export const ANONYMOUS_COMPONENT_NAME = 'azureml_anonymous';

export type { AnonymousComponent };

/**
 * The component version to register for a step's local component, once its code and environment are resolved.
 * Same component, same version: re-running converges on the registered one.
 */
export function anonymousComponent(
  reference: Extract<ComponentReference, { source: 'local' }>,
  resolved: Resolved,
): AnonymousComponent {
  const { spec } = reference;
  const content =
    spec.type === 'pipeline'
      ? pipelineComponentSpec(spec, resolved, reference.step)
      : spec.type === 'parallel'
        ? parallelComponentSpec(spec, resolved, reference.step)
        : spec.type === 'spark'
          ? sparkComponentSpec(spec, resolved, reference.step)
          : componentSpec(spec, resolved, reference.step);
  const version = hashVersion(content);
  const componentSpecBody = { name: ANONYMOUS_COMPONENT_NAME, version, ...content };
  return {
    name: ANONYMOUS_COMPONENT_NAME,
    version,
    body: {
      properties: {
        componentSpec: componentSpecBody,
        isAnonymous: true,
        ...(spec.description !== undefined ? { description: spec.description } : {}),
        ...(Object.keys(spec.tags).length > 0 ? { tags: { ...spec.tags } } : {}),
      },
    },
  };
}

/**
 * A pipeline component as the CLI registers it: its inputs and outputs, and its steps as a pipeline job's `jobs`
 * (each step's component registered first, by id).
 */
function pipelineComponentSpec(
  spec: PipelineComponentSpec,
  resolved: Resolved,
  step: string,
): Record<string, unknown> {
  return {
    ...componentHeader(spec, step, 'pipeline'),
    jobs: Object.fromEntries(
      Object.values(spec.jobs).map((inner) => [inner.name, pipelineStep(inner, resolved)]),
    ),
    _source: spec.origin === 'file' ? 'YAML.COMPONENT' : 'YAML.JOB',
  };
}

/**
 * The component spec as the CLI sends it (YAML keys), code and environment as `azureml:` ids; without a display
 * name of its own, the component shows its step's name, as the CLI names it.
 */
function componentSpec(spec: ComponentSpec, resolved: Resolved, step: string): Record<string, unknown> {
  const { parts } = spec;
  const withPrefix = withAzuremlPrefix;
  const resources = parts.resources;
  const distribution = parts.distribution;
  return {
    ...componentHeader(spec, step, 'command'),
    is_deterministic: spec.isDeterministic ?? true,
    command: parts.command,
    ...(parts.code ? { code: withPrefix(idOf(parts.code, resolved)) } : {}),
    environment: withPrefix(idOf(parts.environment, resolved)),
    ...(Object.keys(parts.environmentVariables).length > 0
      ? { environment_variables: { ...parts.environmentVariables } }
      : {}),
    ...(resources
      ? {
          resources: {
            ...(resources.instanceCount !== undefined ? { instance_count: resources.instanceCount } : {}),
            ...(resources.instanceType !== undefined ? { instance_type: resources.instanceType } : {}),
            ...(resources.shmSize !== undefined ? { shm_size: resources.shmSize } : {}),
            ...(resources.dockerArgs !== undefined ? { docker_args: resources.dockerArgs } : {}),
            ...(resources.properties ? { properties: resources.properties } : {}),
          },
        }
      : {}),
    ...(distribution
      ? {
          distribution:
            distribution.type === 'tensorflow'
              ? {
                  type: 'tensorflow',
                  ...(distribution.workerCount !== undefined
                    ? { worker_count: distribution.workerCount }
                    : {}),
                  ...(distribution.parameterServerCount !== undefined
                    ? { parameter_server_count: distribution.parameterServerCount }
                    : {}),
                }
              : {
                  type: distribution.type,
                  ...(distribution.processCountPerInstance !== undefined
                    ? { process_count_per_instance: distribution.processCountPerInstance }
                    : {}),
                },
        }
      : {}),
    _source: spec.origin === 'file' ? 'YAML.COMPONENT' : 'YAML.JOB',
  };
}

/** A GUID from the MD5 of the spec with sorted keys, the way the CLI names anonymous component versions. */
function hashVersion(content: Record<string, unknown>): string {
  const hex = createHash('md5').update(canonicalJson(content)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}: ${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}
