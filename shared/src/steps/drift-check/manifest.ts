import type { StepManifest } from '../../step/manifest';
import { evidenceOutput } from '../common-inputs';

export const driftCheckManifest: StepManifest = {
  id: 'drift-check',
  taskName: 'AzureMLDriftCheck',
  taskId: 'beefd64a-7987-4d86-8018-830934d390a7',
  friendlyName: 'Azure ML drift check',
  description: 'Compares training data with current production inputs feature by feature, and warns or fails when they drifted.',
  category: 'Test',
  instanceNameFormat: 'Drift check $(currentData)',
  groups: [
    { name: 'data', displayName: 'Data' },
    { name: 'thresholds', displayName: 'Thresholds' },
    { name: 'advanced', displayName: 'Advanced', collapsed: true },
  ],
  inputs: [
    { name: 'baselineData', label: 'Baseline data', type: 'string', required: true, group: 'data', help: 'Training data: a CSV, Parquet or JSON Lines file, folder or glob (gzip allowed).' },
    { name: 'currentData', label: 'Current data', type: 'string', required: true, group: 'data', help: 'Production inputs, in the same forms as the baseline.' },
    { name: 'features', label: 'Features', type: 'multiLine', group: 'data', help: 'Features to compare; default: the columns both sides share.' },
    { name: 'excludeFeatures', label: 'Excluded features', type: 'multiLine', group: 'data', help: 'Features to leave out.' },
    { name: 'categoricalFeatures', label: 'Categorical features', type: 'multiLine', group: 'data', help: 'Features to treat as categorical whatever their values.' },
    { name: 'numericFeatures', label: 'Numeric features', type: 'multiLine', group: 'data', help: 'Features to treat as numeric whatever their values.' },
    { name: 'method', label: 'Method', type: 'pickList', options: ['distance', 'evidently', 'azure'], default: 'distance', group: 'thresholds', help: '`distance` (normalized Wasserstein / Jensen-Shannon), `evidently` (its automatic tests), or `azure` (Azure ML model monitoring defaults).' },
    { name: 'numericThreshold', label: 'Numeric threshold', type: 'number', default: '0.1', min: 0, group: 'thresholds', help: 'Drift threshold of numeric features.' },
    { name: 'categoricalThreshold', label: 'Categorical threshold', type: 'number', default: '0.1', min: 0, group: 'thresholds', help: 'Drift threshold of categorical features.' },
    { name: 'warnThreshold', label: 'Warning level', type: 'number', default: '0.5', min: 0, max: 1, group: 'thresholds', help: 'Warn from this fraction of a threshold.' },
    { name: 'thresholdsFile', label: 'Thresholds file', type: 'filePath', group: 'thresholds', help: 'Per-feature metric and threshold (YAML or JSON).' },
    { name: 'driftShare', label: 'Drift share', type: 'number', default: '0.5', min: 0, max: 1, group: 'thresholds', help: 'Fail when at least this share of features drifted.' },
    { name: 'criticalFeatures', label: 'Critical features', type: 'multiLine', group: 'thresholds', help: 'Features whose drift alone fails the check.' },
    { name: 'failOn', label: 'Fail on', type: 'pickList', options: ['fail', 'warn', 'never'], default: 'fail', group: 'thresholds', help: 'Verdict from which the step fails.' },
    { name: 'maxSampleRows', label: 'Maximum sample rows', type: 'integer', default: '1000000', min: 1, group: 'advanced', help: 'Rows sampled per side for exact statistics.' },
    { name: 'seed', label: 'Seed', type: 'integer', default: '0', group: 'advanced', help: 'Seed of the sampling.' },
    { name: 'outputDir', label: 'Output folder', type: 'filePath', group: 'advanced', help: 'Folder for the HTML and JSON drift reports.' },
  ],
  outputs: [
    { name: 'driftStatus', description: '`pass`, `warn` or `fail`.' },
    { name: 'driftedFeatures', description: 'Features that drifted (JSON array).' },
    { name: 'driftShare', description: 'Share of features that drifted.' },
    { name: 'reportPath', description: 'Path of the HTML drift report.' },
    evidenceOutput,
  ],
};
