import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { refusalOf } from '../step/allowed-roots';
import { DataError, formatLocation, type SourceLocation } from '../step/errors';
import { readYamlFile, type DocumentPath, type LocatedDocument } from '../yaml/load-yaml';
import { jsonErrorOffset } from './json-syntax';
import { JsonPathError, parseJsonPath, type JsonPath } from './json-path';

/** JSON types an assertion can require. */
export const JSON_TYPES = ['number', 'string', 'boolean', 'array', 'object', 'null'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** One JSON-path assertion; every check present must hold for every value the path selects. */
export interface PathAssertion {
  readonly path: JsonPath;
  /** Wrapped so that `equals: null` is distinguishable from no `equals`. */
  readonly equals?: { readonly value: unknown };
  readonly oneOf?: readonly unknown[];
  readonly type?: JsonType;
  readonly min?: number;
  readonly max?: number;
  readonly matches?: RegExp;
}

export interface CaseExpectation {
  /** Accepted statuses; undefined means 200, or any 4xx/5xx for a reject case. */
  readonly status?: readonly number[];
  readonly json: boolean;
  /** `auto`: as many predictions as the request has rows, when it has recognisable rows. */
  readonly rows: 'auto' | number | false;
  readonly assertions: readonly PathAssertion[];
}

export interface SmokeCase {
  readonly name: string;
  /** Exactly what is sent. */
  readonly body: string;
  /** The body parsed, when it is JSON (used to count rows). */
  readonly request?: { readonly value: unknown };
  /** The payload must be refused (4xx/5xx), and the endpoint must still answer a valid case afterwards. */
  readonly reject: boolean;
  readonly expect: CaseExpectation;
  readonly location?: SourceLocation;
}

/** What a smoke test runs: the cases, in order, and the checks across them. */
export interface SmokePlan {
  /** The cases file or request file it came from. */
  readonly source: string;
  readonly cases: readonly SmokeCase[];
  /** Names of cases whose answers must not all be equal. */
  readonly notConstant: readonly string[];
  /** The case repeated to measure latency. */
  readonly latencyCase: string;
}

const TOP_KEYS = ['cases', 'notConstant', 'latencyCase'];
const CASE_KEYS = ['name', 'description', 'request', 'requestFile', 'rawBody', 'reject', 'expect'];
const EXPECT_KEYS = ['status', 'json', 'rows', 'assertions'];
const ASSERTION_KEYS = ['path', 'equals', 'oneOf', 'type', 'min', 'max', 'matches'];

interface Problem {
  readonly message: string;
  readonly location: SourceLocation;
}

/** Reads and validates a cases file (YAML or JSON); every problem is reported with its file:line:column. */
export function loadCasesFile(file: string): SmokePlan {
  return validateCases(readYamlFile(file), path.dirname(file));
}

/** Validates a parsed cases document; request files are resolved against `baseDir`. */
export function validateCases(document: LocatedDocument, baseDir: string): SmokePlan {
  const reader = new Reader(document);
  const { report, problems } = reader;

  const root = document.value;
  if (!isMapping(root)) {
    report(`a cases file is a mapping with a 'cases' list, got ${kindOf(root)}`, []);
    throw toError(problems);
  }
  reader.keys(root, [], TOP_KEYS, 'the cases file');
  const cases: SmokeCase[] = [];
  const names = new Map<string, number>();
  if (!('cases' in root)) report(`'cases' is required: a list of cases`, []);
  else if (!Array.isArray(root.cases) || root.cases.length === 0)
    report(`'cases' must be a non-empty list, got ${kindOf(root.cases)}`, ['cases']);
  else {
    root.cases.forEach((raw, index) => {
      const parsed = readCase(raw, ['cases', index], reader, baseDir);
      if (!parsed) return;
      const previous = names.get(parsed.name);
      if (previous !== undefined) {
        report(`duplicate case name '${parsed.name}' (also case ${previous + 1})`, ['cases', index, 'name']);
        return;
      }
      names.set(parsed.name, index);
      cases.push(parsed);
    });
  }

  const declared = new Set(
    (Array.isArray(root.cases) ? root.cases : [])
      .map((c: unknown) => (isMapping(c) ? c.name : undefined))
      .filter((n): n is string => typeof n === 'string'),
  );
  const valid = cases.filter((c) => !c.reject);
  if (cases.length > 0 && valid.length === 0) {
    report(`at least one case must not be a reject case: it proves the endpoint works and recovers`, [
      'cases',
    ]);
  }
  const referTo = (name: unknown, at: DocumentPath, what: string): string | undefined => {
    if (typeof name !== 'string') {
      report(`${what} must name a case, got ${kindOf(name)}`, at);
      return undefined;
    }
    const found = cases.find((c) => c.name === name);
    if (!found) {
      // A case that exists but has problems of its own is already reported.
      if (!declared.has(name))
        report(`${what} names unknown case '${name}'; cases: ${[...declared].join(', ') || '(none)'}`, at);
      return undefined;
    }
    if (found.reject) report(`${what} names reject case '${name}': it needs a case with a valid answer`, at);
    return name;
  };

  // Without a list of cases, complaints about names that refer to them would only be noise.
  const listed = Array.isArray(root.cases) && root.cases.length > 0;
  const notConstant: string[] = [];
  if ('notConstant' in root && listed) {
    const list = root.notConstant;
    if (!Array.isArray(list) || list.length < 2) {
      const got = Array.isArray(list) ? `${list.length} name${list.length === 1 ? '' : 's'}` : kindOf(list);
      report(`'notConstant' must list at least two case names, got ${got}`, ['notConstant']);
    } else {
      list.forEach((name, index) => {
        const resolved = referTo(name, ['notConstant', index], `'notConstant'`);
        if (resolved === undefined) return;
        if (notConstant.includes(resolved))
          report(`'notConstant' lists '${resolved}' twice`, ['notConstant', index]);
        else notConstant.push(resolved);
      });
    }
  }
  let latencyCase = valid[0]?.name ?? '';
  if ('latencyCase' in root && listed)
    latencyCase = referTo(root.latencyCase, ['latencyCase'], `'latencyCase'`) ?? latencyCase;

  if (problems.length > 0) throw toError(inFileOrder(problems, document.file));
  return {
    source: document.file,
    cases,
    notConstant,
    latencyCase,
  };
}

/** The simple form: one JSON request that must be answered 200 with JSON and one prediction per row. */
export function requestFilePlan(file: string): SmokePlan {
  const text = readText(file, { file });
  const request = parseJsonText(text, file);
  const name = path.basename(file).replace(/\.[^.]*$/, '') || 'request';
  return {
    source: file,
    cases: [
      {
        name,
        body: text,
        request: { value: request },
        reject: false,
        expect: { json: true, rows: 'auto', assertions: [] },
        location: { file },
      },
    ],
    notConstant: [],
    latencyCase: name,
  };
}

function readCase(raw: unknown, at: DocumentPath, reader: Reader, baseDir: string): SmokeCase | undefined {
  const { report } = reader;
  if (!isMapping(raw)) {
    report(`a case is a mapping with 'name', a request and 'expect', got ${kindOf(raw)}`, at);
    return undefined;
  }
  const name = raw.name;
  const label = typeof name === 'string' && name.trim() ? `case '${name}'` : `case ${Number(at[1]) + 1}`;
  reader.keys(raw, at, CASE_KEYS, label);
  let ok = true;
  if (typeof name !== 'string' || name.trim() === '') {
    report(`${label} needs a 'name' (a non-empty string)`, 'name' in raw ? [...at, 'name'] : at);
    ok = false;
  }
  if ('description' in raw && typeof raw.description !== 'string')
    reader.wrongType(raw.description, [...at, 'description'], 'a string');
  const reject = reader.optionalBoolean(raw, at, 'reject') ?? false;

  const sources = ['request', 'requestFile', 'rawBody'].filter((key) => key in raw);
  let body: string | undefined;
  let request: { value: unknown } | undefined;
  if (sources.length !== 1) {
    report(
      sources.length === 0
        ? `${label} needs one of 'request' (inline JSON), 'requestFile' or 'rawBody'`
        : `${label} has ${sources.map((s) => `'${s}'`).join(' and ')}: give only one`,
      sources.length === 0 ? at : [...at, sources[1]!],
      sources.length === 0 ? 'value' : 'key',
    );
    ok = false;
  } else if (sources[0] === 'request') {
    request = { value: raw.request };
    body = JSON.stringify(raw.request);
  } else if (sources[0] === 'rawBody') {
    if (typeof raw.rawBody !== 'string') {
      reader.wrongType(raw.rawBody, [...at, 'rawBody'], 'a string (sent as is)');
      ok = false;
    } else {
      body = raw.rawBody;
      request = tryJson(body);
    }
  } else {
    const where = reader.document.locate([...at, 'requestFile']);
    if (typeof raw.requestFile !== 'string' || raw.requestFile.trim() === '') {
      reader.wrongType(raw.requestFile, [...at, 'requestFile'], 'a file path relative to the cases file');
      ok = false;
    } else {
      try {
        const file = path.resolve(baseDir, raw.requestFile);
        const refusal = refusalOf(file, 'requestFile');
        if (refusal) throw new DataError(refusal);
        body = readText(file, where, raw.requestFile);
        request = tryJson(body);
        // A malformed file only makes sense as a payload the endpoint must refuse.
        if (!request && !reject) request = { value: parseJsonText(body, file) };
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        // A syntax error points into the request file itself; a missing file at the reference to it.
        const inFile = error.location?.line !== undefined && error.location.file !== where.file;
        reader.reportAt(`${label}: ${error.message}`, inFile ? error.location! : where);
        ok = false;
      }
    }
  }

  const expect = readExpectation(raw, at, reader, reject, label);
  if (!ok || !expect || body === undefined || typeof name !== 'string') return undefined;
  return { name, body, request, reject, expect, location: reader.document.locate(at) };
}

function readExpectation(
  raw: Record<string, unknown>,
  at: DocumentPath,
  reader: Reader,
  reject: boolean,
  label: string,
): CaseExpectation | undefined {
  const { report } = reader;
  const defaults: CaseExpectation = { json: !reject, rows: reject ? false : 'auto', assertions: [] };
  if (!('expect' in raw)) return defaults;
  const expect = raw.expect;
  const here = [...at, 'expect'];
  if (!isMapping(expect)) {
    reader.wrongType(expect, here, `a mapping with ${EXPECT_KEYS.join(', ')}`);
    return undefined;
  }
  reader.keys(expect, here, EXPECT_KEYS, `'expect' of ${label}`);
  let ok = true;

  let status: number[] | undefined;
  if ('status' in expect) {
    const list = Array.isArray(expect.status) ? expect.status : [expect.status];
    const statusAt = (index: number): DocumentPath =>
      Array.isArray(expect.status) ? [...here, 'status', index] : [...here, 'status'];
    if (list.length === 0) {
      report(`'status' must be an HTTP status or a non-empty list of them`, [...here, 'status']);
      ok = false;
    }
    status = [];
    list.forEach((value, index) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
        report(`'status' must be an HTTP status (100-599), got ${describe(value)}`, statusAt(index));
        ok = false;
      } else if (reject && value < 400) {
        report(`${label} is a reject case: its 'status' must be 4xx or 5xx, got ${value}`, statusAt(index));
        ok = false;
      } else status!.push(value);
    });
  }

  const json = reader.optionalBoolean(expect, here, 'json') ?? defaults.json;
  let rows = defaults.rows;
  if ('rows' in expect) {
    const value = expect.rows;
    if (value === 'auto' || value === true) rows = 'auto';
    else if (value === false) rows = false;
    else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) rows = value;
    else {
      report(`'rows' must be 'auto', a whole number of predictions or false, got ${describe(value)}`, [
        ...here,
        'rows',
      ]);
      ok = false;
    }
  }
  if (rows !== false && !json && 'rows' in expect) {
    report(`'rows' needs a JSON answer: remove 'json: false' or set 'rows: false'`, [...here, 'rows']);
    ok = false;
  }

  const assertions: PathAssertion[] = [];
  if ('assertions' in expect) {
    if (!Array.isArray(expect.assertions)) {
      reader.wrongType(expect.assertions, [...here, 'assertions'], 'a list of assertions');
      ok = false;
    } else {
      if (expect.assertions.length > 0 && !json) {
        report(`'assertions' need a JSON answer: remove 'json: false'`, [...here, 'assertions']);
        ok = false;
      }
      expect.assertions.forEach((item, index) => {
        const assertion = readAssertion(item, [...here, 'assertions', index], reader);
        if (assertion) assertions.push(assertion);
        else ok = false;
      });
    }
  }
  return ok ? { status, json, rows, assertions } : undefined;
}

