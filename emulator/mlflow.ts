/**
 * The workspace data plane the steps read: `GET /discovery` (the workspace's `discoveryUrl`) and the MLflow
 * tracking REST API (2.0) under the workspace's `mlFlowTrackingUri` (`azureml://` → `https://`):
 *   /mlflow/v1.0/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{w}
 *     /api/2.0/mlflow/{runs/get, runs/search, runs/create, runs/update, runs/log-metric, runs/log-batch,
 *                      runs/log-parameter, runs/set-tag, metrics/get-history, experiments/get-by-name, experiments/get}
 * Bearer tokens from the emulator's AAD for the Azure ML resource (`https://ml.azure.com`) or ARM (as the real
 * service, which Microsoft's MLflow REST sample calls with an ARM token), tenant checked, and a role on the
 * workspace (any role reads, Contributor/Owner write). Errors as MLflow: `{ error_code, message }`.
 * In Azure ML a job's MLflow run id is the job name: the job runner creates runs through the direct API.
 */
import { randomUUID } from 'node:crypto';
import { ARM_AUDIENCES, ML_AUDIENCE, type AadEmulator } from './aad';
import type { ArmEmulator } from './arm/index';
import { ML_NAMESPACE } from './arm/machine-learning';
import { isObject, type Json } from './arm/resource';
import {
  compareRuns,
  matches,
  parseFilter,
  parseOrderBy,
  SearchSyntaxError,
  type SearchableRun,
} from './mlflow-search';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer, Guard } from './server';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
const RUN_STATUSES: readonly string[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

export interface MetricPoint {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

interface ExperimentRecord {
  experimentId: string;
  name: string;
  workspaceId: string;
  creationTime: number;
  lastUpdateTime: number;
  tags: Map<string, string>;
}

interface RunRecord {
  runId: string;
  runName: string;
  experimentId: string;
  workspaceId: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  /** Every logged point, in logging order. */
  metrics: MetricPoint[];
  params: Map<string, string>;
  tags: Map<string, string>;
}

export interface CreateRunOptions {
  /** ARM id of the workspace. */
  workspaceId: string;
  /** The run id: in Azure ML, the job name. */
  runId: string;
  /** Experiment (created when missing), as a job's `experiment_name`. */
  experimentName: string;
  /** Makes this a child run (`tags.mlflow.parentRunId`), as the steps of a pipeline job. */
  parentRunId?: string;
  tags?: Record<string, string>;
  /** Display name (default: the run id). */
  runName?: string;
  status?: RunStatus;
  /** Milliseconds since the epoch (default: now). */
  startTime?: number;
}

/** An MLflow-shaped failure: `{ error_code, message }` with the HTTP status MLflow uses for the code. */
class MlflowError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new MlflowError(400, 'INVALID_PARAMETER_VALUE', message);
const notFound = (message: string) => new MlflowError(404, 'RESOURCE_DOES_NOT_EXIST', message);

const WORKSPACE = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ML_NAMESPACE}/workspaces/{workspaceName}`;
const API = `/mlflow/v1.0${WORKSPACE}/api/2.0/mlflow`;
const MAX_SEARCH_RESULTS = 50_000;

export class MlflowEmulator {
  private readonly experiments = new Map<string, ExperimentRecord>();
  private readonly runs = new Map<string, RunRecord>();

  constructor(
    private readonly server: EmulatorServer,
    private readonly aad: AadEmulator,
    private readonly arm: ArmEmulator,
  ) {}

  // ---- direct API (tests, the job runner) ----------------------------------------------------------------

  /** Creates a run (and its experiment when missing) in a workspace; the run id must be new. */
  createRun(options: CreateRunOptions): Json {
    if (this.runs.has(options.runId)) throw new Error(`MLflow run '${options.runId}' already exists.`);
    const workspace = this.arm.store.get(options.workspaceId);
    if (!workspace) throw new Error(`No workspace ${options.workspaceId}`);
    const experiment = this.experimentByName(workspace.id, options.experimentName, true);
    const tags = new Map(Object.entries(options.tags ?? {}));
    if (options.parentRunId !== undefined) tags.set('mlflow.parentRunId', options.parentRunId);
    const runName = options.runName ?? options.runId;
    tags.set('mlflow.runName', runName);
    const run: RunRecord = {
      runId: options.runId,
      runName,
      experimentId: experiment.experimentId,
      workspaceId: workspace.id,
      userId: 'emulator',
      status: options.status ?? 'RUNNING',
      startTime: options.startTime ?? Date.now(),
      metrics: [],
      params: new Map(),
      tags,
    };
    this.runs.set(run.runId, run);
    return this.runJson(run);
  }

  /** Logs one metric value (as `runs/log-metric`). */
  logMetric(runId: string, key: string, value: number, step = 0, timestamp = Date.now()): void {
    this.run(runId).metrics.push({ key, value, step, timestamp });
  }

  logParam(runId: string, key: string, value: string): void {
    this.run(runId).params.set(key, value);
  }

  setTag(runId: string, key: string, value: string): void {
    this.run(runId).tags.set(key, value);
  }

  /** Sets the run status; a terminal status also sets `end_time`. */
  setRunStatus(runId: string, status: RunStatus, endTime = Date.now()): void {
    const run = this.run(runId);
    run.status = status;
    if (status !== 'RUNNING' && status !== 'SCHEDULED') run.endTime = endTime;
  }

  /** The run as `runs/get` returns it. */
  getRun(runId: string): Json {
    return this.runJson(this.run(runId));
  }

  private run(runId: string): RunRecord {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`No MLflow run '${runId}'.`);
    return run;
  }

  // ---- routes --------------------------------------------------------------------------------------------

  register(): void {
    this.server.route('GET', '/discovery', () => this.discovery());
    const routes: [string, string, (req: EmulatorRequest) => Json][] = [
      ['GET', 'runs/get', (req) => this.httpGetRun(req)],
      ['POST', 'runs/search', (req) => this.httpSearchRuns(req)],
      ['GET', 'metrics/get-history', (req) => this.httpMetricHistory(req)],
      ['GET', 'experiments/get-by-name', (req) => this.httpExperimentByName(req)],
      ['GET', 'experiments/get', (req) => this.httpExperiment(req)],
      ['POST', 'runs/create', (req) => this.httpCreateRun(req)],
      ['POST', 'runs/update', (req) => this.httpUpdateRun(req)],
      ['POST', 'runs/log-metric', (req) => this.httpLogMetric(req)],
      ['POST', 'runs/log-batch', (req) => this.httpLogBatch(req)],
      ['POST', 'runs/log-parameter', (req) => this.httpLogParam(req)],
      ['POST', 'runs/set-tag', (req) => this.httpSetTag(req)],
    ];
    for (const [method, path, handler] of routes) {
      this.server.route(method, `${API}/${path}`, (req) => answer(() => handler(req)), this.guard);
    }
    const previous = this.server.fallback;
    this.server.fallback = (req) =>
      /^\/mlflow\//i.test(req.path)
        ? mlflowError(
            new MlflowError(404, 'ENDPOINT_NOT_FOUND', `No API found for '${req.method} ${req.path}'.`),
          )
        : previous(req);
  }

  /** What a workspace's `discoveryUrl` answers: the regional service URLs, all on the emulator. */
  private discovery(): EmulatorResponse {
    const url = this.server.url;
    return {
      status: 200,
      body: Object.fromEntries(
        [
          'api',
          'catalog',
          'experimentation',
          'gallery',
          'history',
          'hyperdrive',
          'labeling',
          'modelmanagement',
          'pipelines',
          'studiocoreservices',
        ].map((key) => [key, url]),
      ),
    };
  }

  /** Bearer token (Azure ML or ARM audience, this tenant), existing workspace, a role on it. */
  private readonly guard: Guard = (req) => {
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const unauthenticated = (message: string): EmulatorResponse => ({
      ...mlflowError(new MlflowError(401, 'UNAUTHENTICATED', message)),
      headers: {
        'www-authenticate': `Bearer authorization_uri="${this.server.url}/${this.arm.options.tenantId}"`,
      },
    });
    if (!token) return unauthenticated("The 'Authorization' header is missing or is not a bearer token.");
    const check = this.aad.verifyToken(token, [ML_AUDIENCE, ...ARM_AUDIENCES]);
    if (!check.ok) {
      return unauthenticated(
        check.reason === 'expired'
          ? 'The access token has expired.'
          : `The access token is invalid (audience '${check.claims?.aud ?? 'unknown'}'): expected a token for ${ML_AUDIENCE}.`,
      );
    }
    const { claims } = check;
    if (claims.tid.toLowerCase() !== this.arm.options.tenantId.toLowerCase()) {
      return unauthenticated(`The access token is from tenant '${claims.tid}', not the workspace's tenant.`);
    }
    req.principal = { tid: claims.tid, oid: claims.oid, appid: claims.appid };
    const workspace = this.arm.store.get(this.workspaceId(req));
    if (!workspace) {
      return mlflowError(
        notFound(
          `Workspace '${req.params['workspaceName'] ?? ''}' was not found in resource group ` +
            `'${req.params['resourceGroupName'] ?? ''}' of subscription '${req.params['subscriptionId'] ?? ''}'.`,
        ),
      );
    }
    const reads = req.method === 'GET' || /\/runs\/search$/i.test(req.path);
    const action = `${ML_NAMESPACE}/workspaces/experiments/runs/${reads ? 'read' : 'write'}`;
    if (!this.arm.rbac.allows(claims.oid, workspace.id, action)) {
      return mlflowError(
        new MlflowError(
          403,
          'PERMISSION_DENIED',
          `The client '${claims.appid}' with object id '${claims.oid}' does not have authorization to perform ` +
            `action '${action}' over scope '${workspace.id}'.`,
        ),
      );
    }
    return undefined;
  };

  private workspaceId(req: EmulatorRequest): string {
    return (
      `/subscriptions/${req.params['subscriptionId'] ?? ''}/resourceGroups/${req.params['resourceGroupName'] ?? ''}` +
      `/providers/${ML_NAMESPACE}/workspaces/${req.params['workspaceName'] ?? ''}`
    );
  }

  /** The run of the request's `run_id` (or legacy `run_uuid`), in the request's workspace. */
  private requestRun(req: EmulatorRequest, source: Json | URLSearchParams): RunRecord {
    const get = (name: string) => (source instanceof URLSearchParams ? source.get(name) : source[name]);
    const runId = get('run_id') ?? get('run_uuid');
    if (typeof runId !== 'string' || runId.length === 0) {
      throw invalid("Missing value for required parameter 'run_id'.");
    }
    const run = this.runs.get(runId);
    if (!run || run.workspaceId.toLowerCase() !== this.workspaceId(req).toLowerCase()) {
      throw notFound(`Run with id=${runId} not found`);
    }
    return run;
  }

  private httpGetRun(req: EmulatorRequest): Json {
    return { run: this.runJson(this.requestRun(req, req.query)) };
  }

  private httpMetricHistory(req: EmulatorRequest): Json {
    const run = this.requestRun(req, req.query);
    const key = req.query.get('metric_key');
    if (!key) throw invalid("Missing value for required parameter 'metric_key'.");
    const points = run.metrics.filter((m) => m.key === key);
    const maxResults = positiveInt(req.query.get('max_results') ?? undefined, 'max_results') ?? 25_000;
    const page = paginate(points, maxResults, req.query.get('page_token') ?? undefined);
    return { ...(page.items.length > 0 ? { metrics: page.items.map(metricJson) } : {}), ...page.next };
  }

  private httpSearchRuns(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const experimentIds = body['experiment_ids'];
    if (!Array.isArray(experimentIds) || experimentIds.length === 0) {
      throw invalid('experiment_ids must be a non-empty list of experiment ids.');
    }
    const viewType = String(body['run_view_type'] ?? 'ACTIVE_ONLY');
    if (!['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'].includes(viewType)) {
      throw invalid(`Invalid run_view_type '${viewType}'.`);
    }
    const maxResults = positiveInt(body['max_results'], 'max_results') ?? 1000;
    if (maxResults > MAX_SEARCH_RESULTS) {
      throw invalid(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_SEARCH_RESULTS}.`,
      );
    }
    let clauses;
    let order;
    try {
      clauses = parseFilter(typeof body['filter'] === 'string' ? body['filter'] : undefined);
      order = parseOrderBy(Array.isArray(body['order_by']) ? body['order_by'].map(String) : undefined);
    } catch (error) {
      if (error instanceof SearchSyntaxError) throw invalid(error.message);
      throw error;
    }
    const wanted = new Set(experimentIds.map(String));
    const workspaceId = this.workspaceId(req).toLowerCase();
    const found = viewType === 'DELETED_ONLY' ? [] : [...this.runs.values()];
    const candidates = found
      .filter((r) => r.workspaceId.toLowerCase() === workspaceId && wanted.has(r.experimentId))
      .map((run) => ({ run, searchable: searchable(run) }))
      .filter((c) => matches(c.searchable, clauses));
    const sort = compareRuns(order);
    candidates.sort((a, b) => sort(a.searchable, b.searchable));
    const page = paginate(
      candidates,
      maxResults,
      typeof body['page_token'] === 'string' ? body['page_token'] : undefined,
    );
    return {
      ...(page.items.length > 0 ? { runs: page.items.map((c) => this.runJson(c.run)) } : {}),
      ...page.next,
    };
  }

  private httpExperimentByName(req: EmulatorRequest): Json {
    const name = req.query.get('experiment_name');
    if (!name) throw invalid("Missing value for required parameter 'experiment_name'.");
    const experiment = this.experimentByName(this.workspaceId(req), name, false);
    if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment: this.experimentJson(experiment) };
  }

  private httpExperiment(req: EmulatorRequest): Json {
    const id = req.query.get('experiment_id');
    if (!id) throw invalid("Missing value for required parameter 'experiment_id'.");
    const experiment = this.experiments.get(id);
    if (!experiment || experiment.workspaceId.toLowerCase() !== this.workspaceId(req).toLowerCase()) {
      throw notFound(`No Experiment with id=${id} exists`);
    }
    return { experiment: this.experimentJson(experiment) };
  }

  private httpCreateRun(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const workspaceId = this.workspaceId(req);
    const workspace = this.arm.store.get(workspaceId);
    if (!workspace) throw notFound(`Workspace '${workspaceId}' was not found.`);
    let experiment: ExperimentRecord | undefined;
    if (body['experiment_id'] === undefined)
      experiment = this.experimentByName(workspace.id, 'Default', true);
    else {
      experiment = this.experiments.get(String(body['experiment_id']));
      if (!experiment || experiment.workspaceId !== workspace.id) {
        throw notFound(`No Experiment with id=${String(body['experiment_id'])} exists`);
      }
    }
    const tags = keyValues(body['tags'], 'tags');
    const runName = typeof body['run_name'] === 'string' ? body['run_name'] : tags.get('mlflow.runName');
    const runId = randomUUID();
    this.createRun({
      workspaceId: workspace.id,
      runId,
      experimentName: experiment.name,
      tags: Object.fromEntries(tags),
      runName: runName ?? runId,
      startTime: typeof body['start_time'] === 'number' ? body['start_time'] : Date.now(),
    });
    const run = this.run(runId);
    if (typeof body['user_id'] === 'string') run.userId = body['user_id'];
    else if (req.principal) run.userId = req.principal.appid;
    return { run: this.runJson(run) };
  }

  private httpUpdateRun(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const run = this.requestRun(req, body);
    if (body['status'] !== undefined) {
      if (typeof body['status'] !== 'string' || !RUN_STATUSES.includes(body['status'])) {
        throw invalid(`Invalid value '${String(body['status'])}' for parameter 'status'.`);
      }
      run.status = body['status'] as RunStatus;
    }
    if (typeof body['end_time'] === 'number') run.endTime = body['end_time'];
    if (typeof body['run_name'] === 'string') {
      run.runName = body['run_name'];
      run.tags.set('mlflow.runName', body['run_name']);
    }
    return { run_info: this.runInfo(run) };
  }

  private httpLogMetric(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const run = this.requestRun(req, body);
    run.metrics.push(metricPoint(body));
    return {};
  }

  private httpLogBatch(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const run = this.requestRun(req, body);
    const metrics = Array.isArray(body['metrics']) ? body['metrics'] : [];
    const points = metrics.map((m) => metricPoint(isObject(m) ? m : {}));
    const params = keyValues(body['params'], 'params');
    const tags = keyValues(body['tags'], 'tags');
    logParams(run, params);
    run.metrics.push(...points);
    for (const [key, value] of tags) run.tags.set(key, value);
    return {};
  }

  private httpLogParam(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const run = this.requestRun(req, body);
    logParams(run, keyValues([body], 'param'));
    return {};
  }

  private httpSetTag(req: EmulatorRequest): Json {
    const body = jsonBody(req);
    const run = this.requestRun(req, body);
    const [entry] = keyValues([body], 'tag');
    if (!entry) throw invalid("Missing value for required parameter 'key'.");
    run.tags.set(entry[0], entry[1]);
    if (entry[0] === 'mlflow.runName') run.runName = entry[1];
    return {};
  }

  // ---- shapes --------------------------------------------------------------------------------------------

  private experimentByName(workspaceId: string, name: string, create: true): ExperimentRecord;
  private experimentByName(workspaceId: string, name: string, create: boolean): ExperimentRecord | undefined;
  private experimentByName(workspaceId: string, name: string, create: boolean): ExperimentRecord | undefined {
    const found = [...this.experiments.values()].find(
      (e) => e.workspaceId.toLowerCase() === workspaceId.toLowerCase() && e.name === name,
    );
    if (found || !create) return found;
    const now = Date.now();
    const experiment: ExperimentRecord = {
      experimentId: randomUUID(),
      name,
      workspaceId,
      creationTime: now,
      lastUpdateTime: now,
      tags: new Map(),
    };
    this.experiments.set(experiment.experimentId, experiment);
    return experiment;
  }

  private experimentJson(e: ExperimentRecord): Json {
    return {
      experiment_id: e.experimentId,
      name: e.name,
      artifact_location: '',
      lifecycle_stage: 'active',
      last_update_time: e.lastUpdateTime,
      creation_time: e.creationTime,
      ...(e.tags.size > 0 ? { tags: [...e.tags].map(([key, value]) => ({ key, value })) } : {}),
    };
  }

  private runInfo(run: RunRecord): Json {
    const host = new URL(this.server.url).host;
    return {
      run_id: run.runId,
      run_uuid: run.runId,
      run_name: run.runName,
      experiment_id: run.experimentId,
      user_id: run.userId,
      status: run.status,
      start_time: run.startTime,
      ...(run.endTime !== undefined ? { end_time: run.endTime } : {}),
      artifact_uri: `azureml://${host}/mlflow/v2.0${run.workspaceId}/experiments/${run.experimentId}/runs/${run.runId}/artifacts`,
      lifecycle_stage: 'active',
    };
  }

  /** The run as MLflow serialises it: empty lists are left out, metrics are the latest value per key. */
  private runJson(run: RunRecord): Json {
    const metrics = [...latestMetrics(run.metrics).values()].map(metricJson);
    const data: Json = {};
    if (metrics.length > 0) data['metrics'] = metrics;
    if (run.params.size > 0) data['params'] = [...run.params].map(([key, value]) => ({ key, value }));
    if (run.tags.size > 0) data['tags'] = [...run.tags].map(([key, value]) => ({ key, value }));
    return { info: this.runInfo(run), data, inputs: {} };
  }
}

