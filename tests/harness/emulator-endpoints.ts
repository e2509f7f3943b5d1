import type { Emulator } from '../../emulator/emulator';

/** An online endpoint to seed, and its deployments (each `Succeeded` unless a state is given). */
export interface SeededEndpoint {
  readonly name: string;
  /** The Kubernetes compute's name (a Kubernetes endpoint); absent for a managed one. */
  readonly compute?: string;
  readonly deployments: Readonly<Record<string, string>>;
  readonly traffic: Readonly<Record<string, number>>;
}

/**
 * Puts an online endpoint with deployments in the emulator's store as Azure ML would show them once created, for
 * tests whose subject only reads them (dry runs, traffic checks): writing them through the API would run the
 * deployments' scoring code.
 */
export function seedOnlineEndpoint(emulator: Emulator, seeded: SeededEndpoint): void {
  const ws = emulator.workspaceId;
  const id = `${ws}/onlineEndpoints/${seeded.name}`;
  const location = String(emulator.store.get(ws)?.body['location'] ?? 'westeurope');
  const computeType = seeded.compute ? 'Kubernetes' : 'Managed';
  emulator.store.set({
    id,
    secrets: { keys: { primaryKey: 'seeded-primary', secondaryKey: 'seeded-secondary' } },
    body: {
      id,
      name: seeded.name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location,
      tags: {},
      identity: {
        type: 'SystemAssigned',
        principalId: '00000000-0000-0000-0000-0000000000aa',
        tenantId: emulator.tenantId,
      },
      properties: {
        authMode: 'Key',
        ...(seeded.compute ? { compute: `${ws}/computes/${seeded.compute}` } : {}),
        traffic: { ...seeded.traffic },
        publicNetworkAccess: 'Enabled',
        scoringUri: `https://${seeded.name}.${location}.inference.ml.azure.com/score`,
        swaggerUri: `https://${seeded.name}.${location}.inference.ml.azure.com/swagger.json`,
        provisioningState: 'Succeeded',
      },
    },
  });
  for (const [name, state] of Object.entries(seeded.deployments)) {
    const deploymentId = `${id}/deployments/${name}`;
    emulator.store.set({
      id: deploymentId,
      secrets: { logs: '' },
      body: {
        id: deploymentId,
        name,
        type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
        location,
        tags: {},
        sku: { name: 'Default', capacity: 1 },
        properties: {
          endpointComputeType: computeType,
          model: `${ws}/models/rain-model/versions/3`,
          ...(computeType === 'Managed' ? { instanceType: 'Standard_DS3_v2' } : {}),
          provisioningState: state,
        },
      },
    });
  }
}