function readAssertion(raw: unknown, at: DocumentPath, reader: Reader): PathAssertion | undefined {
  const { report } = reader;
  if (!isMapping(raw)) {
    reader.wrongType(raw, at, `a mapping with 'path' and a check (${ASSERTION_KEYS.slice(1).join(', ')})`);
    return undefined;
  }
  reader.keys(raw, at, ASSERTION_KEYS, 'an assertion');
  let ok = true;
  let jsonPath: JsonPath | undefined;
  if (typeof raw.path !== 'string') {
    if ('path' in raw) reader.wrongType(raw.path, [...at, 'path'], `a JSON path such as '$[0]'`);
    else report(`an assertion needs a 'path' such as '$[0]' or '$.predictions[*]'`, at);
    ok = false;
  } else {
    try {
      jsonPath = parseJsonPath(raw.path);
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      report(`invalid path '${raw.path}' at character ${error.offset + 1}: ${error.message}`, [
        ...at,
        'path',
      ]);
      ok = false;
    }
  }
  if (!ASSERTION_KEYS.slice(1).some((key) => key in raw)) {
    report(`an assertion needs a check: one of ${ASSERTION_KEYS.slice(1).join(', ')}`, at);
    ok = false;
  }
  const assertion: { -readonly [K in keyof PathAssertion]: PathAssertion[K] } = { path: jsonPath! };
  if ('equals' in raw) assertion.equals = { value: raw.equals };
  if ('oneOf' in raw) {
    if (!Array.isArray(raw.oneOf) || raw.oneOf.length === 0) {
      reader.wrongType(raw.oneOf, [...at, 'oneOf'], 'a non-empty list of allowed values');
      ok = false;
    } else assertion.oneOf = raw.oneOf;
  }
  if ('type' in raw) {
    if (typeof raw.type !== 'string' || !(JSON_TYPES as readonly string[]).includes(raw.type)) {
      report(`'type' must be one of ${JSON_TYPES.join(', ')}, got ${describe(raw.type)}`, [...at, 'type']);
      ok = false;
    } else assertion.type = raw.type as JsonType;
  }
  for (const bound of ['min', 'max'] as const) {
    if (!(bound in raw)) continue;
    const value = raw[bound];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      reader.wrongType(value, [...at, bound], 'a number');
      ok = false;
    } else assertion[bound] = value;
  }
  if (assertion.min !== undefined && assertion.max !== undefined && assertion.min > assertion.max) {
    report(`'min' (${assertion.min}) is greater than 'max' (${assertion.max})`, [...at, 'min']);
    ok = false;
  }
  if ('matches' in raw) {
    if (typeof raw.matches !== 'string') {
      reader.wrongType(raw.matches, [...at, 'matches'], 'a regular expression (a string)');
      ok = false;
    } else {
      try {
        assertion.matches = new RegExp(raw.matches, 'u');
      } catch (error) {
        report(`'matches' is not a valid regular expression: ${(error as Error).message}`, [
          ...at,
          'matches',
        ]);
        ok = false;
      }
    }
  }
  return ok ? assertion : undefined;
}

