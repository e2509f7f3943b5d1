/**
 * Microsoft.KubernetesConfiguration extensions on clusters, an extension resource type
 * (`<cluster id>/providers/Microsoft.KubernetesConfiguration/extensions/{name}`), following the REST spec
 * (`specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01`,
 * the SDK's default; any api-version is accepted and recorded): GET, LIST, PUT, PATCH and DELETE (long-running,
 * `Azure-AsyncOperation` as the service answers). `configurationProtectedSettings` are kept but never returned.
 */
import { randomUUID } from 'node:crypto';
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';
import { ResourceProvider } from './container-service';
import type { ArmEmulator } from './index';
import { isObject, properties, seededSystemData, systemData, type Json } from './resource';
import type { StoredResource } from './store';

export const KC_NAMESPACE = 'Microsoft.KubernetesConfiguration';
const CLUSTER =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{clusterRp}/{clusterResourceName}/{clusterName}';
const EXT = `${CLUSTER}/providers/${KC_NAMESPACE}/extensions`;

/** Versions installed when the request does not pin one (what the extension's stable train had). */
const CURRENT_VERSIONS: Record<string, string> = {
  'microsoft.azureml.kubernetes': '1.1.64',
  'microsoft.flux': '1.15.1',
  'microsoft.dapr': '1.15.4',
};

export interface ExtensionOptions {
  /** Default `azureml`. */
  name?: string;
  /** Default `Microsoft.AzureML.Kubernetes`. */
  extensionType?: string;
  configurationSettings?: Record<string, string>;
  configurationProtectedSettings?: Record<string, string>;
  /** Default `Succeeded`. */
  provisioningState?: 'Succeeded' | 'Failed' | 'Creating';
  releaseTrain?: string;
  version?: string;
  autoUpgradeMinorVersion?: boolean;
  /** Default: a system-assigned identity (what `az k8s-extension create` asks for the Azure ML extension). */
  identity?: 'SystemAssigned' | 'None';
}

export class KubernetesConfigurationEmulator extends ResourceProvider {
  constructor(arm: ArmEmulator) {
    super(arm, KC_NAMESPACE);
  }

  /** Installs an extension on a cluster of the store (e.g. one from `aks.createCluster`) and returns it. */
  installExtension(clusterId: string, options: ExtensionOptions = {}): StoredResource {
    const cluster = this.arm.store.get(clusterId);
    if (!cluster) throw new Error(`No cluster ${clusterId}`);
    const name = options.name ?? 'azureml';
    const input: Json = {
      ...(options.identity === 'None' ? {} : { identity: { type: 'SystemAssigned' } }),
      properties: {
        extensionType: options.extensionType ?? 'Microsoft.AzureML.Kubernetes',
        configurationSettings: options.configurationSettings ?? {},
        configurationProtectedSettings: options.configurationProtectedSettings ?? {},
        ...(options.releaseTrain !== undefined ? { releaseTrain: options.releaseTrain } : {}),
        ...(options.version !== undefined ? { version: options.version } : {}),
        ...(options.autoUpgradeMinorVersion !== undefined
          ? { autoUpgradeMinorVersion: options.autoUpgradeMinorVersion }
          : {}),
      },
    };
    const extension = this.extensionResource(
      `${cluster.id}/providers/${KC_NAMESPACE}/extensions/${name}`,
      input,
    );
    extension.body['systemData'] = seededSystemData();
    properties(extension)['provisioningState'] = options.provisioningState ?? 'Succeeded';
    return this.arm.store.set(extension);
  }

