import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { DataError } from '../step/errors';

/** The files of a local code folder (or one file) as Azure ML would snapshot them, and their content hash. */
export interface Snapshot {
  /** The folder (or the file's folder) the relative paths start from. */
  readonly root: string;
  /** Name of the uploaded folder: the folder's own name, or the file's. */
  readonly name: string;
  /** Relative paths (`/` separated), sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** sha256 over every path and content: unchanged code gives the same hash, so it is uploaded once. */
  readonly hash: string;
  /** Patterns that excluded files, and where they came from (`.amlignore` wins over `.gitignore`, as in the CLI). */
  readonly ignoreFile?: string;
}

/** Reads a code folder (or single file) and hashes it, leaving out what `.amlignore` / `.gitignore` exclude. */
export async function snapshot(path: string, isFile: boolean): Promise<Snapshot> {
  const root = isFile ? join(path, '..') : path;
  let files: string[];
  let ignoreFile: string | undefined;
  if (isFile) {
    files = [basename(path)];
  } else {
    const ignore = await readIgnoreFile(root);
    ignoreFile = ignore?.file;
    files = (await walk(root, root, ignore?.matches ?? (() => false))).sort();
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for (const file of files) {
    const full = join(root, file);
    const size = (await stat(full)).size;
    bytes += size;
    hash.update(`${file}\0${size}\0`);
    await new Promise<void>((resolve, reject) => {
      createReadStream(full)
        .on('data', (chunk) => hash.update(chunk))
        .on('end', resolve)
        .on('error', reject);
    });
  }
  return {
    root,
    name: basename(path),
    files,
    bytes,
    hash: hash.digest('hex'),
    ...(ignoreFile ? { ignoreFile } : {}),
  };
}

async function walk(
  root: string,
  dir: string,
  ignored: (path: string, isDir: boolean) => boolean,
): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError(`Code folder '${dir}' cannot be read: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const path = relative(root, full).split(sep).join('/');
    const isDir = entry.isDirectory();
    if (entry.name === '.git' || ignored(path, isDir)) continue;
    if (isDir) files.push(...(await walk(root, full, ignored)));
    else if ((await stat(full).catch(() => undefined))?.isFile()) files.push(path);
  }
  return files;
}

async function readIgnoreFile(
  root: string,
): Promise<{ file: string; matches: (path: string, isDir: boolean) => boolean } | undefined> {
  for (const name of ['.amlignore', '.gitignore']) {
    const text = await readFile(join(root, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return { file: name, matches: ignoreMatcher(text) };
  }
  return undefined;
}

/**
 * The common part of gitignore syntax: `#` comments, `!` negation, a trailing `/` for folders, a leading or inner
 * `/` anchoring to the root, `*`, `?` and `**`. Later lines win, as in git.
 */
export function ignoreMatcher(text: string): (path: string, isDir: boolean) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      let pattern = negate ? line.slice(1) : line;
      const dirOnly = pattern.endsWith('/');
      if (dirOnly) pattern = pattern.slice(0, -1);
      const anchored = pattern.includes('/');
      if (pattern.startsWith('/')) pattern = pattern.slice(1);
      const body = pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*');
      const regex = new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`);
      return { negate, dirOnly, regex };
    });
  return (path, isDir) => {
    let ignored = false;
    for (const rule of rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(path)) ignored = !rule.negate;
    }
    return ignored;
  };
}
