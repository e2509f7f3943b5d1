/**
 * Pieces of the ARM request bodies (REST 2025-12-01, JOB_API_VERSION; the camelCase names of the REST models).
 *
 * Typed job properties are camelCase: the SDK serializer renames them. Pipeline steps (`jobs`) and component
 * specs are untyped dictionaries the SDK passes through as they are: there the keys are the service's own
 * (snake_case), as the Azure ML CLI writes them.
 */
import type {
  DistributionConfigurationUnion,
  IdentityConfigurationUnion,
  JobInputUnion,
  JobOutputUnion,
  JobResourceConfiguration,
  JobService as RestJobService,
} from '@azure/arm-machinelearning';
import type {
  Compute,
  Distribution,
  Identity,
  InputMode,
  InputValue,
  JobService,
  Literal,
  OutputMode,
  OutputValue,
  QueueSettings,
  Reference,
  Resources,
} from './model';
import { SERVERLESS } from './compute';
import type { FixedId } from '../../../azureml/references';

/** The ARM id or URI of each resolved reference, by reference key. */
export type Resolved = ReadonlyMap<string, string>;

/** The id a reference resolved to, or the id written in full. */
export function idOf(item: Reference | FixedId, resolved: Resolved): string {
  if (item.kind === 'fixed') return item.id;
  const id = resolved.get(item.key);
  if (id === undefined)
    throw new Error(`${item.key} is not resolved: resolve every reference before building the request`);
  return id;
}

/**
 * The computeId of a job or step. Serverless compute: none for a job (the service runs a job without one on
 * serverless compute), `serverless` inside a pipeline (`settings.default_compute`, a step's compute), the name the
 * CLI passes through. A binding is sent as written.
 */
export function computeIdOf(
  compute: Compute | undefined,
  resolved: Resolved,
  where: 'job' | 'pipeline',
): string | undefined {
  if (!compute) return undefined;
  if (compute.kind === 'serverless') return where === 'pipeline' ? SERVERLESS : undefined;
  if (compute.kind === 'binding') return compute.expression;
  return idOf(compute, resolved);
}

const JOB_TIERS = {
  null: 'Null',
  spot: 'Spot',
  basic: 'Basic',
  standard: 'Standard',
  premium: 'Premium',
} as const;

/** QueueSettings at 2025-12-01: the job tier only (`priority` is in preview versions alone). */
export function restQueueSettings(queue: QueueSettings | undefined): { jobTier: string } | undefined {
  const tier = queue?.jobTier?.toLowerCase();
  return tier && tier in JOB_TIERS ? { jobTier: JOB_TIERS[tier as keyof typeof JOB_TIERS] } : undefined;
}

const INPUT_MODES: Readonly<Record<InputMode, string>> = {
  ro_mount: 'ReadOnlyMount',
  rw_mount: 'ReadWriteMount',
  download: 'Download',
  direct: 'Direct',
  eval_mount: 'EvalMount',
  eval_download: 'EvalDownload',
};

const OUTPUT_MODES: Readonly<Record<OutputMode, string>> = {
  rw_mount: 'ReadWriteMount',
  upload: 'Upload',
  direct: 'Direct',
};

