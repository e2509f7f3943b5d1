import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCasesFile, requestFilePlan, validateCases } from '../../../shared/src/smoke/cases-file';
import { DataError } from '../../../shared/src/step/errors';
import { parseYaml } from '../../../shared/src/yaml/load-yaml';
import { WEATHER, tempFiles } from './helpers';

const validate = (text: string, baseDir = WEATHER) => validateCases(parseYaml(text, 'cases.yml'), baseDir);

function problem(text: string, baseDir = WEATHER): DataError {
  try {
    validate(text, baseDir);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('the weather fixture', () => {
  const plan = loadCasesFile(path.join(WEATHER, 'smoke-cases.yml'));

  it('loads every case in order with its request', () => {
    expect(plan.cases.map((c) => [c.name, c.reject])).toEqual([
      ['two-rows', false],
      ['rain-row', false],
      ['dry-day', false],
      ['ten-rows', false],
      ['malformed-json', true],
      ['missing-input-data', true],
    ]);
    expect(plan.notConstant).toEqual(['rain-row', 'dry-day']);
    expect(plan.latencyCase).toBe('two-rows');
  });

  it('sends request files byte for byte and inline requests as JSON', () => {
    const [twoRows, rainRow, , , malformed] = plan.cases;
    expect(twoRows!.body).toContain('"index": [0, 1]');
    expect(JSON.parse(rainRow!.body)).toEqual({
      input_data: {
        columns: [
          'Temperature_C',
          'Humidity',
          'Wind_speed_kmph',
          'Wind_bearing_degrees',
          'Visibility_km',
          'Pressure_millibars',
          'Current_weather_condition',
        ],
        index: [0],
        data: [[9.8, 97.0, 38.5, 185, 2.4, 993.1, 'rain']],
      },
    });
    expect(malformed!.request).toBeUndefined();
    expect(malformed!.expect).toEqual({ json: false, rows: false, assertions: [] });
  });

  it('keeps where each case starts', () => {
    expect(plan.cases[1]!.location).toEqual({
      file: path.join(WEATHER, 'smoke-cases.yml'),
      line: 18,
      column: 5,
    });
  });
});

describe('cases file defaults', () => {
  it('expects 200, JSON and one prediction per row; measures the first valid case', () => {
    const plan = validate(
      'cases:\n  - name: bad\n    rawBody: x\n    reject: true\n  - name: a\n    request: {data: [[1]]}\n',
    );
    expect(plan.cases[1]!.expect).toEqual({ json: true, rows: 'auto', assertions: [] });
    expect(plan.cases[1]!.expect.status).toBeUndefined();
    expect(plan.latencyCase).toBe('a');
    expect(plan.notConstant).toEqual([]);
  });

  it('accepts the same file written as JSON', () => {
    const plan = validate(
      '{"cases": [{"name": "a", "request": {"data": [[1]]}, "expect": {"status": [200, 201], "rows": 1}}]}',
    );
    expect(plan.cases[0]!.expect).toEqual({ status: [200, 201], json: true, rows: 1, assertions: [] });
  });

  it('compiles regexes and paths', () => {
    const plan = validate(
      "cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - {path: '$.label', matches: '^r', type: string}\n",
    );
    const [assertion] = plan.cases[0]!.expect.assertions;
    expect(assertion!.path.text).toBe('$.label');
    expect(assertion!.matches).toEqual(/^r/u);
    expect(assertion!.type).toBe('string');
  });
});

describe('cases file validation', () => {
  it.each([
    [
      'a document that is not a mapping',
      '- name: a\n',
      1,
      1,
      "a cases file is a mapping with a 'cases' list, got a list",
    ],
    ['missing cases', 'notConstant: [a, b]\n', 1, 1, "'cases' is required"],
    ['empty cases', 'cases: []\n', 1, 8, "'cases' must be a non-empty list, got an empty list"],
    [
      'an unknown top-level key',
      'cases:\n  - {name: a, request: {}}\nlatency: a\n',
      3,
      1,
      "unknown key 'latency' in the cases file; allowed keys: cases, notConstant, latencyCase",
    ],
    [
      'an unknown case key',
      'cases:\n  - name: a\n    request: {}\n    expct: {}\n',
      4,
      5,
      "unknown key 'expct' in case 'a'; allowed keys: name, description, request, requestFile, rawBody, reject, expect",
    ],
    [
      'an unknown expect key',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      statuses: 200\n',
      5,
      7,
      "unknown key 'statuses' in 'expect' of case 'a'; allowed keys: status, json, rows, assertions",
    ],
    [
      'an unknown assertion key',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - path: $\n          type: number\n          equal: 1\n',
      8,
      11,
      "unknown key 'equal' in an assertion; allowed keys: path, equals, oneOf, type, min, max, matches",
    ],
    ['a case that is not a mapping', 'cases:\n  - just-a-name\n', 2, 5, 'a case is a mapping'],
    ['a missing name', 'cases:\n  - request: {}\n', 2, 5, "case 1 needs a 'name'"],
    [
      'a name that is not a string',
      'cases:\n  - name: [a]\n    request: {}\n',
      2,
      11,
      "case 1 needs a 'name'",
    ],
    [
      'a duplicate name',
      'cases:\n  - {name: a, request: {}}\n  - name: a\n    request: {}\n',
      3,
      11,
      "duplicate case name 'a' (also case 1)",
    ],
    [
      'no request',
      'cases:\n  - name: a\n',
      2,
      5,
      "case 'a' needs one of 'request' (inline JSON), 'requestFile' or 'rawBody'",
    ],
    [
      'two requests',
      'cases:\n  - name: a\n    request: {}\n    rawBody: "{}"\n',
      4,
      5,
      "case 'a' has 'request' and 'rawBody': give only one",
    ],
    [
      'a rawBody that is not a string',
      'cases:\n  - name: a\n    rawBody: {x: 1}\n',
      3,
      14,
      "'rawBody' must be a string (sent as is), got a mapping",
    ],
    [
      'a missing request file',
      'cases:\n  - name: a\n    requestFile: requests/nope.json\n',
      3,
      18,
      "case 'a': request file 'requests/nope.json' not found (looked for",
    ],
    [
      'a request file that is a directory',
      'cases:\n  - name: a\n    requestFile: requests\n',
      3,
      18,
      "case 'a': 'requests' is a directory, not a request file",
    ],
    [
      'reject that is not a boolean',
      'cases:\n  - name: a\n    request: {}\n    reject: yes\n',
      4,
      13,
      "'reject' must be true or false, got 'yes'",
    ],
    [
      'expect that is not a mapping',
      'cases:\n  - name: a\n    request: {}\n    expect: 200\n',
      4,
      13,
      "'expect' must be a mapping with status, json, rows, assertions, got 200",
    ],
    [
      'a status out of range',
      'cases:\n  - name: a\n    request: {}\n    expect: {status: 600}\n',
      4,
      22,
      "'status' must be an HTTP status (100-599), got 600",
    ],
    [
      'a status in a list that is a string',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      status: [200, "201"]\n',
      5,
      21,
      "'status' must be an HTTP status (100-599), got '201'",
    ],
    [
      'an empty status list',
      'cases:\n  - name: a\n    request: {}\n    expect: {status: []}\n',
      4,
      22,
      "'status' must be an HTTP status or a non-empty list of them",
    ],
    [
      'a 2xx status on a reject case',
      "cases:\n  - {name: ok, request: {}}\n  - name: r\n    rawBody: '{'\n    reject: true\n    expect: {status: [400, 200]}\n",
      6,
      28,
      "case 'r' is a reject case: its 'status' must be 4xx or 5xx, got 200",
    ],
    [
      'a json flag that is a string',
      'cases:\n  - name: a\n    request: {}\n    expect: {json: "true"}\n',
      4,
      20,
      "'json' must be true or false, got 'true'",
    ],
    [
      'rows that is not a count',
      'cases:\n  - name: a\n    request: {}\n    expect: {rows: -1}\n',
      4,
      20,
      "'rows' must be 'auto', a whole number of predictions or false, got -1",
    ],
    [
      'rows without JSON',
      'cases:\n  - name: a\n    request: {}\n    expect: {json: false, rows: 2}\n',
      4,
      33,
      "'rows' needs a JSON answer",
    ],
    [
      'assertions without JSON',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      json: false\n      rows: false\n      assertions: [{path: $, equals: 1}]\n',
      7,
      19,
      "'assertions' need a JSON answer",
    ],
    [
      'assertions that are not a list',
      'cases:\n  - name: a\n    request: {}\n    expect: {assertions: {path: $}}\n',
      4,
      26,
      "'assertions' must be a list of assertions, got a mapping",
    ],
    [
      'an assertion without a path',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - equals: 1\n',
      6,
      11,
      "an assertion needs a 'path'",
    ],
    [
      'an assertion without a check',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - path: $[0]\n',
      6,
      11,
      'an assertion needs a check: one of equals, oneOf, type, min, max, matches',
    ],
    [
      'an invalid path',
      "cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - path: '$.predictions[x]'\n          equals: 1\n",
      6,
      17,
      "invalid path '$.predictions[x]' at character 15: expected an index, '*' or a quoted name after '['",
    ],
    [
      'an unknown type',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - {path: $, type: integer}\n',
      6,
      27,
      "'type' must be one of number, string, boolean, array, object, null, got 'integer'",
    ],
    [
      'an empty oneOf',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - {path: $, oneOf: []}\n',
      6,
      28,
      "'oneOf' must be a non-empty list of allowed values, got an empty list",
    ],
    [
      'a min that is not a number',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - {path: $, min: "0"}\n',
      6,
      26,
      "'min' must be a number, got '0'",
    ],
    [
      'min above max',
      'cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - {path: $, min: 2, max: 1}\n',
      6,
      26,
      "'min' (2) is greater than 'max' (1)",
    ],
    [
      'a regex that does not compile',
      "cases:\n  - name: a\n    request: {}\n    expect:\n      assertions:\n        - path: $.label\n          matches: '^(rain'\n",
      7,
      20,
      "'matches' is not a valid regular expression: Invalid regular expression",
    ],
    [
      'only reject cases',
      "cases:\n  - name: r\n    rawBody: '{'\n    reject: true\n",
      2,
      3,
      'at least one case must not be a reject case',
    ],
    [
      'an unknown name in notConstant',
      'cases:\n  - {name: a, request: {}}\n  - {name: b, request: {}}\nnotConstant: [a, c]\n',
      4,
      18,
      "'notConstant' names unknown case 'c'; cases: a, b",
    ],
    [
      'a single name in notConstant',
      'cases:\n  - {name: a, request: {}}\nnotConstant: [a]\n',
      3,
      14,
      "'notConstant' must list at least two case names, got 1 name",
    ],
    [
      'a broken case named in notConstant',
      'cases:\n  - {name: a, request: {}}\n  - {name: b, request: {}, expect: {status: 1}}\nnotConstant: [a, b]\n',
      3,
      45,
      "'status' must be an HTTP status (100-599), got 1",
    ],
    [
      'a repeated name in notConstant',
      'cases:\n  - {name: a, request: {}}\n  - {name: b, request: {}}\nnotConstant: [a, b, a]\n',
      4,
      21,
      "'notConstant' lists 'a' twice",
    ],
    [
      'a reject case in notConstant',
      "cases:\n  - {name: a, request: {}}\n  - {name: r, rawBody: '{', reject: true}\nnotConstant: [a, r]\n",
      4,
      18,
      "'notConstant' names reject case 'r'",
    ],
    [
      'an unknown latencyCase',
      'cases:\n  - {name: a, request: {}}\nlatencyCase: b\n',
      3,
      14,
      "'latencyCase' names unknown case 'b'; cases: a",
    ],
    [
      'a latencyCase that is not a name',
      'cases:\n  - {name: a, request: {}}\nlatencyCase: [a]\n',
      3,
      14,
      "'latencyCase' must name a case, got a list",
    ],
  ])('reports %s at its line and column', (_label, text, line, column, message) => {
    const error = problem(text);
    expect(error.location).toEqual({ file: 'cases.yml', line, column });
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });

  it('reports every problem at once, each with its location', () => {
    const error = problem(
      'cases:\n  - name: a\n    request: {}\n    expct: 1\n  - name: a\n    request: {}\nlatencyCase: zzz\n',
    );
    expect(error.location).toEqual({ file: 'cases.yml', line: 4, column: 5 });
    expect(error.message.split('\n')).toEqual([
      "cases.yml:4:5: unknown key 'expct' in case 'a'; allowed keys: name, description, request, requestFile, rawBody, reject, expect",
      "cases.yml:5:11: duplicate case name 'a' (also case 1)",
      "cases.yml:7:14: 'latencyCase' names unknown case 'zzz'; cases: a",
    ]);
  });

  it('points a request file that is not JSON at its own line and column', () => {
    const dir = tempFiles({ 'broken.json': '{\n  "data": [[1, 2]],\n  "x": nope\n}\n' });
    const error = problem('cases:\n  - name: a\n    requestFile: broken.json\n', dir);
    expect(error.location).toEqual({ file: path.join(dir, 'broken.json'), line: 3, column: 8 });
    expect(error.message).toMatch(/^case 'a': broken\.json is not valid JSON: /);
  });

  it('accepts a malformed request file on a reject case', () => {
    const plan = loadCasesFile(path.join(WEATHER, 'smoke-cases.yml'));
    expect(plan.cases.find((c) => c.name === 'malformed-json')!.body).toBe(
      '{"input_data": {"columns": ["Temperature_C", "Humidity"], "data": [[21.4, 45.0]',
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const error = problem('cases:\n  - name: a\n    request: {x: [1, 2}\n');
    expect(error.location).toMatchObject({ file: 'cases.yml', line: 3 });
  });
});

describe('requestFilePlan', () => {
  it('makes one case named after the file expecting 200, JSON and one prediction per row', () => {
    const plan = requestFilePlan(path.join(WEATHER, 'requests/two-rows.json'));
    expect(plan.cases).toHaveLength(1);
    expect(plan.cases[0]).toMatchObject({
      name: 'two-rows',
      reject: false,
      expect: { json: true, rows: 'auto', assertions: [] },
    });
    expect(plan.latencyCase).toBe('two-rows');
  });

  it('rejects a request file that is not JSON, with its position', () => {
    const dir = tempFiles({ 'r.json': '{"data": [[1, 2]]' });
    expect.assertions(2);
    try {
      requestFilePlan(path.join(dir, 'r.json'));
    } catch (error) {
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).message).toMatch(/^r\.json is not valid JSON/);
    }
  });
});

describe('docs/smoke-test-cases.md', () => {
  it('shows an example that validates', () => {
    const markdown = readFileSync(path.resolve(__dirname, '../../../docs/smoke-test-cases.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(markdown)![1]!;
    const plan = validate(example);
    expect(plan.cases.map((c) => c.name)).toEqual([
      'two-rows',
      'rain-row',
      'dry-day',
      'garbage',
      'missing-input-data',
    ]);
    expect(plan.notConstant).toEqual(['rain-row', 'dry-day']);
  });
});
