/** The names and ids the deploy step reads: endpoint, deployment and container group names, model and cluster ids. */

/** Online endpoint names: 3 to 32 characters, a letter first, letters, digits and `-`, no `-` at the end. */
export const ENDPOINT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;
/** Deployment names follow the same rule (Azure ML refuses other names with a 400). */
export const DEPLOYMENT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;
/** ACI container group names: 1 to 63 lowercase letters, digits and `-`, no `-` at either end. */
export const CONTAINER_GROUP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** ACI DNS name labels: 5 to 63 lowercase letters, digits and `-`, a letter first, no `-` at the end. */
export const DNS_LABEL = /^[a-z][a-z0-9-]{3,61}[a-z0-9]$/;

/** A registered model version, `azureml:<name>:<version>`. */
export interface ModelRef {
  readonly name: string;
  readonly version: string;
  /** As written. */
  readonly text: string;
}

const MODEL_ID = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]{0,254}):([A-Za-z0-9_.-]+)$/;

/** `azureml:<name>:<version>`, or undefined (a deployment names one exact version: no `@latest`). */
export function parseModelId(text: string): ModelRef | undefined {
  const match = MODEL_ID.exec(text.trim());
  return match ? { name: match[1]!, version: match[2]!, text: text.trim() } : undefined;
}

/** An AKS cluster, as its resource id names it. */
export interface ClusterRef {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

const CLUSTER_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/?$/i;

/** `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>`. */
export function parseClusterId(text: string): ClusterRef | undefined {
  const match = CLUSTER_ID.exec(text.trim());
  if (!match) return undefined;
  return {
    id: text.trim().replace(/\/$/, ''),
    subscriptionId: match[1]!,
    resourceGroup: match[2]!,
    name: match[3]!,
  };
}

/** ARM ids differ in case between what was sent and what comes back (`resourceGroups` / `resourcegroups`). */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The compute name of `azureml:<name>`, `<name>` or a compute's ARM id. */
export function computeName(text: string): string {
  const trimmed = text.trim().replace(/^azureml:/, '');
  const at = trimmed.toLowerCase().lastIndexOf('/computes/');
  return at >= 0 ? trimmed.slice(at + '/computes/'.length).replace(/\/$/, '') : trimmed;
}
