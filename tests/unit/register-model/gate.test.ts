import {
  evaluateGate,
  formatMetric,
  liveDeployments,
  parseBaseline,
  strongest,
  type BaselineReading,
} from '../../../shared/src/steps/register-model/gate';

const candidate = (value: number) => ({ value, source: 'MLflow run of job c' });
const baseline = (value: number): BaselineReading => ({
  value,
  source: 'MLflow run of job b',
  modelId: 'azureml:rain:3',
  chosen: 'newest version of rain',
});
const gate = (higherIsBetter: boolean, minImprovement = 0, minValue?: number) => ({
  metric: higherIsBetter ? 'f1' : 'rmse',
  higherIsBetter,
  minImprovement,
  ...(minValue !== undefined ? { minValue } : {}),
});

describe('the gate rule: improvement >= minImprovement, candidate within minValue', () => {
  it.each([
    // higherIsBetter, minImprovement, candidate, baseline, verdict
    [true, 0, 0.85, 0.84, 'pass'],
    [true, 0, 0.84, 0.85, 'fail'],
    [true, 0, 0.84, 0.84, 'pass'], // a tie is no worse: it passes when no improvement is required
    [true, 0.01, 0.84, 0.84, 'fail'], // ... and fails when one is
    [true, 0.01, 0.85, 0.84, 'pass'], // exactly the required improvement (0.85 - 0.84 = 0.010000000000000009)
    [true, 0.01, 0.83, 0.82, 'pass'], // 0.83 - 0.82 = 0.009999999999999898: still the 0.01 it means
    [true, 0.01, 0.849, 0.84, 'fail'],
    [true, 0.02, 0.85, 0.84, 'fail'],
    [false, 0, 0.3, 0.32, 'pass'], // lower RMSE is better
    [false, 0, 0.33, 0.32, 'fail'],
    [false, 0.02, 0.3, 0.32, 'pass'],
    [false, 0.02, 0.31, 0.32, 'fail'],
    [true, -0.01, 0.835, 0.84, 'pass'], // a negative minImprovement tolerates a small regression
    [true, -0.01, 0.82, 0.84, 'fail'],
    [true, 0, 1200, 1199.9999999999, 'pass'],
  ] as const)('higherIsBetter %s, minImprovement %s: %s against %s → %s', (higher, min, c, b, verdict) => {
    const result = evaluateGate(gate(higher, min), candidate(c), baseline(b));
    expect(result.verdict).toBe(verdict);
    expect(result.delta).toBeCloseTo(c - b, 12);
    expect(result.baseline).toEqual({ modelId: 'azureml:rain:3', value: b, source: 'MLflow run of job b' });
  });

  it('words the verdict so that a reader sees the direction and the requirement', () => {
    expect(evaluateGate(gate(true), candidate(0.85), baseline(0.84)).reason).toBe(
      'f1 0.85 is 0.01 higher (better) than 0.84 of azureml:rain:3 (newest version of rain): no minimum improvement was required.',
    );
    expect(evaluateGate(gate(true), candidate(0.84), baseline(0.84)).reason).toBe(
      'f1 0.84 equals 0.84 of azureml:rain:3 (newest version of rain): a tie passes when minImprovement is 0 (the candidate is no worse).',
    );
    expect(evaluateGate(gate(true), candidate(0.8), baseline(0.84)).reason).toBe(
      'f1 0.8 is 0.04 lower (worse) than 0.84 of azureml:rain:3 (newest version of rain).',
    );
    expect(evaluateGate(gate(true, 0.02), candidate(0.85), baseline(0.84)).reason).toBe(
      'f1 0.85 is 0.01 higher (better) than 0.84 of azureml:rain:3 (newest version of rain), less than the required improvement of 0.02.',
    );
    expect(evaluateGate(gate(false, 0.02), candidate(0.29), baseline(0.32)).reason).toBe(
      'rmse 0.29 is 0.03 lower (better) than 0.32 of azureml:rain:3 (newest version of rain): at least 0.02 better was required.',
    );
    expect(evaluateGate(gate(false), candidate(0.35), baseline(0.32)).reason).toContain(
      'rmse 0.35 is 0.03 higher (worse) than 0.32',
    );
  });

  it('checks minValue as a floor, or a ceiling when lower is better, inclusive', () => {
    expect(evaluateGate(gate(true, 0, 0.7), candidate(0.7), baseline(0.6)).verdict).toBe('pass');
    const below = evaluateGate(gate(true, 0, 0.7), candidate(0.69), baseline(0.6));
    expect(below.verdict).toBe('fail');
    expect(below.reason).toBe('f1 0.69 is below the floor minValue 0.7.');
    const above = evaluateGate(gate(false, 0, 0.3), candidate(0.31), baseline(0.4));
    expect(above).toMatchObject({ verdict: 'fail', minValue: 0.3 });
    expect(above.reason).toBe('rmse 0.31 is above the ceiling minValue 0.3.');
    const both = evaluateGate(gate(true, 0, 0.9), candidate(0.8), baseline(0.85));
    expect(both.reason).toBe(
      'f1 0.8 is 0.05 lower (worse) than 0.85 of azureml:rain:3 (newest version of rain); f1 0.8 is below the floor minValue 0.9.',
    );
  });

  it('passes without a baseline and says why, unless the floor fails', () => {
    const first = evaluateGate(gate(true), candidate(0.7), { none: "model 'rain' has no version yet" });
    expect(first).toMatchObject({ verdict: 'pass', baseline: null, delta: null, minValue: null });
    expect(first.reason).toBe(
      "No baseline to compare with: model 'rain' has no version yet. The candidate (f1 0.7) passes: there is nothing to beat.",
    );
    const floored = evaluateGate(gate(true, 0, 0.6), candidate(0.7), { none: 'no traffic' });
    expect(floored.reason).toBe(
      'No baseline to compare with: no traffic. The candidate (f1 0.7) passes and reaches the floor minValue 0.6.',
    );
    const low = evaluateGate(gate(true, 0, 0.8), candidate(0.7), { none: 'no traffic' });
    expect(low).toMatchObject({ verdict: 'fail' });
    expect(low.reason).toBe(
      'f1 0.7 is below the floor minValue 0.8 (no baseline to compare with: no traffic).',
    );
  });
});

