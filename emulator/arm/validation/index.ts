/**
 * Request validation of the ARM front door and the Machine Learning provider, from data:
 * - api-versions (`api-versions.ts`): a version a provider does not register → 400 `NoRegisteredProviderFound`
 *   with ARM's message;
 * - PUT bodies of Microsoft.MachineLearningServices resources below a workspace against the models of the
 *   request's api-version (`ml-2022-10-01.json` derived from the SDK, plus `ML_DELTAS`), the resource names
 *   against the path parameters' patterns, and the cross-field rules of online endpoints (`rules.ts`);
 *   refusals are Azure ML's `UserError` body with one `details` entry per problem (`target` = JSON path);
 * - PUT bodies of container groups (Microsoft.ContainerInstance) and cluster extensions
 *   (Microsoft.KubernetesConfiguration) against the models of their SDKs' api-version (`aci-2023-05-01.json`,
 *   `kubernetesconfiguration-2023-05-01.json`); refusals are ARM's `InvalidRequestContent` with `details`.
 */
import type { EmulatorRequest, EmulatorResponse } from '../../server';
import { armError } from '../../server';
import type { ResourceStore } from '../store';
import { API_VERSIONS, ML_DELTAS, type ModelDelta } from './api-versions';
import aciSchema from './aci-2023-05-01.json';
import extensionSchema from './kubernetesconfiguration-2023-05-01.json';
import schemaFile from './ml-2022-10-01.json';
import { endpointRules } from './rules';
import type { ModelSchema, NameRule, SchemaFile, TypeSchema } from './schema';
import { BodyValidator, type Models, type Problem } from './validate';

const SCHEMA = schemaFile as SchemaFile;

/** Namespace and type (`workspaces/onlineEndpoints`) of a provider path, from its last `/providers/{ns}`. */
export function providerType(path: string): { namespace: string; type: string; names: string[] } | undefined {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  let at = -1;
  for (let i = 0; i < parts.length - 1; i++) if (parts[i]?.toLowerCase() === 'providers') at = i + 1;
  if (at < 0) return undefined;
  const rest = parts.slice(at + 1);
  // `/subscriptions/{s}/providers/{ns}` and `.../register` are Microsoft.Resources' own routes.
  if (rest.length === 0 || (at === 3 && rest.length === 1)) return undefined;
  return {
    namespace: parts[at] ?? '',
    type: rest.filter((_, i) => i % 2 === 0).join('/'),
    names: rest.filter((_, i) => i % 2 === 1),
  };
}

/** 400 `NoRegisteredProviderFound` when the provider does not register the request's api-version. */
export function checkApiVersion(req: EmulatorRequest, location: string): EmulatorResponse | undefined {
  const target = providerType(req.path);
  if (!target) return undefined;
  const provider = API_VERSIONS[target.namespace.toLowerCase()];
  const version = req.query.get('api-version') ?? '';
  if (!provider || provider.versions.includes(version)) return undefined;
  const type = /^locations\//i.test(target.type) ? 'locations/operationStatuses' : target.type;
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${version}' for type ` +
      `'${type}'. The supported api-versions are '${provider.versions.join(', ')}'. The supported locations are ` +
      `'${location}'.`,
  );
}

const modelsByVersion = new Map<string, Models>();

/** The Machine Learning models at `apiVersion`: the derived 2022-10-01 ones plus every delta up to it. */
export function modelsAt(apiVersion: string): Models {
  const cached = modelsByVersion.get(apiVersion);
  if (cached) return cached;
  const models: Record<string, ModelSchema> = structuredClone(SCHEMA.models);
  for (const delta of ML_DELTAS) if (delta.apiVersion <= apiVersion) applyDelta(models, delta);
  modelsByVersion.set(apiVersion, models);
  return models;
}

