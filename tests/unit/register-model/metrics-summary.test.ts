import { evaluateGate } from '../../../shared/src/steps/register-model/gate';
import { metricTags, requireMetric, tagsOfMetrics } from '../../../shared/src/steps/register-model/metrics';
import { renderRegisterModelSummary } from '../../../shared/src/steps/register-model/summary';

describe('metrics kept as tags', () => {
  it('writes one tag per finite metric and reads numeric ones back', () => {
    const tags = tagsOfMetrics({ f1: 0.8412, auc: 0.9, broken: Number.NaN });
    expect(tags).toEqual({ 'metric.f1': '0.8412', 'metric.auc': '0.9' });
    expect(
      metricTags({ ...tags, 'metric.note': 'good', team: 'x', 'metric.empty': '', 'metric.none': null }),
    ).toEqual({
      f1: 0.8412,
      auc: 0.9,
    });
  });

  it('a missing metric names itself and every place it was looked for', () => {
    const set = {
      values: { accuracy: 0.9, odd: Number.NaN },
      sources: { accuracy: "MLflow run of job 'j'" },
      searched: [
        "the MLflow run of job 'j' (it logged accuracy, odd)",
        'the metric.<name> tags of azureml:rain:2',
      ],
    };
    expect(requireMetric(set, 'accuracy', 'the baseline')).toEqual({
      value: 0.9,
      source: "MLflow run of job 'j'",
    });
    expect(() => requireMetric(set, 'f1', 'the baseline azureml:rain:2', 'A hint.')).toThrow(
      "The gate compares 'f1', but the baseline azureml:rain:2 has no metric 'f1': looked in the MLflow run of job 'j' (it logged accuracy, odd) and in the metric.<name> tags of azureml:rain:2. A hint.",
    );
    expect(() => requireMetric(set, 'odd', 'the candidate')).toThrow("has metric 'odd' = NaN, not a number");
  });
});

describe('the summary', () => {
  const base = {
    modelName: 'rain',
    sourceWhat: "output 'model' of job 'train-2'",
    modelUri: 'azureml://datastores/workspaceblobstore/paths/azureml/train-2/model/',
    type: 'custom_model',
    typeReason: 'no MLmodel file',
    lineage: { 'ci.commit': 'abc123', 'ci.runUrl': 'https://ci/run/7' },
    dataAssets: { training_data: 'weather:3' },
  };
  const gate = evaluateGate(
    { metric: 'rmse', higherIsBetter: false, minImprovement: 0 },
    { value: 0.3, source: 'MLflow run of job train-2' },
    {
      value: 0.32,
      source: 'MLflow run of job train-1',
      modelId: 'azureml:rain:1',
      chosen: 'newest version of rain',
    },
  );

  it('puts the candidate against the baseline for every metric both have, the gate metric first', () => {
    const markdown = renderRegisterModelSummary({
      ...base,
      outcome: 'registered',
      version: '2',
      modelId: 'azureml:rain:2',
      gate,
      candidateMetrics: { rmse: 0.3, mae: 0.2, r2: 0.8 },
      baselineMetrics: { rmse: 0.32, mae: 0.2, extra: 1 },
    });
    expect(markdown).toContain('| Model | `azureml:rain:2` (registered) |');
    expect(markdown).toContain('| Lineage | commit `abc123`, [pipeline run](https://ci/run/7) |');
    expect(markdown).toContain('| Data | training_data: weather:3 |');
    expect(markdown).toContain(
      '| Gate | ✅ pass: rmse 0.3 is 0.02 lower (better) than 0.32 of azureml:rain:1',
    );
    expect(markdown).toContain(
      [
        '### Candidate against azureml:rain:1',
        '| Metric | Candidate | Baseline | Δ |',
        '|---|---:|---:|---:|',
        '| **rmse** (gate, lower is better) | 0.3 | 0.32 | −0.02 |',
        '| mae | 0.2 | 0.2 | ±0 |',
      ].join('\n'),
    );
    expect(markdown).not.toContain('| r2 |');
    expect(markdown).toContain(
      '**Verdict:** the candidate passed the gate and was registered as version 2 of `rain`.',
    );
  });

  it('says when nothing was registered, and why', () => {
    const markdown = renderRegisterModelSummary({
      ...base,
      outcome: 'not registered',
      gate: { ...gate, verdict: 'fail', reason: 'rmse 0.35 is 0.03 higher (worse) than 0.32.' },
      candidateMetrics: { rmse: 0.35 },
      baselineMetrics: { rmse: 0.32 },
    });
    expect(markdown).toContain('| Model | `rain`: **not registered** |');
    expect(markdown).toContain('| Gate | ❌ fail: rmse 0.35 is 0.03 higher (worse) than 0.32. |');
    expect(markdown).toContain(
      '**Verdict:** the candidate did not pass the gate (see above), so it was not registered.',
    );
  });
});
