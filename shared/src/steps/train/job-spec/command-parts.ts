import path from 'node:path';
import type { SourceLocation } from '../../../step/errors';
/** The parts every command shares (command, code, environment, resources, distribution) and job-level extras. */
import type { CommandParts, Distribution, Identity, JobService, QueueSettings, Resources } from './model';
import {
  fields,
  integer,
  isMapping,
  oneOf,
  stringMap,
  text,
  textLike,
  type Node,
} from '../../../yaml/read-node';
import { readCode, readEnvironment } from '../../../azureml/sources';

/** The keys `readCommandParts` reads: what every command (job, sweep trial, component, pipeline step) has. */
export const COMMAND_PART_KEYS = [
  'command',
  'code',
  'environment',
  'environment_variables',
  'resources',
  'distribution',
];

export const COMMAND_KEYS = [...COMMAND_PART_KEYS, 'queue_settings'];

export const COMMAND_HINTS = {
  command: 'the command to run, e.g. python train.py --data ${{inputs.data}}',
  environment: 'azureml:<name>:<version>, azureml:<name>@latest or an inline definition with image',
  compute: 'the compute cluster to run on, e.g. azureml:cpu-cluster (none: serverless compute)',
};

/** Reads command, code, environment, environment_variables, resources and distribution of a mapping. */
export function readCommandParts(node: Node): CommandParts | undefined {
  const commandNode = node.child('command');
  const command = text(commandNode, 'a command line');
  const code = node.child('code').present ? readCode(node.child('code')) : undefined;
  const environment = readEnvironment(node.child('environment'));
  const environmentVariables = readEnvironmentVariables(node.child('environment_variables'));
  const resources = readResources(node.child('resources'));
  const distribution = readDistribution(node.child('distribution'));
  if (command === undefined || environment === undefined) return undefined;
  if (command.trim() === '') {
    commandNode.error(`'${commandNode.label}' is empty`);
    return undefined;
  }
  return {
    command,
    commandLocation: commandNode.location(),
    ...(code ? { code } : {}),
    environment,
    environmentVariables,
    ...(resources ? { resources } : {}),
    ...(distribution ? { distribution } : {}),
  };
}

function readEnvironmentVariables(node: Node): Record<string, string> {
  // The CLI also takes a `{value: ...}` binding here; plain name: value pairs are what the REST API carries.
  return stringMap(node);
}

export function readResources(node: Node): Resources | undefined {
  if (!node.present) return undefined;
  const keys = ['instance_count', 'instance_type', 'shm_size', 'docker_args', 'properties'];
  if (!fields(node, { what: `'${node.label}'`, keys })) return undefined;
  const instanceCount = integer(node.child('instance_count'), 'a whole number of nodes (1 or more)', 1);
  const instanceType = text(node.child('instance_type'));
  const shmSize = text(node.child('shm_size'), 'a size such as 2g');
  if (shmSize !== undefined && !/^\d+[bkmg]$/i.test(shmSize))
    node
      .child('shm_size')
      .error(
        `'${node.child('shm_size').label}' must be <number><unit> with unit b, k, m or g (e.g. 2g), got '${shmSize}'`,
      );
  const dockerArgs = text(node.child('docker_args'));
  const properties = node.child('properties');
  if (properties.present && !isMapping(properties.value)) properties.expected('a mapping');
  return {
    ...(instanceCount !== undefined ? { instanceCount } : {}),
    ...(instanceType !== undefined ? { instanceType } : {}),
    ...(shmSize !== undefined ? { shmSize } : {}),
    ...(dockerArgs !== undefined ? { dockerArgs } : {}),
    ...(isMapping(properties.value) ? { properties: properties.value } : {}),
  };
}

export function readDistribution(node: Node): Distribution | undefined {
  if (!node.present) return undefined;
  if (!isMapping(node.value)) {
    node.expected('a mapping with type pytorch, mpi or tensorflow');
    return undefined;
  }
  const type = oneOf(node.child('type'), ['pytorch', 'mpi', 'tensorflow'] as const);
  if (!node.child('type').present)
    node.error(`Missing 'type' in '${node.label}': pytorch, mpi or tensorflow`);
  if (type === undefined) return undefined;
  const count = (key: string) => integer(node.child(key), 'a whole number (1 or more)', 1);
  if (type === 'tensorflow') {
    if (
      !fields(node, {
        what: `a tensorflow distribution`,
        keys: ['type', 'worker_count', 'parameter_server_count'],
      })
    )
      return undefined;
    const workerCount = count('worker_count');
    const parameterServerCount = integer(
      node.child('parameter_server_count'),
      'a whole number (0 or more)',
      0,
    );
    return {
      type,
      ...(workerCount !== undefined ? { workerCount } : {}),
      ...(parameterServerCount !== undefined ? { parameterServerCount } : {}),
    };
  }
  if (!fields(node, { what: `a ${type} distribution`, keys: ['type', 'process_count_per_instance'] }))
    return undefined;
  const processCountPerInstance = count('process_count_per_instance');
  return { type, ...(processCountPerInstance !== undefined ? { processCountPerInstance } : {}) };
}

