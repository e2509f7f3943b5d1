import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GATE_METRIC_NAMES,
  higherIsDrift,
  isGateMetric,
  METRIC_NAMES,
  metricInfo,
  summaryMetrics,
} from '../../../../shared/src/drift/metrics';

const docs = readFileSync(join(__dirname, '../../../../docs/drift-check.md'), 'utf8');

describe('drift metric registry', () => {
  it('documents every metric for users', () => {
    for (const name of METRIC_NAMES) expect(docs).toContain(`\`${name}\``);
  });

  it('gates on every metric but the missing rates', () => {
    expect(METRIC_NAMES.filter((name) => !isGateMetric(name))).toEqual([
      'missing_rate_baseline',
      'missing_rate_current',
    ]);
    expect(GATE_METRIC_NAMES).toHaveLength(METRIC_NAMES.length - 2);
    expect(GATE_METRIC_NAMES.every((name) => metricInfo(name).gateable)).toBe(true);
    expect(isGateMetric('nope')).toBe(false);
  });

  it('drifts downwards for p-values only, which default to alpha 0.05', () => {
    const pvalues = METRIC_NAMES.filter((name) => !higherIsDrift(name));
    expect(pvalues).toEqual(['ks_pvalue', 'chi2_pvalue', 'z_pvalue']);
    for (const name of METRIC_NAMES)
      expect(metricInfo(name).defaultThreshold).toBe(pvalues.includes(name) ? 0.05 : undefined);
  });

  it('lists the summary metrics of each feature type, of that type', () => {
    expect(summaryMetrics('numeric')).toEqual([
      'wasserstein_normalized',
      'ks_pvalue',
      'psi',
      'out_of_range_share',
    ]);
    expect(summaryMetrics('categorical')).toEqual(['jensen_shannon', 'chi2_pvalue', 'psi', 'unseen_share']);
    for (const type of ['numeric', 'categorical'] as const)
      for (const name of summaryMetrics(type)) expect(metricInfo(name).types).toContain(type);
  });
});
