import type { ModelVersion, ModelVersionProperties } from '@azure/arm-machinelearning';
import type { WorkspaceSession } from './workspace-session';
import { AzureError, DataError, type SourceLocation } from '../step/errors';
import { PROPERTY } from './model-types';

/** A model version as the step uses it: name, version, and the ARM resource. */
export interface RegisteredVersion {
  readonly name: string;
  readonly version: string;
  readonly resource: ModelVersion;
}

/** Runs a list of versions; a model that does not exist yet lists nothing. */
async function listVersions(
  session: WorkspaceSession,
  modelName: string,
  operation: string,
  options: { orderBy?: string; top?: number; tags?: string; properties?: string; listViewType?: 'All' },
  keep: (version: ModelVersion) => boolean = () => true,
  limit = Infinity,
): Promise<ModelVersion[]> {
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const found: ModelVersion[] = [];
  try {
    await session.call(operation, async (o) => {
      for await (const version of ml.modelVersions.list(rg, ws, modelName, { ...options, ...o })) {
        if (!keep(version)) continue;
        found.push(version);
        if (found.length >= limit) break;
      }
    });
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 404) return [];
    throw error;
  }
  return found;
}

const asRegistered = (modelName: string, resource: ModelVersion): RegisteredVersion => ({
  name: modelName,
  version: resource.name ?? '',
  resource,
});

/**
 * The version of `modelName` already registered from `sourceKey` (the `azureml.steps.source` property), newest
 * first. The service filters on the property; the answer is checked again in case a filter is not applied.
 */
export async function findRegistered(
  session: WorkspaceSession,
  modelName: string,
  sourceKey: string,
): Promise<RegisteredVersion | undefined> {
  const [found] = await listVersions(
    session,
    modelName,
    `Looking for a version of model '${modelName}' registered from ${sourceKey}`,
    { properties: `${PROPERTY.source}=${sourceKey}`, orderBy: 'createdtime desc' },
    (version) => version.properties.properties?.[PROPERTY.source] === sourceKey,
    1,
  );
  return found ? asRegistered(modelName, found) : undefined;
}

/** The newest version of `modelName` (optionally only those with a tag, `key` or `key=value`). */
export async function newestVersion(
  session: WorkspaceSession,
  modelName: string,
  tag?: { key: string; value?: string },
): Promise<RegisteredVersion | undefined> {
  const tagFilter = tag ? (tag.value === undefined ? tag.key : `${tag.key}=${tag.value}`) : undefined;
  const [found] = await listVersions(
    session,
    modelName,
    `Finding the newest version of model '${modelName}'${tagFilter ? ` tagged ${tagFilter}` : ''}`,
    { orderBy: 'createdtime desc', top: 1, ...(tagFilter ? { tags: tagFilter } : {}) },
    (version) =>
      !tag ||
      (tag.key in (version.properties.tags ?? {}) &&
        (tag.value === undefined || version.properties.tags?.[tag.key] === tag.value)),
    1,
  );
  return found ? asRegistered(modelName, found) : undefined;
}

/** One version of a model (any workspace of the subscription), or undefined when it does not exist. */
export async function getVersion(
  session: WorkspaceSession,
  where: { resourceGroup: string; workspaceName: string },
  modelName: string,
  version: string,
): Promise<RegisteredVersion | undefined> {
  try {
    const resource = await session.call(`Reading model '${modelName}' version ${version}`, (o) =>
      session.ml.modelVersions.get(where.resourceGroup, where.workspaceName, modelName, version, o),
    );
    return asRegistered(modelName, resource);
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** The next version number: the highest numeric version (archived ones included) plus one, or 1. */
export async function nextVersion(session: WorkspaceSession, modelName: string): Promise<string> {
  const all = await listVersions(session, modelName, `Listing the versions of model '${modelName}'`, {
    listViewType: 'All',
  });
  const numbers = all
    .map((v) => v.name ?? '')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  return String(numbers.reduce((max, n) => Math.max(max, n), 0) + 1);
}

/**
 * Registers a new version: the given one, or the next number. Versions are immutable, so an existing version is
 * never written to: a fixed version that exists is an error; a computed one taken meanwhile by another run is
 * computed again (three tries).
 */
export async function registerVersion(
  session: WorkspaceSession,
  modelName: string,
  fixed: { version: string; location?: SourceLocation } | undefined,
  properties: ModelVersionProperties,
): Promise<RegisteredVersion> {
  const here = { resourceGroup: session.resourceGroup, workspaceName: session.workspaceName };
  for (let attempt = 1; ; attempt++) {
    const version = fixed?.version ?? (await nextVersion(session, modelName));
    const existing = await getVersion(session, here, modelName, version);
    if (existing) {
      if (fixed) {
        const from = existing.resource.properties.properties?.[PROPERTY.source];
        throw new DataError(
          `Model '${modelName}' version ${version} already exists${from ? ` (registered from ${from})` : ''}: versions cannot be changed. Leave 'version' out to register the next one.`,
          fixed.location,
        );
      }
      if (attempt < 3) continue;
      throw new AzureError(
        `Model '${modelName}' version ${version} was taken while this step registered it; run the step again.`,
        'VersionConflict',
      );
    }
    const resource = await session.call(`Registering model '${modelName}' version ${version}`, (o) =>
      session.ml.modelVersions.createOrUpdate(
        session.resourceGroup,
        session.workspaceName,
        modelName,
        version,
        { properties },
        o,
      ),
    );
    return asRegistered(modelName, resource);
  }
}
