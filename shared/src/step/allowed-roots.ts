/**
 * Workspace containment: the one owner of the folders a step may read and write (the host's workspace and temp
 * folders, plus those the `allowedPaths` input names) and of the check every path goes through. runStep sets the
 * roots for the run; callers anywhere below it ask `containedPath` (inputs) or `refusalOf` (paths inside files).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunEnvironment } from '../platform/ports';
import { InputError } from './errors';
import type { StepInputs } from './inputs';

/** The folders of a run, real paths (symlinks resolved), each with where it came from. */
export interface AllowedRoots {
  readonly folders: readonly string[];
}

const current = new AsyncLocalStorage<AllowedRoots>();

/** The real path of a path that may not exist yet: its nearest existing ancestor resolved, the rest appended. */
export function realPathOf(file: string): string {
  const absolute = path.resolve(file);
  let existing = absolute;
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) return absolute;
    existing = parent;
  }
  try {
    return path.join(realpathSync(existing), path.relative(existing, absolute));
  } catch {
    return absolute;
  }
}

/**
 * The roots of a run: the host's folders (`environment.allowedRoots`, or the workspace and temp folders of a host
 * that names none, plus the current and OS temp folders there), and each line of `allowedPaths` (relative to the
 * workspace).
 */
export function allowedRootsOf(environment: RunEnvironment, allowedPaths?: string): AllowedRoots {
  const host = environment.allowedRoots ?? [
    environment.workspaceDir,
    environment.tempDir,
    process.cwd(),
    tmpdir(),
  ];
  const extra = (allowedPaths ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => path.resolve(environment.workspaceDir, line));
  const folders = [...new Set([...host, ...extra].filter((f) => f !== '').map(realPathOf))];
  return { folders };
}

/** Runs `work` with `roots` as the run's roots (every containment check below it uses them). */
export function withAllowedRoots<T>(roots: AllowedRoots, work: () => T): T {
  return current.run(roots, work);
}

/** The roots of the run in progress; outside runStep (unit tests, scripts): the current and OS temp folders. */
export function currentRoots(): AllowedRoots {
  return current.getStore() ?? { folders: [...new Set([process.cwd(), tmpdir()].map(realPathOf))] };
}

/** Whether `file` is `folder` or below it (lexically: resolve links first where they matter). */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/**
 * Why a path may not be used, or undefined when it is inside a root (checked on its real path). `what` names it
 * for the user: `Input 'Request file'`, `'code'`.
 */
export function refusalOf(file: string, what: string): string | undefined {
  const roots = currentRoots();
  const real = realPathOf(file);
  if (roots.folders.some((folder) => isInside(real, folder))) return undefined;
  const via = real === path.resolve(file) ? '' : ` (a link to '${real}')`;
  return (
    `${what}: '${file}'${via} is outside the allowed folders (${roots.folders.join(', ')}). ` +
    `Keep it inside the workspace, or list its folder in the 'allowedPaths' input.`
  );
}

/** `file` when inside the roots; otherwise an InputError naming the input, the path and the roots. */
export function containedPath(file: string, input: string, displayName: string): string {
  const refusal = refusalOf(file, `Input '${displayName}'`);
  if (refusal) throw new InputError(input, refusal);
  return file;
}

/**
 * Runs work in the roots of a run: the host's and those of the `allowedPaths` input, when the step's manifest
 * declares it (every step's does; test manifests may not).
 */
export function inAllowedRoots(environment: RunEnvironment, inputs: StepInputs): <T>(work: () => T) => T {
  const allowedPaths = inputs.has('allowedPaths') ? inputs.string('allowedPaths') : undefined;
  const roots = allowedRootsOf(environment, allowedPaths);
  return (work) => withAllowedRoots(roots, work);
}
