/** Small pieces every emulated resource provider shares: JSON checks, `systemData`, ARM's 200 answer. */
import { randomBytes } from 'node:crypto';
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';
import type { ArmEmulator } from './index';
import type { Operation } from './operations';
import type { StoredResource } from './store';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ARM `systemData`: creation kept from `previous`, modification now, by the caller's app id. */
export function systemData(req: EmulatorRequest, previous?: unknown): Json {
  const now = new Date().toISOString();
  const by = req.principal?.appid ?? 'unknown';
  const created = isObject(previous)
    ? previous
    : { createdAt: now, createdBy: by, createdByType: 'Application' };
  return { ...created, lastModifiedAt: now, lastModifiedBy: by, lastModifiedByType: 'Application' };
}

/** A random key as Azure generates them for endpoints and storage (base64url, 32 characters). */
export function newKey(): string {
  return randomBytes(24).toString('base64url');
}

/** The resource's `properties` object, created when missing. */
export function properties(resource: StoredResource): Json {
  const props = resource.body['properties'];
  if (isObject(props)) return props;
  const created: Json = {};
  resource.body['properties'] = created;
  return created;
}

export function ok(body: unknown): EmulatorResponse {
  return { status: 200, body };
}

/** `systemData` of resources the emulator seeds itself (not created through a request). */
export function seededSystemData(now = new Date().toISOString()): Json {
  return {
    createdAt: now,
    createdBy: 'emulator',
    createdByType: 'Application',
    lastModifiedAt: now,
    lastModifiedBy: 'emulator',
    lastModifiedByType: 'Application',
  };
}

/** `Microsoft.X/type/name[/...]`, the part of an id after its first `/providers/`, as ARM's 404 names it. */
export function typePath(id: string): string {
  const marker = '/providers/';
  const i = id.toLowerCase().indexOf(marker);
  return i < 0 ? id : id.slice(i + marker.length);
}

/** ARM's 404 for a request on a nested resource whose parent (named by its own name) does not exist. */
export function parentNotFound(parentName: string): EmulatorResponse {
  return armError(
    404,
    'ParentResourceNotFound',
    `Can not perform requested operation on nested resource. Parent resource '${parentName}' not found.`,
  );
}

/**
 * The ids of the resources `id` is nested in, outermost first: `.../workspaces/w` and `.../workspaces/w/codes/c`
 * for `.../workspaces/w/codes/c/versions/1`. Only below the last `providers/{namespace}` (an extension resource's
 * parent is its scope, not a nested parent).
 */
export function ancestorIds(id: string): string[] {
  const segments = id.replace(/\/+$/, '').split('/');
  let start = -1;
  segments.forEach((s, i) => {
    if (s.toLowerCase() === 'providers') start = i + 2;
  });
  if (start < 0) return [];
  const ids: string[] = [];
  for (let end = start + 2; end < segments.length - 1; end += 2) ids.push(segments.slice(0, end).join('/'));
  return ids;
}

/** ParentResourceNotFound for the outermost missing resource `id` is nested in, or undefined. */
export function missingAncestor(arm: ArmEmulator, id: string): EmulatorResponse | undefined {
  const missing = ancestorIds(id).find((ancestor) => !arm.store.get(ancestor));
  return missing === undefined ? undefined : parentNotFound(missing.split('/').at(-1) ?? '');
}

/**
 * The resource, or ARM's 404: subscription, resource group, ParentResourceNotFound for a missing parent, then
 * ResourceNotFound for the resource itself.
 */
export function findResource(
  arm: ArmEmulator,
  req: EmulatorRequest,
  id: string,
): StoredResource | EmulatorResponse {
  const scope = arm.checkScope(req);
  if (scope) return scope;
  return (
    missingAncestor(arm, id) ??
    arm.store.get(id) ??
    arm.notFound(typePath(id), req.params['resourceGroupName'] ?? '')
  );
}

/**
 * The parent of what a request works on (the workspace of a job, the endpoint of a deployment, the container of
 * a version list): when it or anything it is nested in is missing, ParentResourceNotFound naming the outermost.
 */
export function findParent(
  arm: ArmEmulator,
  req: EmulatorRequest,
  parentId: string,
): StoredResource | EmulatorResponse {
  const scope = arm.checkScope(req);
  if (scope) return scope;
  return (
    missingAncestor(arm, parentId) ??
    arm.store.get(parentId) ??
    parentNotFound(parentId.split('/').at(-1) ?? '')
  );
}

