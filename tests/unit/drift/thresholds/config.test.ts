import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../../../../shared/src/step/describe-error';
import { readInputs } from '../../../../shared/src/step/inputs';
import { parseDriftCheckConfig } from '../../../../shared/src/steps/drift-check/config';
import { driftCheckManifest } from '../../../../shared/src/steps/drift-check/manifest';
import { scratchFolder } from '../../../harness/scratch-folders';

const workspaceDir = scratchFolder('drift-config-');
writeFileSync(join(workspaceDir, 'thresholds.yml'), 'features:\n  age: { metric: psi, threshold: 0.2 }\n');
writeFileSync(join(workspaceDir, 'bad.yml'), 'features:\n  age: { metric: psi, threshold: -2 }\n');
mkdirSync(join(workspaceDir, 'folder'));

function parse(values: Record<string, string>, host: 'github' | 'azure-pipelines' = 'azure-pipelines') {
  const { inputs, errors } = readInputs(
    driftCheckManifest,
    { get: (name) => ({ baselineData: 'train.csv', currentData: 'prod.csv', ...values })[name] },
    host,
  );
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
  return parseDriftCheckConfig(inputs, { workspaceDir });
}

function failure(
  values: Record<string, string>,
  host: 'github' | 'azure-pipelines' = 'azure-pipelines',
): string {
  try {
    parse(values, host);
  } catch (error) {
    return describeError(error, false).message;
  }
  throw new Error('expected the inputs to be rejected');
}

describe('drift-check config', () => {
  it('has the documented defaults', () => {
    expect(parse({})).toEqual({
      baselineData: 'train.csv',
      currentData: 'prod.csv',
      workspaceDir,
      excludeFeatures: [],
      categoricalFeatures: [],
      numericFeatures: [],
      criticalFeatures: [],
      method: 'distance',
      numericThreshold: 0.1,
      categoricalThreshold: 0.1,
      warnThreshold: 0.5,
      driftShare: 0.5,
      failOn: 'fail',
      maxSampleRows: 1_000_000,
      seed: 0,
      inputNames: expect.objectContaining({ features: 'features', excludeFeatures: 'excludeFeatures' }),
    });
  });

  it('reads lists, paths and the thresholds file', () => {
    const config = parse({
      features: 'age\nincome, city\nage',
      criticalFeatures: 'city',
      categoricalFeatures: 'city',
      thresholdsFile: 'thresholds.yml',
      outputDir: 'out/drift',
      writeBaselineProfile: 'train.profile.json',
      failOn: 'never',
    });
    expect(config.features).toEqual(['age', 'income', 'city']);
    expect(config.thresholds?.features.get('age')).toMatchObject({ metric: 'psi', threshold: 0.2 });
    expect(config.outputDir).toBe(join(workspaceDir, 'out', 'drift'));
    expect(config.writeBaselineProfile).toBe(join(workspaceDir, 'train.profile.json'));
    expect(config.failOn).toBe('never');
  });

  it('treats a path input given as the workspace itself as not given (Azure Pipelines does that)', () => {
    const config = parse({ outputDir: workspaceDir, thresholdsFile: workspaceDir });
    expect(config.outputDir).toBeUndefined();
    expect(config.thresholds).toBeUndefined();
  });

  it.each([
    [{ numericThreshold: '0' }, "Input 'numericThreshold' must be greater than 0, got 0."],
    [{ categoricalThreshold: '0' }, "Input 'categoricalThreshold' must be greater than 0, got 0."],
    [
      { warnThreshold: '0' },
      "Input 'warnThreshold' must be greater than 0 and at most 1 (a fraction of each threshold), got 0.",
    ],
    [
      { driftShare: '0' },
      "Input 'driftShare' must be greater than 0 and at most 1 (a share of the features), got 0.",
    ],
    [
      { categoricalFeatures: 'a, b', numericFeatures: 'b\na' },
      "'a', 'b' are in both 'categoricalFeatures' and 'numericFeatures': a feature has one type.",
    ],
    [{ features: 'a,b', excludeFeatures: 'b' }, "'b' is in both 'features' and 'excludeFeatures'."],
    [{ criticalFeatures: 'a', excludeFeatures: 'a' }, "'a' is critical but excluded by 'excludeFeatures'."],
    [{ features: 'a', criticalFeatures: 'b' }, "'b' is critical but not among 'features'."],
    [
      { thresholdsFile: 'missing.yml' },
      `Input 'thresholdsFile': file 'missing.yml' not found (looked in ${workspaceDir}).`,
    ],
    [{ thresholdsFile: 'folder' }, "Input 'thresholdsFile' is a directory, not a file: 'folder'."],
    [{ outputDir: 'thresholds.yml' }, "Input 'outputDir' is a file, not a folder: 'thresholds.yml'."],
    [
      { writeBaselineProfile: 'folder' },
      "Input 'writeBaselineProfile' is a folder: give a file path such as baseline.profile.json.",
    ],
    [
      { thresholdsFile: 'bad.yml' },
      `${join(workspaceDir, 'bad.yml')}:2:34: the threshold of 'age' must be greater than 0, got -2`,
    ],
  ])('rejects %p', (values, message) => {
    expect(failure(values)).toBe(message);
  });

  it('names inputs as the host knows them and lists every problem at once', () => {
    expect(failure({ numericThreshold: '0', warnThreshold: '0' }, 'github')).toBe(
      [
        '2 inputs are invalid:',
        "- Input 'numeric-threshold' must be greater than 0, got 0.",
        "- Input 'warn-threshold' must be greater than 0 and at most 1 (a fraction of each threshold), got 0.",
      ].join('\n'),
    );
  });
});
