/** The evidence fields the release gate reads from the earlier steps: built by pure functions, checked here. */
import { compareFeature } from '../../shared/src/drift/compare';
import { ColumnAccumulator } from '../../shared/src/drift/profile/accumulator';
import { describeFeature, renderReportMarkdown, sideFigures } from '../../shared/src/drift/report';
import { modelStudioLink } from '../../shared/src/azureml/studio-links';
import {
  compareMetrics,
  describeRegression,
  higherIsBetterByName,
} from '../../shared/src/steps/register-model/metric-comparison';
import { targetOf } from '../../shared/src/steps/smoke-test/run';
import { describeDeployRun } from '../../shared/src/steps/deploy/intent';
import { buildProfile, fromCounts } from './drift/compare/profile-builder';
import { fixtureReport } from './drift/report/fixtures';

const compareOptions = {
  method: 'distance',
  typeSource: 'inferred',
  numericThreshold: 0.1,
  categoricalThreshold: 0.1,
  warnThreshold: 0.5,
  critical: false,
} as const;

describe('drift-check: what moved, in figures and words', () => {
  it('gives numeric features mean, std, p50 and p90 before → after, and the gate', () => {
    const before = Array.from({ length: 210 }, (_, i) => 70 + (i % 21));
    const after = before.map((x) => x + 8);
    const f = compareFeature(buildProfile('humidity', before), buildProfile('humidity', after), {
      ...compareOptions,
      type: 'numeric',
    });
    expect(f.summary.baseline).toMatchObject({ p50: 80, p90: 88 });
    expect(f.summary.current).toMatchObject({ p50: 88, p90: 96 });
    expect(f.summary.current.mean! - f.summary.baseline.mean!).toBeCloseTo(8, 9);
    expect(sideFigures(f.summary.current)).not.toHaveProperty('top');
    expect(describeFeature(f)).toMatch(
      /^humidity: mean 80 → 88, std 6\.0\d* → 6\.0\d*, p50 80 → 88, p90 88 → 96; wasserstein_normalized [\d.]+ > 0\.1 \(fail\)$/,
    );
  });

  it('gives categorical features the category whose share moved most', () => {
    const f = compareFeature(
      buildProfile('city', fromCounts({ Oslo: 200, Paris: 500, Rome: 300 })),
      buildProfile('city', fromCounts({ Oslo: 500, Paris: 400, Rome: 100 })),
      { ...compareOptions, type: 'categorical' },
    );
    expect(f.moved).toEqual({ value: 'Oslo', baseline: 0.2, current: 0.5 });
    expect(describeFeature(f)).toMatch(
      /^city: most moved Oslo 20 % → 50 %; jensen_shannon [\d.]+ > 0\.1 \(fail\)$/,
    );
  });

  it('says why a feature was not judged', () => {
    const skipped = fixtureReport.features.find((f) => f.status === 'skipped')!;
    expect(describeFeature(skipped)).toBe(`${skipped.name}: skipped (${skipped.notes[0]})`);
  });

  it('lists every feature in words below the table of the summary', () => {
    const markdown = renderReportMarkdown(fixtureReport);
    const words = markdown.split('\n').filter((line) => line.startsWith('- '));
    expect(words).toHaveLength(fixtureReport.features.length);
    expect(words[0]).toMatch(
      /^- age: mean 40 → 55, std 10 → 11; wasserstein\\_normalized 0\.31 &gt; 0\.1 \(fail\)$/,
    );
  });

  it('keeps the earliest and latest ISO timestamp of a column, as written', () => {
    const accumulator = new ColumnAccumulator('ts', 100, 0);
    accumulator.addValues(
      ['2026-03-02T10:00:00Z', '2026-03-01T08:30:00Z', null, '2026-03-09T23:59:59Z', '2026-03-05'],
      0,
      5,
    );
    expect(accumulator.finish().dates).toEqual({
      earliest: '2026-03-01T08:30:00Z',
      latest: '2026-03-09T23:59:59Z',
    });
    const numbers = new ColumnAccumulator('n', 100, 0);
    numbers.addValues([1, 2], 0, 2);
    expect(numbers.finish()).not.toHaveProperty('dates');
  });
});

