import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isInside } from '../step/allowed-roots';
import { CancelledError, DataError } from '../step/errors';

/** A symbolic link the walk did not follow, and why. */
export interface SkippedLink {
  /** Path relative to the walked folder, `/`-separated. */
  readonly path: string;
  /** `folder`: a linked folder inside the walked one (its files are taken by their own path; loops end here). */
  readonly reason: 'folder' | 'broken';
}

export interface FolderWalk {
  /** Relative paths (`/`-separated) of the files, sorted. */
  readonly files: string[];
  readonly skippedLinks: SkippedLink[];
}

export interface WalkOptions {
  /** Paths left out (and not descended into): `.amlignore` / `.gitignore` rules. */
  readonly ignored?: (path: string, isDir: boolean) => boolean;
  readonly signal?: AbortSignal;
  /** What the folder is, for messages: `model folder`, `code folder`. */
  readonly what?: string;
}

/**
 * The files of a local folder, for an upload. Loop-safe: every real folder is read once, and linked folders are
 * not followed (a link to a folder inside the walked one is a second name for files the walk takes by their own
 * path, or a loop), so a symlink loop or a self-link ends at once; they are reported as skipped. A link to a file
 * inside the folder is a file of the folder under the link's name. A link (file or folder) pointing outside the
 * folder is refused: the upload would carry a file the folder does not hold. Async and cancellable.
 */
export async function walkFolder(root: string, options: WalkOptions = {}): Promise<FolderWalk> {
  const what = options.what ?? 'folder';
  const realRoot = await realpath(root).catch((error: unknown) => {
    throw unreadable(what, root, error);
  });
  const walk: FolderWalk = { files: [], skippedLinks: [] };
  const seen = new Set<string>();
  const pending = [realRoot];
  const inside = (real: string) => isInside(real, realRoot);
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    if (options.signal?.aborted) throw new CancelledError(`Reading the ${what} '${root}' was cancelled.`);
    if (seen.has(dir)) continue;
    seen.add(dir);
    const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      throw unreadable(what, dir, error);
    });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const path = relative(realRoot, full).split(sep).join('/');
      const isDir = entry.isDirectory();
      if (entry.name === '.git' || options.ignored?.(path, isDir)) continue;
      if (isDir) pending.push(full);
      else if (entry.isFile()) walk.files.push(path);
      else if (entry.isSymbolicLink()) await followLink(full, path, { root, what, inside }, walk);
    }
  }
  walk.files.sort();
  walk.skippedLinks.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return walk;
}

async function followLink(
  full: string,
  path: string,
  folder: { root: string; what: string; inside: (real: string) => boolean },
  walk: FolderWalk,
): Promise<void> {
  const real = await realpath(full).catch(() => undefined);
  const info = real === undefined ? undefined : await stat(real).catch(() => undefined);
  if (real === undefined || !info) {
    walk.skippedLinks.push({ path, reason: 'broken' });
    return;
  }
  if (!folder.inside(real)) {
    throw new DataError(
      `The ${folder.what} '${folder.root}' holds '${path}', a symbolic link to '${real}', outside the ${folder.what}: ` +
        `only what the ${folder.what} holds is uploaded. Copy the ${info.isDirectory() ? 'folder' : 'file'} into ` +
        `the ${folder.what}, or leave the link out (list it in .amlignore).`,
    );
  }
  if (info.isDirectory()) walk.skippedLinks.push({ path, reason: 'folder' });
  else if (info.isFile()) walk.files.push(path);
}

function unreadable(what: string, dir: string, error: unknown): DataError {
  const code = (error as NodeJS.ErrnoException).code;
  return new DataError(
    code === 'ENOENT' || code === 'ENOTDIR'
      ? `The ${what} '${dir}' does not exist (or is not a directory): nothing to upload.`
      : `The ${what} '${dir}' cannot be read (${code ?? (error as Error).message}).`,
    undefined,
    { cause: error },
  );
}

/** The skipped links in a few words for a log line: `links not followed: 'alias', 'self' (folders), 'x' (broken)`. */
export function describeSkippedLinks(links: readonly SkippedLink[]): string | undefined {
  if (links.length === 0) return undefined;
  const list = (reason: SkippedLink['reason']) =>
    links
      .filter((link) => link.reason === reason)
      .map((link) => `'${link.path}'`)
      .join(', ');
  const folders = list('folder');
  const broken = list('broken');
  return `links not followed: ${[folders && `${folders} (linked folders: their files are taken by their own path)`, broken && `${broken} (broken)`].filter(Boolean).join('; ')}`;
}
