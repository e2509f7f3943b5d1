import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from './runtimes';

/**
 * The corpus of Azure ML CLI v2 YAML files (tests/fixtures/cli-yaml, see its README) and the keys it must cover:
 * keys-sdk-1.4.json (written by scripts/cli-yaml-keys/keys.py from azure-ai-ml's schemas) plus keys-supplement.json
 * (keys the current CLI reference documents beyond them).
 */
export const corpusRoot = join(repoRoot, 'tests/fixtures/cli-yaml');

export interface CorpusFile {
  /** Path relative to the corpus root, `jobs/command/serverless.yml`. */
  readonly path: string;
  readonly absolute: string;
  /** The key list it counts for, from its `$schema` (`commandJob`, ...). */
  readonly schema: string;
  readonly value: unknown;
}

interface KeyLists {
  schemas: Record<string, { schemaFiles?: string[]; keys: string[] }>;
}

const readJson = (name: string): KeyLists =>
  JSON.parse(readFileSync(join(corpusRoot, name), 'utf8')) as KeyLists;

/** Every key each schema must cover, by dotted path (`*` stands for any one map key). */
export function requiredKeys(): Record<string, string[]> {
  const sdk = readJson('keys-sdk-1.4.json');
  const supplement = readJson('keys-supplement.json');
  const out: Record<string, string[]> = {};
  for (const [name, entry] of Object.entries(sdk.schemas)) out[name] = [...entry.keys];
  for (const [name, entry] of Object.entries(supplement.schemas)) {
    out[name] = [...new Set([...(out[name] ?? []), ...entry.keys])].sort();
  }
  return out;
}

/** `$schema` file name (`commandJob.schema.json`) -> key list name. */
export function schemaNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, entry] of Object.entries(readJson('keys-sdk-1.4.json').schemas)) {
    for (const file of entry.schemaFiles ?? []) names.set(file, name);
  }
  return names;
}

function yamlFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Every YAML file of the corpus that names a CLI schema in `$schema` (conda files and the like do not). */
export function corpusFiles(root = corpusRoot): CorpusFile[] {
  const names = schemaNames();
  const files: CorpusFile[] = [];
  for (const absolute of yamlFiles(root).sort()) {
    const value = load(readFileSync(absolute, 'utf8'));
    const url = (value as Record<string, unknown> | null)?.['$schema'];
    if (typeof url !== 'string') continue;
    const schemaFile = url.split('/').pop()!;
    const schema = names.get(schemaFile) ?? `unknown schema ${schemaFile}`;
    files.push({ path: relative(root, absolute), absolute, schema, value });
  }
  return files;
}

/** Every key path of a document: `a`, `a.b`; sequences are transparent (`a.b` for a key of an item of `a`). */
export function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, prefix, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      keyPaths(child, path, out);
    }
  }
  return out;
}

const matcher = (key: string): RegExp =>
  new RegExp(
    `^${key
      .split('.')
      .map((part) => (part === '*' ? '[^.]+' : part.replace(/[$]/g, '\\$&')))
      .join('\\.')}$`,
  );

/** The keys of `required` no path of `paths` has. */
export function missingKeys(required: readonly string[], paths: ReadonlySet<string>): string[] {
  const all = [...paths];
  return required.filter((key) => {
    const pattern = matcher(key);
    return !all.some((path) => pattern.test(path));
  });
}
