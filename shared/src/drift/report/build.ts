import type { DatasetProfile, DatasetStatus, DriftMethod, DriftReport, FeatureComparison } from '../model';
import { bySeverity } from './format';

export interface ReportInput {
  readonly method: DriftMethod;
  readonly baseline: Pick<DatasetProfile, 'source' | 'rows'>;
  readonly current: Pick<DatasetProfile, 'source' | 'rows'>;
  readonly features: readonly FeatureComparison[];
  /** The dataset verdict (judgeDataset). */
  readonly verdict: { readonly status: DatasetStatus; readonly driftShare: number };
  /** The `driftShare` input: the share of drifted features from which the dataset fails. */
  readonly driftShareThreshold: number;
  readonly generatedAt?: Date;
}

/** The drift report: the verdict, both sources, and the features worst first. */
export function buildReport(input: ReportInput): DriftReport {
  return {
    schemaVersion: 1,
    status: input.verdict.status,
    method: input.method,
    driftShare: input.verdict.driftShare,
    driftShareThreshold: input.driftShareThreshold,
    rows: { baseline: input.baseline.rows, current: input.current.rows },
    sources: { baseline: input.baseline.source, current: input.current.source },
    features: [...input.features].sort(bySeverity),
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
  };
}
