/**
 * Microsoft.MachineLearningServices workspace assets: datastores (+ listSecrets), code / environment / data /
 * model containers and versions, computes. Follows the REST spec (2022-10-01; later api-versions accepted as
 * sent). Asset writes are synchronous (200/201); compute writes are long-running operations.
 */
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';
import type { BlobAccount } from '../storage';
import type { ArmEmulator } from './index';
import { ML_NAMESPACE } from './machine-learning';
import { pagedResponse } from './paging';
import {
  findParent,
  findResource,
  isObject,
  ok,
  properties,
  readPolled,
  seededSystemData,
  startProvisioning,
  systemData,
  type Json,
  startDeleting,
} from './resource';
import type { StoredResource } from './store';

export interface MlAssetsOptions {
  /** The storage account behind every workspace's default datastore (`workspaceblobstore`). */
  readonly blob: BlobAccount;
}

const WS = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ML_NAMESPACE}/workspaces/{workspaceName}`;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const VERSION_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;

// ---- helpers shared with ml-jobs.ts --------------------------------------------------------------------------

export function workspaceIdOf(req: EmulatorRequest): string {
  return (
    `/subscriptions/${req.params['subscriptionId'] ?? ''}/resourceGroups/${req.params['resourceGroupName'] ?? ''}` +
    `/providers/${ML_NAMESPACE}/workspaces/${req.params['workspaceName'] ?? ''}`
  );
}

/**
 * Azure ML's error body: ARM's `error` (`code: "UserError"`, the reason in `innerError.code`) plus the
 * correlation fields the management front end adds.
 */
export function userError(
  arm: ArmEmulator,
  req: EmulatorRequest,
  status: number,
  message: string,
  innerCode: string,
): EmulatorResponse {
  return {
    status,
    body: {
      error: { code: 'UserError', message, details: [], innerError: { code: innerCode } },
      correlation: { operation: req.requestId, request: req.correlationId },
      environment: arm.options.location,
      location: arm.options.location,
      time: new Date().toISOString(),
      componentName: 'managementfrontend',
    },
  };
}

/** JSON with sorted keys and without null/undefined members, for comparing bodies. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined && value[k] !== null)
      .map((k) => [k, canonical(value[k])]),
  );
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export type ListView = 'ActiveOnly' | 'ArchivedOnly' | 'All';

/** `listViewType` (default `ActiveOnly`), or undefined when it is not one of the three. */
export function listViewOf(req: EmulatorRequest): ListView | undefined {
  const raw = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
  return (['ActiveOnly', 'ArchivedOnly', 'All'] as const).find((v) => v.toLowerCase() === raw);
}

export function visibleIn(view: ListView, resource: StoredResource): boolean {
  const archived = properties(resource)['isArchived'] === true;
  return view === 'All' || (view === 'ArchivedOnly') === archived;
}

/** A non-negative integer query parameter: undefined when absent, NaN when invalid. */
function intParam(req: EmulatorRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : NaN;
}

// ---- asset types -----------------------------------------------------------------------------------------

export type AssetType = 'codes' | 'environments' | 'data' | 'models' | 'components';

interface AssetSpec {
  segment: AssetType;
  label: string;
  /** Fills the server defaults of a version's properties in place; returns what is wrong with them. */
  normalize(props: Json): string | undefined;
  /** Version properties that can never change (besides `isAnonymous` and existing `properties` values). */
  immutable: string[];
  /** The property holding the asset's storage path (changing it answers "Asset paths cannot be updated."). */
  path?: string;
}

const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];

function requireString(props: Json, key: string, label: string): string | undefined {
  const value = props[key];
  return typeof value === 'string' && value.length > 0
    ? undefined
    : `'${key}' is required for a ${label} version.`;
}

const SPECS: AssetSpec[] = [
  {
    segment: 'codes',
    label: 'code',
    normalize: (props) => requireString(props, 'codeUri', 'code'),
    immutable: ['codeUri'],
    path: 'codeUri',
  },
  {
    segment: 'environments',
    label: 'environment',
    normalize: normalizeEnvironment,
    immutable: ['image', 'build', 'condaFile', 'osType', 'inferenceConfig'],
  },
  {
    segment: 'data',
    label: 'data',
    normalize: (props) => {
      if (typeof props['dataType'] !== 'string' || !DATA_TYPES.includes(props['dataType'])) {
        return `'dataType' must be one of ${DATA_TYPES.join(', ')}.`;
      }
      return requireString(props, 'dataUri', 'data');
    },
    immutable: ['dataType', 'dataUri', 'referencedUris'],
    path: 'dataUri',
  },
  {
    segment: 'models',
    label: 'model',
    normalize: (props) => {
      props['modelType'] ??= 'CustomModel';
      return requireString(props, 'modelUri', 'model');
    },
    immutable: ['modelType', 'modelUri', 'jobName', 'flavors'],
    path: 'modelUri',
  },
  {
    // Pipeline steps: the CLI registers each inline step as an anonymous component (componentSpec = its YAML).
    segment: 'components',
    label: 'component',
    normalize: (props) =>
      isObject(props['componentSpec']) ? undefined : "'componentSpec' is required for a component version.",
    immutable: ['componentSpec'],
  },
];

function normalizeEnvironment(props: Json): string | undefined {
  const image = props['image'];
  const build = props['build'];
  if (image === undefined && build === undefined) {
    return "Either 'image' or 'build' is required for an environment version.";
  }
  if (image !== undefined && build !== undefined) {
    return "Only one of 'image' and 'build' can be set for an environment version.";
  }
  if (image !== undefined && (typeof image !== 'string' || image.length === 0)) {
    return "'image' must be a non-empty string.";
  }
  if (build !== undefined) {
    if (!isObject(build) || typeof build['contextUri'] !== 'string' || build['contextUri'].length === 0) {
      return "'build.contextUri' is required when 'build' is set.";
    }
    props['build'] = { ...build, dockerfilePath: build['dockerfilePath'] ?? 'Dockerfile' };
  }
  // Set by the service: environments created through the API are user-created.
  props['environmentType'] = 'UserCreated';
  props['osType'] ??= 'Linux';
  props['autoRebuild'] ??= 'Disabled';
  return undefined;
}

/** Properties every asset version has, with the type's own defaults. */
function versionProperties(spec: AssetSpec, input: Json): { props: Json } | { problem: string } {
  const props: Json = {
    ...input,
    tags: isObject(input['tags']) ? input['tags'] : {},
    properties: isObject(input['properties']) ? input['properties'] : {},
    isAnonymous: input['isAnonymous'] ?? false,
    isArchived: input['isArchived'] ?? false,
  };
  const problem = spec.normalize(props);
  if (problem) return { problem };
  props['provisioningState'] = 'Succeeded';
  return { props };
}

/** Why an existing version cannot take `next` (immutable asset versions), or undefined. */
function immutableChange(spec: AssetSpec, name: string, version: string, current: Json, next: Json) {
  if (spec.path && !sameJson(current[spec.path], next[spec.path])) return 'Asset paths cannot be updated.';
  for (const key of [...spec.immutable, 'isAnonymous']) {
    if (!sameJson(current[key], next[key])) {
      return (
        `The ${spec.label} version '${name}:${version}' already exists and '${key}' cannot be changed: only ` +
        'description, tags and isArchived can be updated. Create a new version instead.'
      );
    }
  }
  const before = isObject(current['properties']) ? current['properties'] : {};
  const after = isObject(next['properties']) ? next['properties'] : {};
  for (const [key, value] of Object.entries(after)) {
    if (key in before && before[key] !== value) {
      return (
        `Value of property ${key} for ${spec.label} ${name} cannot be replaced to ${String(value)} without ` +
        'increasing the version.'
      );
    }
  }
  return undefined;
}

// ---- ordering and filters of version lists -----------------------------------------------------------------

function seq(resource: StoredResource): number {
  return typeof resource.secrets['seq'] === 'number' ? resource.secrets['seq'] : 0;
}

function compareVersions(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  return a.localeCompare(b);
}

type Comparator = (a: StoredResource, b: StoredResource) => number;

/** The comparator of an `$orderBy` clause (`createdtime desc`, `version asc`, ...), or undefined if unknown. */
function orderByComparator(clause: string): Comparator | undefined {
  const m = /^\s*([\w.]+)(?:\s+(asc|desc))?\s*$/i.exec(clause);
  if (!m?.[1]) return undefined;
  const field = m[1].toLowerCase();
  const sign = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  const modified = (r: StoredResource) => {
    const data = r.body['systemData'];
    return isObject(data) && typeof data['lastModifiedAt'] === 'string' ? data['lastModifiedAt'] : '';
  };
  let compare: Comparator;
  if (['createdtime', 'createdat', 'created_at', 'createdon'].includes(field)) {
    compare = (a, b) => seq(a) - seq(b);
  } else if (['lastmodifiedtime', 'lastmodifiedat', 'modifiedtime'].includes(field)) {
    compare = (a, b) => modified(a).localeCompare(modified(b)) || seq(a) - seq(b);
  } else if (['version', 'name'].includes(field)) {
    compare = (a, b) => compareVersions(String(a.body['name']), String(b.body['name']));
  } else {
    return undefined;
  }
  return (a, b) => sign * compare(a, b);
}

/** `tags` / `properties` filters: `key1,key2=value2` (every entry must match). */
function matchesPairs(filter: string | null, values: unknown): boolean {
  if (filter === null || filter.trim() === '') return true;
  const dict = isObject(values) ? values : {};
  return filter.split(',').every((entry) => {
    const [key = '', ...rest] = entry.split('=');
    if (key.trim() === '') return true;
    if (!(key.trim() in dict)) return false;
    return rest.length === 0 || dict[key.trim()] === rest.join('=');
  });
}

// ---- computes --------------------------------------------------------------------------------------------

const COMPUTE_TYPES = [
  'AKS',
  'Kubernetes',
  'AmlCompute',
  'ComputeInstance',
  'VirtualMachine',
  'HDInsight',
  'DataFactory',
  'Databricks',
  'DataLakeAnalytics',
  'SynapseSpark',
];
const CLUSTER_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/(Microsoft\.ContainerService\/managedClusters|Microsoft\.Kubernetes\/connectedClusters)\/[^/]+$/i;

/** What Azure ML creates for an attached cluster without instance types (how-to-manage-kubernetes-instance-types). */
const DEFAULT_INSTANCE_TYPES = {
  defaultinstancetype: {
    nodeSelector: null,
    resources: {
      requests: { cpu: '100m', memory: '2Gi' },
      limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': null },
    },
  },
};

function amlComputeProperties(input: Json, now: string): Json {
  const scale = isObject(input['scaleSettings']) ? input['scaleSettings'] : {};
  const minNodeCount = typeof scale['minNodeCount'] === 'number' ? scale['minNodeCount'] : 0;
  return {
    vmSize: 'STANDARD_DS3_V2',
    vmPriority: 'Dedicated',
    osType: 'Linux',
    isolatedNetwork: false,
    remoteLoginPortPublicAccess: 'NotSpecified',
    enableNodePublicIp: true,
    ...input,
    scaleSettings: { maxNodeCount: 4, minNodeCount, nodeIdleTimeBeforeScaleDown: 'PT120S', ...scale },
    allocationState: 'Steady',
    allocationStateTransitionTime: now,
    errors: null,
    currentNodeCount: 0,
    targetNodeCount: minNodeCount,
    nodeStateCounts: {
      idleNodeCount: 0,
      runningNodeCount: 0,
      preparingNodeCount: 0,
      unusableNodeCount: 0,
      leavingNodeCount: 0,
      preemptedNodeCount: 0,
    },
  };
}

function kubernetesProperties(input: Json): Json {
  const instanceTypes = isObject(input['instanceTypes']) ? input['instanceTypes'] : DEFAULT_INSTANCE_TYPES;
  return {
    relayConnectionString: null,
    serviceBusConnectionString: null,
    extensionPrincipalId: null,
    extensionInstanceReleaseTrain: 'stable',
    vcName: null,
    ...input,
    namespace: typeof input['namespace'] === 'string' ? input['namespace'] : 'default',
    defaultInstanceType:
      typeof input['defaultInstanceType'] === 'string'
        ? input['defaultInstanceType']
        : (Object.keys(instanceTypes)[0] ?? 'defaultinstancetype'),
    instanceTypes,
  };
}

/** The compute's `properties` as Azure ML returns them (type-specific `properties.properties` filled in). */
function computeProperties(
  input: Json,
  location: string,
  createdOn: string,
  provisioningState: string,
): Json {
  const now = new Date().toISOString();
  const inner = isObject(input['properties']) ? input['properties'] : {};
  const type = input['computeType'];
  return {
    ...input,
    computeLocation: input['computeLocation'] ?? location,
    provisioningState,
    createdOn,
    modifiedOn: now,
    provisioningErrors: null,
    isAttachedCompute: type === 'Kubernetes',
    disableLocalAuth: input['disableLocalAuth'] ?? false,
    ...(type === 'AmlCompute' ? { properties: amlComputeProperties(inner, now) } : {}),
    ...(type === 'Kubernetes' ? { properties: kubernetesProperties(inner) } : {}),
  };
}

export interface AmlComputeOptions {
  vmSize?: string;
  minNodeCount?: number;
  maxNodeCount?: number;
}

export class MachineLearningAssetsEmulator {
  /** Items per page of list answers (containers, versions, computes); lower it to make tests page. */
  pageSize = 100;
  private sequence = 0;

  constructor(
    protected readonly arm: ArmEmulator,
    protected readonly options: MlAssetsOptions,
  ) {}

  /** Gives a new workspace what Azure ML creates with it (default datastores). */
  seedWorkspace(_workspaceId: string): void {}

  /** Adds a ready (`Succeeded`) compute to a workspace: `properties` is the compute (`computeType`, ...). */
  addCompute(
    workspaceId: string,
    name: string,
    props: Json,
    extra: { location?: string } = {},
  ): StoredResource {
    const workspace = this.arm.store.get(workspaceId);
    if (!workspace) throw new Error(`No workspace ${workspaceId}`);
    const id = `${workspace.id}/computes/${name}`;
    const now = new Date().toISOString();
    const location = extra.location ?? String(workspace.body['location'] ?? this.arm.options.location);
    return this.arm.store.set({
      id,
      secrets: {},
      body: {
        id,
        name,
        type: `${ML_NAMESPACE}/workspaces/computes`,
        location,
        tags: {},
        systemData: seededSystemData(now),
        properties: computeProperties(props, location, now, 'Succeeded'),
      },
    });
  }

  /** Adds a ready AmlCompute cluster (defaults: STANDARD_DS3_V2, 0..4 nodes). */
  addAmlCompute(workspaceId: string, name: string, options: AmlComputeOptions = {}): StoredResource {
    const scaleSettings: Json = {};
    if (options.minNodeCount !== undefined) scaleSettings['minNodeCount'] = options.minNodeCount;
    if (options.maxNodeCount !== undefined) scaleSettings['maxNodeCount'] = options.maxNodeCount;
    return this.addCompute(workspaceId, name, {
      computeType: 'AmlCompute',
      properties: { ...(options.vmSize ? { vmSize: options.vmSize } : {}), scaleSettings },
    });
  }

  /** Adds an attached Kubernetes compute for `clusterId` (not checked here, unlike the PUT). */
  addKubernetesCompute(
    workspaceId: string,
    name: string,
    clusterId: string,
    inner: Json = {},
  ): StoredResource {
    return this.addCompute(workspaceId, name, {
      computeType: 'Kubernetes',
      resourceId: clusterId,
      properties: inner,
    });
  }

  /** Adds an asset version (creating its container) as a PUT would; throws when `props` is invalid. */
  addAssetVersion(
    workspaceId: string,
    type: AssetType,
    name: string,
    version: string,
    props: Json,
  ): StoredResource {
    const workspace = this.arm.store.get(workspaceId);
    if (!workspace) throw new Error(`No workspace ${workspaceId}`);
    const spec = this.spec(type);
    const built = versionProperties(spec, props);
    if ('problem' in built) throw new Error(built.problem);
    const now = new Date().toISOString();
    const containerId = `${workspace.id}/${spec.segment}/${name}`;
    const container =
      this.arm.store.get(containerId) ??
      this.arm.store.set(this.newContainer(spec, containerId, name, built.props, seededSystemData(now)));
    const created = this.newVersion(spec, container, version, built.props, seededSystemData(now));
    this.refreshContainer(container);
    return created;
  }

  register(): void {
    for (const spec of SPECS) this.registerAssetType(spec);
    const computes = `${WS}/computes`;
    this.arm.route('GET', computes, (req) => this.listComputes(req));
    this.arm.route('GET', `${computes}/{computeName}`, (req) => this.getCompute(req));
    this.arm.route('PUT', `${computes}/{computeName}`, (req) => this.putCompute(req));
    this.arm.route('DELETE', `${computes}/{computeName}`, (req) => this.deleteCompute(req));
  }

  private registerAssetType(spec: AssetSpec): void {
    const base = `${WS}/${spec.segment}`;
    const arm = this.arm;
    arm.route('GET', base, (req) => this.listContainers(req, spec));
    arm.route('GET', `${base}/{name}`, (req) => this.read(req, this.containerId(req, spec)));
    arm.route('PUT', `${base}/{name}`, (req) => this.putContainer(req, spec));
    arm.route('DELETE', `${base}/{name}`, (req) => this.deleteContainer(req, spec));
    arm.route('GET', `${base}/{name}/versions`, (req) => this.listVersions(req, spec));
    arm.route('GET', `${base}/{name}/versions/{version}`, (req) => this.read(req, this.versionId(req, spec)));
    arm.route('PUT', `${base}/{name}/versions/{version}`, (req) => this.putVersion(req, spec));
    arm.route('DELETE', `${base}/{name}/versions/{version}`, (req) => this.deleteVersion(req, spec));
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  private spec(type: AssetType): AssetSpec {
    const spec = SPECS.find((s) => s.segment === type);
    if (!spec) throw new Error(`Unknown asset type ${type}`);
    return spec;
  }

  private containerId(req: EmulatorRequest, spec: AssetSpec): string {
    return `${workspaceIdOf(req)}/${spec.segment}/${req.params['name'] ?? ''}`;
  }

  private versionId(req: EmulatorRequest, spec: AssetSpec): string {
    return `${this.containerId(req, spec)}/versions/${req.params['version'] ?? ''}`;
  }

  private computeId(req: EmulatorRequest): string {
    return `${workspaceIdOf(req)}/computes/${req.params['computeName'] ?? ''}`;
  }

  /** GET of a resource; in the `provisioning-state` style this is the poll that advances its operation. */
  private read(req: EmulatorRequest, id: string): EmulatorResponse {
    const found = findResource(this.arm, req, id);
    if ('status' in found) return found;
    return readPolled(this.arm, found, req.params['resourceGroupName'] ?? '');
  }

  private badRequest(req: EmulatorRequest, message: string): EmulatorResponse {
    return userError(this.arm, req, 400, message, 'BadArgument');
  }

  /** The request body's `properties` object, or the 400 for a body without one. */
  private bodyProperties(req: EmulatorRequest): { props: Json } | { response: EmulatorResponse } {
    if (!isObject(req.body)) {
      return {
        response: armError(
          400,
          'InvalidRequestContent',
          'The request content was invalid and could not be deserialized.',
        ),
      };
    }
    const props = req.body['properties'];
    if (!isObject(props)) {
      return { response: this.badRequest(req, "The request content was invalid: 'properties' is required.") };
    }
    return { props };
  }

  // ---- containers ------------------------------------------------------------------------------------------

  private listContainers(req: EmulatorRequest, spec: AssetSpec): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const view = listViewOf(req);
    if (!view) return this.badRequest(req, `Invalid listViewType '${req.query.get('listViewType') ?? ''}'.`);
    const count = intParam(req, 'count');
    if (Number.isNaN(count)) return this.badRequest(req, "'count' must be a non-negative integer.");
    const items = this.arm.store
      .children(workspace.id, spec.segment)
      .filter((c) => visibleIn(view, c))
      .map((c) => c.body);
    return pagedResponse(req, items, Math.min(this.pageSize, count || Infinity));
  }

  private newContainer(spec: AssetSpec, id: string, name: string, props: Json, data: Json): StoredResource {
    return {
      id,
      secrets: {},
      body: {
        id,
        name,
        type: `${ML_NAMESPACE}/workspaces/${spec.segment}`,
        systemData: data,
        properties: {
          description: props['description'],
          tags: isObject(props['tags']) ? props['tags'] : {},
          properties: isObject(props['properties']) ? props['properties'] : {},
          isArchived: props['isArchived'] ?? false,
          ...(spec.segment === 'data' ? { dataType: props['dataType'] } : {}),
          latestVersion: null,
          nextVersion: '1',
          provisioningState: 'Succeeded',
        },
      },
    };
  }

  private putContainer(req: EmulatorRequest, spec: AssetSpec): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const name = req.params['name'] ?? '';
    if (!NAME_PATTERN.test(name)) return this.badRequest(req, `Invalid ${spec.label} name '${name}'.`);
    const body = this.bodyProperties(req);
    if ('response' in body) return body.response;
    const input = body.props;
    const id = `${workspace.id}/${spec.segment}/${name}`;
    const existing = this.arm.store.get(id);
    if (spec.segment === 'data') {
      const problem = this.dataTypeProblem(input['dataType'], existing);
      if (problem) return this.badRequest(req, problem);
    }
    const container = this.newContainer(
      spec,
      existing?.id ?? id,
      name,
      input,
      systemData(req, existing?.body['systemData']),
    );
    this.arm.store.set(container);
    this.refreshContainer(container);
    return { status: existing ? 200 : 201, body: container.body };
  }

  private dataTypeProblem(dataType: unknown, container: StoredResource | undefined): string | undefined {
    if (typeof dataType !== 'string' || !DATA_TYPES.includes(dataType)) {
      return `'dataType' must be one of ${DATA_TYPES.join(', ')}.`;
    }
    const current = container ? properties(container)['dataType'] : undefined;
    if (typeof current === 'string' && current !== dataType) {
      return `The data asset '${String(container?.body['name'])}' has dataType '${current}': it cannot be '${dataType}'.`;
    }
    return undefined;
  }

  /** Keeps `latestVersion` (last created) and `nextVersion` (highest numeric version + 1) up to date. */
  private refreshContainer(container: StoredResource): void {
    const versions = this.arm.store.children(container.id, 'versions').sort((a, b) => seq(a) - seq(b));
    const numbers = versions.map((v) => String(v.body['name'])).filter((v) => /^\d+$/.test(v));
    const props = properties(container);
    props['latestVersion'] = versions.at(-1)?.body['name'] ?? null;
    props['nextVersion'] = String(numbers.reduce((max, v) => Math.max(max, Number(v)), 0) + 1);
  }

  private deleteContainer(req: EmulatorRequest, spec: AssetSpec): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const id = this.containerId(req, spec);
    // Deleting what does not exist is not an error in ARM (204).
    if (!this.arm.store.get(id)) return { status: 204 };
    this.arm.store.delete(id);
    return { status: 200 };
  }

  // ---- versions --------------------------------------------------------------------------------------------

  private newVersion(
    spec: AssetSpec,
    container: StoredResource,
    version: string,
    props: Json,
    data: Json,
  ): StoredResource {
    const id = `${container.id}/versions/${version}`;
    this.sequence += 1;
    return this.arm.store.set({
      id,
      secrets: { seq: this.sequence },
      body: {
        id,
        name: version,
        type: `${ML_NAMESPACE}/workspaces/${spec.segment}/versions`,
        systemData: data,
        properties: props,
      },
    });
  }

  private putVersion(req: EmulatorRequest, spec: AssetSpec): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const name = req.params['name'] ?? '';
    const version = req.params['version'] ?? '';
    if (!NAME_PATTERN.test(name)) return this.badRequest(req, `Invalid ${spec.label} name '${name}'.`);
    if (!VERSION_PATTERN.test(version)) {
      return this.badRequest(
        req,
        `Invalid version '${version}': a version starts with a letter or digit and contains only letters, ` +
          "digits, '.', '-' and '_'.",
      );
    }
    const body = this.bodyProperties(req);
    if ('response' in body) return body.response;
    const input = body.props;
    const built = versionProperties(spec, input);
    if ('problem' in built) return this.badRequest(req, built.problem);
    const containerId = `${workspace.id}/${spec.segment}/${name}`;
    let container = this.arm.store.get(containerId);
    if (spec.segment === 'data') {
      const problem = this.dataTypeProblem(built.props['dataType'], container);
      if (problem) return this.badRequest(req, problem);
    }
    const existing = container ? this.arm.store.get(`${container.id}/versions/${version}`) : undefined;
    if (container && existing) return this.updateVersion(req, spec, container, existing, built.props);
    // Azure ML creates the container with the first version.
    container ??= this.arm.store.set(
      this.newContainer(spec, containerId, name, built.props, systemData(req)),
    );
    const created = this.newVersion(spec, container, version, built.props, systemData(req));
    this.refreshContainer(container);
    return { status: 201, body: created.body };
  }

  /** A PUT to an existing version: only description, tags, isArchived (and new `properties` keys) change. */
  private updateVersion(
    req: EmulatorRequest,
    spec: AssetSpec,
    container: StoredResource,
    existing: StoredResource,
    next: Json,
  ): EmulatorResponse {
    const current = properties(existing);
    const problem = immutableChange(
      spec,
      String(container.body['name']),
      String(existing.body['name']),
      current,
      next,
    );
    if (problem) return userError(this.arm, req, 409, problem, 'ImmutableAssetVersion');
    const before = isObject(current['properties']) ? current['properties'] : {};
    const after = isObject(next['properties']) ? next['properties'] : {};
    existing.body['properties'] = {
      ...current,
      description: next['description'],
      tags: next['tags'],
      isArchived: next['isArchived'],
      properties: { ...before, ...after },
    };
    existing.body['systemData'] = systemData(req, existing.body['systemData']);
    return ok(existing.body);
  }

  private listVersions(req: EmulatorRequest, spec: AssetSpec): EmulatorResponse {
    const container = findParent(this.arm, req, this.containerId(req, spec));
    if ('status' in container) return container;
    const view = listViewOf(req);
    if (!view) return this.badRequest(req, `Invalid listViewType '${req.query.get('listViewType') ?? ''}'.`);
    const top = intParam(req, '$top');
    const offset = intParam(req, 'offset');
    if (Number.isNaN(top) || Number.isNaN(offset)) {
      return this.badRequest(req, "'$top' and 'offset' must be non-negative integers.");
    }
    const orderBy = req.query.get('$orderBy') ?? req.query.get('$orderby');
    const compare = orderBy
      ? orderByComparator(orderBy)
      : (a: StoredResource, b: StoredResource) => seq(a) - seq(b);
    if (!compare) return this.badRequest(req, `The $orderBy clause '${orderBy ?? ''}' is not supported.`);
    const matching = this.arm.store
      .children(container.id, 'versions')
      .filter((v) => visibleIn(view, v) && this.matchesFilters(req, v))
      .sort(compare)
      .slice(offset ?? 0);
    const items = (top === undefined ? matching : matching.slice(0, top)).map((v) => v.body);
    return pagedResponse(req, items, this.pageSize);
  }

  /** `$tags`/`tags`, `properties`, `version` and `description` filters of version lists. */
  private matchesFilters(req: EmulatorRequest, version: StoredResource): boolean {
    const props = properties(version);
    const wanted = (name: string) => req.query.get(name);
    const versionFilter = wanted('version');
    const descriptionFilter = wanted('description');
    return (
      matchesPairs(wanted('$tags') ?? wanted('tags'), props['tags']) &&
      matchesPairs(wanted('properties'), props['properties']) &&
      (versionFilter === null || versionFilter === version.body['name']) &&
      (descriptionFilter === null || descriptionFilter === props['description'])
    );
  }

  private deleteVersion(req: EmulatorRequest, spec: AssetSpec): EmulatorResponse {
    const container = findParent(this.arm, req, this.containerId(req, spec));
    if ('status' in container) return container;
    const id = this.versionId(req, spec);
    if (!this.arm.store.get(id)) return { status: 204 };
    this.arm.store.delete(id);
    this.refreshContainer(container);
    return { status: 200 };
  }

  // ---- computes --------------------------------------------------------------------------------------------

  private listComputes(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const items = this.arm.store.children(workspace.id, 'computes').map((c) => c.body);
    return pagedResponse(req, items, this.pageSize);
  }

  private getCompute(req: EmulatorRequest): EmulatorResponse {
    return this.read(req, this.computeId(req));
  }

  /** What is wrong with a compute PUT body (`properties.computeType`, the cluster of a Kubernetes attach). */
  private computeProblem(input: Json): string | undefined {
    const type = input['computeType'];
    if (typeof type !== 'string' || !COMPUTE_TYPES.includes(type)) {
      return `'properties.computeType' must be one of ${COMPUTE_TYPES.join(', ')}.`;
    }
    if (type !== 'Kubernetes') return undefined;
    const clusterId = input['resourceId'];
    if (typeof clusterId !== 'string' || !CLUSTER_ID.test(clusterId)) {
      return (
        "Attaching a Kubernetes compute requires 'properties.resourceId': the ARM id of a " +
        'Microsoft.ContainerService/managedClusters or Microsoft.Kubernetes/connectedClusters resource.'
      );
    }
    if (!this.arm.store.get(clusterId)) {
      return `The Kubernetes cluster '${clusterId}' was not found: it cannot be attached to the workspace.`;
    }
    return undefined;
  }

  private putCompute(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const id = `${workspace.id}/computes/${req.params['computeName'] ?? ''}`;
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const checked = this.bodyProperties(req);
    if ('response' in checked) return checked.response;
    const input = checked.props;
    const problem = this.computeProblem(input);
    if (problem) return this.badRequest(req, problem);
    const body = req.body as Json;
    const existing = this.arm.store.get(id);
    const location =
      typeof body['location'] === 'string' ? body['location'] : String(workspace.body['location']);
    const createdOn = existing ? String(properties(existing)['createdOn']) : new Date().toISOString();
    const resource: StoredResource = {
      id: existing?.id ?? id,
      secrets: existing?.secrets ?? {},
      body: {
        id: existing?.id ?? id,
        name: req.params['computeName'] ?? '',
        type: `${ML_NAMESPACE}/workspaces/computes`,
        location,
        tags: body['tags'] ?? {},
        ...(body['identity'] !== undefined ? { identity: body['identity'] } : {}),
        ...(body['sku'] !== undefined ? { sku: body['sku'] } : {}),
        systemData: systemData(req, existing?.body['systemData']),
        properties: computeProperties(input, location, createdOn, existing ? 'Updating' : 'Creating'),
      },
    };
    const op = startProvisioning(this.arm, resource, 'computes');
    return this.arm.accepted(req, ML_NAMESPACE, op, resource.body, !existing);
  }

  /** DELETE with `underlyingResourceAction=Delete|Detach` (attached clusters themselves are left alone). */
  private deleteCompute(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const action = req.query.get('underlyingResourceAction') ?? '';
    if (!['delete', 'detach'].includes(action.toLowerCase())) {
      return this.badRequest(req, "'underlyingResourceAction' is required: 'Delete' or 'Detach'.");
    }
    return startDeleting(
      this.arm,
      req,
      ML_NAMESPACE,
      { id: this.computeId(req), type: 'computes' },
      { finalStatus: 200 },
    );
  }
}
