/**
 * Microsoft.MachineLearningServices: workspaces (read), online endpoints and online deployments, following the
 * REST spec (`specification/machinelearningservices/resource-manager`, 2022-10-01 and later; the api-version
 * is taken as sent and recorded). Writes are long-running operations (see `operations.ts`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';
import type { ArmEmulator } from './index';
import {
  findParent,
  findResource,
  isObject,
  listChildren,
  missingAncestor,
  newKey,
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

export const ML_NAMESPACE = 'Microsoft.MachineLearningServices';
const WS = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ML_NAMESPACE}/workspaces`;
const EP = `${WS}/{workspaceName}/onlineEndpoints`;
const DEP = `${EP}/{endpointName}/deployments`;

/** The containers of an online deployment `getLogs` reads (`DeploymentLogsRequest.containerType`). */
export type DeploymentContainer = 'InferenceServer' | 'StorageInitializer';

/** Where a deployment keeps each container's log (in `secrets`). */
export const DEPLOYMENT_LOG_KEYS: Record<DeploymentContainer, string> = {
  InferenceServer: 'logs',
  StorageInitializer: 'storageInitializerLogs',
};

/** What runs behind online endpoints and deployments (the scoring emulator, `scoring/`); every hook is optional. */
export interface OnlineEndpointHooks {
  /** A new endpoint (PUT): its `scoringUri` / `swaggerUri` (a local listener) instead of the generated ones. */
  endpointCreated?(endpointId: string): Promise<{ scoringUri: string; swaggerUri: string } | undefined>;
  /** A deployment PUT: its operation completes once the returned work settles; an error it gives fails it. */
  deploymentWritten?(
    deployment: StoredResource,
  ): Promise<{ code: string; message: string } | undefined> | undefined;
  /** An endpoint or deployment DELETE (an endpoint's deployments go with it): completes once the work settles. */
  deleting?(resourceId: string): Promise<undefined> | undefined;
}

export interface WorkspaceOptions {
  resourceGroup: string;
  name: string;
  /** Base of the emulator (`https://127.0.0.1:<port>`), used for the workspace's service URLs. */
  serviceUrl: string;
}

export class MachineLearningEmulator {
  hooks: OnlineEndpointHooks = {};

  constructor(
    private readonly arm: ArmEmulator,
    /** Called for each new workspace, to add what Azure ML creates with one (default datastores). */
    private readonly onWorkspaceCreated: (workspaceId: string) => void = () => undefined,
  ) {}

  private get subscriptionId(): string {
    return this.arm.options.subscriptionId;
  }

