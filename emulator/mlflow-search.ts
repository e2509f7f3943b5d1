/**
 * The subset of MLflow's `runs/search` language the emulator understands: `filter` clauses joined by AND
 * (`tags.mlflow.parentRunId = 'x'`, `tags."a key" != 'y'`, `metrics.rmse < 0.5`, `params.lr = '0.1'`,
 * `attributes.status = 'FINISHED'`, `run_name LIKE 'train%'`) and `order_by` (`metrics.rmse DESC`,
 * `start_time`). Anything else is refused as MLflow refuses it: INVALID_PARAMETER_VALUE.
 */

/** What a run exposes to search: latest metric values, params, tags and attributes. */
export interface SearchableRun {
  attributes: Record<string, string | number | undefined>;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

type Entity = 'attributes' | 'metrics' | 'params' | 'tags';
type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE';

export interface Clause {
  entity: Entity;
  key: string;
  op: Operator;
  value: string | number;
}

export interface OrderBy {
  entity: Entity;
  key: string;
  ascending: boolean;
}

/** A filter or order_by MLflow would refuse. */
export class SearchSyntaxError extends Error {
  override readonly name = 'SearchSyntaxError';
}

const ENTITY_PREFIXES: Record<string, Entity> = {
  attribute: 'attributes',
  attributes: 'attributes',
  attr: 'attributes',
  run: 'attributes',
  metric: 'metrics',
  metrics: 'metrics',
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  tag: 'tags',
  tags: 'tags',
};

export const SEARCH_ATTRIBUTES = [
  'run_id',
  'run_name',
  'status',
  'user_id',
  'experiment_id',
  'start_time',
  'end_time',
  'artifact_uri',
  'lifecycle_stage',
];

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'quoted-key'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; text: Operator };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(!=|>=|<=|=|<|>)/.exec(rest);
    if (op?.[1]) {
      tokens.push({ kind: 'op', text: op[1] as Operator });
      i += op[1].length;
      continue;
    }
    const quote = rest[0];
    if (quote === "'" || quote === '"' || quote === '`') {
      const end = text.indexOf(quote, i + 1);
      if (end < 0) throw new SearchSyntaxError(`Invalid filter: unterminated quote at position ${i}.`);
      const value = text.slice(i + 1, end);
      // A quoted name right after `tags.` is a key; elsewhere a single/double-quoted text is a value.
      const previous = tokens[tokens.length - 1];
      if (previous?.kind === 'word' && previous.text.endsWith('.')) {
        previous.text += value;
        tokens[tokens.length - 1] = { kind: 'quoted-key', text: previous.text };
      } else if (quote === '`') tokens.push({ kind: 'quoted-key', text: value });
      else tokens.push({ kind: 'string', text: value });
      i = end + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w.])/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w.-]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    throw new SearchSyntaxError(`Invalid filter: unexpected '${rest[0] ?? ''}' at position ${i}.`);
  }
  return tokens;
}

function identifier(text: string): { entity: Entity; key: string } {
  const dot = text.indexOf('.');
  const prefix = dot < 0 ? undefined : ENTITY_PREFIXES[text.slice(0, dot).toLowerCase()];
  if (prefix) {
    const key = text.slice(dot + 1);
    if (!key) throw new SearchSyntaxError(`Invalid identifier '${text}': the key is missing.`);
    if (prefix === 'attributes' && !SEARCH_ATTRIBUTES.includes(key)) {
      throw new SearchSyntaxError(
        `Invalid attribute key '${key}' specified. Valid keys are '${SEARCH_ATTRIBUTES.join("', '")}'.`,
      );
    }
    return { entity: prefix, key };
  }
  if (SEARCH_ATTRIBUTES.includes(text)) return { entity: 'attributes', key: text };
  throw new SearchSyntaxError(
    `Invalid identifier '${text}'. Expected a key such as 'metrics.<name>', 'params.<name>', 'tags.<name>' or ` +
      `'attributes.<name>'.`,
  );
}

