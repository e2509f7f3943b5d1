import { readJobMetrics, type JobMetrics } from '../../azureml/job-metrics';
import type { MlflowTrackingClient } from '../../azureml/mlflow-metrics';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { LoggerPort } from '../../platform/ports';
import { DataError } from '../../step/errors';
import type { MetricReading } from './gate';
import { METRIC_TAG_PREFIX, PROPERTY } from '../../azureml/model-types';
import type { RegisteredVersion } from '../../azureml/model-registry';
import { readJob, type JobFacts } from './source-job';

/** The metrics of a model (candidate or baseline), where each came from, and where they were looked for. */
export interface MetricSet {
  readonly values: Readonly<Record<string, number>>;
  readonly sources: Readonly<Record<string, string>>;
  /** What was searched, in words, for the message when a metric is missing. */
  readonly searched: readonly string[];
  /** The source job's metrics as read (the candidate's become `metric.<name>` tags). */
  readonly job?: JobMetrics;
}

/** `metric.<name>` tags with a numeric value, as `{ name: value }`. */
export function metricTags(
  tags: Readonly<Record<string, string | null>> | undefined,
): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [key, text] of Object.entries(tags ?? {})) {
    if (!key.startsWith(METRIC_TAG_PREFIX) || text === null || text.trim() === '') continue;
    const value = Number(text);
    if (Number.isFinite(value)) values[key.slice(METRIC_TAG_PREFIX.length)] = value;
  }
  return values;
}

/** The tags that record a job's metrics on the model version it produced (finite values only). */
export function tagsOfMetrics(values: Readonly<Record<string, number>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => Number.isFinite(value))
      .map(([name, value]) => [`${METRIC_TAG_PREFIX}${name}`, String(value)]),
  );
}

interface Reading {
  readonly mlflow: MlflowTrackingClient | undefined;
  readonly logger: LoggerPort;
  readonly signal: AbortSignal;
}

async function jobMetrics(
  job: { name: string; kind: JobFacts['kind'] },
  reading: Reading,
): Promise<{ metrics?: JobMetrics; searched: string }> {
  if (!reading.mlflow) return { searched: `job '${job.name}' (the workspace has no MLflow tracking URI)` };
  const metrics = await readJobMetrics(reading.mlflow, job.kind, job.name, reading.logger, reading.signal);
  if (!metrics) return { searched: `job '${job.name}' (its MLflow run could not be read)` };
  const names = Object.keys(metrics.values).sort();
  return {
    metrics,
    searched: `the MLflow run of job '${job.name}' (${names.length ? `it logged ${names.join(', ')}` : 'it logged no metric'})`,
  };
}

function combine(
  fromJob: { metrics?: JobMetrics; searched: string } | undefined,
  jobName: string | undefined,
  tags: Readonly<Record<string, string | null>> | undefined,
  tagsAre: string,
): MetricSet {
  const values: Record<string, number> = {};
  const sources: Record<string, string> = {};
  for (const [name, value] of Object.entries(metricTags(tags))) {
    values[name] = value;
    sources[name] = `tag ${METRIC_TAG_PREFIX}${name} ${tagsAre}`;
  }
  // The job's own record wins over tags: tags can be edited, the run's metrics cannot.
  for (const [name, value] of Object.entries(fromJob?.metrics?.values ?? {})) {
    values[name] = value;
    sources[name] = `MLflow run of job '${jobName ?? ''}'`;
  }
  return {
    values,
    sources,
    searched: [fromJob?.searched ?? 'no source job', `the ${METRIC_TAG_PREFIX}<name> tags ${tagsAre}`],
    ...(fromJob?.metrics ? { job: fromJob.metrics } : {}),
  };
}

/** The candidate's metrics: its source job's MLflow run, and `metric.<name>` tags given with it. */
export async function candidateMetrics(
  job: JobFacts | undefined,
  givenTags: Readonly<Record<string, string>>,
  reading: Reading,
): Promise<MetricSet> {
  const fromJob = job ? await jobMetrics(job, reading) : undefined;
  return combine(fromJob, job?.name, givenTags, 'given in tags');
}

/** A registered version's metrics: its source job's MLflow run (`jobName`), then its `metric.<name>` tags. */
export async function versionMetrics(
  session: WorkspaceSession,
  version: RegisteredVersion,
  modelId: string,
  reading: Reading,
): Promise<MetricSet> {
  const props = version.resource.properties;
  const jobName = props.jobName ?? props.properties?.[PROPERTY.job] ?? undefined;
  let fromJob: { metrics?: JobMetrics; searched: string } | undefined;
  if (jobName) {
    const job = await readJob(session, jobName);
    fromJob = await jobMetrics({ name: jobName, kind: job?.kind ?? { type: 'command' } }, reading);
    if (!job) fromJob = { ...fromJob, searched: `${fromJob.searched}; the job itself no longer exists` };
  }
  return combine(fromJob, jobName, props.tags, `of ${modelId}`);
}

/** The metric the gate compares; a missing or non-numeric one is an error naming it and where it was looked for. */
export function requireMetric(set: MetricSet, metric: string, whose: string, hint = ''): MetricReading {
  const value = set.values[metric];
  if (value !== undefined && Number.isFinite(value)) return { value, source: set.sources[metric] ?? '' };
  const found =
    value === undefined ? `has no metric '${metric}'` : `has metric '${metric}' = ${value}, not a number`;
  throw new DataError(
    `The gate compares '${metric}', but ${whose} ${found}: looked in ${set.searched.join(' and in ')}.${hint ? ` ${hint}` : ''}`,
  );
}
