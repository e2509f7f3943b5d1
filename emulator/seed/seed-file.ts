/**
 * The seed file (`npm run emulator -- --seed team.yml`): what a team's workspace holds, as a map of lists, each
 * entry either a CLI v2 YAML mapping written inline or `file: <path>` naming a CLI YAML file (relative to the seed
 * file). Every problem names the file and line where it was written.
 *
 *   computes:      [{ name: cpu-cluster, type: amlcompute, size: STANDARD_DS3_V2, max_instances: 4 }]
 *   data:          [{ name: weather, version: 1, type: uri_folder, path: ../examples/weather/data }]
 *   environments:  [{ file: ../examples/weather/environment.yml }]
 *   components:    [{ file: ../examples/weather/components/train.yml }]
 *   models:        [{ name: weather-model, version: 1, type: custom_model, path: ./model }]
 *   endpoints:     [{ name: weather-ep, auth_mode: key }]
 */
import { dirname, resolve } from 'node:path';
import {
  parseYaml,
  readYamlFile,
  type DocumentPath,
  type LocatedDocument,
} from '../../shared/src/yaml/load-yaml';
import { DataError, formatLocation, type SourceLocation } from '../../shared/src/step/errors';

/** The lists a seed file may hold, in the order `seedWorkspace` creates them. */
export const SEED_KINDS = ['computes', 'data', 'environments', 'components', 'models', 'endpoints'] as const;
export type SeedKind = (typeof SEED_KINDS)[number];

/** One thing to create, in its CLI YAML form, and where it was written. */
export interface SeedEntry {
  readonly kind: SeedKind;
  readonly value: Record<string, unknown>;
  readonly document: LocatedDocument;
  /** Path of the entry in `document` (`[]` for an entry given as `file:`). */
  readonly path: DocumentPath;
  /** Folder that relative paths in the entry start from (its file's folder). */
  readonly baseDir: string;
}

/** A seed problem: `file:line:column: message`. */
export class SeedError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation,
  ) {
    super(`${formatLocation(location)}: ${message}`);
    this.name = 'SeedError';
  }
}

/** Where the entry (or its `key`) was written. */
export function locateIn(entry: SeedEntry, key?: string): SourceLocation {
  return key === undefined
    ? entry.document.locate(entry.path)
    : entry.document.locate([...entry.path, key], 'value');
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function located<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof DataError) throw new SeedError(error.message, error.location ?? { file: '?' });
    throw error;
  }
}

/** Reads a seed file (or its text) into entries, checking its shape; `file:` entries are read too. */
export function readSeedFile(file: string, text?: string): SeedEntry[] {
  const path = resolve(file);
  const document = located(() => (text === undefined ? readYamlFile(path) : parseYaml(text, path)));
  const top = document.value ?? {};
  if (!isMapping(top)) {
    throw new SeedError(`a seed file is a mapping of lists (${SEED_KINDS.join(', ')})`, document.locate([]));
  }
  const entries: SeedEntry[] = [];
  for (const [key, list] of Object.entries(top)) {
    const kind = SEED_KINDS.find((k) => k === key);
    if (!kind) {
      throw new SeedError(
        `unknown list '${key}': expected ${SEED_KINDS.join(', ')}`,
        document.locate([key], 'key'),
      );
    }
    if (list === null) continue;
    if (!Array.isArray(list)) throw new SeedError(`'${key}' must be a list`, document.locate([key]));
    list.forEach((item, index) => entries.push(entryOf(kind, item, document, [key, index])));
  }
  return entries;
}

function entryOf(kind: SeedKind, item: unknown, document: LocatedDocument, path: DocumentPath): SeedEntry {
  if (!isMapping(item)) {
    throw new SeedError(`each ${kind} entry is a CLI YAML mapping or 'file: <path>'`, document.locate(path));
  }
  const baseDir = dirname(document.file);
  if (!('file' in item)) return { kind, value: item, document, path, baseDir };
  const ref = item['file'];
  if (typeof ref !== 'string' || Object.keys(item).length !== 1) {
    throw new SeedError("'file' takes a path, alone in its entry", document.locate([...path, 'file']));
  }
  const target = resolve(baseDir, ref);
  const referenced = located(() => {
    try {
      return readYamlFile(target);
    } catch (error) {
      if (error instanceof DataError && error.location?.line === undefined) {
        throw new DataError(error.message, document.locate([...path, 'file']));
      }
      throw error;
    }
  });
  if (!isMapping(referenced.value)) {
    throw new SeedError(`${ref} is not a CLI YAML mapping`, referenced.locate([]));
  }
  return { kind, value: referenced.value, document: referenced, path: [], baseDir: dirname(target) };
}