/** Collects problems, located in the document, and checks common shapes. */
class Reader {
  readonly problems: Problem[] = [];
  constructor(readonly document: LocatedDocument) {}

  readonly report = (message: string, at: DocumentPath, part: 'key' | 'value' = 'value'): void => {
    this.problems.push({ message, location: this.document.locate(at, part) });
  };

  reportAt(message: string, location: SourceLocation): void {
    this.problems.push({ message, location });
  }

  keys(value: Record<string, unknown>, at: DocumentPath, allowed: readonly string[], owner: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        this.report(
          `unknown key '${key}' in ${owner}; allowed keys: ${allowed.join(', ')}`,
          [...at, key],
          'key',
        );
    }
  }

  wrongType(value: unknown, at: DocumentPath, expected: string): void {
    this.report(`'${String(at[at.length - 1])}' must be ${expected}, got ${describe(value)}`, at);
  }

  optionalBoolean(value: Record<string, unknown>, at: DocumentPath, key: string): boolean | undefined {
    if (!(key in value)) return undefined;
    const flag = value[key];
    if (typeof flag === 'boolean') return flag;
    this.wrongType(flag, [...at, key], 'true or false');
    return undefined;
  }
}

/**
 * One problem keeps its location apart from its message; several are listed one a line, each starting with its
 * own location (the first one's is also the error's).
 */
