import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../../../shared/src/step/errors';
import { describeError } from '../../../../shared/src/step/describe-error';
import { loadThresholdsFile, parseThresholds } from '../../../../shared/src/drift/thresholds-file';
import { parseYaml } from '../../../../shared/src/yaml/load-yaml';
import { scratchFolder } from '../../../harness/scratch-folders';

const parse = (text: string) => parseThresholds(parseYaml(text, 'thresholds.yml'));

/** The message the user sees, with its location, as runStep shows it. */
function failure(text: string): string {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return describeError(error, false).message;
  }
  throw new Error('expected the thresholds file to be rejected');
}

describe('thresholds file', () => {
  it('reads a metric and threshold per feature, or a bare threshold', () => {
    const file = parse(
      [
        'features:',
        '  age: { metric: psi, threshold: 0.2 }',
        '  income: 0.15',
        '  city:',
        '    metric: chi2_pvalue',
        '  "odd name: yes":',
        '    threshold: 2',
      ].join('\n'),
    );
    expect(file.file).toBe('thresholds.yml');
    expect(
      [...file.features.values()].map(({ feature, metric, threshold }) => ({ feature, metric, threshold })),
    ).toEqual([
      { feature: 'age', metric: 'psi', threshold: 0.2 },
      { feature: 'income', metric: undefined, threshold: 0.15 },
      { feature: 'city', metric: 'chi2_pvalue', threshold: undefined },
      { feature: 'odd name: yes', metric: undefined, threshold: 2 },
    ]);
    expect(file.features.get('city')!.location).toEqual({ file: 'thresholds.yml', line: 4, column: 3 });
    expect(file.features.get('city')!.metricLocation).toEqual({
      file: 'thresholds.yml',
      line: 5,
      column: 13,
    });
  });

  it('reads JSON too', () => {
    const file = parse('{"features": {"age": {"metric": "ks_pvalue", "threshold": 0.01}}}');
    expect(file.features.get('age')).toMatchObject({ metric: 'ks_pvalue', threshold: 0.01 });
  });

  it.each([
    [
      'features:\n  age: { metric: psi, threshold: 0 }',
      "thresholds.yml:2:34: the threshold of 'age' must be greater than 0, got 0",
    ],
    ['features:\n  age: -1', "thresholds.yml:2:8: the threshold of 'age' must be greater than 0, got -1"],
    [
      'features:\n  age:\n    metric: ks_pvalue\n    threshold: 5',
      "thresholds.yml:4:16: the threshold of 'age' must be at most 1 for ks_pvalue, got 5",
    ],
    [
      'features:\n  age: { metric: wasserstein, threshold: 0.1 }',
      "thresholds.yml:2:18: 'metric' of 'age' must be one of wasserstein_normalized, ks_statistic, ks_pvalue, psi, jensen_shannon, chi2_statistic, chi2_pvalue, l_infinity, z_pvalue, unseen_share, out_of_range_share; got 'wasserstein'",
    ],
    [
      'features:\n  age: { threshold: "0.1" }',
      "thresholds.yml:2:21: 'threshold' of 'age' must be a number, got '0.1'",
    ],
    [
      'features:\n  age: { limit: 0.1 }',
      "thresholds.yml:2:10: unknown key 'limit' for feature 'age'; allowed keys: metric, threshold",
    ],
    ['features:\n  age: {}', "thresholds.yml:2:8: 'age' needs a 'metric', a 'threshold' or both"],
    [
      'features:\n  age: [psi, 0.1]',
      "thresholds.yml:2:8: 'age' must be a threshold number or a mapping with 'metric' and/or 'threshold', got a list",
    ],
    ['age: { metric: psi }', "thresholds.yml:1:1: unknown key 'age'; allowed keys: features"],
    [
      'features: []',
      "thresholds.yml:1:11: 'features' must be a mapping of feature name to threshold, got a list",
    ],
    ['features: {}', "thresholds.yml:1:11: 'features' is empty"],
    ['- age', "thresholds.yml:1:1: a thresholds file must be a mapping with a 'features' key, got a list"],
    ['features:\n  age: { metric: psi\n', 'thresholds.yml:3:1: thresholds.yml is not valid YAML'],
  ])('rejects %p with its location', (text, message) => {
    expect(failure(text)).toMatch(new RegExp(`^${escapeRegExp(message)}`));
  });

  it('lists every problem, each with its own location', () => {
    expect(failure('features:\n  age: 0\n  city: { metric: nope }\n')).toBe(
      [
        "thresholds.yml:2:8: the threshold of 'age' must be greater than 0, got 0",
        "thresholds.yml:3:19: 'metric' of 'city' must be one of wasserstein_normalized, ks_statistic, ks_pvalue, psi, jensen_shannon, chi2_statistic, chi2_pvalue, l_infinity, z_pvalue, unseen_share, out_of_range_share; got 'nope'",
      ].join('\n'),
    );
  });

  it('names a file it cannot read', () => {
    const dir = scratchFolder('thresholds-');
    expect(() => loadThresholdsFile(join(dir, 'missing.yml'))).toThrow(/cannot read .*missing\.yml: ENOENT/);
    writeFileSync(join(dir, 't.yml'), 'features:\n  a: 0.3\n');
    expect(loadThresholdsFile(join(dir, 't.yml')).features.get('a')?.threshold).toBe(0.3);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
