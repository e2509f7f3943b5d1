import { jsonErrorOffset } from '../../../shared/src/smoke/json-syntax';

describe('jsonErrorOffset', () => {
  it.each([
    ['{}'],
    ['[]'],
    [' {"a": [1, -2.5e3, 0, true, false, null, "x\\n\\u00e9\\"", {}]} \n'],
    ['"just a string"'],
    ['0'],
    ['-0.0E+1'],
  ])('accepts %j like JSON.parse', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonErrorOffset(text)).toBeUndefined();
  });

  it.each([
    ['', 0],
    ['{', 1],
    ['{"a" 1}', 5],
    ['{"a": nope}', 6],
    ['{"a": 1,}', 8],
    ["{'a': 1}", 1],
    ['[1, 2', 5],
    ['[1 2]', 3],
    ['[01]', 2],
    ['[-]', 1],
    ['[1.]', 2],
    ['["a\tb"]', 3],
    ['["\\x"]', 3],
    ['["\\u12g4"]', 6],
    ['"abc', 4],
    ['{} x', 3],
    ['NaN', 0],
  ])('finds where %j breaks (offset %i), as JSON.parse refuses it', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