function toError(problems: readonly Problem[]): DataError {
  const [first] = problems;
  if (!first) return new DataError('invalid cases file');
  if (problems.length === 1) return new DataError(first.message, first.location);
  return new DataError(
    problems.map((p) => `${formatLocation(p.location)}: ${p.message}`).join('\n'),
    first.location,
  );
}

/** Problems in the order of the file (problems inside request files last), so the first is the first to fix. */
function inFileOrder(problems: readonly Problem[], file: string): Problem[] {
  const key = (p: Problem) => [
    p.location.file === file ? 0 : 1,
    p.location.line ?? 0,
    p.location.column ?? 0,
  ];
  return [...problems].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/** Reads a file as UTF-8; `shown` is the name the user wrote. */
function readText(file: string, where: SourceLocation, shown = file): string {
  try {
    if (statSync(file).isDirectory())
      throw new DataError(`'${shown}' is a directory, not a request file`, where);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof DataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? String(error)})`;
    throw new DataError(
      `request file '${shown}' ${reason}${shown === file ? '' : ` (looked for ${file})`}`,
      where,
      { cause: error },
    );
  }
}

/** Parses JSON text strictly; a syntax error is a DataError at its line and column in `file`. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const location = offset === undefined ? { file } : offsetLocation(text, offset, file);
    const reason =
      offset === undefined
        ? (error as Error).message
        : offset >= text.length
          ? 'the text ends too early'
          : `unexpected ${describeChar(text[offset]!)}`;
    throw new DataError(`${path.basename(file)} is not valid JSON: ${reason}`, location);
  }
}

function describeChar(char: string): string {
  return /\s/.test(char)
    ? `character U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
    : `'${char}'`;
}

function offsetLocation(text: string, offset: number, file: string): SourceLocation {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { file, line, column: offset - before.lastIndexOf('\n') };
}

function tryJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** A value and its kind, for "must be X, got Y" messages. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 59)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return kindOf(value);
}
