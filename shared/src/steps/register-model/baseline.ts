import type { WorkspaceSession } from '../../azureml/workspace-session';
import { AzureError, DataError } from '../../step/errors';
import { liveDeployments, type BaselineSpec } from './gate';
import { modelReference } from '../../azureml/model-types';
import { getVersion, newestVersion, type RegisteredVersion } from '../../azureml/model-registry';

/** A model version the candidate is compared with, and how it was chosen. */
export interface BaselineModel {
  readonly model: RegisteredVersion;
  /** `azureml:<name>:<version>`. */
  readonly modelId: string;
  /** e.g. `production: deployment 'blue' (90 % of traffic) on endpoint 'rain-prod'`. */
  readonly chosen: string;
}

/** The baseline(s) (several when deployments tie for the most traffic), or why there is none. */
export type BaselineChoice = { readonly models: readonly BaselineModel[] } | { readonly none: string };

/** A model version named by a deployment: which workspace, name and version (or the newest). */
export interface ModelRef {
  readonly resourceGroup?: string;
  readonly workspaceName?: string;
  readonly name: string;
  readonly version?: string;
}

const ARM_ID =
  /^(?:azureml:)?\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;
const SHORT = /^azureml:([A-Za-z0-9][A-Za-z0-9_-]*)(?::([A-Za-z0-9_.-]+)|@(latest))$/;

/**
 * What a deployment's `model` names: an ARM id (with or without `azureml:`), `azureml:<name>:<version>` or
 * `azureml:<name>@latest`. Undefined for anything else (registry models, inline model paths).
 */
export function parseModelRef(text: string): ModelRef | undefined {
  const id = ARM_ID.exec(text.trim());
  if (id) return { resourceGroup: id[1]!, workspaceName: id[2]!, name: id[3]!, version: id[4]! };
  const short = SHORT.exec(text.trim());
  if (short) return { name: short[1]!, ...(short[2] ? { version: short[2] } : {}) };
  return undefined;
}

/** Finds the baseline the gate compares with: the production model, the newest version, or the newest tagged one. */
export async function findBaseline(
  session: WorkspaceSession,
  spec: BaselineSpec,
  modelName: string,
): Promise<BaselineChoice> {
  switch (spec.kind) {
    case 'latest': {
      const model = await newestVersion(session, modelName);
      return model
        ? {
            models: [
              {
                model,
                modelId: modelReference(model.name, model.version),
                chosen: `newest version of '${modelName}'`,
              },
            ],
          }
        : { none: `model '${modelName}' has no version yet` };
    }
    case 'tag': {
      const tag = spec.value === undefined ? spec.key : `${spec.key}=${spec.value}`;
      const model = await newestVersion(session, modelName, spec);
      return model
        ? {
            models: [
              {
                model,
                modelId: modelReference(model.name, model.version),
                chosen: `newest version of '${modelName}' tagged ${tag}`,
              },
            ],
          }
        : { none: `no version of model '${modelName}' is tagged ${tag}` };
    }
    case 'production':
      return productionModels(session, spec.endpoint);
  }
}

/** The model(s) behind the deployment(s) with the most traffic on an online endpoint. */
async function productionModels(session: WorkspaceSession, endpointName: string): Promise<BaselineChoice> {
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  let endpoint;
  try {
    endpoint = await session.call(`Reading online endpoint '${endpointName}'`, (o) =>
      ml.onlineEndpoints.get(rg, ws, endpointName, o),
    );
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 404)
      return {
        none: `online endpoint '${endpointName}' does not exist in workspace '${ws}', so nothing is in production yet`,
      };
    throw error;
  }
  const traffic = endpoint.properties.traffic ?? {};
  const live = liveDeployments(traffic);
  if (live.names.length === 0)
    return {
      none: `no deployment of online endpoint '${endpointName}' receives traffic (traffic: ${JSON.stringify(traffic)})`,
    };
  const models: BaselineModel[] = [];
  for (const deploymentName of live.names) {
    const deployment = await session.call(
      `Reading deployment '${deploymentName}' of online endpoint '${endpointName}'`,
      (o) => ml.onlineDeployments.get(rg, ws, endpointName, deploymentName, o),
    );
    const where = `deployment '${deploymentName}' of online endpoint '${endpointName}'`;
    const named = deployment.properties.model;
    if (!named)
      throw new DataError(`The ${where} names no model, so the production model cannot be compared.`);
    const ref = parseModelRef(named);
    if (!ref)
      throw new DataError(
        `The ${where} serves '${named}', which is not a model version of a workspace (azureml:<name>:<version> or its ARM id): the gate cannot read its metrics. Use baseline latest or tag:<key>=<value>.`,
      );
    const home = { resourceGroup: ref.resourceGroup ?? rg, workspaceName: ref.workspaceName ?? ws };
    const model = ref.version
      ? await getVersion(session, home, ref.name, ref.version)
      : await newestVersion(session, ref.name);
    if (!model)
      throw new DataError(
        `The ${where} serves model '${named}', which does not exist (any more) in workspace '${home.workspaceName}'.`,
      );
    models.push({
      model,
      modelId: modelReference(model.name, model.version),
      chosen: `production: ${where} with ${live.percent} % of the traffic`,
    });
  }
  return { models };
}
