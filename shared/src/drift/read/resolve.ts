import { closeSync, openSync, readSync, statSync, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isInside, refusalOf } from '../../step/allowed-roots';
import { CancelledError, InputError, StepError } from '../../step/errors';
import type { DataFile, DataFormat } from './sink';

/** What a data input names: data files to read, or a saved profile to load instead. */
export type DataSource =
  | { readonly kind: 'files'; readonly files: readonly DataFile[] }
  | { readonly kind: 'profile'; readonly path: string; readonly display: string };

/** Marks a saved profile file (see profile/saved.ts); also how a `.json` file is recognised as one. */
export const PROFILE_KIND = 'azureml-steps/drift-profile';

const EXTENSIONS: ReadonlyArray<readonly [string, DataFormat]> = [
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.parquet', 'parquet'],
  ['.pq', 'parquet'],
];

/** The format of a data file by its extension (`.gz` allowed after it), or undefined when unsupported. */
export function formatOf(path: string): { format: DataFormat; gzip: boolean } | undefined {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const name = gzip ? lower.slice(0, -3) : lower;
  const match = EXTENSIONS.find(([extension]) => name.endsWith(extension));
  if (!match || (gzip && match[1] === 'parquet')) return undefined;
  return { format: match[1], gzip };
}

export interface ResolveOptions {
  readonly workspaceDir: string;
  readonly inputName: string;
  /** Stops a folder walk (the step's cancellation). */
  readonly signal?: AbortSignal;
  /** Bounds of a folder walk (default WALK_LIMITS). */
  readonly limits?: WalkLimits;
}

/**
 * Resolves a data input: a file, a folder (every supported file inside, recursively, skipping names that start
 * with `.` or `_` such as Spark's `_SUCCESS`), or a glob with `*`, `**` and `?`. Files come sorted by path so
 * every run reads them in the same order. A `.profile.json` file (or a `.json` file holding a saved profile)
 * is a profile to load rather than data to read. Folders are walked as `walk` says (real paths once, bounded).
 */
export async function resolveDataSpec(spec: string, options: ResolveOptions): Promise<DataSource> {
  const { workspaceDir, inputName } = options;
  const text = spec.trim();
  if (text === '') throw new InputError(inputName, `${inputName} is empty: name a file, folder or glob.`);
  const display = (path: string) => {
    const inside = relative(workspaceDir, path);
    return inside === '' || !isInside(path, workspaceDir) ? path : inside.split(sep).join('/');
  };
  const toFiles = (paths: readonly string[]): DataFile[] =>
    paths.flatMap((path) => {
      // Each file found, so a link inside a folder cannot lead outside the allowed folders.
      contained(path, inputName);
      const format = formatOf(path);
      return format ? [{ path, display: display(path), ...format }] : [];
    });
  const walkOptions = { ...options, keepFile: (path: string) => formatOf(path) !== undefined };

  if (/[*?]/.test(text)) {
    contained(resolve(workspaceDir, globBase(text)), inputName);
    const files = toFiles(await matchGlob(text, workspaceDir, walkOptions));
    if (files.length === 0)
      throw new InputError(
        inputName,
        `${inputName}: no CSV, TSV, JSON Lines or Parquet files match "${text}".`,
      );
    return { kind: 'files', files };
  }

  const path = contained(resolve(workspaceDir, text), inputName);
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      inputName,
      code === 'ENOENT'
        ? `${inputName}: "${text}" does not exist.`
        : `${inputName}: cannot read "${text}" (${code ?? String(error)}).`,
      undefined,
      { cause: error },
    );
  }
  if (stats.isDirectory()) {
    const files = toFiles(
      await walk(
        path,
        () => true,
        () => true,
        walkOptions,
      ),
    );
    if (files.length === 0)
      throw new InputError(
        inputName,
        `${inputName}: the folder "${text}" holds no CSV, TSV, JSON Lines or Parquet files.`,
      );
    return { kind: 'files', files };
  }
  if (isProfileFile(path)) return { kind: 'profile', path, display: display(path) };
  const [file] = toFiles([path]);
  if (!file)
    throw new InputError(
      inputName,
      `${inputName}: "${text}" is not a CSV, TSV, JSON Lines or Parquet file (by its extension: .csv, .tsv, .jsonl, .ndjson, .parquet, optionally .gz) nor a saved profile (.profile.json).`,
    );
  return { kind: 'files', files: [file] };
}

/** `path` when inside the allowed folders (its real path: a link counts by where it points); an InputError if not. */
function contained(path: string, inputName: string): string {
  const refusal = refusalOf(path, `Input '${inputName}'`);
  if (refusal) throw new InputError(inputName, refusal);
  return path;
}

/** The folders of a glob before its first wildcard segment (`data/2024-*.csv`: `data`). */
function globBase(pattern: string): string {
  const segments = pattern.split(/[\\/]/);
  const fixed = segments
    .slice(
      0,
      segments.findIndex((segment) => /[*?]/.test(segment)),
    )
    .join('/');
  return fixed === '' && isAbsolute(pattern) ? '/' : fixed || '.';
}

