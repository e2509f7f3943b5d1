/** How a job's metrics are read (job-metrics.ts): a Spark job by its own run, an AutoML job with its child runs. */
import type { JobKind } from '../../../azureml/job-metrics';
import type { JobSpec } from './model';

export function metricsKind(spec: JobSpec): JobKind {
  if (spec.type === 'spark') return { type: 'command' };
  if (spec.type === 'automl') return { type: 'pipeline' };
  return spec;
}