/** Parses a `runs/search` filter into clauses (all must hold). An empty filter matches everything. */
export function parseFilter(filter: string | undefined): Clause[] {
  if (!filter?.trim()) return [];
  const tokens = tokenize(filter);
  const clauses: Clause[] = [];
  let i = 0;
  while (i < tokens.length) {
    const name = tokens[i];
    const opToken = tokens[i + 1];
    const valueToken = tokens[i + 2];
    if (!name || (name.kind !== 'word' && name.kind !== 'quoted-key')) {
      throw new SearchSyntaxError(`Invalid filter '${filter}': expected an identifier.`);
    }
    let op: Operator | undefined = opToken?.kind === 'op' ? opToken.text : undefined;
    if (opToken?.kind === 'word' && /^i?like$/i.test(opToken.text))
      op = opToken.text.toUpperCase() as Operator;
    if (!op || !valueToken || (valueToken.kind !== 'string' && valueToken.kind !== 'number')) {
      throw new SearchSyntaxError(`Invalid filter '${filter}': expected '<identifier> <operator> <value>'.`);
    }
    const { entity, key } = identifier(name.text);
    const value = valueToken.kind === 'number' ? valueToken.value : valueToken.text;
    if (entity === 'metrics' && typeof value !== 'number') {
      throw new SearchSyntaxError(
        `Invalid filter '${filter}': metrics.${key} must be compared with a number.`,
      );
    }
    if ((entity === 'params' || entity === 'tags') && typeof value !== 'string') {
      throw new SearchSyntaxError(
        `Invalid filter '${filter}': ${entity}.${key} must be compared with a string.`,
      );
    }
    if (typeof value === 'string' && !['=', '!=', 'LIKE', 'ILIKE'].includes(op)) {
      throw new SearchSyntaxError(`Invalid filter '${filter}': '${op}' cannot compare strings.`);
    }
    clauses.push({ entity, key, op, value });
    i += 3;
    const joiner = tokens[i];
    if (joiner === undefined) break;
    if (joiner.kind !== 'word' || joiner.text.toLowerCase() !== 'and') {
      throw new SearchSyntaxError(`Invalid filter '${filter}': clauses can only be joined by AND.`);
    }
    i += 1;
  }
  return clauses;
}

function like(value: string, pattern: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function compare(actual: string | number, op: Operator, expected: string | number): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'LIKE':
      return like(String(actual), String(expected), false);
    case 'ILIKE':
      return like(String(actual), String(expected), true);
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

/** Whether the run satisfies every clause (a missing metric/param/tag never matches, as in MLflow). */
export function matches(run: SearchableRun, clauses: readonly Clause[]): boolean {
  return clauses.every((clause) => {
    const actual = run[clause.entity][clause.key];
    return actual !== undefined && compare(actual, clause.op, clause.value);
  });
}

/** Parses `order_by` entries (`<identifier> [ASC|DESC]`). */
export function parseOrderBy(orderBy: readonly string[] | undefined): OrderBy[] {
  return (orderBy ?? []).map((entry) => {
    const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(entry);
    if (!m?.[1]) throw new SearchSyntaxError(`Invalid order_by clause '${entry}'.`);
    const tokens = tokenize(m[1]);
    const [token] = tokens;
    if (tokens.length !== 1 || !token || (token.kind !== 'word' && token.kind !== 'quoted-key')) {
      throw new SearchSyntaxError(`Invalid order_by clause '${entry}'.`);
    }
    return { ...identifier(token.text), ascending: (m[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
}

/**
 * Orders runs as MLflow does: by the given keys (missing values last), then start time (newest first), then
 * run id.
 */
export function compareRuns(order: readonly OrderBy[]) {
  const keys: OrderBy[] = [
    ...order,
    { entity: 'attributes', key: 'start_time', ascending: false },
    { entity: 'attributes', key: 'run_id', ascending: true },
  ];
  return (a: SearchableRun, b: SearchableRun): number => {
    for (const key of keys) {
      const x = a[key.entity][key.key];
      const y = b[key.entity][key.key];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const result = x < y ? -1 : 1;
      return key.ascending ? result : -result;
    }
    return 0;
  };
}
