/**
 * Microsoft.ContainerService managed clusters (AKS), following the REST spec
 * (`specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable`, the SDK sends
 * 2026-04-01; any api-version is accepted and recorded): GET, LIST, PUT and DELETE (long-running), `start` / `stop`
 * (power state), `listClusterUserCredential` / `listClusterAdminCredential` (kubeconfig).
 *
 * Also holds `ResourceProvider`, the lookups and long-running writes the container providers share.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';
import type { ArmEmulator } from './index';
import {
  findResource,
  isObject,
  listChildren,
  ok,
  properties,
  readPolled,
  seededSystemData,
  startProvisioning,
  systemData,
  type Json,
  startDeleting,
} from './resource';
import type { StoredResource } from './store';

/** Lookups, 404s, lists and long-running writes shared by the container resource providers. */
export abstract class ResourceProvider {
  protected constructor(
    protected readonly arm: ArmEmulator,
    protected readonly namespace: string,
  ) {}

  protected get subscriptionId(): string {
    return this.arm.options.subscriptionId;
  }

  /** The emulator's first resource group (the default one). */
  protected get defaultResourceGroup(): string {
    return this.arm.options.resourceGroups[0] ?? 'rg-emulator';
  }

  protected rgId(req: EmulatorRequest): string {
    return `/subscriptions/${req.params['subscriptionId'] ?? ''}/resourceGroups/${req.params['resourceGroupName'] ?? ''}`;
  }

  protected withResource(
    req: EmulatorRequest,
    id: string,
    fn: (resource: StoredResource) => EmulatorResponse | Promise<EmulatorResponse>,
  ): EmulatorResponse | Promise<EmulatorResponse> {
    const found = findResource(this.arm, req, id);
    return 'status' in found ? found : fn(found);
  }

  /** Children of `parentId` (e.g. `.../providers/Microsoft.ContainerService` + `managedClusters`). */
  protected list(req: EmulatorRequest, parentId: string, typeSegment: string): EmulatorResponse {
    return listChildren(this.arm, req, parentId, typeSegment);
  }

  /**
   * Resources of `type` in every resource group of the subscription. ARM's guard does not check roles at the
   * subscription level, so the list only shows what the caller may read.
   */
  protected listInSubscription(req: EmulatorRequest, type: string): EmulatorResponse {
    const scope = this.arm.checkScope(req);
    if (scope) return scope;
    const ns = this.namespace.replace(/\./g, '\\.');
    const pattern = new RegExp(
      `^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/${ns}/${type}/[^/]+$`,
      'i',
    );
    const oid = req.principal?.oid ?? '';
    const value = this.arm.store
      .all()
      .filter((r) => pattern.test(r.id) && this.arm.rbac.allows(oid, r.id, `${this.namespace}/${type}/read`))
      .map((r) => r.body);
    return ok({ value });
  }

  /** GET of a resource; in the `provisioning-state` style this is the poll that advances its operation. */
  protected read(resource: StoredResource): EmulatorResponse {
    return readPolled(this.arm, resource);
  }

  /** Stores the resource (provisioning) and answers the PUT as a long-running operation; `finish` on success. */
  protected startWrite(
    req: EmulatorRequest,
    resource: StoredResource,
    type: string,
    created: boolean,
    finish: (resource: StoredResource) => void = () => undefined,
  ): EmulatorResponse {
    const op = startProvisioning(this.arm, resource, type, finish);
    return this.arm.accepted(req, this.namespace, op, resource.body, created);
  }

  /** DELETE as a long-running operation (204 when the resource does not exist, as ARM answers). */
  protected startDelete(
    req: EmulatorRequest,
    id: string,
    type: string,
    onDeleted: (resource: StoredResource) => void = () => undefined,
  ): EmulatorResponse {
    const scope = this.arm.checkScope(req);
    if (scope) return scope;
    return startDeleting(this.arm, req, this.namespace, { id, type }, { onDeleted });
  }

  /**
   * A POST action (start, stop, restart) as a long-running operation: `transitional` is the provisioning state
   * while it runs (restored on failure), `effect` what it does once it succeeds.
   */
  protected startAction(
    req: EmulatorRequest,
    resource: StoredResource,
    type: string,
    effect: () => void,
    transitional?: string,
  ): EmulatorResponse {
    const running = this.arm.operations.runningOn(resource.id);
    if (running) return this.arm.conflict(running);
    const props = properties(resource);
    const previous = props['provisioningState'];
    if (transitional) props['provisioningState'] = transitional;
    const op = this.arm.operations.start({
      resourceId: resource.id,
      resourceType: type,
      method: 'POST',
      onSucceeded: () => {
        if (transitional) props['provisioningState'] = 'Succeeded';
        effect();
        return { status: 204 };
      },
      onFailed: () => {
        props['provisioningState'] = previous;
      },
    });
    return this.arm.accepted(req, this.namespace, op);
  }

