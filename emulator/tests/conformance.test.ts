/**
 * Conformance with the REST specification's examples: for every ARM operation the steps call (and the specification
 * has an example of), the example's request is replayed against the emulator and its answer compared with the
 * example's response: the status is one the example lists; for 201/202 the long-running-operation headers the
 * example shows are sent; and the body has the example's set of property paths with the same JSON types (values
 * differ: ids, names, times). The examples are copies of Azure/azure-rest-api-specs files (MIT), see
 * tests/fixtures/rest-api-specs/SOURCE.md. Raw HTTPS: the SDK would reshape both requests and answers.
 *
 * What differs is listed per example in `gaps` (path prefix → reason), so every known gap is visible here, and
 * each listed gap must still occur (a gap fixed in the emulator has to leave the table).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { requestWithHeaders } from './test-clients';

const EXAMPLES = join(__dirname, '../../tests/fixtures/rest-api-specs/specification');
const ML = 'machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable';
const KUBERNETES_CONFIGURATION =
  'kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01/examples';
const CONTAINER_INSTANCE = 'containerinstance/resource-manager/Microsoft.ContainerInstance/stable';
const CONTAINER_SERVICE = 'containerservice/resource-manager/Microsoft.ContainerService/aks/stable';

interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

/** A replayed example: which operation it shows and what the replay changes or tolerates. */
interface Case {
  /** Under specification/. */
  file: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** The path below the workspace (`scope` resourceGroup: below the resource group), from the example's parameters. */
  path: (p: Record<string, string>) => string;
  scope?: 'workspace' | 'resourceGroup';
  /** Name of the parameter holding the request body. */
  bodyParameter?: string;
  /** Request body paths set to other values, each for the reason given (placeholders → existing resources). */
  substitutions?: Record<string, { value: (e: Emulator, workspaceId: string) => unknown; reason: string }>;
  /** Prerequisites in the example's workspace (parents, referenced resources). */
  before?: (e: Emulator, parentId: string) => unknown;
  /** Path parameters replaced (another example already uses the name in the same workspace). */
  parameters?: Record<string, string>;
  /**
   * The api-version sent instead of the example's, and why (an example of another api-version folder: the emulator
   * answers the versions the project's SDKs send, as ARM refuses unregistered ones).
   */
  apiVersion?: { value: string; reason: string };
  /** Body paths whose keys are names (tags, inputs, traffic...), compared as `*`; in collapsed form (`a.*.b`). */
  dictionaries?: string[];
  /** Known gaps: example path prefix the emulator lacks or types differently → why (not modelled, ...). */
  gaps?: Record<string, string>;
  /** Paths the emulator answers that the example leaves out → where the spec has them. */
  extras?: Record<string, string>;
}

/** Dictionaries of every resource body (ARM `tags`, identities). */
const COMMON_DICTIONARIES = ['tags', 'identity.userAssignedIdentities'];
/** Asset bodies: free-form `properties` and `tags` inside `properties`. */
const ASSET_DICTIONARIES = ['properties.tags', 'properties.properties'];

const V1 = `${ML}/2022-10-01/examples`;
const IN_SPEC = (model: string) => `in the spec's ${model}, left out of this example`;
const ASSET_EXTRAS = {
  'properties.isArchived': IN_SPEC('AssetBase (isArchived)'),
  'properties.provisioningState':
    'not in the 2022-10-01 asset version models (later api-versions have it): the emulator answers one shape for all versions',
};
const COMPUTE_EXTRAS = {
  tags: IN_SPEC('ComputeResource (tags)'),
  'properties.computeLocation': IN_SPEC('Compute (computeLocation)'),
  'properties.provisioningErrors': IN_SPEC('Compute (provisioningErrors, read-only)'),
  'properties.isAttachedCompute': IN_SPEC('Compute (isAttachedCompute, read-only)'),
  'properties.disableLocalAuth': IN_SPEC('Compute (disableLocalAuth)'),
};
const ENVIRONMENT_EXTRAS = {
  ...ASSET_EXTRAS,
  'properties.osType': IN_SPEC('EnvironmentVersionProperties (osType)'),
  'properties.autoRebuild': IN_SPEC('EnvironmentVersionProperties (autoRebuild)'),
};
const ONE_PAGE =
  "one page: ARM leaves nextLink out of the last page (the example's query options, placeholders, are not sent)";
