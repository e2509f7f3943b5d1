/**
 * The data assets a deployment's data collections write to, registered as the CLI does before it PUTs the
 * deployment: for each collection a `uri_folder` data asset, named `<endpoint>-<deployment>-<collection>` version 1
 * at `azureml://datastores/workspaceblobstore/paths/modelDataCollector/<endpoint>/<deployment>/<collection>` unless
 * the collection's `data` names them. One that exists is reused (idempotent); `azureml:<name>:<version>` is used
 * as it is. A dry run registers nothing and lists the PUTs it would send.
 */
import type { WorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext } from '../../../step/define';
import { orMissing } from '../online';
import type { DataCollectorSpec } from '../spec/data-collector';
import type { PlannedRequest } from './dry-run';

/** Where the CLI puts collected data when a collection names no path. */
export const DEFAULT_COLLECTION_ROOT = 'azureml://datastores/workspaceblobstore/paths/modelDataCollector';

export interface CollectionData {
  /** The data asset ARM id of each collection, by collection name. */
  readonly dataIds: Record<string, string>;
  /** The data asset PUTs a real run would send (dry run only). */
  readonly planned: PlannedRequest[];
}

export async function resolveCollectionData(
  spec: DataCollectorSpec | undefined,
  where: { session: WorkspaceSession; context: StepContext; endpointName: string; deploymentName: string },
  dryRun: boolean,
): Promise<CollectionData> {
  const result: CollectionData = { dataIds: {}, planned: [] };
  if (!spec) return result;
  const { session, context, endpointName, deploymentName } = where;
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  for (const [collection, settings] of Object.entries(spec.collections)) {
    const data = settings.data;
    if (data?.asset) {
      result.dataIds[collection] =
        `${session.workspaceId}/data/${data.asset.name}/versions/${data.asset.version}`;
      continue;
    }
    const name = data?.name ?? `${endpointName}-${deploymentName}-${collection}`;
    const version = data?.version ?? '1';
    const path = data?.path ?? `${DEFAULT_COLLECTION_ROOT}/${endpointName}/${deploymentName}/${collection}`;
    const id = `${session.workspaceId}/data/${name}/versions/${version}`;
    result.dataIds[collection] = id;
    const existing = await orMissing(() =>
      session.call(`Reading data asset ${name}:${version}`, (o) =>
        ml.dataVersions.get(rg, ws, name, version, o),
      ),
    );
    if (existing) {
      context.logger.info(
        `Data collection '${collection}' writes to data asset ${name}:${version} (exists).`,
      );
      result.dataIds[collection] = existing.id ?? id;
      continue;
    }
    const body = { properties: { dataType: 'uri_folder' as const, dataUri: path } };
    if (dryRun) {
      result.planned.push({
        method: 'PUT',
        path: id,
        what: `register data asset ${name}:${version} for collection '${collection}'`,
        body,
      });
      continue;
    }
    const created = await session.call(`Registering data asset ${name}:${version}`, (o) =>
      ml.dataVersions.createOrUpdate(rg, ws, name, version, body, o),
    );
    context.logger.info(
      `Data collection '${collection}' writes to data asset ${name}:${version} (registered: ${path}).`,
    );
    result.dataIds[collection] = created.id ?? id;
  }
  return result;
}
