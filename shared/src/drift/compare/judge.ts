/** The dataset verdict from the features' statuses. */
import type { DatasetStatus, FeatureComparison } from '../model';

export interface DatasetVerdict {
  readonly status: DatasetStatus;
  /** Share of drifted (fail) features among judged ones; skipped and insufficient_data are not judged. */
  readonly driftShare: number;
  readonly driftedFeatures: string[];
}

/**
 * fail when the share of drifted features reaches driftShare (>=, as Evidently) or a critical feature drifts;
 * warn when any feature warns, fails, or has insufficient data; pass otherwise.
 */
export function judgeDataset(
  features: readonly FeatureComparison[],
  options: { readonly driftShare: number },
): DatasetVerdict {
  const judged = features.filter((f) => f.status === 'pass' || f.status === 'warn' || f.status === 'fail');
  const drifted = judged.filter((f) => f.status === 'fail');
  const share = judged.length === 0 ? 0 : drifted.length / judged.length;
  const driftedFeatures = drifted.map((f) => f.name);
  let status: DatasetStatus = 'pass';
  if ((drifted.length > 0 && share >= options.driftShare) || drifted.some((f) => f.critical)) status = 'fail';
  else if (
    features.some((f) => f.status === 'warn' || f.status === 'fail' || f.status === 'insufficient_data')
  ) {
    status = 'warn';
  }
  return { status, driftShare: share, driftedFeatures };
}