/** The same reasons for the items of a list (`value[].` before each path). */
const prefixed = (prefix: string, reasons: Record<string, string>) =>
  Object.fromEntries(Object.entries(reasons).map(([path, reason]) => [`${prefix}${path}`, reason]));
const SYSTEM_DATA = { systemData: 'ARM systemData: in every response of the spec, left out of this example' };
/** Assets the jobs and deployments refer to, added to the example's workspace by `seed`. */
const ENVIRONMENT = (ws: string) => `${ws}/environments/env/versions/1`;
const CODE = (ws: string) => `${ws}/codes/code/versions/1`;
const MODEL = (ws: string) => `${ws}/models/model/versions/1`;
function seed(e: Emulator, ws: string): void {
  e.assets.addAssetVersion(ws, 'environments', 'env', '1', {
    image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference',
  });
  e.assets.addAssetVersion(ws, 'codes', 'code', '1', {
    codeUri: 'https://account.blob.core.windows.net/code/src',
  });
  e.assets.addAssetVersion(ws, 'models', 'model', '1', {
    modelUri: 'azureml://datastores/workspaceblobstore/paths/model',
  });
}
/** Why an example of another api-version folder is replayed at the project's version. */
const NO_EXAMPLE_AT = (operation: string, version: string) =>
  `the index of the specification used holds no ${operation} example at ${version} (the project's version): the nearest one, sent at ${version}`;
const COMMAND_JOB_DICTIONARIES = [
  ...ASSET_DICTIONARIES,
  'properties.services',
  'properties.services.*.properties',
  'properties.inputs',
  'properties.outputs',
  'properties.environmentVariables',
  'properties.resources.properties',
  'properties.resources.properties.*',
  'properties.parameters',
];
const COMMAND_JOB_GAPS = {
  'properties.services.*.status':
    "a job service's status comes from the running job: the emulator's jobs run no services",
  'properties.services.*.errorMessage': 'as status',
  'properties.parameters': 'CommandJob.parameters (read-only, the resolved inputs) is not modelled',
};
const COMMAND_JOB_EXTRAS = { 'properties.isArchived': IN_SPEC('JobBaseProperties (isArchived)') };
/** A difference of the resource read, made by emulator.aks.createCluster (the example's cluster has more). */
const CREATED_WITHOUT = (what: string) =>
  `the cluster is added by emulator.aks.createCluster, without ${what}`;
/** The container group read is the one the confidential create example made (in 2023-05-01 models). */
const CONFIDENTIAL_GROUP = (what: string) =>
  `the group read is the one ContainerGroupCreateConfidential.json created, without ${what}`;
/** The path of the examples' container group, below the resource group. */
const containerGroupPath = (p: Record<string, string>) =>
  `/providers/Microsoft.ContainerInstance/containerGroups/${p['containerGroupName']}`;
const PLACEHOLDER =
  'the example\'s placeholder "string" is not an ARM id: Azure ML resolves the reference, so does the emulator';