/** Applies one version's differences: properties, whole models, subtypes, required properties, enum values. */
function applyDelta(models: Record<string, ModelSchema>, delta: ModelDelta): void {
  for (const { model, property, schema } of delta.properties ?? []) {
    const target = models[model];
    if (target) target.properties[property] = structuredClone(schema);
  }
  for (const added of delta.models ?? []) {
    const base = added.extends ? models[added.extends] : undefined;
    models[added.name] = {
      properties: structuredClone({ ...base?.properties, ...added.properties }),
      ...(added.discriminator ? { discriminator: structuredClone(added.discriminator) } : {}),
    };
  }
  for (const { base, value, model } of delta.subtypes ?? []) {
    const discriminator = models[base]?.discriminator;
    if (discriminator) discriminator.values[value] = model;
  }
  for (const { model, property } of delta.required ?? []) {
    const target = models[model]?.properties[property];
    if (target) target.required = true;
  }
  for (const { enumName, add } of delta.enums ?? [])
    for (const model of Object.values(models))
      for (const property of Object.values(model.properties)) addEnumValues(property, enumName, add);
}

function addEnumValues(schema: TypeSchema, enumName: string, add: string[]): void {
  if (schema.enumName === enumName && schema.enum) schema.enum = [...schema.enum, ...add];
  if (schema.items) addEnumValues(schema.items, enumName, add);
  if (schema.values) addEnumValues(schema.values, enumName, add);
}

/** The id of the workspace a Machine Learning path is under, and the resource type below it. */
function underWorkspace(path: string): { workspaceId: string; type: string; names: string[] } | undefined {
  const m =
    /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+)\/(.+)$/i.exec(
      path.replace(/\/+$/, ''),
    );
  if (!m?.[1] || !m[2]) return undefined;
  const rest = m[2].split('/');
  if (rest.length % 2 !== 0) return undefined;
  return {
    workspaceId: m[1],
    type: rest.filter((_, i) => i % 2 === 0).join('/'),
    names: rest.filter((_, i) => i % 2 === 1),
  };
}

/** The resource types whose PUTs lose the properties their api-version does not define yet, and their model. */
const DROPPED_LATER: Readonly<Record<string, string>> = {
  onlineEndpoints: 'OnlineEndpointProperties',
  'onlineEndpoints/deployments': 'OnlineDeploymentProperties',
};

/**
 * Drops from an online endpoint or deployment PUT the properties its api-version does not define yet
 * (`mirrorTraffic` before 2023-04-01, a deployment's `dataCollector` before 2025-12-01): the service's reader of
 * that version skips them, so they neither fail the request nor take effect.
 */
function dropLaterProperties(body: unknown, apiVersion: string, propertiesModel: string): void {
  const props =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['properties'] : undefined;
  if (typeof props !== 'object' || props === null) return;
  for (const delta of ML_DELTAS)
    for (const { model, property } of delta.properties ?? [])
      if (delta.apiVersion > apiVersion && model === propertiesModel)
        delete (props as Record<string, unknown>)[property];
}

/** Problems of a Machine Learning PUT (names, body, cross-field rules), or undefined when it is not one. */
export function machineLearningProblems(req: EmulatorRequest, store: ResourceStore): Problem[] | undefined {
  if (req.method !== 'PUT') return undefined;
  const target = underWorkspace(req.path);
  const resource = target && SCHEMA.resources[target.type];
  if (!target || !resource || !store.get(target.workspaceId)) return undefined;
  const problems = nameProblems(resource.names, target.names);
  const apiVersion = req.query.get('api-version') ?? '';
  const propertiesModel = DROPPED_LATER[target.type];
  if (propertiesModel) dropLaterProperties(req.body, apiVersion, propertiesModel);
  const validator = new BodyValidator(modelsAt(apiVersion));
  validator.model(resource.model, req.body, '');
  problems.push(...validator.problems);
  if (target.type === 'onlineEndpoints' && problems.length === 0)
    problems.push(...endpointRules(req.body, `${req.path.replace(/\/+$/, '')}`, store));
  return problems;
}

