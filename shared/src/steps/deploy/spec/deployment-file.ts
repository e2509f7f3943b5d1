/**
 * Reads an Azure ML CLI v2 online deployment YAML (`az ml online-deployment create -f`, managed or Kubernetes)
 * with file:line:column errors. `code` and `environment` are read as the train step reads them (local folders
 * relative to the YAML, `azureml:` assets, inline environments), so they resolve the same way.
 */
import type { SourceLocation } from '../../../step/errors';
import { readYamlFile } from '../../../yaml/load-yaml';
import { Problems } from '../../../yaml/problems';
import {
  boolean,
  fields,
  integer,
  isMapping,
  oneOf,
  stringMap,
  text,
  textLike,
  Node,
} from '../../../yaml/read-node';
import type { CodeReference, EnvironmentReference, FixedId } from '../../../azureml/references';
import { readCode, readEnvironment } from '../../../azureml/sources';
import { isUri, localPath } from '../../../azureml/asset-names';
import { readModelNode, type ModelFile } from '../../../azureml/model-file';
import { MODEL_FORMS, parseModelText, type DeployModel } from '../model-reference';
import { readDataCollector, type DataCollectorSpec } from './data-collector';

/** Seconds-based probe settings as the YAML writes them. */
export interface Probe {
  readonly initialDelay?: number;
  readonly period?: number;
  readonly timeout?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
}

export interface RequestSettings {
  readonly requestTimeoutMs?: number;
  readonly maxConcurrentRequestsPerInstance?: number;
  readonly maxQueueWaitMs?: number;
}

export type ScaleSettings =
  | { readonly type: 'default' }
  | {
      readonly type: 'target_utilization';
      readonly minInstances?: number;
      readonly maxInstances?: number;
      readonly pollingInterval?: number;
      readonly targetUtilizationPercentage?: number;
    };

/** Kubernetes container requests and limits (`cpu`, `memory`, `gpu` or `nvidia.com/gpu`), as Kubernetes quantities. */
export interface Resources {
  readonly requests?: { readonly cpu?: string; readonly memory?: string; readonly gpu?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string; readonly gpu?: string };
}

/** What the deployment YAML says; every field optional (explicit inputs override them). */
export interface DeploymentFile {
  readonly file: string;
  readonly name?: string;
  readonly endpointName?: string;
  readonly type?: 'managed' | 'kubernetes';
  readonly typeLocation?: SourceLocation;
  readonly model?: DeployModel;
  readonly code?: CodeReference | FixedId;
  readonly scoringScript?: string;
  readonly environment?: EnvironmentReference | FixedId;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly appInsightsEnabled?: boolean;
  readonly egressPublicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly requestSettings?: RequestSettings;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly scaleSettings?: ScaleSettings;
  readonly resources?: Resources;
  readonly modelMountPath?: string;
  readonly dataCollector?: DataCollectorSpec;
  readonly warnings: readonly string[];
}

const KEYS = [
  '$schema',
  'name',
  'endpoint_name',
  'type',
  'description',
  'tags',
  'properties',
  'model',
  'code_configuration',
  'environment',
  'environment_variables',
  'instance_type',
  'instance_count',
  'app_insights_enabled',
  'egress_public_network_access',
  'request_settings',
  'liveness_probe',
  'readiness_probe',
  'scale_settings',
  'resources',
  'model_mount_path',
  'data_collector',
  'private_network_connection',
  // Read-only keys of `az ml online-deployment show` output, accepted (with a warning) so that output can be reused.
  'id',
  'provisioning_state',
] as const;

const PROBE_KEYS = ['initial_delay', 'period', 'timeout', 'success_threshold', 'failure_threshold'] as const;

/** Loads and validates the deployment YAML; every problem at once as a YamlErrors (a DataError). */
export function loadDeploymentFile(file: string): DeploymentFile {
  const problems = new Problems();
  const root = Node.root(readYamlFile(file), problems, 'The deployment YAML');
  const spec = readDeployment(root, file);
  problems.throwIfAny();
  return { ...spec, warnings: problems.warnings };
}