const CASES: Case[] = [
  {
    file: `${V1}/Workspace/get.json`,
    method: 'GET',
    path: () => '',
    gaps: {
      'identity.userAssignedIdentities': "the emulator's workspaces have a system-assigned identity only",
      'properties.encryption': 'customer-managed keys are not modelled (the steps never read them)',
      'properties.privateEndpointConnections': 'private endpoints are not modelled',
      'properties.sharedPrivateLinkResources': 'private links are not modelled',
      'properties.privateLinkCount': 'private links are not modelled',
      'properties.imageBuildCompute': "optional, not set on the emulator's workspaces",
      'properties.serviceProvisionedResourceGroup': 'read-only, not modelled',
    },
    extras: {
      ...SYSTEM_DATA,
      tags: 'Workspace.tags (TrackedResource), left out of this example',
      kind: 'Workspace.kind, left out of this example',
      sku: 'Workspace.sku, left out of this example',
      'properties.workspaceId': 'WorkspaceProperties.workspaceId (read-only), left out of this example',
      'properties.mlFlowTrackingUri': 'WorkspaceProperties.mlFlowTrackingUri (read-only): the steps read it',
      'properties.provisioningState':
        'WorkspaceProperties.provisioningState (read-only), left out of this example',
      'properties.storageHnsEnabled':
        'WorkspaceProperties.storageHnsEnabled (read-only), left out of this example',
      'properties.v1LegacyMode': 'WorkspaceProperties.v1LegacyMode, left out of this example',
      'properties.tenantId': 'WorkspaceProperties.tenantId (read-only), left out of this example',
      'properties.notebookInfo': 'WorkspaceProperties.notebookInfo (read-only), left out of this example',
    },
  },
  {
    file: `${V1}/Compute/get/AmlCompute.json`,
    method: 'GET',
    path: (p) => `/computes/${p['computeName']}`,
    before: (e, ws) => e.assets.addAmlCompute(ws, 'compute123', { vmSize: 'STANDARD_NC6', maxNodeCount: 1 }),
    gaps: {
      'properties.description':
        'the compute is added by emulator.assets.addAmlCompute, which sets no description',
      'properties.properties.subnet': 'virtual networks are not modelled',
    },
    extras: { ...SYSTEM_DATA, ...COMPUTE_EXTRAS },
  },
  {
    file: `${V1}/Compute/createOrUpdate/KubernetesCompute.json`,
    method: 'PUT',
    path: (p) => `/computes/${p['computeName']}`,
    parameters: { computeName: 'compute123-k8s' },
    bodyParameter: 'parameters',
    before: (e) =>
      void e.aks.createCluster({ name: 'compute123-56826-c9b00420020b2', resourceGroup: 'testrg123' }),
    substitutions: {
      'properties.resourceId': {
        value: (e) =>
          `/subscriptions/${e.subscriptionId}/resourceGroups/testrg123/providers/Microsoft.ContainerService/managedClusters/compute123-56826-c9b00420020b2`,
        reason:
          "the example's cluster id is in another subscription: the emulator checks the cluster exists, as Azure ML does",
      },
    },
    dictionaries: ['properties.properties.instanceTypes'],
    extras: {
      ...SYSTEM_DATA,
      ...COMPUTE_EXTRAS,
      'properties.createdOn': IN_SPEC('Compute (createdOn, read-only)'),
      'properties.modifiedOn': IN_SPEC('Compute (modifiedOn, read-only)'),
    },
  },
  {
    file: `${V1}/Datastore/get.json`,
    method: 'GET',
    path: (p) => `/datastores/${p['name']}`,
    parameters: { name: 'workspaceblobstore' },
    dictionaries: ASSET_DICTIONARIES,
    gaps: { 'properties.tags.*': "the example's datastore has a tag, the workspace's built-in one none" },
    extras: { 'properties.serviceDataAccessAuthIdentity': IN_SPEC('AzureBlobDatastore') },
  },
  {
    file: `${V1}/Datastore/listSecrets.json`,
    method: 'POST',
    path: (p) => `/datastores/${p['name']}/listSecrets`,
    parameters: { name: 'workspaceblobstore' },
  },
  {
    file: `${V1}/CodeVersion/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/codes/${p['name']}/versions/${p['version']}`,
    bodyParameter: 'body',
    extras: ASSET_EXTRAS,
    dictionaries: ASSET_DICTIONARIES,
  },
  {
    file: `${V1}/ComponentVersion/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/components/${p['name']}/versions/${p['version']}`,
    bodyParameter: 'body',
    extras: ASSET_EXTRAS,
    dictionaries: [...ASSET_DICTIONARIES, 'properties.componentSpec'],
  },
  {
    file: `${V1}/EnvironmentVersion/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/environments/${p['name']}/versions/${p['version']}`,
    bodyParameter: 'body',
    substitutions: {
      'properties.build': {
        value: () => undefined,
        reason:
          "the example sets both image and build: Azure ML takes one of them (the CLI's and SDK's rule, the emulator's too)",
      },
    },
    gaps: { 'properties.build': 'left out of the request (substitution above)' },
    extras: ENVIRONMENT_EXTRAS,
    dictionaries: ASSET_DICTIONARIES,
  },
  {
    file: `${V1}/ModelVersion/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/models/${p['name']}/versions/${p['version']}`,
    bodyParameter: 'body',
    extras: ASSET_EXTRAS,
    dictionaries: [...ASSET_DICTIONARIES, 'properties.flavors', 'properties.flavors.*.data'],
  },
  {
    file: `${V1}/Job/CommandJob/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/jobs/${p['id']}`,
    bodyParameter: 'body',
    before: (e, ws) => {
      e.assets.addAmlCompute(ws, 'cpu-cluster');
      seed(e, ws);
    },
    substitutions: {
      'properties.computeId': { value: (_, ws) => `${ws}/computes/cpu-cluster`, reason: PLACEHOLDER },
      'properties.environmentId': { value: (_, ws) => ENVIRONMENT(ws), reason: PLACEHOLDER },
      'properties.codeId': { value: (_, ws) => CODE(ws), reason: PLACEHOLDER },
    },
    dictionaries: COMMAND_JOB_DICTIONARIES,
    gaps: COMMAND_JOB_GAPS,
    extras: COMMAND_JOB_EXTRAS,
  },
  {
    file: `${V1}/Job/cancel.json`,
    method: 'POST',
    path: (p) => `/jobs/${p['id']}/cancel`,
  },
  {
    file: `${ML}/2024-04-01/examples/Workspace/OnlineEndpoint/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/onlineEndpoints/${p['endpointName']}`,
    bodyParameter: 'body',
    substitutions: {
      location: { value: (e) => e.location, reason: 'ARM checks the location: "string" is not a region' },
      'properties.traffic': {
        value: () => ({}),
        reason:
          'traffic to deployment "string" (1 %): Azure ML refuses traffic to missing deployments and sums other than 100',
      },
    },
    dictionaries: ['properties.properties', 'properties.traffic'],
    gaps: { 'properties.traffic.*': 'left out of the request (substitution above)' },
    extras: { 'properties.publicNetworkAccess': IN_SPEC('OnlineEndpointProperties (2024-04-01)') },
  },
  {
    file: `${V1}/OnlineEndpoint/listKeys.json`,
    method: 'POST',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/listKeys`,
  },
  {
    file: `${V1}/OnlineEndpoint/getToken.json`,
    method: 'POST',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/token`,
  },
  {
    file: `${V1}/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json`,
    method: 'PUT',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/deployments/${p['deploymentName']}`,
    bodyParameter: 'body',
    before: (e, ws) => seed(e, ws),
    substitutions: {
      location: { value: (e) => e.location, reason: 'ARM checks the location: "string" is not a region' },
      'properties.environmentId': { value: (_, ws) => ENVIRONMENT(ws), reason: PLACEHOLDER },
      'properties.codeConfiguration.codeId': { value: (_, ws) => CODE(ws), reason: PLACEHOLDER },
      'properties.model': { value: (_, ws) => MODEL(ws), reason: PLACEHOLDER },
    },
    dictionaries: ['properties.properties', 'properties.environmentVariables'],
  },
  {
    file: `${V1}/OnlineDeployment/getLogs.json`,
    method: 'POST',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/deployments/${p['deploymentName']}/getLogs`,
    bodyParameter: 'body',
    before: async (e, ws) => {
      seed(e, ws);
      const put = (path: string, body: unknown) =>
        requestWithHeaders(e, 'PUT', `${e.armUrl}${ws}${path}?api-version=2022-10-01`, { token, body });
      await settle(
        await put('/onlineEndpoints/testEndpoint', { location: e.location, properties: { authMode: 'Key' } }),
      );
      await settle(
        await put('/onlineEndpoints/testEndpoint/deployments/testDeployment', {
          location: e.location,
          properties: { endpointComputeType: 'Managed', environmentId: ENVIRONMENT(ws) },
        }),
      );
    },
  },
  // Reads of what the examples above created.
  {
    file: `${V1}/CodeVersion/get.json`,
    method: 'GET',
    path: (p) => `/codes/${p['name']}/versions/${p['version']}`,
    dictionaries: ASSET_DICTIONARIES,
    extras: ASSET_EXTRAS,
  },
  {
    file: `${V1}/ModelVersion/list.json`,
    method: 'GET',
    path: (p) => `/models/${p['name']}/versions`,
    dictionaries: [
      'value[].properties.tags',
      'value[].properties.properties',
      'value[].properties.flavors',
      'value[].properties.flavors.*.data',
    ],
    gaps: { nextLink: ONE_PAGE },
    extras: {
      'value[].properties.isArchived': ASSET_EXTRAS['properties.isArchived'],
      'value[].properties.provisioningState': ASSET_EXTRAS['properties.provisioningState'],
    },
  },
  {
    file: `${V1}/OnlineEndpoint/get.json`,
    method: 'GET',
    path: (p) => `/onlineEndpoints/${p['endpointName']}`,
    dictionaries: ['properties.properties', 'properties.traffic'],
    gaps: {
      'properties.traffic.*':
        'the endpoint was created without traffic (see the 2024-04-01 createOrUpdate example)',
    },
    extras: { 'properties.publicNetworkAccess': IN_SPEC('OnlineEndpointProperties') },
  },
  {
    file: `${V1}/OnlineDeployment/ManagedOnlineDeployment/get.json`,
    method: 'GET',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/deployments/${p['deploymentName']}`,
    dictionaries: ['properties.properties', 'properties.environmentVariables'],
  },
  {
    file: `${V1}/Compute/list.json`,
    method: 'GET',
    path: () => '/computes',
    apiVersion: {
      value: '2022-10-01',
      reason:
        "the 2022-10-01 folder's example carries api-version 2021-04-01, which the emulator does not answer",
    },
    // The workspace's computes: the AmlCompute and Kubernetes ones of the examples above (the example lists AKS ones).
    gaps: { nextLink: ONE_PAGE },
    extras: {
      'value[].systemData': SYSTEM_DATA.systemData,
      ...prefixed('value[].', COMPUTE_EXTRAS),
      'value[].properties.properties':
        "the compute type's own properties (AmlCompute, Kubernetes): the example's AKS computes show none",
    },
  },
  {
    file: `${V1}/Datastore/list.json`,
    method: 'GET',
    path: () => '/datastores',
    dictionaries: ['value[].properties.tags', 'value[].properties.properties'],
    gaps: {
      'value[].properties.tags.*': "the example's datastore has a tag, the workspace's built-in ones none",
      nextLink: ONE_PAGE,
    },
    extras: { 'value[].properties.serviceDataAccessAuthIdentity': IN_SPEC('AzureBlobDatastore') },
  },
  {
    file: `${V1}/ComponentVersion/get.json`,
    method: 'GET',
    path: (p) => `/components/${p['name']}/versions/${p['version']}`,
    dictionaries: [...ASSET_DICTIONARIES, 'properties.componentSpec'],
    extras: ASSET_EXTRAS,
  },
  {
    file: `${V1}/EnvironmentVersion/get.json`,
    method: 'GET',
    path: (p) => `/environments/${p['name']}/versions/${p['version']}`,
    dictionaries: ASSET_DICTIONARIES,
    gaps: { 'properties.build': 'the version read is the one createOrUpdate made without build (see there)' },
    extras: ENVIRONMENT_EXTRAS,
  },
  {
    file: `${ML}/2022-05-01/examples/ModelVersion/get.json`,
    method: 'GET',
    path: (p) => `/models/${p['name']}/versions/${p['version']}`,
    apiVersion: { value: '2022-10-01', reason: NO_EXAMPLE_AT('ModelVersions_Get', '2022-10-01') },
    dictionaries: [...ASSET_DICTIONARIES, 'properties.flavors', 'properties.flavors.*.data'],
    extras: ASSET_EXTRAS,
  },
  {
    file: `${ML}/2023-04-01/examples/Job/CommandJob/get.json`,
    method: 'GET',
    path: (p) => `/jobs/${p['id']}`,
    dictionaries: COMMAND_JOB_DICTIONARIES,
    gaps: COMMAND_JOB_GAPS,
    extras: COMMAND_JOB_EXTRAS,
  },
  {
    file: `${V1}/OnlineDeployment/list.json`,
    method: 'GET',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/deployments`,
    dictionaries: ['value[].properties.properties', 'value[].properties.environmentVariables'],
    gaps: {
      'value[].properties.containerResourceRequirements':
        "KubernetesOnlineDeployment's: the example lists a Kubernetes deployment, the endpoint has the managed one above",
      nextLink: ONE_PAGE,
    },
    extras: { 'value[].properties.readinessProbe': IN_SPEC('OnlineDeploymentProperties (readinessProbe)') },
  },
  {
    file: `${ML}/2022-05-01/examples/OnlineDeployment/delete.json`,
    method: 'DELETE',
    path: (p) => `/onlineEndpoints/${p['endpointName']}/deployments/${p['deploymentName']}`,
    apiVersion: { value: '2022-10-01', reason: NO_EXAMPLE_AT('OnlineDeployments_Delete', '2022-10-01') },
  },
  {
    file: `${KUBERNETES_CONFIGURATION}/ListExtensions.json`,
    method: 'GET',
    scope: 'resourceGroup',
    parameters: { clusterRp: 'Microsoft.ContainerService', clusterResourceName: 'managedClusters' },
    path: (p) =>
      `/providers/${p['clusterRp']}/${p['clusterResourceName']}/${p['clusterName']}/providers/Microsoft.KubernetesConfiguration/extensions`,
    before: (e, rg) => {
      const cluster = e.aks.createCluster({ name: 'clusterName1', resourceGroup: rg.split('/').pop() });
      e.kubernetesConfiguration.installExtension(cluster.id, {
        name: 'azureml',
        version: '1.1.64',
        configurationSettings: { enableInference: 'True' },
      });
    },
    dictionaries: ['value[].properties.configurationSettings'],
    gaps: { 'value[].plan': 'marketplace plans (third-party extensions) are not modelled' },
    extras: { 'value[].identity': IN_SPEC('Extension (identity)') },
  },
  {
    file: `${CONTAINER_INSTANCE}/2023-05-01/examples/ContainerGroupCreateConfidential.json`,
    method: 'PUT',
    scope: 'resourceGroup',
    path: containerGroupPath,
    bodyParameter: 'containerGroup',
    substitutions: {
      'properties.containers.0.properties.securityContext.priviliged': {
        value: () => undefined,
        reason:
          "the example's request misspells privileged (the response has it right): not a property of the spec",
      },
      'properties.containers.0.properties.securityContext.privileged': {
        value: () => false,
        reason: 'as above',
      },
    },
    extras: {
      ...SYSTEM_DATA,
      tags: IN_SPEC('Resource (tags)'),
      'properties.containers[].properties.instanceView': IN_SPEC(
        'ContainerProperties (instanceView, read-only)',
      ),
      'properties.ipAddress.ip': IN_SPEC('IpAddress (ip)'),
      'properties.restartPolicy': IN_SPEC('ContainerGroupProperties (restartPolicy)'),
    },
  },
  {
    file: `${KUBERNETES_CONFIGURATION}/GetExtension.json`,
    method: 'GET',
    scope: 'resourceGroup',
    // The cluster and extension ListExtensions added (a managed cluster: connected clusters are not modelled).
    parameters: {
      clusterRp: 'Microsoft.ContainerService',
      clusterResourceName: 'managedClusters',
      extensionName: 'azureml',
    },
    path: (p) =>
      `/providers/${p['clusterRp']}/${p['clusterResourceName']}/${p['clusterName']}/providers/Microsoft.KubernetesConfiguration/extensions/${p['extensionName']}`,
    dictionaries: ['properties.configurationSettings'],
    extras: { identity: IN_SPEC('Extension (identity)') },
  },
  {
    file: `${CONTAINER_SERVICE}/2026-04-01/examples/ManagedClustersGet.json`,
    method: 'GET',
    scope: 'resourceGroup',
    path: (p) => `/providers/Microsoft.ContainerService/managedClusters/${p['resourceName']}`,
    before: (e, rg) => void e.aks.createCluster({ name: 'clustername1', resourceGroup: rg.split('/').pop() }),
    gaps: {
      eTag: 'read-only optimistic-concurrency tag: not modelled (the steps send no If-Match)',
      'properties.agentPoolProfiles[].eTag': 'as eTag',
      'tags.*': CREATED_WITHOUT('tags'),
      'properties.agentPoolProfiles[].availabilityZones': CREATED_WITHOUT('availability zones'),
      'properties.agentPoolProfiles[].upgradeSettings': CREATED_WITHOUT('upgrade settings'),
      'properties.upgradeSettings': CREATED_WITHOUT('upgrade settings'),
      'properties.diskEncryptionSetID': CREATED_WITHOUT('a disk encryption set'),
      'properties.linuxProfile': CREATED_WITHOUT('a Linux profile (SSH keys)'),
      'properties.networkProfile.loadBalancerProfile': 'load balancers (outbound IPs) are not modelled',
    },
    extras: {
      ...SYSTEM_DATA,
      sku: IN_SPEC('ManagedCluster (sku)'),
      identity: IN_SPEC('ManagedCluster (identity)'),
      'properties.identityProfile': IN_SPEC('ManagedClusterProperties (identityProfile, kubelet identity)'),
      'properties.supportPlan': IN_SPEC('ManagedClusterProperties (supportPlan)'),
      'properties.resourceUID': IN_SPEC('ManagedClusterProperties (resourceUID, read-only)'),
      'properties.powerState': IN_SPEC('ManagedClusterProperties (powerState, read-only)'),
      'properties.agentPoolProfiles[].osDiskSizeGB': IN_SPEC('ManagedClusterAgentPoolProfileProperties'),
      'properties.agentPoolProfiles[].osDiskType': IN_SPEC('ManagedClusterAgentPoolProfileProperties'),
      'properties.agentPoolProfiles[].type': IN_SPEC('ManagedClusterAgentPoolProfileProperties'),
      'properties.agentPoolProfiles[].osSKU': IN_SPEC('ManagedClusterAgentPoolProfileProperties'),
      'properties.agentPoolProfiles[].mode': IN_SPEC('ManagedClusterAgentPoolProfileProperties'),
      'properties.agentPoolProfiles[].enableNodePublicIP': IN_SPEC(
        'ManagedClusterAgentPoolProfileProperties',
      ),
      'properties.agentPoolProfiles[].powerState': IN_SPEC('ManagedClusterAgentPoolProfileProperties'),
    },
  },
  {
    file: `${CONTAINER_INSTANCE}/2021-10-01/examples/ContainerGroupsGet_Succeeded.json`,
    method: 'GET',
    scope: 'resourceGroup',
    path: containerGroupPath,
    apiVersion: { value: '2023-05-01', reason: NO_EXAMPLE_AT('ContainerGroups_Get', '2023-05-01') },
    gaps: {
      zones: CONFIDENTIAL_GROUP('zones'),
      'properties.containers[].properties.volumeMounts': CONFIDENTIAL_GROUP('volumes'),
      'properties.volumes': CONFIDENTIAL_GROUP('volumes'),
      'properties.imageRegistryCredentials[]': CONFIDENTIAL_GROUP('registry credentials'),
    },
    extras: {
      ...SYSTEM_DATA,
      tags: IN_SPEC('Resource (tags)'),
      'properties.containers[].properties.securityContext': IN_SPEC('ContainerProperties (securityContext)'),
      'properties.containers[].properties.instanceView': IN_SPEC(
        'ContainerProperties (instanceView, read-only)',
      ),
      'properties.sku': IN_SPEC('ContainerGroupProperties (sku)'),
      'properties.confidentialComputeProperties': IN_SPEC(
        'ContainerGroupProperties (confidentialComputeProperties)',
      ),
      'properties.restartPolicy': IN_SPEC('ContainerGroupProperties (restartPolicy)'),
      'properties.initContainers': IN_SPEC('ContainerGroupProperties (initContainers)'),
      'properties.instanceView': IN_SPEC('ContainerGroupProperties (instanceView, read-only)'),
    },
  },
  {
    file: `${CONTAINER_INSTANCE}/2022-09-01/examples/ContainerGroupsDelete.json`,
    method: 'DELETE',
    scope: 'resourceGroup',
    path: containerGroupPath,
    apiVersion: { value: '2023-05-01', reason: NO_EXAMPLE_AT('ContainerGroups_Delete', '2023-05-01') },
  },
];

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.scoring.enabled = false; // the examples' scoring scripts are placeholders: no local server
  token = emulator.aad.issueToken({ tenantId: emulator.tenantId, clientId: emulator.clientId });
});

