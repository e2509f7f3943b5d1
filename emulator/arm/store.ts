import { resourceKey } from './name-case';

/**
 * In-memory ARM resources keyed by resource id, compared as ARM does: case-insensitively, except the names the
 * REST spec calls case-sensitive (`name-case.ts`).
 */
export interface StoredResource {
  /** The id with the casing it was created with. */
  id: string;
  /** The JSON returned by GET. */
  body: Record<string, unknown>;
  /** Data that is not part of the resource body (e.g. endpoint keys, deployment logs). */
  secrets: Record<string, unknown>;
}

export class ResourceStore {
  private readonly resources = new Map<string, StoredResource>();

  get(id: string): StoredResource | undefined {
    return this.resources.get(resourceKey(id));
  }

  set(resource: StoredResource): StoredResource {
    this.resources.set(resourceKey(resource.id), resource);
    return resource;
  }

  /** Deletes the resource and every resource nested under it. */
  delete(id: string): boolean {
    const key = resourceKey(id);
    for (const k of [...this.resources.keys()]) if (k.startsWith(`${key}/`)) this.resources.delete(k);
    return this.resources.delete(key);
  }

  /** Direct children of `parentId` of the given type segment (e.g. `onlineEndpoints`), in creation order. */
  children(parentId: string, typeSegment: string): StoredResource[] {
    const prefix = `${resourceKey(parentId)}/${typeSegment.toLowerCase()}/`;
    return [...this.resources.entries()]
      .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
      .map(([, v]) => v);
  }

  all(): StoredResource[] {
    return [...this.resources.values()];
  }
}
