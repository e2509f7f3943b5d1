import type { WorkspaceSession } from './workspace-session';
import { DataError } from '../step/errors';
import { getVersion } from './model-registry';

/**
 * Sets tags on an existing model version, keeping every other field: Azure ML lets a version's description, tags
 * and isArchived change (the rest is immutable), through a PUT of the whole version as read, as `az ml model
 * update` does. Returns the tags as stored.
 */
export async function setVersionTags(
  session: WorkspaceSession,
  modelName: string,
  version: string,
  tags: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const here = { resourceGroup: session.resourceGroup, workspaceName: session.workspaceName };
  const existing = await getVersion(session, here, modelName, version);
  if (!existing)
    throw new DataError(
      `Model '${modelName}' version ${version} does not exist in workspace '${session.workspaceName}': nothing to tag.`,
    );
  const { properties } = existing.resource;
  const updated = await session.call(`Tagging model '${modelName}' version ${version}`, (o) =>
    session.ml.modelVersions.createOrUpdate(
      session.resourceGroup,
      session.workspaceName,
      modelName,
      version,
      { properties: { ...properties, tags: { ...(properties.tags ?? {}), ...tags } } },
      o,
    ),
  );
  const stored = updated.properties.tags ?? {};
  return Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, String(v ?? '')]));
}