/**
 * Other providers' derived models, by namespace (lower case): one api-version each, the one they register.
 * `ownChecks`: the paths whose problems the handler answers itself, in the service's own words (ACI's
 * `InvalidOsType`, `'image' is required for container ...`; `arm/container-instance.ts`).
 */
const PROVIDER_SCHEMAS: Readonly<Record<string, { schema: SchemaFile; ownChecks?: RegExp }>> = {
  'microsoft.containerinstance': {
    schema: aciSchema as SchemaFile,
    ownChecks:
      /^properties\.(osType|containers)$|^properties\.containers\[\d+\]\.(name|properties\.image)$|^properties\.ipAddress\.(type|ports)$/,
  },
  'microsoft.kubernetesconfiguration': { schema: extensionSchema as SchemaFile },
};

function nameProblems(names: NameRule[], given: string[]): Problem[] {
  const problems: Problem[] = [];
  names.forEach((rule, i) => {
    const name = decodeURIComponent(given[i] ?? '');
    if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(name))
      problems.push({
        path: rule.parameter,
        message: `'${name}' does not match the pattern ${rule.pattern}`,
      });
    if (rule.minLength !== undefined && name.length < rule.minLength)
      problems.push({ path: rule.parameter, message: `needs at least ${rule.minLength} characters` });
    if (rule.maxLength !== undefined && name.length > rule.maxLength)
      problems.push({ path: rule.parameter, message: `takes at most ${rule.maxLength} characters` });
  });
  return problems;
}

/**
 * Problems of a container group or extension PUT (name, body) at its api-version, or undefined when it is not one
 * (or its parent, a resource group or cluster, is missing: the handler answers that).
 */
export function providerProblems(
  req: EmulatorRequest,
  parentExists: (id: string) => boolean,
): Problem[] | undefined {
  if (req.method !== 'PUT') return undefined;
  const target = providerType(req.path);
  const provider = target && PROVIDER_SCHEMAS[target.namespace.toLowerCase()];
  const schema = provider?.schema;
  const resource = schema && target && schema.resources[target.type];
  if (!target || !schema || !resource || req.query.get('api-version') !== schema.apiVersion) return undefined;
  const parent = req.path.slice(0, req.path.toLowerCase().lastIndexOf('/providers/'));
  if (!parentExists(parent)) return undefined;
  const validator = new BodyValidator(schema.models);
  validator.model(resource.model, req.body, '');
  const own = provider.ownChecks;
  const body = own ? validator.problems.filter((p) => !own.test(p.path)) : validator.problems;
  return [...nameProblems(resource.names, target.names), ...body];
}

/** ARM's refusal of a body that does not match the provider's models: `InvalidRequestContent`, with details. */
export function invalidContent(problems: Problem[]): EmulatorResponse {
  const lines = problems.map((p) => `${p.path}: ${p.message}`);
  return {
    status: 400,
    body: {
      error: {
        code: 'InvalidRequestContent',
        message: `The request content was invalid: ${lines.join('; ')}`,
        details: problems.map((p, i) => ({
          code: 'InvalidRequestContent',
          target: p.path,
          message: lines[i],
        })),
      },
    },
  };
}

/** Azure ML's refusal of an invalid request: `UserError`, one `details` entry per problem. */
export function invalidRequest(
  req: EmulatorRequest,
  location: string,
  problems: Problem[],
): EmulatorResponse {
  const first = problems[0];
  const message =
    problems.length === 1 && first
      ? `${first.path}: ${first.message}`
      : `The request is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  return {
    status: 400,
    body: {
      error: {
        code: 'UserError',
        message,
        details: problems.map((p) => ({
          code: 'BadArgument',
          target: p.path,
          message: `${p.path}: ${p.message}`,
        })),
        innerError: { code: 'BadArgument' },
      },
      correlation: { operation: req.requestId, request: req.correlationId },
      environment: location,
      location,
      time: new Date().toISOString(),
      componentName: 'managementfrontend',
    },
  };
}