/** Latest point per key, as the MLflow tracking store keeps it: highest step, then timestamp, then value. */
function latestMetrics(points: readonly MetricPoint[]): Map<string, MetricPoint> {
  const latest = new Map<string, MetricPoint>();
  for (const p of points) {
    const current = latest.get(p.key);
    if (
      !current ||
      p.step > current.step ||
      (p.step === current.step &&
        (p.timestamp > current.timestamp || (p.timestamp === current.timestamp && p.value > current.value)))
    ) {
      latest.set(p.key, p);
    }
  }
  return latest;
}

/** Params are write-once in MLflow: logging another value for a key is refused (all or nothing). */
function logParams(run: RunRecord, params: ReadonlyMap<string, string>): void {
  for (const [key, value] of params) {
    const existing = run.params.get(key);
    if (existing !== undefined && existing !== value) {
      throw invalid(
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${existing}' ` +
          `for run ID='${run.runId}'. Attempted logging new value '${value}'.`,
      );
    }
  }
  for (const [key, value] of params) run.params.set(key, value);
}

/** Protobuf JSON writes NaN and the infinities as strings (JSON has no such numbers). */
function metricJson(point: MetricPoint): Json {
  return { ...point, value: Number.isFinite(point.value) ? point.value : String(point.value) };
}