function readDeployment(root: Node, file: string): Omit<DeploymentFile, 'warnings'> {
  const empty = { file, environmentVariables: {}, tags: {}, properties: {} };
  if (!fields(root, { what: 'an online deployment', keys: KEYS })) return empty;
  for (const key of ['id', 'provisioning_state'] as const)
    if (root.child(key).present)
      root.problems.warn(root.document, [key], `'${key}' is ignored: Azure ML sets it`);
  if (root.child('private_network_connection').present)
    root.problems.warn(
      root.document,
      ['private_network_connection'],
      `'private_network_connection' is ignored: no stable Azure ML API version has a field for it (egress_public_network_access: disabled is its stable form)`,
    );
  const dataCollector = readDataCollector(root.child('data_collector'));
  const name = text(root.child('name'));
  const endpointName = text(root.child('endpoint_name'));
  const type = oneOf(root.child('type'), ['managed', 'kubernetes'] as const);
  const model = readModel(root.child('model'));
  const codeConfiguration = readCodeConfiguration(root.child('code_configuration'));
  const environment = readEnvironment(root.child('environment'));
  const instanceType = text(root.child('instance_type'), 'an instance type, e.g. Standard_DS3_v2');
  const instanceCount = integer(root.child('instance_count'), 'a whole number of at least 1', 1);
  const description = textLike(root.child('description'));
  const appInsightsEnabled = boolean(root.child('app_insights_enabled'));
  const egress = oneOf(root.child('egress_public_network_access'), ['enabled', 'disabled'] as const);
  const requestSettings = readRequestSettings(root.child('request_settings'));
  const livenessProbe = readProbe(root.child('liveness_probe'));
  const readinessProbe = readProbe(root.child('readiness_probe'));
  const scaleSettings = readScaleSettings(root.child('scale_settings'));
  const resources = readResources(root.child('resources'));
  const modelMountPath = text(root.child('model_mount_path'), 'an absolute path in the container');
  if (type === 'managed' && resources)
    root.child('resources').error("'resources' is for Kubernetes deployments (type: kubernetes)");
  return {
    ...empty,
    ...(name !== undefined ? { name } : {}),
    ...(endpointName !== undefined ? { endpointName } : {}),
    ...(type ? { type, typeLocation: root.child('type').location() } : {}),
    ...(model ? { model } : {}),
    ...codeConfiguration,
    ...(environment ? { environment } : {}),
    ...(instanceType !== undefined ? { instanceType } : {}),
    ...(instanceCount !== undefined ? { instanceCount } : {}),
    environmentVariables: stringMap(root.child('environment_variables')),
    ...(description !== undefined ? { description } : {}),
    tags: stringMap(root.child('tags')),
    properties: stringMap(root.child('properties')),
    ...(appInsightsEnabled !== undefined ? { appInsightsEnabled } : {}),
    ...(egress ? { egressPublicNetworkAccess: egress === 'enabled' ? 'Enabled' : 'Disabled' } : {}),
    ...(requestSettings ? { requestSettings } : {}),
    ...(livenessProbe ? { livenessProbe } : {}),
    ...(readinessProbe ? { readinessProbe } : {}),
    ...(scaleSettings ? { scaleSettings } : {}),
    ...(resources ? { resources } : {}),
    ...(modelMountPath !== undefined ? { modelMountPath } : {}),
    ...(dataCollector ? { dataCollector } : {}),
  };
}

/**
 * `model:` as the CLI takes it: a registered model (`azureml:<name>:<version>`, `@latest`, a registry model), a
 * local path (`model: ./model`), or an inline model (`{path, name?, version?, type?, ...}`, decision 0017).
 */
function readModel(node: Node): DeployModel | undefined {
  if (!node.present) return undefined;
  const location = node.location();
  if (typeof node.value === 'string' && /^azureml:/i.test(node.value.trim())) {
    const model = parseModelText(node.value);
    if (!model) node.error(`'${node.label}' must be ${MODEL_FORMS}, got '${node.value.trim()}'`);
    return model;
  }
  if (typeof node.value === 'string') {
    const path = node.value.trim();
    if (isUri(path)) {
      node.error(
        `'${node.label}' must be a registered model (${MODEL_FORMS}), a local path, or an inline model ({path: ...}), got '${path}'`,
      );
      return undefined;
    }
    const local = localPath(path, node);
    if (!local) return undefined;
    if (!local.exists) {
      node.error(`'${node.label}': '${path}' does not exist (looked for ${local.path})`);
      return undefined;
    }
    const inline: Omit<ModelFile, 'warnings'> = {
      file: node.document.file,
      path: { kind: 'local', path: local.path, isFile: local.isFile },
      pathLocation: location,
      tags: {},
      properties: {},
    };
    return { kind: 'inline', model: inline, text: path, location };
  }
  if (!isMapping(node.value)) {
    node.expected(`a registered model (${MODEL_FORMS}), a local path, or an inline model ({path: ...})`);
    return undefined;
  }
  const model = readModelNode(node, 'an inline model');
  return model ? { kind: 'inline', model, text: inlineText(model), location } : undefined;
}

/** How messages name an inline model: `rain:3 (./model)`, `rain (./model)` or `./model`. */
function inlineText(model: Omit<ModelFile, 'warnings'>): string {
  const where =
    model.path.kind === 'local'
      ? model.path.path
      : model.path.kind === 'uri'
        ? model.path.uri
        : `azureml://jobs/${model.path.jobName}/outputs/${model.path.output}`;
  if (model.name === undefined) return `inline model ${where}`;
  return `inline model ${model.name}${model.version !== undefined ? `:${model.version}` : ''} (${where})`;
}

