/**
 * The endpoint and deployment as they should be, as ARM bodies, and what differs from what exists. Pure: the ids
 * (model, code, environment, compute) are resolved before. A resource whose desired fields all equal the existing
 * ones is left alone: re-running a deploy sends no PUT.
 */
import { createHash } from 'node:crypto';
import type { DeploymentSettings, EndpointSettings } from './config';
import type { DataCollectorSpec } from './spec/data-collector';
import type { Probe } from './spec/deployment-file';
import type { Traffic } from './traffic';

/** The api-version of the endpoint bodies we write ourselves: a stable one with `mirrorTraffic` (there since 2023-04-01). */
export const endpointApiVersion = '2024-04-01';

/**
 * The api-version of the deployment bodies we write and read ourselves: the first stable one whose
 * OnlineDeployment has `dataCollector` (2024-04-01 has none; 2025-12-01 does, and jobs are sent at it too).
 */
export const deploymentApiVersion = '2025-12-01';

/** An online deployment as the REST API takes and returns it (JSON, not the SDK's 2022-10-01 models). */
export interface DeploymentBody {
  location: string;
  tags?: Record<string, string>;
  sku?: { name: string; capacity?: number };
  properties: Record<string, unknown> & { provisioningState?: string };
}

/** The tag holding a hash of the deployment as we last wrote it: a setting removed from the YAML changes it. */
export const SPEC_TAG = 'azureml-steps.spec';

/** An online endpoint body as the 2024-04-01 REST API takes it (JSON, not the SDK's 2022-10-01 models). */
export interface EndpointBody {
  location: string;
  tags?: Record<string, string>;
  identity: { type: string; userAssignedIdentities?: Record<string, Record<string, never>> };
  properties: {
    authMode: string;
    description?: string;
    compute?: string;
    publicNetworkAccess?: string;
    properties?: Record<string, string>;
    traffic: Record<string, number>;
    mirrorTraffic?: Record<string, number>;
  };
}

/** The endpoint to PUT: the settings, the compute (Kubernetes), and the traffic to set. */
export function endpointBody(
  settings: EndpointSettings,
  location: string,
  computeId: string | undefined,
  traffic: Traffic,
  mirrorTraffic: Traffic | undefined,
): EndpointBody {
  const identity = settings.identity
    ? {
        type: settings.identity.type,
        ...(settings.identity.userAssignedIdentities
          ? {
              userAssignedIdentities: Object.fromEntries(
                settings.identity.userAssignedIdentities.map((id) => [id, {} as Record<string, never>]),
              ),
            }
          : {}),
      }
    : { type: 'SystemAssigned' };
  return {
    location,
    ...(Object.keys(settings.tags).length ? { tags: { ...settings.tags } } : {}),
    identity,
    properties: {
      authMode: settings.authMode,
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      ...(computeId !== undefined ? { compute: computeId } : {}),
      ...(settings.publicNetworkAccess ? { publicNetworkAccess: settings.publicNetworkAccess } : {}),
      ...(Object.keys(settings.properties).length ? { properties: { ...settings.properties } } : {}),
      traffic: { ...traffic },
      ...(mirrorTraffic !== undefined ? { mirrorTraffic: { ...mirrorTraffic } } : {}),
    },
  };
}

/**
 * The endpoint as it exists, carried over into a new body: what we do not manage (tags, description, identity
 * set elsewhere) is kept, so a PUT for traffic does not reset it.
 */