function searchable(run: RunRecord): SearchableRun {
  return {
    attributes: {
      run_id: run.runId,
      run_name: run.runName,
      status: run.status,
      user_id: run.userId,
      experiment_id: run.experimentId,
      start_time: run.startTime,
      end_time: run.endTime,
      lifecycle_stage: 'active',
    },
    metrics: Object.fromEntries([...latestMetrics(run.metrics)].map(([k, p]) => [k, p.value])),
    params: Object.fromEntries(run.params),
    tags: Object.fromEntries(run.tags),
  };
}

function metricPoint(body: Json): MetricPoint {
  const key = body['key'];
  if (typeof key !== 'string' || key.length === 0)
    throw invalid("Missing value for required parameter 'key'.");
  const raw = body['value'];
  // Protobuf JSON writes NaN and the infinities as strings.
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (raw === undefined || (typeof raw === 'string' && Number.isNaN(value) && raw !== 'NaN')) {
    throw invalid(`Invalid value for parameter 'value' of metric '${key}'.`);
  }
  const timestamp = body['timestamp'];
  if (typeof timestamp !== 'number') throw invalid("Missing value for required parameter 'timestamp'.");
  const step = body['step'] === undefined ? 0 : Number(body['step']);
  if (!Number.isInteger(step)) throw invalid(`Invalid value '${String(body['step'])}' for parameter 'step'.`);
  return { key, value, timestamp, step };
}