/** `limits` of a command job or step: `timeout` in seconds. */
export function readCommandLimits(node: Node): { timeout?: number } | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: `'${node.label}'`, keys: ['timeout'] })) return undefined;
  const timeout = integer(node.child('timeout'), 'an integer number of seconds', 1);
  return timeout !== undefined ? { timeout } : {};
}

export function readIdentity(node: Node): Identity | undefined {
  if (!node.present) return undefined;
  if (!isMapping(node.value)) {
    node.expected('a mapping with type managed, aml_token or user_identity');
    return undefined;
  }
  const type = oneOf(node.child('type'), [
    'managed',
    'managed_identity',
    'aml_token',
    'user_identity',
  ] as const);
  if (!node.child('type').present)
    node.error(`Missing 'type' in '${node.label}': managed, aml_token or user_identity`);
  if (type === undefined) return undefined;
  if (type === 'aml_token' || type === 'user_identity') {
    fields(node, { what: `an ${type} identity`, keys: ['type'] });
    return { type };
  }
  if (
    !fields(node, { what: 'a managed identity', keys: ['type', 'client_id', 'object_id', 'msi_resource_id'] })
  )
    return undefined;
  const clientId = text(node.child('client_id'));
  const objectId = text(node.child('object_id'));
  const msiResourceId = text(node.child('msi_resource_id'));
  return {
    type: 'managed',
    ...(clientId !== undefined ? { clientId } : {}),
    ...(objectId !== undefined ? { objectId } : {}),
    ...(msiResourceId !== undefined ? { msiResourceId } : {}),
  };
}

const SERVICE_TYPES: Readonly<Record<string, string>> = {
  jupyter_lab: 'JupyterLab',
  ssh: 'SSH',
  tensor_board: 'TensorBoard',
  vs_code: 'VSCode',
};

/** `services`: interactive endpoints (ssh, jupyter_lab, tensor_board, vs_code) on the job's nodes. */
export function readServices(node: Node): Record<string, JobService> {
  const result: Record<string, JobService> = {};
  if (!node.present) return result;
  if (!isMapping(node.value)) {
    node.expected('a mapping of service names to services');
    return result;
  }
  for (const name of Object.keys(node.value)) {
    const service = node.child(name);
    const keys = ['type', 'job_service_type', 'port', 'nodes', 'properties', 'ssh_public_keys', 'log_dir'];
    if (!fields(service, { what: `service '${service.label}'`, keys })) continue;
    const shortType = service.child('type').present
      ? oneOf(service.child('type'), Object.keys(SERVICE_TYPES))
      : undefined;
    const restType = text(service.child('job_service_type'));
    const port = integer(service.child('port'), 'a port number', 1);
    const properties = stringMap(service.child('properties'));
    const keysText = text(service.child('ssh_public_keys'));
    if (keysText !== undefined) properties.sshPublicKeys = keysText;
    const logDir = text(service.child('log_dir'));
    if (logDir !== undefined) properties.logDir = logDir;
    if (service.child('nodes').present)
      node.problems.warn(
        node.document,
        [...service.path, 'nodes'],
        `'${service.label}.nodes' is ignored: the API version the step uses has no such field`,
      );
    const type = restType ?? (shortType ? SERVICE_TYPES[shortType] : undefined);
    result[name] = { ...(type ? { type } : {}), ...(port !== undefined ? { port } : {}), properties };
  }
  return result;
}

export function readQueueSettings(node: Node): QueueSettings | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: `'${node.label}'`, keys: ['job_tier', 'priority'] })) return undefined;
  const jobTier = oneOf(node.child('job_tier'), ['null', 'spot', 'basic', 'standard', 'premium']);
  const priority = oneOf(node.child('priority'), ['low', 'medium', 'high']);
  if (priority !== undefined)
    node.problems.warn(
      node.document,
      [...node.path, 'priority'],
      `'${node.label}.priority' is not sent: the API version the step uses (2025-12-01) has only the job tier`,
    );
  return { ...(jobTier ? { jobTier } : {}), ...(priority ? { priority } : {}) };
}

/** Where a job spec was read from: its file (absolute), its root's location, and the warnings reading it gave. */
export function jobOrigin(root: Node): { file: string; location: SourceLocation; warnings: string[] } {
  return {
    file: path.resolve(root.document.file),
    location: root.location(),
    warnings: root.problems.warnings,
  };
}

/** Common job metadata: name, display_name, experiment_name, description, tags, properties. */
export function readMetadata(node: Node) {
  const name = textLike(node.child('name'));
  if (name !== undefined && !/^[A-Za-z0-9_-]{1,255}$/.test(name))
    node
      .child('name')
      .error(`'name' must be letters, digits, - and _ (it is the job's id in the workspace), got '${name}'`);
  const displayName = textLike(node.child('display_name'));
  const experimentName = textLike(node.child('experiment_name'));
  const description = textLike(node.child('description'));
  return {
    ...(name !== undefined ? { name } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(experimentName !== undefined ? { experimentName } : {}),
    ...(description !== undefined ? { description } : {}),
    tags: stringMap(node.child('tags')),
    properties: stringMap(node.child('properties')),
  };
}
