/**
 * Node for the jobs whose environment asks for it. The emulator builds no image: it reads what the environment
 * version says. One whose `image` is a Node image (`node:<tag>`, any registry), or whose build context's
 * Dockerfile (`build.dockerfilePath`, default `Dockerfile`, read from the context's blobs) has a `FROM` of one,
 * is a Node environment: its jobs find first on their PATH a `node` that starts the `node` this emulator finds on
 * its own PATH (resolved once; its version is not matched to the tag, the job's log says both). Other
 * environments get nothing added (the host's PATH is not filtered: a `node` there stays visible to them).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isObject } from '../arm/resource';
import { shellQuote } from '../shell-quote';
import type { RunnerContext } from './context';

const NODE_IMAGE = /^(?:[^\s/]+\/)*node(?::([^\s@]+))?(?:@\S+)?$/i;

let resolved: Promise<{ path: string; version: string }> | undefined;

/** The `node` on the emulator's PATH and its version (this process's Node when there is none). */
function hostNode(): Promise<{ path: string; version: string }> {
  resolved ??= new Promise((resolve) => {
    execFile('node', ['-p', 'process.execPath + " " + process.version'], (error, stdout) => {
      const [path, version] = String(stdout).trim().split(' ');
      resolve(
        !error && path?.startsWith('/') && version
          ? { path, version }
          : { path: process.execPath, version: process.version },
      );
    });
  });
  return resolved;
}

/** The Node image an environment version asks for (`node:24-bookworm-slim`), or undefined. */
export async function requestedNodeImage(
  ctx: RunnerContext,
  environmentId: string | undefined,
): Promise<string | undefined> {
  if (!environmentId || /^azureml:\/\/registries\//i.test(environmentId)) return undefined;
  const environment = ctx.arm.store.get(environmentId.replace(/^azureml:(?=\/)/i, ''));
  const props = isObject(environment?.body['properties']) ? environment.body['properties'] : {};
  const image = typeof props['image'] === 'string' ? props['image'] : undefined;
  if (image) return NODE_IMAGE.test(image) ? image : undefined;
  const build = isObject(props['build']) ? props['build'] : undefined;
  const contextUri = typeof build?.['contextUri'] === 'string' ? build['contextUri'] : undefined;
  const location = contextUri ? ctx.blobs.parseUrl(contextUri) : undefined;
  if (!location) return undefined;
  const dockerfile = typeof build?.['dockerfilePath'] === 'string' ? build['dockerfilePath'] : 'Dockerfile';
  const blob = `${location.path.replace(/\/*$/, '/')}${dockerfile.replace(/^\.?\//, '')}`;
  const text = await ctx.blobs
    .container(location.container)
    .getBlobClient(blob)
    .downloadToBuffer()
    .then((buffer) => buffer.toString('utf8'))
    .catch(() => '');
  for (const line of text.split(/\r?\n/)) {
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line)?.[1];
    if (from && NODE_IMAGE.test(from)) return from;
  }
  return undefined;
}

/** Writes the `node` the job starts into `<dir>/node-bin`; gives that folder and what the job's log says of it. */
export async function nodeForJob(dir: string, image: string): Promise<{ binDir: string; note: string }> {
  const node = await hostNode();
  const binDir = join(dir, 'node-bin');
  await mkdir(binDir, { recursive: true });
  await writeFile(join(binDir, 'node'), `#!/bin/sh\nexec ${shellQuote(node.path)} "$@"\n`);
  await chmod(join(binDir, 'node'), 0o755);
  return {
    binDir,
    note: `[emulator] The environment asks for Node (${image}); the emulator builds no image and runs the node on its PATH (${node.version}, ${node.path}).\n`,
  };
}
