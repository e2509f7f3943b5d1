import {
  describeFailure,
  describeFailureInFull,
  jsonEqual,
  judgeAnswer,
} from '../../../shared/src/smoke/assertions';
import { validateCases, type SmokeCase } from '../../../shared/src/smoke/cases-file';
import type { ScoringResult } from '../../../shared/src/smoke/http-client';
import { parseYaml } from '../../../shared/src/yaml/load-yaml';

/** One case from the YAML of its body (indented under `cases: - `), plus a valid case so reject cases validate. */
function caseFrom(yaml: string): SmokeCase {
  const text = `cases:\n  - ${yaml.trim().split('\n').join('\n    ')}\n  - name: valid-extra\n    request: {}\n`;
  return validateCases(parseYaml(text, 'cases.yml'), '/tmp').cases[0]!;
}

const answer = (status: number, body: unknown): ScoringResult => ({
  kind: 'answer',
  status,
  headers: {},
  body: typeof body === 'string' ? body : JSON.stringify(body),
  durationMs: 3,
});

const twoRows = `name: c
request: {input_data: {columns: [a, Humidity], data: [[1, 90], [2, 10]]}}`;

describe('judgeAnswer', () => {
  it.each([
    ['the default expectations', twoRows, answer(200, [1, 0]), []],
    [
      'status 200 by default',
      twoRows,
      answer(500, { error: 'boom' }),
      ['expected status 200, got 500; answer: {"error":"boom"}'],
    ],
    [
      'several statuses',
      `${twoRows}\nexpect: {status: [200, 201]}`,
      answer(202, [1, 0]),
      ['expected status 200 or 201, got 202; answer: [1,0]'],
    ],
    ['an accepted second status', `${twoRows}\nexpect: {status: [200, 201]}`, answer(201, [1, 0]), []],
    [
      'a connection failure',
      twoRows,
      {
        kind: 'failure',
        code: 'ECONNREFUSED',
        message: 'connection refused (ECONNREFUSED)',
        durationMs: 1,
      } as const,
      ['expected status 200, got connection refused (ECONNREFUSED)'],
    ],
    [
      'a JSON answer',
      twoRows,
      answer(200, '<html>oops</html>'),
      [/^expected a JSON answer, got text that is not JSON \(.*\); answer: <html>oops<\/html>$/],
    ],
    [
      'json: false skips parsing',
      `${twoRows}\nexpect: {json: false, rows: false}`,
      answer(200, 'plain text'),
      [],
    ],
    [
      'one prediction per row',
      twoRows,
      answer(200, [1]),
      ['expected 2 predictions (one per row of $.input_data.data), got 1 prediction; answer: [1]'],
    ],
    [
      'a prediction list',
      twoRows,
      answer(200, { label: 'rain' }),
      [
        'expected 2 predictions (one per row of $.input_data.data), got an answer without a list of predictions; answer: {"label":"rain"}',
      ],
    ],
    ['predictions under a key', twoRows, answer(200, { predictions: [1, 0] }), []],
    [
      'a fixed number of rows',
      `${twoRows}\nexpect: {rows: 3}`,
      answer(200, [1, 0]),
      ['expected 3 predictions, got 2 predictions; answer: [1,0]'],
    ],
    ['rows: false', `${twoRows}\nexpect: {rows: false}`, answer(200, { label: 'rain' }), []],
    [
      'equals',
      `${twoRows}\nexpect: {assertions: [{path: '$[0]', equals: 1}]}`,
      answer(200, [0, 0]),
      ['expected $[0] equal to 1, got $[0] = 0 (number); answer: [0,0]'],
    ],
    [
      'equals on objects ignores key order',
      `${twoRows}\nexpect: {rows: false, assertions: [{path: $, equals: {a: 1, b: [2]}}]}`,
      answer(200, { b: [2], a: 1 }),
      [],
    ],
    [
      'equals null',
      `${twoRows}\nexpect: {rows: false, assertions: [{path: $.x, equals: null}]}`,
      answer(200, { x: 0 }),
      ['expected $.x equal to null, got $.x = 0 (number); answer: {"x":0}'],
    ],
    [
      'oneOf over a wildcard names the bad item',
      `${twoRows}\nexpect: {assertions: [{path: '$[*]', oneOf: [0, 1]}]}`,
      answer(200, [1, 7]),
      ['expected $[*] one of [0,1], got $[1] = 7 (number); answer: [1,7]'],
    ],
    [
      'type',
      `${twoRows}\nexpect: {assertions: [{path: '$[0]', type: string}]}`,
      answer(200, [1, 0]),
      ['expected $[0] of type string, got $[0] = 1 (number); answer: [1,0]'],
    ],
    [
      'type null',
      `${twoRows}\nexpect: {rows: false, assertions: [{path: '$.x', type: 'null'}]}`,
      answer(200, { x: null }),
      [],
    ],
    [
      'a range',
      `${twoRows}\nexpect: {assertions: [{path: '$[*]', min: 0, max: 1}]}`,
      answer(200, [0.5, 1.5]),
      ['expected $[*] a number between 0 and 1, got $[1] = 1.5 (number); answer: [0.5,1.5]'],
    ],
    [
      'a lower bound',
      `${twoRows}\nexpect: {assertions: [{path: '$[*]', min: 0}]}`,
      answer(200, [-1, 1]),
      ['expected $[*] a number at least 0, got $[0] = -1 (number); answer: [-1,1]'],
    ],
    [
      'a range on a string',
      `${twoRows}\nexpect: {assertions: [{path: '$[*]', max: 1}]}`,
      answer(200, ['0', 1]),
      ['expected $[*] a number at most 1, got $[0] = "0" (string); answer: ["0",1]'],
    ],
    [
      'matches',
      `${twoRows}\nexpect: {rows: false, assertions: [{path: $.label, matches: '^(rain|dry)$'}]}`,
      answer(200, { label: 'snow' }),
      [
        'expected $.label a string matching /^(rain|dry)$/, got $.label = "snow" (string); answer: {"label":"snow"}',
      ],
    ],
    [
      'a path that matches nothing',
      `${twoRows}\nexpect: {assertions: [{path: '$[5]', equals: 1}]}`,
      answer(200, [1, 0]),
      ['expected a value at $[5], got nothing there; answer: [1,0]'],
    ],
    [
      'several checks of one assertion',
      `${twoRows}\nexpect: {assertions: [{path: '$[0]', type: number, equals: 1}]}`,
      answer(200, ['x', 0]),
      [/of type number/, /equal to 1/],
    ],
    [
      'a double-encoded answer is decoded',
      `${twoRows}\nexpect: {assertions: [{path: '$[0]', equals: 1}]}`,
      answer(200, JSON.stringify(JSON.stringify([1, 0]))),
      [],
    ],
    [
      'a reject case accepts 4xx',
      'name: r\nrawBody: "{nope"\nreject: true',
      answer(400, { error: 'bad' }),
      [],
    ],
    ['a reject case accepts 5xx', 'name: r\nrawBody: "{nope"\nreject: true', answer(503, 'down'), []],
    [
      'a reject case refuses 200',
      'name: r\nrawBody: "{nope"\nreject: true',
      answer(200, [1]),
      ['expected status 4xx or 5xx (payload rejected), got 200; answer: [1]'],
    ],
    [
      'a reject case with narrowed status',
      'name: r\nrawBody: "{nope"\nreject: true\nexpect: {status: 422}',
      answer(400, 'bad'),
      ['expected status 422, got 400; answer: bad'],
    ],
  ] as const)('%s', (_label, yaml, result, expected) => {
    const verdict = judgeAnswer(caseFrom(yaml), result);
    const texts = verdict.failures.map(describeFailureInFull);
    expect(texts).toHaveLength(expected.length);
    expected.forEach((want, index) =>
      typeof want === 'string' ? expect(texts[index]).toBe(want) : expect(texts[index]).toMatch(want),
    );
  });

  it('says when it decoded a double-encoded answer', () => {
    const verdict = judgeAnswer(caseFrom(twoRows), answer(200, JSON.stringify(JSON.stringify([1, 0]))));
    expect(verdict.answer).toEqual({ value: [1, 0] });
    expect(verdict.notes).toEqual([expect.stringContaining('JSON string holding JSON')]);
  });

  it('notes when the request rows cannot be counted', () => {
    const verdict = judgeAnswer(caseFrom('name: c\nrequest: {features: [1, 2]}'), answer(200, { y: 1 }));
    expect(verdict.failures).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringContaining('not checked')]);
  });

  it('trims a long answer to 200 characters', () => {
    const body = JSON.stringify({ error: 'x'.repeat(5000) });
    const [failure] = judgeAnswer(caseFrom(twoRows), answer(500, body)).failures;
    expect(failure!.answer).toHaveLength(200);
    expect(failure!.answer!.endsWith('…')).toBe(true);
    expect(describeFailure(failure!)).toBe('expected status 200, got 500');
  });
});

describe('jsonEqual', () => {
  it.each([
    [1, 1, true],
    [1, 1.0, true],
    [1, '1', false],
    [null, null, true],
    [null, {}, false],
    [[1, [2]], [1, [2]], true],
    [[1, 2], [2, 1], false],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [[], {}, false],
  ])('%j vs %j', (a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
  });
});
