import type { CaseExpectation, PathAssertion, SmokeCase } from './cases-file';
import { matchWithinTime } from './bounded-regex';
import type { OversizeAnswer, ScoringResult } from './http-client';
import { evaluateJsonPath, type PathMatch } from './json-path';
import { countPredictions, countRequestRows, decodeAnswer } from './predictions';
import { describeValue, trimText } from './text';

/** One expectation that did not hold: what was expected, what came instead, and the answer it came in. */
export interface CaseFailure {
  /** Says what went wrong before the expectation, when "expected X, got Y" alone would not. */
  readonly headline?: string;
  readonly expected: string;
  readonly actual: string;
  /** The answer body, trimmed; absent when the actual value says it all. */
  readonly answer?: string;
}

export interface CaseVerdict {
  readonly failures: readonly CaseFailure[];
  /** The parsed answer (after decoding a double-encoded one), when it was JSON. */
  readonly answer?: { readonly value: unknown };
  /** Things worth knowing that are not failures (a double-encoded answer, rows that could not be counted). */
  readonly notes: readonly string[];
}

/** "expected status 200, got 500". */
export function describeFailure(failure: CaseFailure): string {
  const core = `expected ${failure.expected}, got ${failure.actual}`;
  return failure.headline ? `${failure.headline}: ${core}` : core;
}

/** The failure with the answer it came in, for the summary and JUnit. */
export function describeFailureInFull(failure: CaseFailure): string {
  return failure.answer === undefined
    ? describeFailure(failure)
    : `${describeFailure(failure)}; answer: ${failure.answer}`;
}

/**
 * Judges one answer against a case's expectations. Without `assertions`, only the contract is judged (status,
 * JSON, one prediction per row): enough to tell that an endpoint still serves, whatever it predicts.
 */
