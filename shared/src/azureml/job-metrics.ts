import type { LoggerPort } from '../platform/ports';
import { MlflowTrackingClient } from './mlflow-metrics';
import type { WorkspaceSession } from './workspace-session';

/** What reading a job's metrics needs to know of the job: its type, and a sweep's objective. */
export type JobKind =
  | { readonly type: 'command' }
  | { readonly type: 'pipeline' }
  | {
      readonly type: 'sweep';
      readonly objective: { readonly goal: 'maximize' | 'minimize'; readonly primaryMetric: string };
    };

/**
 * The workspace's MLflow tracking client (its `mlFlowTrackingUri`, where a job's run id is the job name), signed
 * in as the session is; undefined when the workspace has no tracking URI.
 */
export function workspaceMlflow(
  session: WorkspaceSession,
  mlFlowTrackingUri: string | undefined,
): MlflowTrackingClient | undefined {
  if (!mlFlowTrackingUri) return undefined;
  return new MlflowTrackingClient(
    session.credential,
    session.access.cloud,
    mlFlowTrackingUri,
    session.clientOptions,
  );
}

/** What a job logged: its metrics, and for a sweep the best trial by the objective. */
export interface JobMetrics {
  /** Metric name → last value (for a sweep: the best trial's, plus the sweep's own). */
  readonly values: Record<string, number>;
  readonly bestTrial?: {
    readonly jobName: string;
    readonly metric: string;
    readonly value: number;
    readonly goal: 'maximize' | 'minimize';
    readonly params: Readonly<Record<string, string>>;
  };
  /** Trials (sweep) or steps (pipeline) with their metrics. */
  readonly children: readonly {
    readonly jobName: string;
    readonly status: string;
    readonly metrics: Record<string, number>;
  }[];
}

/**
 * Reads the metrics through the workspace's MLflow API (the job name is the MLflow run id). For a sweep, the best
 * trial is the child with the best primary metric; for a pipeline, each step's metrics are named `<step run>/<metric>`
 * only in the children list, and the pipeline's own run metrics are the values.
 */
export async function readJobMetrics(
  mlflow: MlflowTrackingClient,
  spec: JobKind,
  jobName: string,
  logger: LoggerPort,
  signal: AbortSignal,
): Promise<JobMetrics | undefined> {
  try {
    const own = (await mlflow.readRunMetrics(jobName, signal)).run.metrics;
    if (spec.type === 'command') return { values: { ...own }, children: [] };
    const runs = await mlflow.searchChildRuns(jobName, signal);
    const children = runs.map((run) => ({
      jobName: run.runId,
      status: run.status,
      metrics: { ...run.metrics },
    }));
    if (spec.type === 'pipeline') {
      const values: Record<string, number> = { ...own };
      // A pipeline's own run rarely logs; the steps' metrics are what users look for.
      for (const child of children)
        for (const [name, value] of Object.entries(child.metrics))
          if (!(name in values)) values[name] = value;
      return { values, children };
    }
    const { primaryMetric, goal } = spec.objective;
    const scored = runs.filter((run) => typeof run.metrics[primaryMetric] === 'number');
    const best = scored.sort((a, b) =>
      goal === 'maximize'
        ? b.metrics[primaryMetric]! - a.metrics[primaryMetric]!
        : a.metrics[primaryMetric]! - b.metrics[primaryMetric]!,
    )[0];
    if (!best) {
      logger.warning(`No trial of sweep '${jobName}' logged the primary metric '${primaryMetric}'.`);
      return { values: { ...own }, children };
    }
    return {
      values: { ...best.metrics, ...own },
      bestTrial: {
        jobName: best.runId,
        metric: primaryMetric,
        value: best.metrics[primaryMetric]!,
        goal,
        params: best.params,
      },
      children,
    };
  } catch (error) {
    logger.warning(
      `The metrics of job '${jobName}' could not be read through MLflow: ${(error as Error).message}`,
    );
    return undefined;
  }
}