  /** A tracked resource's PUT body: a JSON object with `location` and a `properties` object. */
  protected validateTracked(req: EmulatorRequest): { input: Json; props: Json } | EmulatorResponse {
    const body = req.body;
    if (!isObject(body)) {
      return armError(
        400,
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized.',
      );
    }
    if (typeof body['location'] !== 'string' || body['location'].length === 0) {
      return armError(400, 'LocationRequired', 'The location property is required for this definition.');
    }
    const props = body['properties'];
    if (!isObject(props)) {
      return armError(
        400,
        'InvalidRequestContent',
        "The request content was invalid: 'properties' is required.",
      );
    }
    return { input: body, props };
  }
}

/**
 * A managed identity (`SystemAssigned`, `UserAssigned` or both) with the ids Azure assigns, kept from `previous`
 * when the type is unchanged; undefined for none.
 */
export function managedIdentity(requested: unknown, previous: unknown, tenantId: string): Json | undefined {
  if (!isObject(requested)) return undefined;
  const type = String(requested['type'] ?? 'None');
  if (type.toLowerCase() === 'none') return undefined;
  const kept = isObject(previous) && previous['type'] === type ? previous : {};
  const identity: Json = { type };
  if (/systemassigned/i.test(type)) {
    identity['principalId'] = kept['principalId'] ?? randomUUID();
    identity['tenantId'] = kept['tenantId'] ?? tenantId;
  }
  if (/userassigned/i.test(type) && isObject(requested['userAssignedIdentities'])) {
    const keptAssigned = isObject(kept['userAssignedIdentities']) ? kept['userAssignedIdentities'] : {};
    const ids = Object.keys(requested['userAssignedIdentities']).map((id) => [
      id,
      isObject(keptAssigned[id]) ? keptAssigned[id] : { principalId: randomUUID(), clientId: randomUUID() },
    ]);
    identity['userAssignedIdentities'] = Object.fromEntries(ids);
  }
  return identity;
}

