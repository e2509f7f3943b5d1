import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { refusalOf } from '../../step/allowed-roots';
import { InputError } from '../../step/errors';
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

/**
 * Resolves a data input: a file, a folder (every supported file inside, recursively, skipping names that start
 * with `.` or `_` such as Spark's `_SUCCESS`), or a glob with `*`, `**` and `?`. Files come sorted by path so
 * every run reads them in the same order. A `.profile.json` file (or a `.json` file holding a saved profile)
 * is a profile to load rather than data to read.
 */
export function resolveDataSpec(
  spec: string,
  options: { workspaceDir: string; inputName: string },
): DataSource {
  const { workspaceDir, inputName } = options;
  const text = spec.trim();
  if (text === '') throw new InputError(inputName, `${inputName} is empty: name a file, folder or glob.`);
  const display = (path: string) => {
    const inside = relative(workspaceDir, path);
    return inside === '' || inside.startsWith('..') || isAbsolute(inside)
      ? path
      : inside.split(sep).join('/');
  };
  const toFile = (path: string): DataFile | undefined => {
    contained(path, inputName);
    const format = formatOf(path);
    return format && { path, display: display(path), ...format };
  };

  if (/[*?]/.test(text)) {
    contained(resolve(workspaceDir, globBase(text)), inputName);
    const files = matchGlob(text, workspaceDir)
      .map(toFile)
      .filter((file): file is DataFile => file !== undefined);
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
    const files = walk(path, () => true)
      .map(toFile)
      .filter((file): file is DataFile => file !== undefined);
    if (files.length === 0)
      throw new InputError(
        inputName,
        `${inputName}: the folder "${text}" holds no CSV, TSV, JSON Lines or Parquet files.`,
      );
    return { kind: 'files', files };
  }
  if (isProfileFile(path)) return { kind: 'profile', path, display: display(path) };
  const file = toFile(path);
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

/** Every file under `dir` (recursively, sorted, hidden and `_` names skipped) whose relative path passes `keep`. */
function walk(
  dir: string,
  keep: (relativePath: string) => boolean,
  descend: (relativeDir: string) => boolean = () => true,
): string[] {
  const found: string[] = [];
  const visit = (absolute: string, relativeDir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch {
      return;
    }
    const names = entries.filter((entry) => !entry.name.startsWith('.') && !entry.name.startsWith('_'));
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of names) {
      const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      const path = join(absolute, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stats = statSync(path);
          isDirectory = stats.isDirectory();
          isFile = stats.isFile();
        } catch {
          continue;
        }
      }
      if (isDirectory) {
        if (descend(relativePath)) visit(path, relativePath);
      } else if (isFile && keep(relativePath)) found.push(path);
    }
  };
  visit(dir, '');
  return found;
}

/** Files matching a glob (`*` and `?` within a path segment, `**` across segments), relative to `base`. */
export function matchGlob(pattern: string, base: string): string[] {
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