afterAll(async () => {
  await emulator?.close();
});

/**
 * A JSON value's shape: path → JSON type; arrays collapsed to `[]`, dictionary keys to `*` (items that differ:
 * a non-null type wins over `null`).
 */
function shapeOf(value: unknown, dictionaries: string[], path = '', out = new Map<string, string>()) {
  if (value === null) {
    if (!out.has(path)) out.set(path, 'null');
  } else if (Array.isArray(value)) {
    out.set(path, 'array');
    for (const item of value) shapeOf(item, dictionaries, `${path}[]`, out);
  } else if (typeof value === 'object') {
    out.set(path, 'object');
    const dictionary = dictionaries.includes(path);
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      shapeOf(item, dictionaries, path ? `${path}.${dictionary ? '*' : key}` : key, out);
  } else out.set(path, typeof value);
  return out;
}

/**
 * Differences between the example's and the emulator's shapes: `missing` (example paths the emulator lacks or types
 * otherwise) and `extra` (paths only the emulator answers), each as `path: example type vs emulator type`.
 */
function differences(expected: Map<string, string>, got: Map<string, string>) {
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [path, type] of expected) {
    // null in an example: a nullable value that ARM may leave out; its type is not known.
    if (!path || type === 'null') continue;
    const actual = got.get(path);
    if (actual !== type) missing.push(`${path}: ${type} vs ${actual ?? 'missing'}`);
  }
  for (const [path, type] of got)
    if (path && !expected.has(path) && !underNull(expected, path)) extra.push(`${path}: missing vs ${type}`);
  return { missing, extra };
}