export const AKS_NAMESPACE = 'Microsoft.ContainerService';
const MC = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${AKS_NAMESPACE}/managedClusters`;
/** What AKS picks when `kubernetesVersion` is empty. */
export const DEFAULT_KUBERNETES_VERSION = '1.32.5';
const NODE_IMAGE_VERSION = 'AKSUbuntu-2204gen2containerd-202505.14.0';

export type ClusterIdentityKind = 'SystemAssigned' | 'UserAssigned' | 'ServicePrincipal';

export interface ClusterOptions {
  /** Default: the emulator's resource group (created when it does not exist). */
  resourceGroup?: string;
  name: string;
  /** `ServicePrincipal`: a service principal profile and no managed identity. Default `SystemAssigned`. */
  identity?: ClusterIdentityKind;
  provisioningState?: 'Succeeded' | 'Failed';
  powerState?: 'Running' | 'Stopped';
  location?: string;
  kubernetesVersion?: string;
  /** API server host name (default `<dnsPrefix>-<8 hex>.hcp.<location>.azmk8s.io`). */
  fqdn?: string;
}

interface ClusterArgs {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  input: Json;
  props: Json;
  existing?: StoredResource;
}

export class ContainerServiceEmulator extends ResourceProvider {
  constructor(arm: ArmEmulator) {
    super(arm, AKS_NAMESPACE);
  }

  /** Adds a managed cluster (ready unless told otherwise) and returns it. */
  createCluster(options: ClusterOptions): StoredResource {
    const resourceGroup = options.resourceGroup ?? this.defaultResourceGroup;
    this.arm.resourceGroups.add(resourceGroup.toLowerCase());
    const id = `/subscriptions/${this.subscriptionId}/resourceGroups/${resourceGroup}/providers/${AKS_NAMESPACE}/managedClusters/${options.name}`;
    const kind = options.identity ?? 'SystemAssigned';
    const input: Json =
      kind === 'ServicePrincipal'
        ? {}
        : kind === 'UserAssigned'
          ? {
              identity: {
                type: 'UserAssigned',
                userAssignedIdentities: { [this.userIdentityId(resourceGroup, options.name)]: {} },
              },
            }
          : { identity: { type: 'SystemAssigned' } };
    const props: Json = {
      kubernetesVersion: options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
      dnsPrefix: options.name,
      ...(kind === 'ServicePrincipal' ? { servicePrincipalProfile: { clientId: randomUUID() } } : {}),
    };
    const cluster = this.clusterResource({
      id,
      name: options.name,
      resourceGroup,
      location: options.location ?? this.arm.options.location,
      input,
      props,
    });
    cluster.body['systemData'] = seededSystemData();
    const clusterProps = properties(cluster);
    clusterProps['provisioningState'] = options.provisioningState ?? 'Succeeded';
    this.setPoolsState(cluster, options.provisioningState ?? 'Succeeded');
    if (options.fqdn) {
      clusterProps['fqdn'] = options.fqdn;
      clusterProps['azurePortalFQDN'] = options.fqdn;
    }
    this.setPowerState(cluster, options.powerState ?? 'Running');
    return this.arm.store.set(cluster);
  }

  register(): void {
    const arm = this.arm;
    arm.route('GET', `/subscriptions/{subscriptionId}/providers/${AKS_NAMESPACE}/managedClusters`, (req) =>
      this.listInSubscription(req, 'managedClusters'),
    );
    arm.route('GET', MC, (req) =>
      this.list(req, `${this.rgId(req)}/providers/${AKS_NAMESPACE}`, 'managedClusters'),
    );
    arm.route('GET', `${MC}/{resourceName}`, (req) =>
      this.withResource(req, this.clusterId(req), (c) => this.read(c)),
    );
    arm.route('PUT', `${MC}/{resourceName}`, (req) => this.putCluster(req));
    arm.route('DELETE', `${MC}/{resourceName}`, (req) =>
      this.startDelete(req, this.clusterId(req), 'managedClusters'),
    );
    arm.route('POST', `${MC}/{resourceName}/listClusterUserCredential`, (req) =>
      this.withResource(req, this.clusterId(req), (c) =>
        ok({ kubeconfigs: [this.kubeconfig(c, 'clusterUser')] }),
      ),
    );
    arm.route('POST', `${MC}/{resourceName}/listClusterAdminCredential`, (req) =>
      this.withResource(req, this.clusterId(req), (c) => this.adminCredential(c)),
    );
    arm.route('POST', `${MC}/{resourceName}/start`, (req) =>
      this.withResource(req, this.clusterId(req), (c) => this.powerAction(req, c, 'Running')),
    );
    arm.route('POST', `${MC}/{resourceName}/stop`, (req) =>
      this.withResource(req, this.clusterId(req), (c) => this.powerAction(req, c, 'Stopped')),
    );
  }

  private clusterId(req: EmulatorRequest): string {
    return `${this.rgId(req)}/providers/${AKS_NAMESPACE}/managedClusters/${req.params['resourceName'] ?? ''}`;
  }

  private userIdentityId(resourceGroup: string, name: string): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-identity`;
  }

  // ---- PUT -----------------------------------------------------------------------------------------------

  private putCluster(req: EmulatorRequest): EmulatorResponse {
    const scope = this.arm.checkScope(req);
    if (scope) return scope;
    const id = this.clusterId(req);
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const validated = this.validateTracked(req);
    if ('status' in validated) return validated;
    const existing = this.arm.store.get(id);
    const cluster = this.clusterResource({
      id: existing?.id ?? id,
      name: req.params['resourceName'] ?? '',
      resourceGroup: req.params['resourceGroupName'] ?? '',
      location: String(validated.input['location']),
      input: validated.input,
      props: validated.props,
      existing,
    });
    cluster.body['systemData'] = systemData(req, existing?.body['systemData']);
    properties(cluster)['provisioningState'] = existing ? 'Updating' : 'Creating';
    this.setPoolsState(cluster, existing ? 'Updating' : 'Creating');
    this.setPowerState(cluster, this.powerStateOf(existing) ?? 'Running');
    return this.startWrite(req, cluster, 'managedClusters', !existing, (c) =>
      this.setPoolsState(c, 'Succeeded'),
    );
  }

  /** The cluster as AKS returns it: the request plus what AKS computes (versions, FQDN, identities, pools). */
  private clusterResource(args: ClusterArgs): StoredResource {
    const { input, props, existing } = args;
    const previous = existing ? properties(existing) : {};
    const version = nonEmpty(props['kubernetesVersion']) ?? DEFAULT_KUBERNETES_VERSION;
    const dnsPrefix =
      nonEmpty(props['dnsPrefix']) ?? nonEmpty(previous['dnsPrefix']) ?? defaultDnsPrefix(args);
    const location = args.location.replace(/\s+/g, '').toLowerCase();
    const fqdn =
      nonEmpty(previous['fqdn']) ??
      `${dnsPrefix}-${randomBytes(4).toString('hex')}.hcp.${location}.azmk8s.io`;
    // Without an identity or a service principal, AKS gives the cluster a system-assigned identity.
    const requested =
      input['identity'] ?? (hasServicePrincipal(props) ? undefined : { type: 'SystemAssigned' });
    const identity = managedIdentity(requested, existing?.body['identity'], this.arm.options.tenantId);
    const nodeResourceGroup =
      nonEmpty(props['nodeResourceGroup']) ?? `MC_${args.resourceGroup}_${args.name}_${args.location}`;
    const body: Json = {
      id: args.id,
      name: args.name,
      type: `${AKS_NAMESPACE}/ManagedClusters`,
      location: args.location,
      tags: input['tags'] ?? {},
      sku: input['sku'] ?? { name: 'Base', tier: 'Free' },
      ...(identity ? { identity } : {}),
      properties: {
        ...withoutSecrets(props),
        maxAgentPools: 100,
        kubernetesVersion: version,
        currentKubernetesVersion: version,
        dnsPrefix,
        fqdn,
        azurePortalFQDN: fqdn.replace('.hcp.', '.portal.hcp.'),
        agentPoolProfiles: agentPools(props['agentPoolProfiles'], version),
        servicePrincipalProfile: servicePrincipal(props['servicePrincipalProfile'], identity),
        ...(identity
          ? { identityProfile: this.kubeletIdentity(previous, nodeResourceGroup, args.name) }
          : {}),
        nodeResourceGroup,
        enableRBAC: props['enableRBAC'] ?? true,
        supportPlan: props['supportPlan'] ?? 'KubernetesOfficial',
        networkProfile: networkProfile(props['networkProfile']),
        resourceUID: nonEmpty(previous['resourceUID']) ?? randomBytes(12).toString('hex'),
      },
    };
    const secrets = existing?.secrets ?? {
      userToken: randomBytes(32).toString('hex'),
      adminToken: randomBytes(32).toString('hex'),
    };
    return { id: args.id, body, secrets };
  }

  /** `identityProfile.kubeletidentity`: the user-assigned identity AKS creates in the node resource group. */
  private kubeletIdentity(previous: Json, nodeResourceGroup: string, name: string): Json {
    if (isObject(previous['identityProfile'])) return previous['identityProfile'];
    return {
      kubeletidentity: {
        resourceId: `/subscriptions/${this.subscriptionId}/resourcegroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
        clientId: randomUUID(),
        objectId: randomUUID(),
      },
    };
  }

  // ---- power state ---------------------------------------------------------------------------------------

  private powerStateOf(cluster: StoredResource | undefined): string | undefined {
    if (!cluster) return undefined;
    const power = properties(cluster)['powerState'];
    return isObject(power) && typeof power['code'] === 'string' ? power['code'] : undefined;
  }

  private setPowerState(cluster: StoredResource, code: 'Running' | 'Stopped' | string): void {
    const props = properties(cluster);
    props['powerState'] = { code };
    for (const pool of pools(props)) pool['powerState'] = { code };
  }

  private setPoolsState(cluster: StoredResource, state: string): void {
    for (const pool of pools(properties(cluster))) pool['provisioningState'] = state;
  }

  private powerAction(
    req: EmulatorRequest,
    cluster: StoredResource,
    code: 'Running' | 'Stopped',
  ): EmulatorResponse {
    return this.startAction(
      req,
      cluster,
      'managedClusters',
      () => this.setPowerState(cluster, code),
      code === 'Running' ? 'Starting' : 'Stopping',
    );
  }

  // ---- credentials ---------------------------------------------------------------------------------------

  private adminCredential(cluster: StoredResource): EmulatorResponse {
    if (properties(cluster)['disableLocalAccounts'] === true) {
      return armError(
        400,
        'BadRequest',
        'Getting static credential is not allowed because this cluster is set to disable local accounts.',
      );
    }
    return ok({ kubeconfigs: [this.kubeconfig(cluster, 'clusterAdmin')] });
  }

  /** `CredentialResult`: a base64 kubeconfig whose server is the cluster's FQDN. */
  private kubeconfig(cluster: StoredResource, kind: 'clusterUser' | 'clusterAdmin'): Json {
    const name = String(cluster.body['name']);
    const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(cluster.id)?.[1] ?? '';
    const user = `${kind}_${resourceGroup}_${name}`;
    const context = kind === 'clusterAdmin' ? `${name}-admin` : name;
    const token = String(cluster.secrets[kind === 'clusterAdmin' ? 'adminToken' : 'userToken'] ?? '');
    const fake = (label: string) => Buffer.from(`emulator ${label} for ${name}\n`).toString('base64');
    const yaml = [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      `    certificate-authority-data: ${fake('cluster CA')}`,
      `    server: https://${String(properties(cluster)['fqdn'])}:443`,
      `  name: ${name}`,
      'contexts:',
      '- context:',
      `    cluster: ${name}`,
      `    user: ${user}`,
      `  name: ${context}`,
      `current-context: ${context}`,
      'kind: Config',
      'preferences: {}',
      'users:',
      `- name: ${user}`,
      '  user:',
      `    client-certificate-data: ${fake('client certificate')}`,
      `    client-key-data: ${fake('client key')}`,
      `    token: ${token}`,
      '',
    ].join('\n');
    return { name: kind, value: Buffer.from(yaml, 'utf8').toString('base64') };
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function hasServicePrincipal(props: Json): boolean {
  const sp = props['servicePrincipalProfile'];
  const clientId = isObject(sp) ? nonEmpty(sp['clientId']) : undefined;
  return clientId !== undefined && clientId.toLowerCase() !== 'msi';
}

/** What AKS derives when neither `dnsPrefix` nor `fqdnSubdomain` is given: `<name>-<rg>-<sub prefix>`. */
function defaultDnsPrefix(args: ClusterArgs): string {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(args.id)?.[1] ?? '';
  return `${args.name}-${args.resourceGroup}-${subscription.slice(0, 6)}`.slice(0, 54);
}

/** The request's properties minus what AKS never returns (service principal secret, Windows password). */
function withoutSecrets(props: Json): Json {
  const copy: Json = { ...props };
  if (isObject(copy['windowsProfile'])) {
    const { adminPassword: _password, ...windows } = copy['windowsProfile'];
    copy['windowsProfile'] = windows;
  }
  return copy;
}

function pools(props: Json): Json[] {
  const value = props['agentPoolProfiles'];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function agentPools(requested: unknown, version: string): Json[] {
  const list =
    Array.isArray(requested) && requested.length > 0 ? requested.filter(isObject) : [{ name: 'nodepool1' }];
  return list.map((pool, i) => ({
    count: 3,
    vmSize: 'Standard_DS2_v2',
    osDiskSizeGB: 128,
    osDiskType: 'Managed',
    maxPods: 110,
    type: 'VirtualMachineScaleSets',
    osType: 'Linux',
    osSKU: 'Ubuntu',
    mode: i === 0 ? 'System' : 'User',
    enableNodePublicIP: false,
    ...pool,
    orchestratorVersion: nonEmpty(pool['orchestratorVersion']) ?? version,
    currentOrchestratorVersion: nonEmpty(pool['orchestratorVersion']) ?? version,
    nodeImageVersion: NODE_IMAGE_VERSION,
    provisioningState: 'Creating',
    powerState: { code: 'Running' },
  }));
}

/** `{clientId: 'msi'}` for managed identity clusters; the service principal's client id (never its secret). */
function servicePrincipal(requested: unknown, identity: Json | undefined): Json {
  if (identity) return { clientId: 'msi' };
  const clientId = isObject(requested) ? nonEmpty(requested['clientId']) : undefined;
  return { clientId: clientId ?? randomUUID() };
}

function networkProfile(requested: unknown): Json {
  return {
    networkPlugin: 'kubenet',
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.0.0.0/16',
    dnsServiceIP: '10.0.0.10',
    outboundType: 'loadBalancer',
    loadBalancerSku: 'standard',
    podCidrs: ['10.244.0.0/16'],
    serviceCidrs: ['10.0.0.0/16'],
    ipFamilies: ['IPv4'],
    ...(isObject(requested) ? requested : {}),
  };
}