export function keepEndpoint(
  existing: Record<string, unknown>,
  traffic: Traffic,
  mirror: Traffic,
): EndpointBody {
  const props = (existing['properties'] ?? {}) as Record<string, unknown>;
  const identity = (existing['identity'] ?? { type: 'SystemAssigned' }) as {
    type?: string;
    userAssignedIdentities?: object;
  };
  const keep = <T>(key: string): T | undefined =>
    props[key] === undefined || props[key] === null ? undefined : (props[key] as T);
  const description = keep<string>('description');
  const compute = keep<string>('compute');
  const access = keep<string>('publicNetworkAccess');
  const properties = keep<Record<string, string>>('properties');
  const tags = existing['tags'] as Record<string, string> | undefined;
  return {
    location: String(existing['location'] ?? ''),
    ...(tags && Object.keys(tags).length ? { tags } : {}),
    identity: {
      type: identity.type ?? 'SystemAssigned',
      ...(identity.userAssignedIdentities
        ? {
            userAssignedIdentities: Object.fromEntries(
              Object.keys(identity.userAssignedIdentities).map((id) => [id, {} as Record<string, never>]),
            ),
          }
        : {}),
    },
    properties: {
      authMode: String(props['authMode'] ?? 'Key'),
      ...(description !== undefined ? { description } : {}),
      ...(compute !== undefined ? { compute } : {}),
      ...(access !== undefined ? { publicNetworkAccess: access } : {}),
      ...(properties && Object.keys(properties).length ? { properties } : {}),
      traffic: { ...traffic },
      mirrorTraffic: { ...mirror },
    },
  };
}

/** What resolving gave the deployment: ARM ids of its model, code and environment. */
export interface ResolvedIds {
  readonly modelId: string;
  readonly codeId?: string;
  readonly environmentId?: string;
  /** The data asset ARM id of each data collection, by collection name. */
  readonly collectionDataIds?: Readonly<Record<string, string>>;
}

/** The deployment to PUT as raw JSON at deploymentApiVersion. */
export function deploymentBody(
  settings: DeploymentSettings,
  kind: 'managed' | 'kubernetes',
  location: string,
  ids: ResolvedIds,
): DeploymentBody {
  const iso = (seconds: number) => `PT${seconds}S`;
  const probe = (p: Probe | undefined) =>
    p
      ? defined({
          initialDelay: p.initialDelay !== undefined ? iso(p.initialDelay) : undefined,
          period: p.period !== undefined ? iso(p.period) : undefined,
          timeout: p.timeout !== undefined ? iso(p.timeout) : undefined,
          successThreshold: p.successThreshold,
          failureThreshold: p.failureThreshold,
        })
      : undefined;
  const request = settings.requestSettings;
  const scale = settings.scaleSettings;
  const resources = settings.resources;
  const side = (r: { cpu?: string; memory?: string; gpu?: string } | undefined) =>
    r ? defined({ ...r }) : undefined;
  const properties = defined({
    endpointComputeType: kind === 'kubernetes' ? 'Kubernetes' : 'Managed',
    model: ids.modelId,
    codeConfiguration:
      settings.scoringScript !== undefined && ids.codeId !== undefined
        ? { codeId: ids.codeId, scoringScript: settings.scoringScript }
        : undefined,
    environmentId: ids.environmentId,
    instanceType: settings.instanceType,
    environmentVariables: Object.keys(settings.environmentVariables).length
      ? { ...settings.environmentVariables }
      : undefined,
    description: settings.description,
    properties: Object.keys(settings.properties).length ? { ...settings.properties } : undefined,
    appInsightsEnabled: settings.appInsightsEnabled,
    egressPublicNetworkAccess: settings.egressPublicNetworkAccess,
    modelMountPath: settings.modelMountPath,
    requestSettings: request
      ? defined({
          requestTimeout:
            request.requestTimeoutMs !== undefined ? `PT${request.requestTimeoutMs / 1000}S` : undefined,
          maxConcurrentRequestsPerInstance: request.maxConcurrentRequestsPerInstance,
          maxQueueWait:
            request.maxQueueWaitMs !== undefined ? `PT${request.maxQueueWaitMs / 1000}S` : undefined,
        })
      : undefined,
    livenessProbe: probe(settings.livenessProbe),
    readinessProbe: probe(settings.readinessProbe),
    scaleSettings: scale
      ? scale.type === 'default'
        ? { scaleType: 'Default' }
        : defined({
            scaleType: 'TargetUtilization',
            minInstances: scale.minInstances,
            maxInstances: scale.maxInstances,
            pollingInterval: scale.pollingInterval !== undefined ? iso(scale.pollingInterval) : undefined,
            targetUtilizationPercentage: scale.targetUtilizationPercentage,
          })
      : undefined,
    containerResourceRequirements:
      kind === 'kubernetes' && resources
        ? defined({
            containerResourceRequests: side(resources.requests),
            containerResourceLimits: side(resources.limits),
          })
        : undefined,
    dataCollector: dataCollector(settings.dataCollector, ids.collectionDataIds ?? {}),
  });
  const body = {
    location,
    properties,
    sku: { name: 'Default', capacity: settings.instanceCount },
  };
  return { ...body, tags: { ...settings.tags, [SPEC_TAG]: specHash(body) } };
}

