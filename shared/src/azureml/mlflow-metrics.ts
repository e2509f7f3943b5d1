import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { AzureError } from '../step/errors';
import { userAgentPrefix } from '../azure/arm-clients';
import type { AzureCloud } from '../azure/cloud';
import { defaultWorkspaceRole, toAzureError } from '../azure/errors';
import { pipelineOptions, type AzureTransportOptions } from '../azure/pipeline-options';

export interface MlflowClientOptions extends AzureTransportOptions {
  /** Step id and host for the user agent (as the ARM clients send it). */
  readonly step: string;
  readonly host: string;
}

export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
}

/** An MLflow run as the steps use it (for an Azure ML job, `runId` is the job name). */
export interface MlflowRun {
  readonly runId: string;
  readonly runName?: string;
  readonly experimentId: string;
  /** `RUNNING`, `SCHEDULED`, `FINISHED`, `FAILED` or `KILLED`. */
  readonly status: string;
  readonly startTime?: number;
  readonly endTime?: number;
  /** Latest value of each metric. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface RunMetrics {
  readonly run: MlflowRun;
  /** Latest value of each metric, by name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Every logged value of one metric, in logging order. */
  metricHistory(name: string): Promise<MetricPoint[]>;
}

/** The tracking store has no run with this id (for a job: no job of that name in this workspace). */
export class RunNotFoundError extends AzureError {
  constructor(
    readonly runId: string,
    message: string,
    correlationId?: string,
  ) {
    super(message, 'RunNotFound', 404, correlationId);
  }
}

/**
 * The MLflow REST base of a workspace: its `mlFlowTrackingUri` (`azureml://<region>.api.azureml.ms/mlflow/v1.0/
 * subscriptions/.../workspaces/<w>`) with `https` for `azureml`, plus `/api/2.0/mlflow`.
 */
export function mlflowApiBase(mlFlowTrackingUri: string): string {
  let url: URL;
  try {
    url = new URL(mlFlowTrackingUri.trim());
  } catch {
    throw new AzureError(
      `The workspace's MLflow tracking URI '${mlFlowTrackingUri}' is not a URL.`,
      'InvalidTrackingUri',
    );
  }
  if (url.protocol !== 'azureml:' && url.protocol !== 'https:') {
    throw new AzureError(
      `The workspace's MLflow tracking URI '${mlFlowTrackingUri}' is neither azureml:// nor https://.`,
      'InvalidTrackingUri',
    );
  }
  return `https://${url.host}${url.pathname.replace(/\/+$/, '')}/api/2.0/mlflow`;
}

/**
 * Reads runs and metrics from a workspace's MLflow tracking API with bearer tokens for the cloud's Azure ML
 * resource, over a pipeline with the same retries and per-request timeout as the ARM clients.
 */
export class MlflowTrackingClient {
  readonly baseUrl: string;
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient = createDefaultHttpClient();