/** A `.profile.json` file, or a `.json` file whose first bytes name the profile kind. */
function isProfileFile(path: string): boolean {
  const lower = path.toLowerCase();
  if (lower.endsWith('.profile.json')) return true;
  if (!lower.endsWith('.json')) return false;
  const head = Buffer.alloc(256);
  let length = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      length = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return head.toString('utf8', 0, length).includes(PROFILE_KIND);
}

/** How far a folder walk goes: past either bound it stops with an error naming the input. */
export interface WalkLimits {
  /** Data files found. */
  readonly maxFiles: number;
  /** Folders below the one named. */
  readonly maxDepth: number;
}

export const WALK_LIMITS: WalkLimits = { maxFiles: 100_000, maxDepth: 32 };

export interface WalkOptions extends ResolveOptions {
  /** The files the walk counts and returns, by absolute path (default: every file). */
  readonly keepFile?: (path: string) => boolean;
}

/**
 * Every file under `dir` (recursively, sorted, hidden and `_` names skipped) whose relative path passes `keep`.
 * Asynchronous and cancellable (the signal is checked before each folder is read); each real path is visited
 * once, so a symlink loop ends and a file reached through a link to its own folder is read once (under the
 * first path met in sorted order). Past `limits` (files found, folder depth) it stops with an InputError.
 */
async function walk(
  dir: string,
  keep: (relativePath: string) => boolean,
  descend: (relativeDir: string) => boolean,
  options: WalkOptions,
): Promise<string[]> {
  const limits = options.limits ?? WALK_LIMITS;
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = async (absolute: string, relativeDir: string, depth: number): Promise<void> => {
    checkCancelled(options.signal);
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(absolute);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (depth > limits.maxDepth)
      throw walkLimitError(
        options,
        limits,
        `nests folders deeper than ${limits.maxDepth} levels (at "${relativeDir}")`,
      );
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch {
      return;
    }
    const names = entries.filter((entry) => !entry.name.startsWith('.') && !entry.name.startsWith('_'));
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of names) {
      const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      const path = join(absolute, entry.name);
      const kind = await entryKind(entry, path);
      if (kind === 'directory') {
        if (descend(relativePath)) await visit(path, relativePath, depth + 1);
      } else if (kind && keep(relativePath) && (options.keepFile?.(path) ?? true)) {
        const realFile = kind === 'file' ? join(real, entry.name) : kind;
        if (seen.has(realFile)) continue;
        seen.add(realFile);
        found.push(path);
        if (found.length > limits.maxFiles)
          throw walkLimitError(
            options,
            limits,
            `holds more than ${limits.maxFiles.toLocaleString('en-US')} data files`,
          );
      }
    }
  };
  await visit(dir, '', 0);
  return found;
}

/** 'directory', 'file', the real path of a file reached through a symlink, or undefined for anything else. */
async function entryKind(entry: Dirent, path: string): Promise<string | undefined> {
  if (!entry.isSymbolicLink()) return entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : undefined;
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) return 'directory';
    return stats.isFile() ? await realpath(path) : undefined;
  } catch {
    return undefined;
  }
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw signal.reason instanceof StepError
      ? signal.reason
      : new CancelledError('The run was cancelled while looking for data files.');
}

function walkLimitError(options: WalkOptions, limits: WalkLimits, what: string): InputError {
  return new InputError(
    options.inputName,
    `${options.inputName}: the data ${what}; name a smaller folder or a glob (drift-check reads at most ${limits.maxFiles.toLocaleString('en-US')} files, ${limits.maxDepth} folders deep).`,
  );
}

/** Files matching a glob (`*` and `?` within a path segment, `**` across segments), relative to `base`. */
export function matchGlob(pattern: string, base: string, options: WalkOptions): Promise<string[]> {
  const segments = pattern.split(/[\\/]/);
  const absolute = isAbsolute(pattern);
  const firstGlob = segments.findIndex((segment) => /[*?]/.test(segment));
  const fixed = segments.slice(0, firstGlob).join('/');
  const root = absolute ? fixed || '/' : resolve(base, fixed || '.');
  const rest = segments.slice(firstGlob);
  const regex = globToRegExp(rest);
  const recursive = rest.includes('**');
  const depth = rest.length - 1;
  return walk(
    root,
    (relativePath) => regex.test(relativePath),
    (relativeDir) => recursive || relativeDir.split('/').length <= depth,
    options,
  );
}

/** A RegExp for glob segments: `**` any number of folders, `*` any characters but `/`, `?` one of them. */
export function globToRegExp(segments: readonly string[]): RegExp {
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    for (const char of segment) {
      if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    if (!last) source += '/';
  });
  return new RegExp(`^${source}$`);
}
