import { evaluateJsonPath, JsonPathError, parseJsonPath } from '../../../shared/src/smoke/json-path';

const answer = {
  predictions: [0, 1, 1],
  probabilities: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  label: 'rain',
  'odd key': { "it's": true },
  nested: { a: { b: null } },
};

describe('JSONPath subset', () => {
  it.each([
    ['$', [['$', answer]]],
    ['$.label', [['$.label', 'rain']]],
    ["$['label']", [['$.label', 'rain']]],
    ['$["label"]', [['$.label', 'rain']]],
    ['$.predictions[0]', [['$.predictions[0]', 0]]],
    ['$.predictions[-1]', [['$.predictions[2]', 1]]],
    ['$.predictions[3]', []],
    ['$.predictions[-4]', []],
    [
      '$.predictions[*]',
      [
        ['$.predictions[0]', 0],
        ['$.predictions[1]', 1],
        ['$.predictions[2]', 1],
      ],
    ],
    [
      '$.probabilities[*][1]',
      [
        ['$.probabilities[0][1]', 0.1],
        ['$.probabilities[1][1]', 0.8],
      ],
    ],
    ["$['odd key']['it\\'s']", [["$['odd key']['it\\'s']", true]]],
    ['$.nested.a.b', [['$.nested.a.b', null]]],
    ['$.nested.*', [['$.nested.a', { b: null }]]],
    ['$.missing', []],
    ['$.label[0]', []],
    ['$.predictions.length', []],
  ])('%s selects %j', (text, expected) => {
    expect(evaluateJsonPath(parseJsonPath(text), answer).map((m) => [m.path, m.value])).toEqual(expected);
  });

  it('works on a top-level array', () => {
    expect(evaluateJsonPath(parseJsonPath('$[1]'), [4, 5]).map((m) => m.value)).toEqual([5]);
  });

  it('does not follow inherited properties', () => {
    expect(evaluateJsonPath(parseJsonPath('$.constructor'), {})).toEqual([]);
  });

  it.each([
    ['', 0, "starts with '$'"],
    ['predictions[0]', 0, "starts with '$'"],
    ['$.', 2, "expected a name after '.'"],
    ['$..a', 2, "expected a name after '.'"],
    ['$[', 2, 'expected an index'],
    ['$[x]', 2, 'expected an index'],
    ['$[1', 3, "expected ']' after the index"],
    ['$[1.5]', 3, "expected ']' after the index"],
    ['$[*', 3, "expected ']' after '[*'"],
    ["$['a", 2, 'unterminated quoted name'],
    ["$['a'", 5, "expected ']' after the quoted name"],
    ['$a', 1, "unexpected 'a'"],
    ['$[?(@.x)]', 2, 'expected an index'],
  ])('rejects %j at offset %i', (text, offset, message) => {
    expect.assertions(3);
    try {
      parseJsonPath(text);
    } catch (error) {
      expect(error).toBeInstanceOf(JsonPathError);
      expect((error as JsonPathError).offset).toBe(offset);
      expect((error as Error).message).toContain(message);
    }
  });
});
