/** Small pieces every emulated resource provider shares: JSON checks, `systemData`, ARM's 200 answer. */
import { randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../server';
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