export function judgeAnswer(
  smokeCase: SmokeCase,
  result: ScoringResult,
  options: { assertions?: boolean } = {},
): CaseVerdict {
  const { expect } = smokeCase;
  const expectedStatus = describeStatus(smokeCase);
  if (result.kind === 'failure')
    return { failures: [{ expected: expectedStatus, actual: result.message }], notes: [] };
  if (result.oversize) return { failures: [oversizeFailure(result.status, result.oversize)], notes: [] };
  if (!statusAccepted(smokeCase, result.status)) {
    return {
      failures: [{ expected: expectedStatus, actual: String(result.status), answer: quoteBody(result.body) }],
      notes: [],
    };
  }
  if (!expect.json) return { failures: [], notes: [] };

  const decoded = decodeAnswer(result.body);
  if (!decoded.ok) {
    return {
      failures: [
        {
          expected: 'a JSON answer',
          actual: `text that is not JSON (${decoded.error})`,
          answer: quoteBody(result.body),
        },
      ],
      notes: [],
    };
  }
  const notes: string[] = [];
  if (decoded.doubleEncoded)
    notes.push('the answer was a JSON string holding JSON (json.dumps in run()?): decoded it once');
  const answer = decoded.value;
  const assertions = options.assertions === false ? [] : expect.assertions;
  const failures = [
    ...checkRows(smokeCase, expect, answer, result.body, notes),
    ...assertions.flatMap((a) => checkAssertion(a, answer)),
  ];
  return { failures, answer: { value: answer }, notes };
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** An answer larger than the cap: how much was read, what it announced, and the input that raises the cap. */
function oversizeFailure(status: number, oversize: OversizeAnswer): CaseFailure {
  const announced =
    oversize.announcedBytes === undefined ? '' : ` of the ${megabytes(oversize.announcedBytes)} it announced`;
  return {
    headline: `answer larger than ${megabytes(oversize.limitBytes)} (raise '${oversize.input}' if that is expected)`,
    expected: `an answer of at most ${megabytes(oversize.limitBytes)}`,
    actual: `HTTP ${status} with a larger answer: stopped after reading ${oversize.bytesRead.toLocaleString('en-US')} bytes${announced}`,
  };
}

function statusAccepted(smokeCase: SmokeCase, status: number): boolean {
  const accepted = smokeCase.expect.status;
  if (accepted) return accepted.includes(status);
  return smokeCase.reject ? status >= 400 && status <= 599 : status === 200;
}

function describeStatus(smokeCase: SmokeCase): string {
  const accepted = smokeCase.expect.status;
  if (accepted)
    return `status ${accepted.length === 1 ? accepted[0] : `${accepted.slice(0, -1).join(', ')} or ${accepted[accepted.length - 1]}`}`;
  return smokeCase.reject ? 'status 4xx or 5xx (payload rejected)' : 'status 200';
}

function checkRows(
  smokeCase: SmokeCase,
  expect: CaseExpectation,
  answer: unknown,
  body: string,
  notes: string[],
): CaseFailure[] {
  if (expect.rows === false) return [];
  let expected: number;
  let because: string;
  if (expect.rows === 'auto') {
    const rows = smokeCase.request ? countRequestRows(smokeCase.request.value) : undefined;
    if (!rows) {
      if (!smokeCase.reject)
        notes.push('the request has no recognisable rows: the number of predictions was not checked');
      return [];
    }
    expected = rows.rows;
    because = ` (one per row of ${rows.where})`;
  } else {
    expected = expect.rows;
    because = '';
  }
  const predictions = countPredictions(answer);
  const wanted = `${plural(expected, 'prediction')}${because}`;
  if (!predictions)
    return [{ expected: wanted, actual: 'an answer without a list of predictions', answer: quoteBody(body) }];
  if (predictions.rows !== expected)
    return [{ expected: wanted, actual: plural(predictions.rows, 'prediction'), answer: quoteBody(body) }];
  return [];
}

/** Failures of one assertion: at most one per check, naming the first value that broke it. */
export function checkAssertion(assertion: PathAssertion, answer: unknown): CaseFailure[] {
  const path = assertion.path.text;
  const matches = evaluateJsonPath(assertion.path, answer);
  const answerText = describeValue(answer);
  if (matches.length === 0)
    return [{ expected: `a value at ${path}`, actual: 'nothing there', answer: answerText }];
  const failures: CaseFailure[] = [];
  const firstBreaking = (expected: string, holds: (value: unknown) => boolean) => {
    const broken = matches.find((match) => !holds(match.value));
    if (broken) failures.push({ expected, actual: describeMatch(broken), answer: answerText });
  };
  if (assertion.type) {
    const type = assertion.type;
    firstBreaking(`${path} of type ${type}`, (value) => jsonType(value) === type);
  }
  if (assertion.equals) {
    const wanted = assertion.equals.value;
    firstBreaking(`${path} equal to ${describeValue(wanted)}`, (value) => jsonEqual(value, wanted));
  }
  if (assertion.oneOf) {
    const allowed = assertion.oneOf;
    firstBreaking(`${path} one of ${describeValue(allowed)}`, (value) =>
      allowed.some((option) => jsonEqual(value, option)),
    );
  }
  if (assertion.min !== undefined || assertion.max !== undefined) {
    const { min, max } = assertion;
    const range =
      min !== undefined && max !== undefined
        ? `between ${min} and ${max}`
        : min !== undefined
          ? `at least ${min}`
          : `at most ${max}`;
    firstBreaking(
      `${path} a number ${range}`,
      (value) =>
        typeof value === 'number' &&
        (min === undefined || value >= min) &&
        (max === undefined || value <= max),
    );
  }
  if (assertion.matches) failures.push(...checkMatches(assertion.matches, path, matches, answerText));
  return failures;
}

/** A `matches:` assertion, its pattern run within a time limit (see bounded-regex.ts). */
function checkMatches(pattern: RegExp, path: string, matches: PathMatch[], answer: string): CaseFailure[] {
  const expected = `${path} a string matching /${pattern.source}/`;
  const outcome = matchWithinTime(
    pattern,
    matches.map((match) => match.value),
  );
  if (outcome.kind === 'all-match') return [];
  const match = matches[outcome.index]!;
  if (outcome.kind === 'mismatch') return [{ expected, actual: describeMatch(match), answer }];
  return [
    {
      expected,
      actual: `${describeMatch(match)}, on which the pattern ran over its ${outcome.limitMs / 1000} s time limit (it backtracks catastrophically: simplify it, e.g. no nested quantifiers like (a+)+)`,
      answer,
    },
  ];
}

function describeMatch(match: PathMatch): string {
  return `${match.path} = ${describeValue(match.value, 80)} (${jsonType(match.value)})`;
}

/** The JSON type name of a parsed value. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Structural equality of parsed JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => jsonEqual(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
  );
}

function quoteBody(body: string): string {
  return body.trim() === '' ? '(empty)' : trimText(body);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
