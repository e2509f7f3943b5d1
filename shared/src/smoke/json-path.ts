/**
 * A small JSONPath subset for smoke-test assertions: `$`, `.name`, `['name']`, `[n]`, `[-n]` (from the end),
 * `[*]` and `.*`. Parsed by hand: no eval, no library.
 */
export type PathSegment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

export interface JsonPath {
  readonly text: string;
  readonly segments: readonly PathSegment[];
}

/** A value a path selected, with the concrete path that reached it (wildcards resolved). */
export interface PathMatch {
  readonly path: string;
  readonly value: unknown;
}

/** A path that does not parse; `offset` is the 0-based character where the problem is. */
export class JsonPathError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonPathError';
  }
}

const IDENTIFIER = /[A-Za-z_$][\w$-]*/y;
const INTEGER = /-?\d+/y;

/** Parses a path of the supported subset; throws JsonPathError saying what is wrong and where. */
export function parseJsonPath(text: string): JsonPath {
  if (!text.startsWith('$')) throw new JsonPathError(`a path starts with '$', got '${text}'`, 0);
  const segments: PathSegment[] = [];
  let at = 1;
  while (at < text.length) {
    const char = text[at];
    if (char === '.') {
      at++;
      if (text[at] === '*') {
        segments.push({ kind: 'wildcard' });
        at++;
        continue;
      }
      IDENTIFIER.lastIndex = at;
      const match = IDENTIFIER.exec(text);
      if (!match) throw new JsonPathError(`expected a name after '.' (use ['...'] for other keys)`, at);
      segments.push({ kind: 'key', key: match[0] });
      at += match[0].length;
    } else if (char === '[') {
      at++;
      const next = text[at];
      if (next === '*') {
        if (text[at + 1] !== ']') throw new JsonPathError(`expected ']' after '[*'`, at + 1);
        segments.push({ kind: 'wildcard' });
        at += 2;
      } else if (next === "'" || next === '"') {
        const { key, end } = quotedKey(text, at);
        if (text[end] !== ']') throw new JsonPathError(`expected ']' after the quoted name`, end);
        segments.push({ kind: 'key', key });
        at = end + 1;
      } else {
        INTEGER.lastIndex = at;
        const match = INTEGER.exec(text);
        if (!match) throw new JsonPathError(`expected an index, '*' or a quoted name after '['`, at);
        at += match[0].length;
        if (text[at] !== ']') throw new JsonPathError(`expected ']' after the index`, at);
        segments.push({ kind: 'index', index: Number(match[0]) });
        at++;
      }
    } else {
      throw new JsonPathError(`unexpected '${char}': expected '.' or '['`, at);
    }
  }
  return { text, segments };
}

function quotedKey(text: string, start: number): { key: string; end: number } {
  const quote = text[start];
  let key = '';
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at]!;
    if (char === '\\') {
      const escaped = text[at + 1];
      if (escaped === undefined) break;
      key += escaped;
      at++;
    } else if (char === quote) {
      return { key, end: at + 1 };
    } else {
      key += char;
    }
  }
  throw new JsonPathError(`unterminated quoted name`, start);
}

/** Every value the path selects in `root`; empty when nothing matches. */
export function evaluateJsonPath(path: JsonPath, root: unknown): PathMatch[] {
  let current: PathMatch[] = [{ path: '$', value: root }];
  for (const segment of path.segments) {
    const next: PathMatch[] = [];
    for (const { path: at, value } of current) {
      switch (segment.kind) {
        case 'key':
          if (isObject(value) && Object.prototype.hasOwnProperty.call(value, segment.key)) {
            next.push({ path: at + keyText(segment.key), value: value[segment.key] });
          }
          break;
        case 'index':
          if (Array.isArray(value)) {
            const index = segment.index < 0 ? value.length + segment.index : segment.index;
            if (index >= 0 && index < value.length)
              next.push({ path: `${at}[${index}]`, value: value[index] });
          }
          break;
        case 'wildcard':
          if (Array.isArray(value))
            value.forEach((item, index) => next.push({ path: `${at}[${index}]`, value: item }));
          else if (isObject(value))
            for (const [key, item] of Object.entries(value))
              next.push({ path: at + keyText(key), value: item });
          break;
      }
    }
    current = next;
  }
  return current;
}

/** True when the path can select more than one value. */
export function isMultiPath(path: JsonPath): boolean {
  return path.segments.some((segment) => segment.kind === 'wildcard');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyText(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key)
    ? `.${key}`
    : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