/** Literal input values travel as text; booleans as the CLI (Python) writes them. */
export function literalText(value: Literal): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Seconds as an ISO 8601 duration, e.g. 7200 -> PT2H. */
export function isoDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const text = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${rest || seconds === 0 ? `${rest}S` : ''}`;
  return `PT${text}`;
}

export function restInputs(
  inputs: Readonly<Record<string, InputValue>>,
  resolved: Resolved,
): Record<string, JobInputUnion> {
  const result: Record<string, JobInputUnion> = {};
  for (const [name, input] of Object.entries(inputs)) {
    switch (input.kind) {
      case 'literal':
      case 'binding':
        result[name] = {
          jobInputType: 'literal',
          value: input.kind === 'literal' ? literalText(input.value) : input.expression,
          ...(input.kind === 'literal' && input.description ? { description: input.description } : {}),
        };
        break;
      case 'data':
        result[name] = {
          jobInputType: input.type,
          uri: idOf(input.source, resolved),
          ...(input.mode ? { mode: INPUT_MODES[input.mode] } : {}),
          ...(input.description ? { description: input.description } : {}),
        } as JobInputUnion;
        break;
      case 'unset':
        break;
    }
  }
  return result;
}

export function restOutputs(outputs: Readonly<Record<string, OutputValue>>): Record<string, JobOutputUnion> {
  const result: Record<string, JobOutputUnion> = {};
  for (const [name, output] of Object.entries(outputs)) {
    if (output.kind !== 'output') continue;
    result[name] = {
      jobOutputType: output.type,
      ...(output.path ? { uri: output.path } : {}),
      ...(output.mode ? { mode: OUTPUT_MODES[output.mode] } : {}),
      ...(output.description ? { description: output.description } : {}),
    } as JobOutputUnion;
  }
  return result;
}

/** Inputs of a pipeline step, as the CLI writes them into the untyped `jobs` dictionary. */
export function stepInputs(
  inputs: Readonly<Record<string, InputValue>>,
  resolved: Resolved,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(inputs)) {
    if (input.kind === 'literal')
      result[name] = { job_input_type: 'literal', value: literalText(input.value) };
    else if (input.kind === 'binding')
      result[name] = {
        job_input_type: 'literal',
        value: input.expression,
        ...(input.mode ? { mode: INPUT_MODES[input.mode] } : {}),
      };
    else if (input.kind === 'data')
      result[name] = {
        job_input_type: input.type,
        uri: idOf(input.source, resolved),
        ...(input.mode ? { mode: INPUT_MODES[input.mode] } : {}),
      };
  }
  return result;
}

/** Outputs of a pipeline step: bindings to the pipeline's outputs, or outputs of their own. */
export function stepOutputs(outputs: Readonly<Record<string, OutputValue>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(outputs)) {
    if (output.kind === 'binding')
      result[name] = {
        value: output.expression,
        type: 'literal',
        ...(output.mode ? { mode: OUTPUT_MODES[output.mode] } : {}),
      };
    else
      result[name] = {
        job_output_type: output.type,
        ...(output.path ? { uri: output.path } : {}),
        ...(output.mode ? { mode: OUTPUT_MODES[output.mode] } : {}),
      };
  }
  return result;
}

const DISTRIBUTION_TYPES = { pytorch: 'PyTorch', mpi: 'Mpi', tensorflow: 'TensorFlow' } as const;

export function restDistribution(distribution: Distribution): DistributionConfigurationUnion {
  if (distribution.type === 'tensorflow')
    return {
      distributionType: 'TensorFlow',
      ...(distribution.workerCount !== undefined ? { workerCount: distribution.workerCount } : {}),
      ...(distribution.parameterServerCount !== undefined
        ? { parameterServerCount: distribution.parameterServerCount }
        : {}),
    };
  return {
    distributionType: DISTRIBUTION_TYPES[distribution.type],
    ...(distribution.processCountPerInstance !== undefined
      ? { processCountPerInstance: distribution.processCountPerInstance }
      : {}),
  } as DistributionConfigurationUnion;
}

export function restResources(resources: Resources): JobResourceConfiguration {
  return {
    ...(resources.instanceCount !== undefined ? { instanceCount: resources.instanceCount } : {}),
    ...(resources.instanceType !== undefined ? { instanceType: resources.instanceType } : {}),
    ...(resources.shmSize !== undefined ? { shmSize: resources.shmSize } : {}),
    ...(resources.dockerArgs !== undefined ? { dockerArgs: resources.dockerArgs } : {}),
    ...(resources.properties
      ? { properties: resources.properties as JobResourceConfiguration['properties'] }
      : {}),
  };
}

export function restIdentity(identity: Identity): IdentityConfigurationUnion {
  if (identity.type === 'aml_token') return { identityType: 'AMLToken' };
  if (identity.type === 'user_identity') return { identityType: 'UserIdentity' };
  return {
    identityType: 'Managed',
    ...(identity.clientId ? { clientId: identity.clientId } : {}),
    ...(identity.objectId ? { objectId: identity.objectId } : {}),
    ...(identity.msiResourceId ? { resourceId: identity.msiResourceId } : {}),
  };
}

export function restServices(
  services: Readonly<Record<string, JobService>>,
): Record<string, RestJobService> | undefined {
  const names = Object.keys(services);
  if (names.length === 0) return undefined;
  const result: Record<string, RestJobService> = {};
  for (const name of names) {
    const service = services[name]!;
    result[name] = {
      ...(service.type ? { jobServiceType: service.type } : {}),
      ...(service.port !== undefined ? { port: service.port } : {}),
      ...(Object.keys(service.properties).length > 0 ? { properties: { ...service.properties } } : {}),
    };
  }
  return result;
}

/** A camelCase REST object written the way the untyped `jobs` dictionary holds it (snake_case keys). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      key === 'properties' ? inner : snakeKeys(inner),
    ]),
  );
}