function readCodeConfiguration(node: Node): { code?: CodeReference | FixedId; scoringScript?: string } {
  if (!node.present) return {};
  if (
    !fields(node, {
      what: "the deployment's code configuration",
      keys: ['code', 'scoring_script'],
      required: ['code', 'scoring_script'],
    })
  )
    return {};
  const code = readCode(node.child('code'));
  const scoringScript = text(node.child('scoring_script'), 'the scoring script, e.g. score.py');
  if (code?.kind === 'code' && code.source === 'local' && code.isFile)
    node.child('code').error(`'${node.child('code').label}' must be a folder holding the scoring script`);
  return { ...(code ? { code } : {}), ...(scoringScript !== undefined ? { scoringScript } : {}) };
}

function readProbe(node: Node): Probe | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: `the probe '${node.label}'`, keys: PROBE_KEYS })) return undefined;
  const seconds = (key: string) => integer(node.child(key), 'a whole number of seconds', 0);
  const count = (key: string) => integer(node.child(key), 'a whole number of at least 1', 1);
  const probe: Record<string, number | undefined> = {
    initialDelay: seconds('initial_delay'),
    period: seconds('period'),
    timeout: seconds('timeout'),
    successThreshold: count('success_threshold'),
    failureThreshold: count('failure_threshold'),
  };
  return defined(probe) as Probe;
}

function readRequestSettings(node: Node): RequestSettings | undefined {
  if (!node.present) return undefined;
  if (
    !fields(node, {
      what: 'the request settings',
      keys: ['request_timeout_ms', 'max_concurrent_requests_per_instance', 'max_queue_wait_ms'],
    })
  )
    return undefined;
  return defined({
    requestTimeoutMs: integer(node.child('request_timeout_ms'), 'a whole number of milliseconds', 1),
    maxConcurrentRequestsPerInstance: integer(
      node.child('max_concurrent_requests_per_instance'),
      'a whole number of at least 1',
      1,
    ),
    maxQueueWaitMs: integer(node.child('max_queue_wait_ms'), 'a whole number of milliseconds', 0),
  }) as RequestSettings;
}

function readScaleSettings(node: Node): ScaleSettings | undefined {
  if (!node.present) return undefined;
  if (
    !fields(node, {
      what: 'the scale settings',
      keys: ['type', 'min_instances', 'max_instances', 'polling_interval', 'target_utilization_percentage'],
      required: ['type'],
    })
  )
    return undefined;
  const type = oneOf(node.child('type'), ['default', 'target_utilization'] as const);
  if (type === 'default') {
    for (const key of ['min_instances', 'max_instances', 'polling_interval', 'target_utilization_percentage'])
      if (node.child(key).present)
        node.child(key).error(`'${node.child(key).label}' is only for type target_utilization`, 'key');
    return { type };
  }
  if (type !== 'target_utilization') return undefined;
  return {
    type,
    ...defined({
      minInstances: integer(node.child('min_instances'), 'a whole number', 0),
      maxInstances: integer(node.child('max_instances'), 'a whole number of at least 1', 1),
      pollingInterval: integer(node.child('polling_interval'), 'a whole number of seconds', 1),
      targetUtilizationPercentage: integer(
        node.child('target_utilization_percentage'),
        'a whole number from 1 to 100',
        1,
      ),
    }),
  };
}

function readResources(node: Node): Resources | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: 'the container resources', keys: ['requests', 'limits'] })) return undefined;
  const side = (child: Node) => {
    if (!child.present) return undefined;
    // The CLI's schema takes `gpu`, and `nvidia.com/gpu` (the Kubernetes resource name) as another name for it.
    const keys = ['cpu', 'memory', 'gpu', 'nvidia.com/gpu'];
    if (!fields(child, { what: `'${child.label}'`, keys }) || !isMapping(child.value)) return undefined;
    if (child.child('gpu').present && child.child('nvidia.com/gpu').present)
      child
        .child('nvidia.com/gpu')
        .error(`'gpu' and 'nvidia.com/gpu' are the same setting: give one of them`);
    const gpuKey = child.child('gpu').present ? 'gpu' : 'nvidia.com/gpu';
    return defined({
      cpu: textLike(child.child('cpu'), 'a Kubernetes quantity, e.g. "0.5" or 500m'),
      memory: textLike(child.child('memory'), 'a Kubernetes quantity, e.g. 1Gi'),
      gpu: textLike(child.child(gpuKey), 'a whole number of GPUs'),
    });
  };
  const requests = side(node.child('requests'));
  const limits = side(node.child('limits'));
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
