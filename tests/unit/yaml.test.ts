import { parseYaml } from '../../shared/src/yaml/load-yaml';
import { DataError } from '../../shared/src/step/errors';

const source = [
  'cases:',
  '  - name: a',
  '    request: {x: [1, 2]}',
  '  - name: "b"',
  '    expect:',
  '      status: [200, "201"]',
  '    after: &anchor 1',
  '',
].join('\n');

describe('parseYaml', () => {
  const document = parseYaml(source, 'cases.yml');

  it('returns the value js-yaml loads', () => {
    expect(document.value).toEqual({
      cases: [
        { name: 'a', request: { x: [1, 2] } },
        { name: 'b', expect: { status: [200, '201'] }, after: 1 },
      ],
    });
  });

  it.each([
    [['cases'], 'value', 2, 3],
    [['cases', 0, 'name'], 'value', 2, 11],
    [['cases', 0, 'name'], 'key', 2, 5],
    [['cases', 0, 'request', 'x', 1], 'value', 3, 22],
    [['cases', 1, 'name'], 'value', 4, 11],
    [['cases', 1, 'expect', 'status', 1], 'value', 6, 21],
    [['cases', 1, 'after'], 'key', 7, 5],
    [['cases', 1, 'after'], 'value', 7, 12],
  ] as const)('locates %j (%s) at %i:%i', (path, part, line, column) => {
    expect(document.locate(path, part)).toEqual({ file: 'cases.yml', line, column });
  });

  it('falls back to the nearest ancestor for a path that is not there', () => {
    expect(document.locate(['cases', 1, 'missing', 'deeper'])).toEqual({
      file: 'cases.yml',
      line: 4,
      column: 5,
    });
  });

  it('turns syntax errors into a DataError with file, line and column', () => {
    expect.assertions(3);
    try {
      parseYaml('a: [1,\n b: 2', 'broken.yml');
    } catch (error) {
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).message).toMatch(/^broken\.yml is not valid YAML: /);
      expect((error as DataError).location).toEqual({ file: 'broken.yml', line: 2, column: 6 });
    }
  });
});
