/**
 * The api-versions each resource provider answers (ARM refuses others before the provider sees the request), and
 * what the Machine Learning REST models gained after 2022-10-01 (the version the derived models are of).
 * Data only; `index.ts` applies it. See docs/decisions/0015-strict-emulator.md.
 */
import type { PropertySchema } from './schema';

export interface ProviderVersions {
  versions: readonly string[];
  source: string;
}

/**
 * By namespace (lower case); every resource type of a namespace shares its list here. A subset of what Azure
 * registers (stable folders of the specification): the versions the SDKs, the project and the tests send, and
 * 2025-12-01 (the first stable Machine Learning version whose OutputDeliveryMode lists Direct).
 */
export const API_VERSIONS: Readonly<Record<string, ProviderVersions>> = {
  'microsoft.machinelearningservices': {
    versions: ['2022-10-01', '2023-04-01', '2024-04-01', '2025-12-01'],
    source:
      'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/<version>; ' +
      '@azure/arm-machinelearning 2.1.1 sends 2022-10-01, the deploy step 2024-04-01 (mirrorTraffic, since 2023-04-01)',
  },
  'microsoft.containerservice': {
    versions: ['2026-04-01'],
    source:
      'specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable; @azure/arm-containerservice 25.3.0 sends 2026-04-01',
  },
  'microsoft.kubernetesconfiguration': {
    versions: ['2023-05-01'],
    source:
      'specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable; @azure/arm-kubernetesconfiguration 6.1.0 sends 2023-05-01',
  },
  'microsoft.containerinstance': {
    versions: ['2023-05-01'],
    source:
      'specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable; @azure/arm-containerinstance 9.1.0 sends 2023-05-01',
  },
};

/** A change of the Machine Learning models at `apiVersion` (and every later one). */
export interface ModelDelta {
  apiVersion: string;
  source: string;
  /** A property added (or replaced) on a model. */
  properties?: { model: string; property: string; schema: PropertySchema }[];
  /** Values an enum gained, wherever a property is typed with it. */
  enums?: { enumName: string; add: string[] }[];
}

const MFE = 'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable';

export const ML_DELTAS: readonly ModelDelta[] = [
  {
    apiVersion: '2023-04-01',
    source: `${MFE}/2023-04-01/mfe.json (and later): OnlineEndpoint (client name OnlineEndpointProperties).mirrorTraffic ("Percentage of traffic to be mirrored to each deployment without using returned scoring. Traffic values need to sum to utmost 50."); 2022-10-01 has no such property (@azure/arm-machinelearning 2.1.1 neither)`,
    properties: [
      {
        model: 'OnlineEndpointProperties',
        property: 'mirrorTraffic',
        schema: { type: 'dictionary', values: { type: 'number' }, nullable: true },
      },
    ],
  },
  {
    apiVersion: '2025-12-01',
    source: `${MFE}/2025-12-01/mfe.json: OutputDeliveryMode lists Direct (2022-10-01 and 2024-04-01: ReadWriteMount, Upload)`,
    enums: [{ enumName: 'OutputDeliveryMode', add: ['Direct'] }],
  },
];
