/** Collects every problem found in a user's YAML (and the files it names) so they are reported together. */
import { DataError, formatLocation, type SourceLocation } from '../step/errors';
import type { DocumentPath, LocatedDocument } from './load-yaml';

/** Where a value came from when it was not written in the file (a CLI `--set`-like override input). */
export interface ValueOrigin {
  /** Name of the input, for messages. */
  readonly input: string;
  /** 1-based line of the input. */
  readonly line: number;
  /** The line as written. */
  readonly text: string;
}

/** A located document whose values may have been changed after reading (train's `set` overrides). */
export interface AnnotatedDocument extends LocatedDocument {
  /** The override that set the value at `path` or one of its ancestors, when one did. */
  overrideAt?(path: DocumentPath): ValueOrigin | undefined;
}

/** Several problems in a YAML file, reported at once; each keeps its own file:line:column. */
export class YamlErrors extends DataError {
  constructor(readonly errors: readonly DataError[]) {
    // With one problem the location says where; with several, every line carries its own.
    super(
      errors.length === 1
        ? errors[0]!.message
        : errors
            .map((e) => (e.location ? `${formatLocation(e.location)}: ${e.message}` : e.message))
            .join('\n'),
      errors[0]?.location,
    );
  }
}

/** The problems found so far, with where each one is. */
export class Problems {
  private readonly found: DataError[] = [];
  /** Things accepted but not acted on (keys the API version the step uses has no field for). */
  readonly warnings: string[] = [];

  add(message: string, location: SourceLocation): void {
    this.found.push(new DataError(message, location));
  }

  /** Reports a problem at a path of a document, naming the override that put the value there if any. */
  at(
    document: AnnotatedDocument,
    path: DocumentPath,
    message: string,
    part: 'key' | 'value' = 'value',
  ): void {
    const override = document.overrideAt?.(path);
    const note = override ? ` (set by line ${override.line} of '${override.input}': ${override.text})` : '';
    this.add(`${message}${note}`, document.locate(path, part));
  }

  warn(document: AnnotatedDocument, path: DocumentPath, message: string): void {
    const location = document.locate(path, 'key');
    this.warnings.push(`${formatLocation(location)}: ${message}`);
  }

  get count(): number {
    return this.found.length;
  }

  /** Throws every problem found as one YamlErrors; does nothing when there are none. */
  throwIfAny(): void {
    if (this.found.length > 0) throw new YamlErrors(inReadingOrder(this.found));
  }
}

/** Problems file by file (in the order the files were met), each file top to bottom. */
function inReadingOrder(errors: readonly DataError[]): DataError[] {
  const files = [...new Set(errors.map((e) => e.location?.file ?? ''))];
  const rank = (e: DataError) => [
    files.indexOf(e.location?.file ?? ''),
    e.location?.line ?? 0,
    e.location?.column ?? 0,
  ];
  return [...errors].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/** The closest of `candidates` to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = word.length <= 3 ? 1 : word.length <= 8 ? 2 : 3;
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** How a value reads in a message: quoted strings, 'a mapping', 'a list', 'nothing'. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
