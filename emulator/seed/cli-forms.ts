/**
 * CLI v2 YAML forms (reference-yaml-compute-aml, -compute-kubernetes, -data, -environment, -component-command,
 * -model, -endpoint-online) → the REST bodies Azure ML takes (2022-10-01). Local paths are turned into URIs by
 * the caller (`upload`); everything else is a pure mapping. A problem throws a SeedError at the key's line.
 */
import { dump } from 'js-yaml';
import { locateIn, SeedError, type SeedEntry } from './seed-file';

export type Json = Record<string, unknown>;

export const isMapping = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function problem(entry: SeedEntry, key: string | undefined, message: string): SeedError {
  return new SeedError(message, locateIn(entry, key));
}

export function requiredString(entry: SeedEntry, key: string): string {
  const value = entry.value[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw problem(entry, value === undefined ? undefined : key, `'${key}' is required (a string)`);
}

function optionalString(entry: SeedEntry, key: string): string | undefined {
  const value = entry.value[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw problem(entry, key, `'${key}' must be a string`);
}

function optionalNumber(entry: SeedEntry, key: string): number | undefined {
  const value = entry.value[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw problem(entry, key, `'${key}' must be a non-negative number`);
}

/** `type:` among `allowed` (case-insensitive), or `fallback` when absent. */
export function typeOf(entry: SeedEntry, allowed: readonly string[], fallback?: string): string {
  const value = entry.value['type'] ?? fallback;
  const found = allowed.find((a) => typeof value === 'string' && a === value.toLowerCase());
  if (found) return found;
  throw problem(
    entry,
    entry.value['type'] === undefined ? undefined : 'type',
    value === undefined
      ? `'type' is required: one of ${allowed.join(', ')}`
      : `type '${String(value)}' is not one of ${allowed.join(', ')}`,
  );
}

/** `version:` as a string, or `1` when absent (the CLI's first version). */
export function versionOf(entry: SeedEntry): string {
  return optionalString(entry, 'version') ?? '1';
}

/** `description` and `tags`, shared by every asset. */
export function common(entry: SeedEntry): Json {
  const tags = entry.value['tags'];
  if (tags !== undefined && !isMapping(tags)) throw problem(entry, 'tags', "'tags' must be a mapping");
  const description = optionalString(entry, 'description');
  return {
    ...(description !== undefined ? { description } : {}),
    tags: Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [k, String(v)])),
  };
}

// ---- computes ------------------------------------------------------------------------------------------------

/** An `amlcompute` compute's PUT body. */
export function amlComputeBody(entry: SeedEntry, location: string): Json {
  const tier = (optionalString(entry, 'tier') ?? 'dedicated').toLowerCase();
  if (!['dedicated', 'low_priority'].includes(tier)) {
    throw problem(entry, 'tier', `tier '${tier}' is not one of dedicated, low_priority`);
  }
  const idle = optionalNumber(entry, 'idle_time_before_scale_down') ?? 120;
  return {
    location: optionalString(entry, 'location') ?? location,
    properties: {
      computeType: 'AmlCompute',
      ...common(entry),
      properties: {
        vmSize: optionalString(entry, 'size') ?? 'STANDARD_DS3_V2',
        vmPriority: tier === 'dedicated' ? 'Dedicated' : 'LowPriority',
        scaleSettings: {
          minNodeCount: optionalNumber(entry, 'min_instances') ?? 0,
          maxNodeCount: optionalNumber(entry, 'max_instances') ?? 4,
          nodeIdleTimeBeforeScaleDown: `PT${idle}S`,
        },
      },
    },
  };
}

/** A `kubernetes` compute's PUT body (an attach of `resource_id`). */
export function kubernetesComputeBody(entry: SeedEntry, location: string): Json {
  const namespace = optionalString(entry, 'namespace');
  return {
    location: optionalString(entry, 'location') ?? location,
    properties: {
      computeType: 'Kubernetes',
      ...common(entry),
      resourceId: requiredString(entry, 'resource_id'),
      properties: namespace ? { namespace } : {},
    },
  };
}

// ---- assets --------------------------------------------------------------------------------------------------

const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'];
export const DATA_TYPES = ['uri_folder', 'uri_file', 'mltable'];

export function dataBody(entry: SeedEntry, dataType: string, dataUri: string): Json {
  return { properties: { ...common(entry), dataType, dataUri } };
}

export function modelType(entry: SeedEntry): string {
  return typeOf(entry, MODEL_TYPES, 'custom_model');
}

export function modelBody(entry: SeedEntry, modelUri: string): Json {
  return { properties: { ...common(entry), modelType: modelType(entry), modelUri } };
}

/** An environment version: `image` (+ `conda_file`, its text) or `build` (its uploaded context). */
export function environmentBody(
  entry: SeedEntry,
  conda: string | undefined,
  contextUri: string | undefined,
): Json {
  const image = optionalString(entry, 'image');
  if ((image === undefined) === (contextUri === undefined)) {
    throw problem(entry, undefined, "an environment has either 'image' or 'build' (not both)");
  }
  const build = entry.value['build'];
  const dockerfile =
    isMapping(build) && typeof build['dockerfile_path'] === 'string' ? build['dockerfile_path'] : undefined;
  return {
    properties: {
      ...common(entry),
      ...(image !== undefined
        ? { image }
        : { build: { contextUri, dockerfilePath: dockerfile ?? 'Dockerfile' } }),
      ...(conda !== undefined ? { condaFile: conda } : {}),
      osType: (optionalString(entry, 'os_type') ?? 'linux').toLowerCase() === 'windows' ? 'Windows' : 'Linux',
    },
  };
}

/** `conda_file` given inline (a mapping) as YAML text; a path is read by the caller. */
export function inlineConda(entry: SeedEntry): string | undefined {
  const conda = entry.value['conda_file'];
  return isMapping(conda) ? dump(conda) : undefined;
}

/** A command component version: the YAML itself is the `componentSpec` (code and environment as resolved). */
export function componentBody(entry: SeedEntry, resolved: { code?: string; environment?: string }): Json {
  typeOf(entry, ['command'], 'command');
  requiredString(entry, 'command');
  const spec: Json = { ...entry.value, type: 'command', version: versionOf(entry) };
  if (resolved.code !== undefined) spec['code'] = resolved.code;
  if (resolved.environment !== undefined) spec['environment'] = resolved.environment;
  return { properties: { ...common(entry), componentSpec: spec } };
}

const AUTH_MODES: Record<string, string> = { key: 'Key', aml_token: 'AMLToken', aad_token: 'AADToken' };

export function endpointBody(entry: SeedEntry, location: string): Json {
  const mode = (optionalString(entry, 'auth_mode') ?? 'key').toLowerCase();
  const authMode = AUTH_MODES[mode];
  if (!authMode)
    throw problem(
      entry,
      'auth_mode',
      `auth_mode '${mode}' is not one of ${Object.keys(AUTH_MODES).join(', ')}`,
    );
  const { tags, description } = common(entry);
  return {
    location: optionalString(entry, 'location') ?? location,
    tags,
    identity: { type: 'SystemAssigned' },
    kind: 'Managed',
    properties: { authMode, ...(description !== undefined ? { description } : {}) },
  };
}
