/**
 * Azure Resource Manager service connections as the Azure Pipelines agent hands them to a task: ENDPOINT_URL_<id>,
 * ENDPOINT_AUTH_<id> (JSON), ENDPOINT_AUTH_SCHEME_<id>, ENDPOINT_AUTH_PARAMETER_<id>_<KEY> and
 * ENDPOINT_DATA_<id>_<KEY> (keys upper-cased, as the agent writes them).
 */
import { randomUUID } from 'node:crypto';

export interface ServiceConnection {
  id: string;
  env: Record<string, string>;
}

export function azureRmServiceConnection(
  emulator: { armUrl: string; subscriptionId: string },
  scheme: 'ServicePrincipal' | 'WorkloadIdentityFederation' | 'ManagedServiceIdentity',
  parameters: Record<string, string>,
  data: Record<string, string> = {},
  id: string = randomUUID(),
): ServiceConnection {
  const allData = {
    subscriptionId: emulator.subscriptionId,
    subscriptionName: 'Emulator subscription',
    environment: 'AzureCloud',
    scopeLevel: 'Subscription',
    creationMode: 'Manual',
    ...data,
  };
  const env: Record<string, string> = {
    [`ENDPOINT_URL_${id}`]: `${emulator.armUrl}/`,
    [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ scheme, parameters }),
    [`ENDPOINT_AUTH_SCHEME_${id}`]: scheme,
  };
  for (const [k, v] of Object.entries(parameters))
    env[`ENDPOINT_AUTH_PARAMETER_${id}_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(allData)) env[`ENDPOINT_DATA_${id}_${k.toUpperCase()}`] = v;
  return { id, env };
}
