import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Node runtimes the hosts run us on: Azure DevOps Node20_1/Node24 handlers, GitHub `node24`. */
export interface NodeRuntime {
  readonly name: 'node20' | 'node24';
  readonly path: string;
}

const root = join(__dirname, '..', '..');

/**
 * The pinned runtimes come from the optional npm packages `node20` and `node24` (linux-x64 builds). Where the
 * platform has no such build (macOS, Windows), the bundle tests run under the current Node instead.
 */
function runtime(name: NodeRuntime['name']): NodeRuntime {
  const pinned = join(root, 'node_modules', name, 'bin', 'node');
  return { name, path: existsSync(pinned) ? pinned : process.execPath };
}

export const nodeRuntimes: readonly NodeRuntime[] = [runtime('node20'), runtime('node24')];

export const repoRoot = root;
