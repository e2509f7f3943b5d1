import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CancelledError } from '../step/errors';
import { describeSkippedLinks, walkFolder, type SkippedLink } from './local-walk';

/** The files of a local code folder (or one file) as Azure ML would snapshot them, and their content hash. */
export interface Snapshot {
  /** The folder (or the file's folder) the relative paths start from. */
  readonly root: string;
  /** Name of the uploaded folder: the folder's own name, or the file's. */
  readonly name: string;
  /** Relative paths (`/` separated), sorted. */
  readonly files: readonly string[];
  /** The same files with their sizes and MD5s, in the same order. */
  readonly entries: readonly SnapshotFile[];
  readonly bytes: number;
  /** sha256 over every path and content: unchanged code gives the same hash, so it is uploaded once. */
  readonly hash: string;
  /** Patterns that excluded files, and where they came from (`.amlignore` wins over `.gitignore`, as in the CLI). */
  readonly ignoreFile?: string;
  /** Symbolic links the walk did not follow (linked folders, broken links). */
  readonly skippedLinks: readonly SkippedLink[];
}

/** One file of a snapshot: its size and MD5 (base64, as Azure Storage keeps a blob's Content-MD5). */
export interface SnapshotFile {
  readonly path: string;
  readonly bytes: number;
  readonly md5: string;
}

/**
 * Reads a code folder (or single file) and hashes it, leaving out what `.amlignore` / `.gitignore` exclude. The
 * walk is loop-safe and cancellable (`walkFolder`); each file is read once, for both hashes.
 */
export async function snapshot(
  path: string,
  isFile: boolean,
  options: { readonly signal?: AbortSignal; readonly what?: string } = {},
): Promise<Snapshot> {
  const { signal } = options;
  const root = isFile ? join(path, '..') : path;
  let files: string[];
  let ignoreFile: string | undefined;
  let skippedLinks: readonly SkippedLink[] = [];
  if (isFile) {
    files = [basename(path)];
  } else {
    const ignore = await readIgnoreFile(root);
    ignoreFile = ignore?.file;
    const walk = await walkFolder(root, {
      ...(ignore ? { ignored: ignore.matches } : {}),
      ...(signal ? { signal } : {}),
      ...(options.what ? { what: options.what } : {}),
    });
    files = walk.files;
    skippedLinks = walk.skippedLinks;
  }
  const hash = createHash('sha256');
  const entries: SnapshotFile[] = [];
  for (const file of files) {
    if (signal?.aborted) throw new CancelledError(`Reading '${path}' was cancelled.`);
    const full = join(root, file);
    const size = (await stat(full)).size;
    hash.update(`${file}\0${size}\0`);
    const md5 = createHash('md5');
    await new Promise<void>((resolve, reject) => {
      createReadStream(full)
        .on('data', (chunk) => {
          hash.update(chunk);
          md5.update(chunk);
        })
        .on('end', resolve)
        .on('error', reject);
    });
    entries.push({ path: file, bytes: size, md5: md5.digest('base64') });
  }
  return {
    root,
    name: basename(path),
    files,
    entries,
    bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
    hash: hash.digest('hex'),
    skippedLinks,
    ...(ignoreFile ? { ignoreFile } : {}),
  };
}

/** What a log line says of a snapshot besides its files: the ignore file applied, the links not followed. */
export function snapshotNotes(files: Snapshot): string {
  const links = describeSkippedLinks(files.skippedLinks);
  return [files.ignoreFile && `${files.ignoreFile} applied`, links].filter(Boolean).join('; ');
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