/** `[{key, value}]` as a map; refuses entries without a string key / value. */
function keyValues(input: unknown, what: string): Map<string, string> {
  const map = new Map<string, string>();
  if (input === undefined) return map;
  if (!Array.isArray(input)) throw invalid(`'${what}' must be a list of {key, value}.`);
  for (const entry of input) {
    if (!isObject(entry) || typeof entry['key'] !== 'string' || entry['key'].length === 0) {
      throw invalid(`Missing value for required parameter 'key' in ${what}.`);
    }
    if (typeof entry['value'] !== 'string') {
      throw invalid(`Missing value for required parameter 'value' of ${what} '${entry['key']}'.`);
    }
    map.set(entry['key'], entry['value']);
  }
  return map;
}

function jsonBody(req: EmulatorRequest): Json {
  if (req.rawBody.length === 0) return {};
  if (!isObject(req.body))
    throw new MlflowError(400, 'MALFORMED_REQUEST', 'The request body is not a JSON object.');
  return req.body;
}

function positiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw invalid(`Invalid value '${String(value)}' for parameter '${name}'.`);
  return n;
}

/** One page of `items`; `page_token` is opaque to clients (base64url JSON of the offset). */
function paginate<T>(
  items: readonly T[],
  pageSize: number,
  pageToken: string | undefined,
): { items: T[]; next: { next_page_token?: string } } {
  let offset = 0;
  if (pageToken) {
    try {
      const parsed = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as { offset?: unknown };
      if (typeof parsed.offset !== 'number' || !Number.isInteger(parsed.offset) || parsed.offset < 0)
        throw new Error();
      offset = parsed.offset;
    } catch {
      throw invalid(`Invalid page token '${pageToken}'.`);
    }
  }
  const end = offset + pageSize;
  return {
    items: items.slice(offset, end),
    next:
      end < items.length
        ? { next_page_token: Buffer.from(JSON.stringify({ offset: end }), 'utf8').toString('base64url') }
        : {},
  };
}

function mlflowError(error: MlflowError): EmulatorResponse {
  return { status: error.status, body: { error_code: error.errorCode, message: error.message } };
}

function answer(handler: () => Json): EmulatorResponse {
  try {
    return { status: 200, body: handler() };
  } catch (error) {
    if (error instanceof MlflowError) return mlflowError(error);
    throw error;
  }
}