/**
 * `properties.dataCollector` as the CLI sends it: each collection's mode, data asset id, client id and sampling
 * rate (the collector's `sampling_rate` applies to every collection, as the CLI sets it on each).
 */
export function dataCollector(
  spec: DataCollectorSpec | undefined,
  dataIds: Readonly<Record<string, string>>,
): Record<string, unknown> | undefined {
  if (!spec) return undefined;
  const collections = Object.fromEntries(
    Object.entries(spec.collections).map(([name, c]) => [
      name,
      defined({
        dataCollectionMode: c.enabled ? 'Enabled' : 'Disabled',
        dataId: dataIds[name],
        clientId: c.clientId,
        samplingRate: spec.samplingRate ?? c.samplingRate,
      }),
    ]),
  );
  return defined({
    collections,
    rollingRate: spec.rollingRate,
    requestLogging: spec.captureHeaders ? { captureHeaders: [...spec.captureHeaders] } : undefined,
  });
}

/** A short hash of what we send, kept in a tag: a removed setting is a change even though nothing reads it back. */
export function specHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

/** One difference between what should be and what is, for the log and the summary. */
export interface Difference {
  readonly path: string;
  readonly existing: unknown;
  readonly desired: unknown;
}

/** Fields compared as a whole (a key removed from the desired map is a change), not key by key. */
const WHOLE = new Set(['traffic', 'mirrorTraffic', 'environmentVariables']);

/**
 * Where `existing` does not have what `desired` asks for: every field of `desired` is compared (recursively for
 * objects; maps in WHOLE entirely), fields only `existing` has are the service's defaults and are not changes.
 * ARM ids compare without case; ISO durations and numbers in text form compare by value.
 */
export function differences(desired: unknown, existing: unknown, path = ''): Difference[] {
  if (isObject(desired)) {
    if (!isObject(existing)) return [{ path, existing, desired }];
    const key = path.split('.').pop() ?? '';
    if (WHOLE.has(key) && !sameMap(desired, existing)) return [{ path, existing, desired }];
    return Object.entries(desired).flatMap(([name, value]) =>
      value === undefined ? [] : differences(value, existing[name], path ? `${path}.${name}` : name),
    );
  }
  if (Array.isArray(desired)) {
    return canonical(desired) === canonical(existing) ? [] : [{ path, existing, desired }];
  }
  return sameValue(desired, existing) ? [] : [{ path, existing, desired }];
}

/** `properties.model: azureml:rain:2 → azureml:rain:3`, one line per difference. */
export function describeDifferences(found: readonly Difference[]): string[] {
  const show = (value: unknown) =>
    value === undefined || value === null
      ? '(none)'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  return found.map((d) => `${d.path}: ${show(d.existing)} → ${show(d.desired)}`);
}

function sameMap(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => sameValue(a[key], b[key]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    if (a.startsWith('/subscriptions/') || a.startsWith('azureml:'))
      return a.toLowerCase() === b.toLowerCase();
    const da = isoSeconds(a);
    const db = isoSeconds(b);
    if (da !== undefined && db !== undefined) return da === db;
    return a.toLowerCase() === b.toLowerCase() && /^(enabled|disabled|key|amltoken|aadtoken)$/i.test(a);
  }
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  return false;
}

/** `PT5S`, `PT0.5S`, `PT1M30S` in seconds; undefined for other text. */
function isoSeconds(text: string): number | undefined {
  const match = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(text);
  if (!match || text.length <= 2) return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** What differs between the endpoint to PUT and the one there is, traffic aside (compared as splits elsewhere). */
export function endpointSettingsChanges(desired: EndpointBody, existing: unknown): string[] {
  const { traffic: _t, mirrorTraffic: _m, ...compared } = desired.properties;
  return describeDifferences(
    differences(
      {
        properties: compared,
        ...(desired.tags ? { tags: desired.tags } : {}),
        identity: { type: desired.identity.type },
      },
      existing,
    ),
  );
}