  constructor(
    credential: TokenCredential,
    cloud: AzureCloud,
    mlFlowTrackingUri: string,
    options: MlflowClientOptions,
  ) {
    this.baseUrl = mlflowApiBase(mlFlowTrackingUri);
    const { additionalPolicies, ...transport } = pipelineOptions({
      service: 'the MLflow tracking API',
      ...options,
    });
    this.pipeline = createPipelineFromOptions({
      ...transport,
      userAgentOptions: { userAgentPrefix: userAgentPrefix(options.step, options.host) },
    });
    // As core-client places per-retry policies: each retry gets the full timeout again.
    for (const { policy, position } of additionalPolicies)
      this.pipeline.addPolicy(policy, position === 'perRetry' ? { afterPhase: 'Sign' } : {});
    this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: cloud.mlScope }));
  }

  /** `runs/get`. A missing run is a RunNotFoundError. */
  async getRun(runId: string, signal?: AbortSignal): Promise<MlflowRun> {
    const body = await this.call(
      'GET',
      'runs/get',
      { run_id: runId },
      `Reading MLflow run '${runId}'`,
      signal,
      runId,
    );
    return toRun(field(body, 'run'));
  }

  /** The run and the latest value of each of its metrics; `metricHistory(name)` fetches one metric's history. */
  async readRunMetrics(runId: string, signal?: AbortSignal): Promise<RunMetrics> {
    const run = await this.getRun(runId, signal);
    return { run, metrics: run.metrics, metricHistory: (name) => this.metricHistory(runId, name, signal) };
  }

  /** `metrics/get-history`, every page. */
  async metricHistory(runId: string, metricKey: string, signal?: AbortSignal): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call(
        'GET',
        'metrics/get-history',
        { run_id: runId, metric_key: metricKey, ...(pageToken ? { page_token: pageToken } : {}) },
        `Reading the history of metric '${metricKey}' of MLflow run '${runId}'`,
        signal,
        runId,
      );
      points.push(...list(body, 'metrics').map(toMetric));
      pageToken = typeof body['next_page_token'] === 'string' ? body['next_page_token'] : undefined;
    } while (pageToken);
    return points;
  }

  /** The child runs of a run (the steps of a pipeline job), oldest first, every page. */
  async searchChildRuns(parentRunId: string, signal?: AbortSignal): Promise<MlflowRun[]> {
    if (/['"\\]/.test(parentRunId)) {
      throw new AzureError(`'${parentRunId}' is not a valid MLflow run id.`, 'InvalidRunId');
    }
    const parent = await this.getRun(parentRunId, signal);
    const runs: MlflowRun[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call(
        'POST',
        'runs/search',
        {
          experiment_ids: [parent.experimentId],
          filter: `tags.mlflow.parentRunId = '${parentRunId}'`,
          run_view_type: 'ACTIVE_ONLY',
          max_results: 1000,
          order_by: ['attributes.start_time ASC'],
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        `Searching the child runs of MLflow run '${parentRunId}'`,
        signal,
      );
      runs.push(...list(body, 'runs').map(toRun));
      pageToken = typeof body['next_page_token'] === 'string' ? body['next_page_token'] : undefined;
    } while (pageToken);
    return runs;
  }

  /** One MLflow call: GET with query parameters or POST with a JSON body; errors become AzureErrors. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    parameters: Record<string, unknown>,
    operation: string,
    signal: AbortSignal | undefined,
    runId?: string,
  ): Promise<Record<string, unknown>> {
    let url = `${this.baseUrl}/${path}`;
    if (method === 'GET') {
      url += `?${new URLSearchParams(Object.entries(parameters).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
    }
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({
        accept: 'application/json',
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      }),
      ...(method === 'POST' ? { body: JSON.stringify(parameters) } : {}),
      ...(signal ? { abortSignal: signal } : {}),
    });
    let response: PipelineResponse;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, request);
    } catch (error) {
      throw toAzureError(error, { operation });
    }
    const parsed = parseJson(response.bodyAsText);
    if (response.status >= 200 && response.status < 300) {
      if (!parsed)
        throw new AzureError(`${operation} failed: the answer is not a JSON object.`, 'InvalidResponse');
      return parsed;
    }
    throw failure(response, parsed, operation, runId, this.baseUrl);
  }
}

function failure(
  response: PipelineResponse,
  body: Record<string, unknown> | undefined,
  operation: string,
  runId: string | undefined,
  baseUrl: string,
): AzureError {
  const code = typeof body?.['error_code'] === 'string' ? body['error_code'] : `HTTP${response.status}`;
  const message =
    typeof body?.['message'] === 'string'
      ? body['message']
      : (response.bodyAsText ?? '').slice(0, 200).trim();
  const correlationId =
    response.headers.get('x-ms-correlation-request-id') ??
    response.headers.get('x-ms-request-id') ??
    response.headers.get('x-request-id');
  if (response.status === 404 && runId !== undefined && code === 'RESOURCE_DOES_NOT_EXIST') {
    return new RunNotFoundError(
      runId,
      `MLflow run '${runId}' was not found in the workspace (${message}). For an Azure ML job the run id is the ` +
        'job name: check the name and that the job ran in this workspace.',
      correlationId,
    );
  }
  let fix = '';
  if (response.status === 401) {
    fix =
      ' The tracking API refused the token: check the sign-in settings and that the token is for the Azure ML resource of this cloud.';
  } else if (response.status === 403) {
    fix = ` The identity needs a role on the workspace that allows reading runs, e.g. '${defaultWorkspaceRole}' (host: ${new URL(baseUrl).host}).`;
  }
  return new AzureError(
    `${operation} failed: ${message || `HTTP ${response.status}`}.${fix}`,
    code,
    response.status,
    correlationId,
  );
}

function parseJson(text: string | null | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function field(body: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = body[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A repeated field: MLflow leaves empty lists out of its JSON. */
function list(body: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const value = body[name];
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

/** Protobuf JSON writes NaN and the infinities as strings; int64 may come as strings too. */
function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
}

function optionalNumber(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : numberOf(value);
}

function toMetric(raw: Record<string, unknown>): MetricPoint {
  return {
    key: String(raw['key'] ?? ''),
    value: numberOf(raw['value']),
    timestamp: numberOf(raw['timestamp'] ?? 0),
    step: numberOf(raw['step'] ?? 0),
  };
}

function keyValues(raw: Record<string, unknown>[]): Record<string, string> {
  return Object.fromEntries(raw.map((kv) => [String(kv['key'] ?? ''), String(kv['value'] ?? '')]));
}

function toRun(raw: Record<string, unknown>): MlflowRun {
  const info = field(raw, 'info');
  const data = field(raw, 'data');
  const runName = info['run_name'];
  return {
    runId: String(info['run_id'] ?? info['run_uuid'] ?? ''),
    ...(typeof runName === 'string' ? { runName } : {}),
    experimentId: String(info['experiment_id'] ?? ''),
    status: String(info['status'] ?? ''),
    startTime: optionalNumber(info['start_time']),
    endTime: optionalNumber(info['end_time']),
    metrics: Object.fromEntries(
      list(data, 'metrics').map((m) => [String(m['key'] ?? ''), numberOf(m['value'])]),
    ),
    params: keyValues(list(data, 'params')),
    tags: keyValues(list(data, 'tags')),
  };
}