function underNull(shape: Map<string, string>, path: string): boolean {
  for (let i = path.lastIndexOf('.'); i > 0; i = path.lastIndexOf('.', i - 1))
    if (shape.get(path.slice(0, i)) === 'null') return true;
  return false;
}

const under = (difference: string, prefix: string) =>
  [':', '.', '['].some((end) => difference.startsWith(`${prefix}${end}`));

/** The differences no listed reason explains, and the listed reasons that explain none (stale entries). */
function unexplained(found: string[], reasons: Record<string, string>) {
  return {
    unexplained: found.filter((d) => !Object.keys(reasons).some((prefix) => under(d, prefix))),
    stale: Object.keys(reasons).filter((prefix) => !found.some((d) => under(d, prefix))),
  };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

describe.each(CASES)('$file', (c) => {
  test('the emulator answers as the example shows', async () => {
    const example = JSON.parse(readFileSync(join(EXAMPLES, c.file), 'utf8')) as Example;
    const parameters = { ...(example.parameters as Record<string, string>), ...c.parameters };
    const workspace =
      c.scope === 'resourceGroup' ? resourceGroupFor(parameters) : await workspaceFor(parameters);
    await c.before?.(emulator, workspace);
    const body = c.bodyParameter ? structuredClone(example.parameters[c.bodyParameter]) : undefined;
    for (const [path, s] of Object.entries(c.substitutions ?? {}))
      setPath(body as Record<string, unknown>, path, s.value(emulator, workspace));
    const apiVersion = c.apiVersion?.value ?? parameters['api-version'];
    const url = `${emulator.armUrl}${workspace}${c.path(parameters)}?api-version=${apiVersion}`;
    const reply = await requestWithHeaders(emulator, c.method, url, { token, body });

    // The body is shown when the status is not one of the example's (a refusal says why).
    if (!example.responses[String(reply.status)])
      expect({ status: reply.status, body: reply.body }).toBeUndefined();
    expect(Object.keys(example.responses)).toContain(String(reply.status));
    const response = example.responses[String(reply.status)]!;
    for (const header of ['Azure-AsyncOperation', 'Location'])
      if (response.headers?.[header] !== undefined) expect(reply.headers[header.toLowerCase()]).toBeTruthy();
    await settle(reply); // later examples use what this one created
    const dictionaries = [...COMMON_DICTIONARIES, ...(c.dictionaries ?? [])];
    const found = differences(shapeOf(response.body ?? {}, dictionaries), shapeOf(reply.body, dictionaries));
    expect({
      gaps: unexplained(found.missing, c.gaps ?? {}),
      extras: unexplained(found.extra, c.extras ?? {}),
    }).toEqual({
      gaps: { unexplained: [], stale: [] },
      extras: { unexplained: [], stale: [] },
    });
  });
});

/** The example's resource group in our subscription, with Contributor on it for the default app. */
function resourceGroupFor(parameters: Record<string, string>): string {
  const rg = parameters['resourceGroupName']!;
  const id = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${rg}`;
  if (!emulator.arm.resourceGroups.has(rg.toLowerCase())) {
    emulator.arm.resourceGroups.add(rg.toLowerCase());
    emulator.rbac.grant(emulator.objectId, id);
  }
  return id;
}

/** The example's workspace (in its resource group, our subscription), created once. */
const workspaces = new Map<string, string>();
async function workspaceFor(parameters: Record<string, string>): Promise<string> {
  const rg = parameters['resourceGroupName']!;
  const name = parameters['workspaceName']!;
  const key = `${rg}/${name}`;
  if (!workspaces.has(key)) {
    resourceGroupFor(parameters);
    const ws = emulator.ml.createWorkspace({ resourceGroup: rg, name, serviceUrl: emulator.armUrl });
    await emulator.datastores.ready();
    workspaces.set(key, ws.id);
  }
  return workspaces.get(key)!;
}

/**
 * Follows a long-running operation's Azure-AsyncOperation URL until it is no longer in progress. Operations take
 * (scaled) time whether polled or not, so this waits until a deadline rather than for a number of polls.
 */
async function settle(reply: { headers: Record<string, unknown> }): Promise<void> {
  const operation = reply.headers['azure-asyncoperation'];
  if (typeof operation !== 'string') return;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const status = await requestWithHeaders(emulator, 'GET', operation, { token });
    if (status.body['status'] !== 'InProgress') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${operation} did not finish`);
}
