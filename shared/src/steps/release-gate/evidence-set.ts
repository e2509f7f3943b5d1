/**
 * The evidence the release gate judges: every evidence JSON (docs/decisions/0005-evidence-format.md) of the five
 * earlier steps found in the given folders or files. Bounded (depth, files visited, file size) and contained
 * (every path inside the allowed folders; links inside folders are not followed).
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { evidenceSchema } from '../../evidence/evidence-file';
import { refusalOf } from '../../step/allowed-roots';
import { DataError, InputError } from '../../step/errors';

export const gatedSteps = ['train', 'register-model', 'deploy', 'smoke-test', 'drift-check'] as const;
export type GatedStep = (typeof gatedSteps)[number];

/** Folder levels searched below each given folder. */
const MAX_DEPTH = 6;
/** Directory entries looked at in all, so a wrong folder (the whole disk) ends quickly. */
const MAX_ENTRIES = 20_000;
/** Largest evidence file read. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** One evidence record as the gate reads it: the fields it needs, the rest kept as `details`. */
export interface EvidenceEntry {
  readonly file: string;
  readonly step: GatedStep;
  readonly result: string;
  readonly message?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly run: Readonly<Record<string, string | undefined>>;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Every record found, and per step the latest one (by its end). */
export interface EvidenceSet {
  readonly records: readonly EvidenceEntry[];
  readonly latest: Partial<Record<GatedStep, EvidenceEntry>>;
}

/** Reads the evidence in `sources` (folders or files); `input` is the input's name for messages. */
export function readEvidence(
  sources: readonly string[],
  input: { name: string; shown: string },
): EvidenceSet {
  const files: string[] = [];
  const budget = { entries: MAX_ENTRIES };
  for (const source of sources) {
    const refusal = refusalOf(source, `Input '${input.shown}'`);
    if (refusal) throw new InputError(input.name, refusal);
    let stat;
    try {
      stat = statSync(source);
    } catch {
      throw new InputError(input.name, `Input '${input.shown}': '${source}' does not exist.`);
    }
    if (stat.isDirectory()) collectJson(source, 0, budget, files);
    else files.push(source);
  }
  const named = new Set(sources);
  const records: EvidenceEntry[] = [];
  for (const file of files) {
    const entry = readEntry(file, named.has(file));
    if (entry) records.push(entry);
  }
  const latest: Partial<Record<GatedStep, EvidenceEntry>> = {};
  for (const record of records) {
    const before = latest[record.step];
    if (!before || before.finishedAt < record.finishedAt) latest[record.step] = record;
  }
  return { records, latest };
}

function collectJson(folder: string, depth: number, budget: { entries: number }, files: string[]): void {
  if (depth > MAX_DEPTH) return;
  for (const name of readdirSync(folder).sort()) {
    if (--budget.entries < 0)
      throw new DataError(
        `More than ${MAX_ENTRIES} files and folders under the evidence folders: name the folders that hold the evidence JSON (e.g. the downloaded artifacts), not a parent of everything.`,
      );
    const file = path.join(folder, name);
    const stat = lstatSync(file);
    if (stat.isDirectory()) collectJson(file, depth + 1, budget, files);
    else if (stat.isFile() && name.endsWith('.json')) files.push(file);
  }
}

/**
 * The record in `file`, or undefined when it is not step evidence (another JSON in a folder: a drift report).
 * A file named directly must be evidence; a file that claims the schema must be whole.
 */
function readEntry(file: string, named: boolean): EvidenceEntry | undefined {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) {
    if (!named) return undefined;
    throw new DataError(`${file}: ${size} bytes, more than an evidence file holds (${MAX_FILE_BYTES}).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (!named) return undefined;
    throw new DataError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const record = isObject(value) ? value : {};
  if (record['schema'] !== evidenceSchema) {
    if (!named) return undefined;
    throw new DataError(
      `${file} is not step evidence: its 'schema' is ${JSON.stringify(record['schema'] ?? null)}, not '${evidenceSchema}'.`,
    );
  }
  const step = record['step'];
  if (step === 'release-gate') return undefined;
  if (typeof step !== 'string' || !(gatedSteps as readonly string[]).includes(step))
    throw new DataError(
      `${file}: evidence of step ${JSON.stringify(step)}, which the release gate does not read (it reads ${gatedSteps.join(', ')}).`,
    );
  return entryOf(file, step as GatedStep, record);
}

function entryOf(file: string, step: GatedStep, record: Record<string, unknown>): EvidenceEntry {
  const problems: string[] = [];
  const textField = (key: string) => {
    const value = record[key];
    if (typeof value !== 'string') problems.push(`'${key}' must be a string`);
    return typeof value === 'string' ? value : '';
  };
  const objectField = (key: string) => {
    const value = record[key];
    if (!isObject(value)) problems.push(`'${key}' must be an object`);
    return isObject(value) ? value : {};
  };
  const entry = {
    file,
    step,
    result: textField('result'),
    startedAt: textField('startedAt'),
    finishedAt: textField('finishedAt'),
    run: objectField('run') as Record<string, string | undefined>,
    inputs: objectField('inputs'),
    details: objectField('details'),
    ...(typeof record['message'] === 'string' ? { message: record['message'] } : {}),
  };
  if (problems.length > 0)
    throw new DataError(`${file}: ${step} evidence is incomplete: ${problems.join('; ')}.`);
  return entry;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