  /** Adds a ready (`Succeeded`) workspace. Its MLflow / discovery URLs point at the emulator. */
  createWorkspace(options: WorkspaceOptions): StoredResource {
    const { resourceGroup, name } = options;
    const rgId = `/subscriptions/${this.subscriptionId}/resourceGroups/${resourceGroup}`;
    const id = `${rgId}/providers/${ML_NAMESPACE}/workspaces/${name}`;
    const host = new URL(options.serviceUrl).host;
    const now = new Date().toISOString();
    const suffix = randomBytes(4).toString('hex');
    this.arm.resourceGroups.add(resourceGroup.toLowerCase());
    const workspace = this.arm.store.set({
      id,
      secrets: {},
      body: {
        id,
        name,
        type: `${ML_NAMESPACE}/workspaces`,
        location: this.arm.options.location,
        tags: {},
        kind: 'Default',
        sku: { name: 'Basic', tier: 'Basic' },
        identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: this.arm.options.tenantId },
        systemData: seededSystemData(now),
        properties: {
          workspaceId: randomUUID(),
          description: '',
          friendlyName: name,
          storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/st${suffix}`,
          keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv-${suffix}`,
          applicationInsights: `${rgId}/providers/Microsoft.Insights/components/appi-${suffix}`,
          containerRegistry: `${rgId}/providers/Microsoft.ContainerRegistry/registries/cr${suffix}`,
          discoveryUrl: `${options.serviceUrl}/discovery`,
          mlFlowTrackingUri: `azureml://${host}/mlflow/v1.0${id}`,
          provisioningState: 'Succeeded',
          hbiWorkspace: false,
          allowPublicAccessWhenBehindVnet: false,
          publicNetworkAccess: 'Enabled',
          storageHnsEnabled: false,
          v1LegacyMode: false,
          tenantId: this.arm.options.tenantId,
          notebookInfo: { fqdn: `ml-${name}-${this.arm.options.location}-${suffix}.notebooks.azure.net` },
        },
      },
    });
    this.onWorkspaceCreated(workspace.id);
    return workspace;
  }

  /** Replaces the text `getLogs` returns for a container of a deployment (default: the inference server). */
  setDeploymentLogs(
    deploymentId: string,
    text: string,
    container: DeploymentContainer = 'InferenceServer',
  ): void {
    const resource = this.arm.store.get(deploymentId);
    if (!resource) throw new Error(`No deployment ${deploymentId}`);
    resource.secrets[DEPLOYMENT_LOG_KEYS[container]] = text;
  }

  register(): void {
    const arm = this.arm;
    arm.route('GET', WS, (req) => this.list(req, this.rgId(req), 'workspaces'));
    arm.route('GET', `${WS}/{workspaceName}`, (req) => this.withWorkspace(req, (ws) => ok(ws.body)));

    arm.route('GET', EP, (req) =>
      this.withParent(req, this.workspaceId(req), (ws) => this.list(req, ws.id, 'onlineEndpoints')),
    );
    arm.route('GET', `${EP}/{endpointName}`, (req) => this.withEndpoint(req, (ep) => this.read(ep)));
    arm.route('PUT', `${EP}/{endpointName}`, (req) =>
      this.withParent(req, this.workspaceId(req), (ws) => this.putEndpoint(req, ws)),
    );
    arm.route('DELETE', `${EP}/{endpointName}`, (req) => this.deleteResource(req, this.endpointId(req)));
    arm.route('POST', `${EP}/{endpointName}/listKeys`, (req) =>
      this.withEndpoint(req, (ep) => ok(ep.secrets['keys'] ?? {})),
    );
    arm.route('POST', `${EP}/{endpointName}/regenerateKeys`, (req) =>
      this.withEndpoint(req, (ep) => this.regenerateKeys(req, ep)),
    );

    arm.route('POST', `${EP}/{endpointName}/token`, (req) =>
      this.withEndpoint(req, (ep) => this.endpointToken(ep)),
    );

    arm.route('GET', DEP, (req) =>
      this.withParent(req, this.endpointId(req), (ep) => this.list(req, ep.id, 'deployments')),
    );
    arm.route('GET', `${DEP}/{deploymentName}`, (req) => this.withDeployment(req, (d) => this.read(d)));
    arm.route('PUT', `${DEP}/{deploymentName}`, (req) =>
      this.withParent(req, this.endpointId(req), (ep) => this.putDeployment(req, ep)),
    );
    arm.route('DELETE', `${DEP}/{deploymentName}`, (req) => this.deleteResource(req, this.deploymentId(req)));
    arm.route('POST', `${DEP}/{deploymentName}/getLogs`, (req) =>
      this.withDeployment(req, (d) => this.getLogs(req, d)),
    );
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  private rgId(req: EmulatorRequest): string {
    return `/subscriptions/${req.params['subscriptionId'] ?? ''}/resourceGroups/${req.params['resourceGroupName'] ?? ''}`;
  }

  private workspaceId(req: EmulatorRequest): string {
    return `${this.rgId(req)}/providers/${ML_NAMESPACE}/workspaces/${req.params['workspaceName'] ?? ''}`;
  }

  private endpointId(req: EmulatorRequest): string {
    return `${this.workspaceId(req)}/onlineEndpoints/${req.params['endpointName'] ?? ''}`;
  }

  private deploymentId(req: EmulatorRequest): string {
    return `${this.endpointId(req)}/deployments/${req.params['deploymentName'] ?? ''}`;
  }

  private withWorkspace(
    req: EmulatorRequest,
    fn: (ws: StoredResource) => EmulatorResponse | Promise<EmulatorResponse>,
  ): EmulatorResponse | Promise<EmulatorResponse> {
    const ws = findResource(this.arm, req, this.workspaceId(req));
    return 'status' in ws ? ws : fn(ws);
  }

  /** `fn` with the parent of the request's resource, or ParentResourceNotFound. */
  private withParent(
    req: EmulatorRequest,
    parentId: string,
    fn: (parent: StoredResource) => EmulatorResponse | Promise<EmulatorResponse>,
  ): EmulatorResponse | Promise<EmulatorResponse> {
    const parent = findParent(this.arm, req, parentId);
    return 'status' in parent ? parent : fn(parent);
  }

  private withEndpoint(req: EmulatorRequest, fn: (ep: StoredResource) => EmulatorResponse): EmulatorResponse {
    const ep = findResource(this.arm, req, this.endpointId(req));
    return 'status' in ep ? ep : fn(ep);
  }

  private withDeployment(
    req: EmulatorRequest,
    fn: (d: StoredResource) => EmulatorResponse,
  ): EmulatorResponse {
    const d = findResource(this.arm, req, this.deploymentId(req));
    return 'status' in d ? d : fn(d);
  }

  private list(req: EmulatorRequest, parentId: string, typeSegment: string): EmulatorResponse {
    const parent = typeSegment === 'workspaces' ? `${parentId}/providers/${ML_NAMESPACE}` : parentId;
    return listChildren(this.arm, req, parent, typeSegment);
  }

  /** GET of a resource; in the `provisioning-state` style this is the poll that advances its operation. */
  private read(resource: StoredResource): EmulatorResponse {
    return readPolled(this.arm, resource);
  }

  // ---- writes --------------------------------------------------------------------------------------------

  /** Checks the body of a PUT of a tracked resource (`location` and `properties` are required). */
  private validateTracked(
    req: EmulatorRequest,
  ): { input: Json; props: Json } | { response: EmulatorResponse } {
    const body = req.body;
    if (!isObject(body)) {
      return {
        response: armError(
          400,
          'InvalidRequestContent',
          'The request content was invalid and could not be deserialized.',
        ),
      };
    }
    if (typeof body['location'] !== 'string' || body['location'].length === 0) {
      return {
        response: armError(400, 'LocationRequired', 'The location property is required for this definition.'),
      };
    }
    const props = body['properties'];
    if (!isObject(props)) {
      return {
        response: armError(
          400,
          'InvalidRequestContent',
          "The request content was invalid: 'properties' is required.",
        ),
      };
    }
    return { input: body, props };
  }

  private async putEndpoint(req: EmulatorRequest, ws: StoredResource): Promise<EmulatorResponse> {
    const id = `${ws.id}/onlineEndpoints/${req.params['endpointName'] ?? ''}`;
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const validated = this.validateTracked(req);
    if ('response' in validated) return validated.response;
    const { input, props: inputProps } = validated;
    if (typeof inputProps['authMode'] !== 'string') {
      return armError(
        400,
        'BadRequest',
        "The request content was invalid: 'properties.authMode' is required.",
      );
    }
    const name = req.params['endpointName'] ?? '';
    const existing = this.arm.store.get(id);
    const location = String(input['location']);
    // The URIs stay those the endpoint got when it was created.
    const uris = existing
      ? { scoringUri: properties(existing)['scoringUri'], swaggerUri: properties(existing)['swaggerUri'] }
      : ((await this.hooks.endpointCreated?.(id)) ?? {
          scoringUri: `https://${name}.${location}.inference.ml.azure.com/score`,
          swaggerUri: `https://${name}.${location}.inference.ml.azure.com/swagger.json`,
        });
    const identity = managedIdentity(
      input['identity'] ?? { type: 'SystemAssigned' },
      this.arm.options.tenantId,
    );
    const resource: StoredResource = {
      id: existing?.id ?? id,
      secrets: existing?.secrets ?? { keys: { primaryKey: newKey(), secondaryKey: newKey() } },
      body: {
        id: existing?.id ?? id,
        name,
        type: `${ML_NAMESPACE}/workspaces/onlineEndpoints`,
        location,
        tags: input['tags'] ?? {},
        ...(input['kind'] !== undefined ? { kind: input['kind'] } : {}),
        ...(input['sku'] !== undefined ? { sku: input['sku'] } : {}),
        identity,
        systemData: systemData(req, existing?.body['systemData']),
        properties: {
          ...inputProps,
          traffic: inputProps['traffic'] ?? {},
          publicNetworkAccess: inputProps['publicNetworkAccess'] ?? 'Enabled',
          scoringUri: uris.scoringUri,
          swaggerUri: uris.swaggerUri,
          provisioningState: existing ? 'Updating' : 'Creating',
        },
      },
    };
    return this.startWrite(req, resource, 'onlineEndpoints', !existing);
  }

  private putDeployment(req: EmulatorRequest, ep: StoredResource): EmulatorResponse {
    const id = `${ep.id}/deployments/${req.params['deploymentName'] ?? ''}`;
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const validated = this.validateTracked(req);
    if ('response' in validated) return validated.response;
    const { input, props: inputProps } = validated;
    const existing = this.arm.store.get(id);
    const name = req.params['deploymentName'] ?? '';
    const resource: StoredResource = {
      id: existing?.id ?? id,
      secrets: existing?.secrets ?? { logs: `Deployment '${name}' is starting (emulator log).\n` },
      body: {
        id: existing?.id ?? id,
        name,
        type: `${ML_NAMESPACE}/workspaces/onlineEndpoints/deployments`,
        location: input['location'],
        tags: input['tags'] ?? {},
        ...(input['kind'] !== undefined ? { kind: input['kind'] } : {}),
        ...(input['sku'] !== undefined ? { sku: input['sku'] } : {}),
        ...(input['identity'] !== undefined
          ? { identity: managedIdentity(input['identity'], this.arm.options.tenantId) }
          : {}),
        systemData: systemData(req, existing?.body['systemData']),
        properties: { ...inputProps, provisioningState: existing ? 'Updating' : 'Creating' },
      },
    };
    return this.startWrite(req, resource, 'deployments', !existing, (d) => this.hooks.deploymentWritten?.(d));
  }

  private startWrite(
    req: EmulatorRequest,
    resource: StoredResource,
    type: string,
    created: boolean,
    work?: (resource: StoredResource) => Promise<{ code: string; message: string } | undefined> | undefined,
  ): EmulatorResponse {
    const op = startProvisioning(this.arm, resource, type);
    // A planned failure needs no real work behind it.
    const pending = op.error ? undefined : work?.(resource);
    if (pending) this.arm.operations.waitFor(op, pending);
    return this.arm.accepted(req, ML_NAMESPACE, op, resource.body, created);
  }

  private deleteResource(req: EmulatorRequest, id: string): EmulatorResponse {
    const scope = this.arm.checkScope(req) ?? missingAncestor(this.arm, id);
    if (scope) return scope;
    const type = /\/deployments\/[^/]+$/i.test(id) ? 'deployments' : 'onlineEndpoints';
    return startDeleting(
      this.arm,
      req,
      ML_NAMESPACE,
      { id, type },
      {
        refuse: (resource) => {
          if (type !== 'deployments') return undefined;
          const live = liveShare(this.arm.store.get(id.replace(/\/deployments\/[^/]+$/i, '')), resource);
          return live > 0 ? trafficStillAllocated(String(resource.body['name']), live) : undefined;
        },
        work: (resource) => this.hooks.deleting?.(resource.id),
      },
    );
  }

  private regenerateKeys(req: EmulatorRequest, ep: StoredResource): EmulatorResponse {
    const running = this.arm.operations.runningOn(ep.id);
    if (running) return this.arm.conflict(running);
    const body = isObject(req.body) ? req.body : {};
    const keyType = body['keyType'];
    if (keyType !== 'Primary' && keyType !== 'Secondary') {
      return armError(
        400,
        'BadRequest',
        "The request content was invalid: 'keyType' must be 'Primary' or 'Secondary'.",
      );
    }
    const keyValue = typeof body['keyValue'] === 'string' ? body['keyValue'] : newKey();
    const op = this.arm.operations.start({
      resourceId: ep.id,
      resourceType: 'onlineEndpoints',
      method: 'POST',
      onSucceeded: () => {
        const keys = isObject(ep.secrets['keys']) ? ep.secrets['keys'] : {};
        ep.secrets['keys'] = { ...keys, [keyType === 'Primary' ? 'primaryKey' : 'secondaryKey']: keyValue };
        return { status: 200 };
      },
      onFailed: () => undefined,
    });
    return this.arm.accepted(req, ML_NAMESPACE, op);
  }

  /** `POST .../onlineEndpoints/{e}/token` (`EndpointAuthToken`), for endpoints with `authMode: AMLToken`. */
  private endpointToken(ep: StoredResource): EmulatorResponse {
    const authMode = String(properties(ep)['authMode'] ?? '');
    if (authMode.toLowerCase() !== 'amltoken') {
      return armError(
        400,
        'BadArgument',
        `The endpoint '${String(ep.body['name'])}' uses auth mode '${authMode}': tokens are only available for ` +
          "endpoints with auth mode 'AMLToken'.",
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = `${randomBytes(24).toString('base64url')}.${randomBytes(48).toString('base64url')}`;
    const tokens = Array.isArray(ep.secrets['tokens']) ? (ep.secrets['tokens'] as string[]) : [];
    ep.secrets['tokens'] = [...tokens, accessToken];
    return ok({
      accessToken,
      tokenType: 'Bearer',
      expiryTimeUtc: now + 86400,
      refreshAfterTimeUtc: now + 43200,
    });
  }

  /** `getLogs`: the log of the `containerType` container (default `InferenceServer`), `tail` last lines. */
  private getLogs(req: EmulatorRequest, deployment: StoredResource): EmulatorResponse {
    const body = isObject(req.body) ? req.body : {};
    const asked = body['containerType'] ?? 'InferenceServer';
    // Enum values compare case-insensitively, as the service's reader does.
    const container = (Object.keys(DEPLOYMENT_LOG_KEYS) as DeploymentContainer[]).find(
      (c) => typeof asked === 'string' && c.toLowerCase() === asked.toLowerCase(),
    );
    if (!container) {
      return armError(
        400,
        'BadRequest',
        `The request content was invalid: 'containerType' must be 'InferenceServer' or 'StorageInitializer', ` +
          `not '${String(asked)}'.`,
      );
    }
    const stored = deployment.secrets[DEPLOYMENT_LOG_KEYS[container]];
    const text = typeof stored === 'string' ? stored : '';
    const tail = typeof body['tail'] === 'number' ? body['tail'] : undefined;
    if (tail === undefined) return ok({ content: text });
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return ok({ content: lines.slice(Math.max(0, lines.length - tail)).join('\n') });
  }
}

/**
 * A resource's managed identity as ARM answers it: the request's, with the ids ARM assigns (system-assigned:
 * `principalId`, `tenantId`; each user-assigned one: `principalId`, `clientId`).
 */
function managedIdentity(requested: unknown, tenantId: string): Json {
  const identity: Json = isObject(requested) ? { ...requested } : {};
  if (String(identity['type']).toLowerCase().includes('systemassigned')) {
    identity['principalId'] ??= randomUUID();
    identity['tenantId'] ??= tenantId;
  }
  const userAssigned = identity['userAssignedIdentities'];
  if (isObject(userAssigned))
    identity['userAssignedIdentities'] = Object.fromEntries(
      Object.entries(userAssigned).map(([id, value]) => [
        id,
        { ...(isObject(value) ? value : {}), principalId: randomUUID(), clientId: randomUUID() },
      ]),
    );
  return identity;
}

/** The deployment's share of its endpoint's live traffic (deployment names compare without case, as Azure's do). */
function liveShare(endpoint: StoredResource | undefined, deployment: StoredResource): number {
  const traffic = endpoint ? properties(endpoint)['traffic'] : undefined;
  if (!traffic || typeof traffic !== 'object') return 0;
  const name = String(deployment.body['name']).toLowerCase();
  const entry = Object.entries(traffic as Record<string, unknown>).find(([n]) => n.toLowerCase() === name);
  return typeof entry?.[1] === 'number' ? entry[1] : 0;
}

/**
 * Azure ML refuses to delete a deployment that still takes live traffic ("you can't delete a deployment that has
 * traffic allocated": set its traffic to 0 first, as the safe-rollout guide does before deleting blue).
 */
function trafficStillAllocated(name: string, share: number): EmulatorResponse {
  return armError(
    400,
    'BadRequest',
    `Deployment '${name}' has ${share}% of the endpoint's live traffic allocated to it and cannot be deleted. Set its traffic to 0 before deleting it.`,
  );
}