/** Children of `parentId` of one type (e.g. `.../providers/Microsoft.ContainerService` + `managedClusters`). */
export function listChildren(
  arm: ArmEmulator,
  req: EmulatorRequest,
  parentId: string,
  typeSegment: string,
): EmulatorResponse {
  const scope = arm.checkScope(req);
  if (scope) return scope;
  return ok({ value: arm.store.children(parentId, typeSegment).map((r) => r.body) });
}

/**
 * GET of a stored resource; in the `provisioning-state` style this is the poll that advances its operation.
 * `resourceGroup` is what the 404 names when the operation removed the resource meanwhile.
 */
export function readPolled(arm: ArmEmulator, resource: StoredResource, resourceGroup = ''): EmulatorResponse {
  const op = arm.operations.runningOn(resource.id);
  if (
    op?.resourceId.toLowerCase() !== resource.id.toLowerCase() ||
    op.settings.style !== 'provisioning-state'
  ) {
    return ok(resource.body);
  }
  arm.operations.observe(op);
  const current = arm.store.get(resource.id);
  if (!current) return arm.notFound(typePath(resource.id), resourceGroup);
  return { ...ok(current.body), headers: arm.operations.retryAfter(op) };
}

/**
 * Stores the resource (provisioning) and starts the long-running PUT that ends it: `provisioningState` becomes
 * Succeeded (then `finish` runs) or Failed.
 */
export function startProvisioning(
  arm: ArmEmulator,
  resource: StoredResource,
  type: string,
  finish: (resource: StoredResource) => void = () => undefined,
): Operation {
  arm.store.set(resource);
  return arm.operations.start({
    resourceId: resource.id,
    resourceType: type,
    method: 'PUT',
    update: properties(resource)['provisioningState'] === 'Updating',
    onSucceeded: () => {
      properties(resource)['provisioningState'] = 'Succeeded';
      finish(resource);
      return ok(resource.body);
    },
    onFailed: () => {
      properties(resource)['provisioningState'] = 'Failed';
    },
  });
}

/** How one resource provider's long-running DELETE differs from the others'. */
export interface DeleteOptions {
  /** The status the operation's Location answers once the resource is gone (computes: 200; most others: 204). */
  readonly finalStatus?: 200 | 204;
  /** A refusal checked once no other operation runs on the resource (e.g. a deployment still taking traffic). */
  readonly refuse?: (resource: StoredResource) => EmulatorResponse | undefined;
  /** Real work the operation waits for (e.g. a scoring server stopping). */
  readonly work?: (resource: StoredResource) => Promise<undefined> | undefined;
  /** Runs once the resource is removed from the store. */
  readonly onDeleted?: (resource: StoredResource) => void;
}

/**
 * A DELETE as ARM's long-running operation, once the caller has checked the scope: 204 when the resource does not
 * exist, 409 while another operation runs on it, else 202 with `provisioningState` Deleting until it is removed
 * (Failed when a planned failure ends the operation).
 */
export function startDeleting(
  arm: ArmEmulator,
  req: EmulatorRequest,
  namespace: string,
  target: { id: string; type: string },
  options: DeleteOptions = {},
): EmulatorResponse {
  const resource = arm.store.get(target.id);
  // ARM answers 204 to a DELETE of a resource that does not exist (its parent does).
  if (!resource) return { status: 204 };
  const running = arm.operations.runningOn(resource.id);
  if (running) return arm.conflict(running);
  const refused = options.refuse?.(resource);
  if (refused) return refused;
  properties(resource)['provisioningState'] = 'Deleting';
  const op = arm.operations.start({
    resourceId: resource.id,
    resourceType: target.type,
    method: 'DELETE',
    onSucceeded: () => {
      arm.store.delete(resource.id);
      options.onDeleted?.(resource);
      return { status: options.finalStatus ?? 204 };
    },
    onFailed: () => {
      properties(resource)['provisioningState'] = 'Failed';
    },
  });
  // A planned failure needs no real work behind it.
  const pending = op.error ? undefined : options.work?.(resource);
  if (pending) arm.operations.waitFor(op, pending);
  return arm.accepted(req, namespace, op);
}