  register(): void {
    const arm = this.arm;
    // The service answers DELETE with Azure-AsyncOperation too (a test's own defaults win).
    if (!arm.operations.typeDefaults.has('extensions')) {
      arm.operations.setTypeDefaults('extensions', { style: 'azure-async-operation' });
    }
    arm.route('GET', EXT, (req) =>
      this.withCluster(req, (c) => this.list(req, `${c.id}/providers/${KC_NAMESPACE}`, 'extensions')),
    );
    arm.route('GET', `${EXT}/{extensionName}`, (req) => this.withExtension(req, (e) => this.read(e)));
    arm.route('PUT', `${EXT}/{extensionName}`, (req) =>
      this.withCluster(req, (c) => this.putExtension(req, c)),
    );
    arm.route('PATCH', `${EXT}/{extensionName}`, (req) =>
      this.withExtension(req, (e) => this.patchExtension(req, e)),
    );
    arm.route('DELETE', `${EXT}/{extensionName}`, (req) =>
      this.withCluster(req, (c) => this.startDelete(req, this.extensionId(req, c), 'extensions')),
    );
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  private clusterId(req: EmulatorRequest): string {
    const p = req.params;
    return `${this.rgId(req)}/providers/${p['clusterRp'] ?? ''}/${p['clusterResourceName'] ?? ''}/${p['clusterName'] ?? ''}`;
  }

  private extensionId(req: EmulatorRequest, cluster: StoredResource): string {
    return `${cluster.id}/providers/${KC_NAMESPACE}/extensions/${req.params['extensionName'] ?? ''}`;
  }

  /** The cluster must exist: else ARM's `ResourceNotFound` naming the cluster, as the service answers. */
  private withCluster(
    req: EmulatorRequest,
    fn: (cluster: StoredResource) => EmulatorResponse,
  ): EmulatorResponse | Promise<EmulatorResponse> {
    return this.withResource(req, this.clusterId(req), fn);
  }

  /** A missing extension (on an existing cluster) is a 404 without an error body, as the service answers. */
  private withExtension(
    req: EmulatorRequest,
    fn: (extension: StoredResource) => EmulatorResponse,
  ): EmulatorResponse | Promise<EmulatorResponse> {
    return this.withCluster(req, (cluster) => {
      const extension = this.arm.store.get(this.extensionId(req, cluster));
      return extension ? fn(extension) : { status: 404 };
    });
  }

  // ---- writes --------------------------------------------------------------------------------------------

  private putExtension(req: EmulatorRequest, cluster: StoredResource): EmulatorResponse {
    const id = this.extensionId(req, cluster);
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const input = req.body;
    if (!isObject(input) || !isObject(input['properties'])) {
      return armError(
        400,
        'InvalidRequestContent',
        "The request content was invalid: 'properties' is required.",
      );
    }
    if (
      typeof input['properties']['extensionType'] !== 'string' ||
      input['properties']['extensionType'] === ''
    ) {
      return armError(
        400,
        'BadRequest',
        "The request content was invalid: 'properties.extensionType' is required.",
      );
    }
    const existing = this.arm.store.get(id);
    const extension = this.extensionResource(existing?.id ?? id, input, existing);
    extension.body['systemData'] = systemData(req, existing?.body['systemData']);
    properties(extension)['provisioningState'] = existing ? 'Updating' : 'Creating';
    return this.startWrite(req, extension, 'extensions', !existing);
  }

  /** `Extensions_Update`: merges settings, train, version and auto-upgrade into the extension. */
  private patchExtension(req: EmulatorRequest, extension: StoredResource): EmulatorResponse {
    const running = this.arm.operations.runningOn(extension.id);
    if (running) return this.arm.conflict(running);
    const patch = isObject(req.body) && isObject(req.body['properties']) ? req.body['properties'] : {};
    const props = properties(extension);
    for (const key of ['autoUpgradeMinorVersion', 'releaseTrain', 'version'] as const) {
      if (patch[key] !== undefined) props[key] = patch[key];
    }
    props['configurationSettings'] = mergeSettings(
      props['configurationSettings'],
      patch['configurationSettings'],
    );
    extension.secrets['configurationProtectedSettings'] = mergeSettings(
      extension.secrets['configurationProtectedSettings'],
      patch['configurationProtectedSettings'],
    );
    if (typeof props['version'] === 'string') props['currentVersion'] = props['version'];
    extension.body['systemData'] = systemData(req, extension.body['systemData']);
    props['provisioningState'] = 'Updating';
    return this.startWrite(req, extension, 'extensions', false);
  }

  /** The `Extension` as the service returns it; protected settings go to `secrets`. */
  private extensionResource(id: string, input: Json, existing?: StoredResource): StoredResource {
    const requested = isObject(input['properties']) ? input['properties'] : {};
    const { configurationProtectedSettings, ...props } = requested;
    const extensionType = String(props['extensionType'] ?? '');
    const autoUpgrade = props['autoUpgradeMinorVersion'] ?? true;
    const version = typeof props['version'] === 'string' ? props['version'] : undefined;
    const name = id.slice(id.lastIndexOf('/') + 1);
    const body: Json = {
      id,
      name,
      type: `${KC_NAMESPACE}/extensions`,
      ...this.identity(input['identity'], existing?.body['identity']),
      ...(input['plan'] !== undefined ? { plan: input['plan'] } : {}),
      systemData: existing?.body['systemData'],
      properties: {
        ...props,
        extensionType,
        autoUpgradeMinorVersion: autoUpgrade,
        releaseTrain: props['releaseTrain'] ?? 'Stable',
        ...(version !== undefined ? { version } : {}),
        scope: props['scope'] ?? { cluster: { releaseNamespace: defaultNamespace(extensionType, name) } },
        configurationSettings: isObject(props['configurationSettings']) ? props['configurationSettings'] : {},
        currentVersion: version ?? CURRENT_VERSIONS[extensionType.toLowerCase()] ?? '1.0.0',
        statuses: [],
        isSystemExtension: false,
      },
    };
    const secrets = {
      configurationProtectedSettings: isObject(configurationProtectedSettings)
        ? configurationProtectedSettings
        : {},
    };
    return { id, body, secrets };
  }

  private identity(requested: unknown, previous: unknown): Json {
    if (!isObject(requested) || requested['type'] !== 'SystemAssigned') return {};
    if (isObject(previous)) return { identity: previous };
    return {
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: this.arm.options.tenantId },
    };
  }
}

function mergeSettings(current: unknown, patch: unknown): Json {
  const merged: Json = { ...(isObject(current) ? current : {}) };
  if (!isObject(patch)) return merged;
  // A null value removes the setting (JSON merge patch).
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function defaultNamespace(extensionType: string, name: string): string {
  return extensionType.toLowerCase() === 'microsoft.azureml.kubernetes' ? 'azureml' : name;
}