describe('choosing the production model', () => {
  it.each([
    [{ blue: 90, green: 10 }, ['blue'], 90],
    [{ blue: 0, green: 100 }, ['green'], 100],
    [{ blue: 50, green: 50 }, ['blue', 'green'], 50],
    [{ blue: 0 }, [], 0],
    [{}, [], 0],
  ])('traffic %j → %j', (traffic, names, percent) => {
    expect(liveDeployments(traffic)).toEqual({ names, percent });
  });

  it('takes the strongest of tied baselines: the candidate must beat every live model', () => {
    const tied = [{ value: 0.8 }, { value: 0.9 }];
    expect(strongest(tied, true).value).toBe(0.9);
    expect(strongest(tied, false).value).toBe(0.8);
  });
});

describe('baseline input', () => {
  it.each([
    ['production', 'rain-prod', { kind: 'production', endpoint: 'rain-prod' }],
    ['production', undefined, { kind: 'production' }],
    ['latest', undefined, { kind: 'latest' }],
    ['tag:stage=production', undefined, { kind: 'tag', key: 'stage', value: 'production' }],
    ['tag:champion', undefined, { kind: 'tag', key: 'champion' }],
    ['tag: stage = prod ', undefined, { kind: 'tag', key: 'stage', value: 'prod' }],
    ['newest', undefined, undefined],
    ['tag:', undefined, undefined],
    ['tag:a=b,c=d', undefined, undefined],
  ])('%s', (text, endpoint, expected) => {
    expect(parseBaseline(text, endpoint)).toEqual(expected);
  });
});

it('formats metrics with four significant digits', () => {
  expect([0.8412345, 0.85, 12, 0.000012346, 1234.5678, -0.05].map(formatMetric)).toEqual([
    '0.8412',
    '0.85',
    '12',
    '0.00001235',
    '1235',
    '-0.05',
  ]);
});
