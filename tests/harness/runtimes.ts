import { join } from 'node:path';

/** The Node runtimes the hosts run us on: Azure DevOps Node20_1/Node24 handlers, GitHub `node24`. */
export interface NodeRuntime {
  readonly name: 'node20' | 'node24';
  readonly path: string;
}

const root = join(__dirname, '..', '..');

export const nodeRuntimes: readonly NodeRuntime[] = [
  { name: 'node20', path: join(root, 'node_modules', 'node20', 'bin', 'node') },
  { name: 'node24', path: join(root, 'node_modules', 'node24', 'bin', 'node') },
];

export const repoRoot = root;
