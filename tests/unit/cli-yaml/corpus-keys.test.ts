import { corpusFiles, keyPaths, missingKeys, requiredKeys } from '../../harness/cli-yaml-corpus';

/** The CLI YAML corpus (tests/fixtures/cli-yaml) writes every key the CLI's schemas have, per schema. */
const required = requiredKeys();
const files = corpusFiles();

describe('the CLI YAML corpus', () => {
  it('has files of known schemas only', () => {
    expect(files.filter((f) => f.schema.startsWith('unknown')).map((f) => `${f.path}: ${f.schema}`)).toEqual(
      [],
    );
  });

  it.each(Object.keys(required))('covers every key of %s', (schema) => {
    const paths = new Set<string>();
    for (const file of files.filter((f) => f.schema === schema)) keyPaths(file.value, '', paths);
    const missing = missingKeys(required[schema]!, paths);
    expect(missing.length === 0 ? 'none' : `${schema} misses ${missing.join(', ')}`).toBe('none');
  });
});

describe('the key check', () => {
  const doc = {
    type: 'command',
    inputs: { data: { type: 'uri_folder', path: './data' }, epochs: 5 },
    jobs: [{ resources: { instance_type: 'x' } }],
  };
  it('matches map keys by `*` and reads through sequences', () => {
    expect(
      missingKeys(['inputs.*.type', 'inputs.*.path', 'jobs.resources.instance_type'], keyPaths(doc)),
    ).toEqual([]);
  });
  it('names the keys no file writes', () => {
    expect(
      missingKeys(['type', 'inputs.*.mode', 'outputs', 'resources.instance_type'], keyPaths(doc)),
    ).toEqual(['inputs.*.mode', 'outputs', 'resources.instance_type']);
  });
});