describe('register-model: every metric against the baseline', () => {
  it('flags a metric that regressed while the gate metric improved', () => {
    const metrics = compareMetrics(
      { f1: 0.853, recall: 0.785, rmse: 0.31, log_loss: 0.2 },
      { f1: 0.85, recall: 0.8, rmse: 0.3, log_loss: 0.25, other: 1 },
      { metric: 'f1', higherIsBetter: true },
    );
    expect(metrics.map((m) => m.name)).toEqual(['f1', 'log_loss', 'recall', 'rmse']);
    expect(metrics.filter((m) => m.regressed).map((m) => m.name)).toEqual(['recall', 'rmse']);
    const recall = metrics.find((m) => m.name === 'recall')!;
    expect(recall).toMatchObject({ higherIsBetter: true, direction: 'name' });
    expect(recall.delta).toBeCloseTo(-0.015, 12);
    expect(describeRegression(recall)).toBe('recall 0.8 → 0.785 (−0.015, higher is better)');
    expect(metrics[0]).toMatchObject({ direction: 'gate', regressed: false });
  });

  it('reads the direction of a metric from its name, the gate from its setting', () => {
    expect(['accuracy', 'AUC', 'f1_score', 'precision'].map(higherIsBetterByName)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['loss', 'val_loss', 'rmse', 'mean_absolute_error', 'MAE'].map(higherIsBetterByName)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const [gate] = compareMetrics(
      { accuracy: 0.8 },
      { accuracy: 0.7 },
      { metric: 'accuracy', higherIsBetter: false },
    );
    expect(gate).toMatchObject({ direction: 'gate', higherIsBetter: false, regressed: true });
  });

  it('links the model version in studio', () => {
    const wsid =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
    expect(modelStudioLink({ workspaceId: wsid }, 'rain', '3')).toBe(
      `https://ml.azure.com/model/rain:3/details?wsid=${encodeURIComponent(wsid)}`,
    );
  });
});

describe('smoke-test and deploy: the target and what approving does', () => {
  it('names the scoring target without credentials or query', () => {
    expect(
      targetOf({ scoringUri: 'https://user:pw@rain.westeurope.inference.ml.azure.com/score?code=abc#x' }),
    ).toEqual({
      uri: 'https://rain.westeurope.inference.ml.azure.com/score',
      endpointName: null,
      deploymentName: null,
    });
    expect(
      targetOf({ scoringUri: 'https://h/score', endpointName: 'rain-prod', deploymentName: 'green' }),
    ).toMatchObject({ endpointName: 'rain-prod', deploymentName: 'green' });
  });

  it('says what a deploy run did, would do, or tried', () => {
    const report = {
      action: 'deploy' as const,
      target: 'managed' as const,
      endpoint: 'rain-prod',
      deployment: 'green',
      model: 'azureml:rain:3',
      trafficBefore: { blue: 100 },
      trafficAfter: { blue: 90, green: 10 },
      checks: [],
      changes: [],
    };
    expect(describeDeployRun(report, false)).toBe(
      "deployed azureml:rain:3 as deployment 'green' of managed online endpoint 'rain-prod'; traffic blue 100 % → blue 90 %, green 10 %",
    );
    expect(describeDeployRun({ ...report, dryRun: true }, false)).toMatch(/^would deploy azureml:rain:3 /);
    expect(describeDeployRun({ ...report, dryRun: true, trafficAfter: { blue: 100, green: 0 } }, false)).toBe(
      "would deploy azureml:rain:3 as deployment 'green' of managed online endpoint 'rain-prod'; traffic unchanged (blue 100 %); 'green' serves no traffic until it is promoted",
    );
    expect(describeDeployRun({ ...report, action: 'set-traffic' }, true)).toMatch(
      /^tried to set the traffic of managed online endpoint 'rain-prod'; traffic /,
    );
  });
});
