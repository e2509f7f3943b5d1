/**
 * Microsoft.MachineLearningServices jobs (REST spec 2022-10-01): create (synchronous 201), get, list, delete
 * and cancel (long-running operations). Nothing runs here: `onCreated` / `setStatus` let a runner drive jobs.
 */
import type { EmulatorRequest, EmulatorResponse } from '../server';
import type { ArmEmulator } from './index';
import { ML_NAMESPACE } from './machine-learning';
import { listViewOf, sameJson, userError, visibleIn, workspaceIdOf } from './ml-assets';
import { pagedResponse } from './paging';
import { findParent, findResource, isObject, ok, properties, systemData, type Json } from './resource';
import type { StoredResource } from './store';

const JOBS = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ML_NAMESPACE}/workspaces/{workspaceName}/jobs`;
const JOB_TYPES = ['Command', 'Pipeline', 'Sweep', 'AutoML', 'Spark'];
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
/** What a PUT may change on an existing job. */
const MUTABLE = ['tags', 'description', 'displayName', 'isArchived'];
/** Filled in by the service, ignored when comparing a re-PUT with the job. */
const SERVER_SET = ['status', 'parameters'];
const SERVER_SERVICES = ['Studio', 'Tracking'];

export const TERMINAL_JOB_STATUSES = ['Completed', 'Failed', 'Canceled'];

export type JobStatus =
  | 'NotStarted'
  | 'Starting'
  | 'Provisioning'
  | 'Preparing'
  | 'Queued'
  | 'Running'
  | 'Finalizing'
  | 'CancelRequested'
  | 'Completed'
  | 'Failed'
  | 'Canceled'
  | 'NotResponding'
  | 'Paused'
  | 'Unknown';

export interface JobError {
  code: string;
  message: string;
}

/** The job properties without what the service adds, for comparing a re-PUT with the stored job. */
function comparable(props: Json): Json {
  const copy: Json = { ...props, experimentName: props['experimentName'] ?? 'Default' };
  for (const key of [...MUTABLE, ...SERVER_SET]) delete copy[key];
  if (isObject(copy['services'])) {
    const services = { ...copy['services'] };
    for (const key of SERVER_SERVICES) delete services[key];
    copy['services'] = services;
  }
  return copy;
}

function missing(props: Json, keys: string[]): string | undefined {
  return keys.find((k) => props[k] === undefined || props[k] === null || props[k] === '');
}

export class MachineLearningJobsEmulator {
  /** Items per page of job lists. */
  pageSize = 100;
  /** Called after a job is created (status `NotStarted`): the hook for a job runner. */
  onCreated?: (job: StoredResource) => void;
  /** Called when a cancel is requested (status `CancelRequested`). */
  onCancelRequested?: (job: StoredResource) => void;
  private sequence = 0;

  constructor(protected readonly arm: ArmEmulator) {}

  /**
   * Sets `properties.status` of a job. The 2022-10-01 job body has no error field: a `Failed` job's error is
   * kept in `secrets.error` (for the run history / MLflow side). Every change is appended to
   * `secrets.statusHistory`.
   */
  setStatus(jobId: string, status: JobStatus, error?: JobError): StoredResource {
    const job = this.arm.store.get(jobId);
    if (!job) throw new Error(`No job ${jobId}`);
    properties(job)['status'] = status;
    if (error) job.secrets['error'] = error;
    const history = Array.isArray(job.secrets['statusHistory']) ? job.secrets['statusHistory'] : [];
    job.secrets['statusHistory'] = [...history, { status, time: new Date().toISOString() }];
    return job;
  }

  register(): void {
    const arm = this.arm;
    arm.route('GET', JOBS, (req) => this.list(req));
    arm.route('GET', `${JOBS}/{id}`, (req) => this.get(req));
    arm.route('PUT', `${JOBS}/{id}`, (req) => this.put(req));
    arm.route('DELETE', `${JOBS}/{id}`, (req) => this.delete(req));
    arm.route('POST', `${JOBS}/{id}/cancel`, (req) => this.cancel(req));
  }

  private jobId(req: EmulatorRequest): string {
    return `${workspaceIdOf(req)}/jobs/${req.params['id'] ?? ''}`;
  }

  private badRequest(req: EmulatorRequest, message: string): EmulatorResponse {
    return userError(this.arm, req, 400, message, 'BadArgument');
  }

  private get(req: EmulatorRequest): EmulatorResponse {
    const job = findResource(this.arm, req, this.jobId(req));
    return 'status' in job ? job : ok(job.body);
  }

  private list(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const view = listViewOf(req);
    if (!view) return this.badRequest(req, `Invalid listViewType '${req.query.get('listViewType') ?? ''}'.`);
    const jobType = req.query.get('jobType')?.toLowerCase();
    const tag = req.query.get('tag');
    const seq = (r: StoredResource) => (typeof r.secrets['seq'] === 'number' ? r.secrets['seq'] : 0);
    const items = this.arm.store
      .children(workspace.id, 'jobs')
      .filter((job) => {
        const props = properties(job);
        const tags = isObject(props['tags']) ? props['tags'] : {};
        return (
          visibleIn(view, job) &&
          (!jobType || String(props['jobType']).toLowerCase() === jobType) &&
          (!tag || tag in tags)
        );
      })
      // Newest first, as the studio lists them.
      .sort((a, b) => seq(b) - seq(a))
      .map((job) => job.body);
    return pagedResponse(req, items, this.pageSize);
  }

  // ---- create --------------------------------------------------------------------------------------------

  private put(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const name = req.params['id'] ?? '';
    if (!NAME_PATTERN.test(name)) return this.badRequest(req, `Invalid job name '${name}'.`);
    const id = `${workspace.id}/jobs/${name}`;
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const input = isObject(req.body) ? req.body['properties'] : undefined;
    if (!isObject(input))
      return this.badRequest(req, "The request content was invalid: 'properties' is required.");
    const problem = this.shapeProblem(input) ?? this.referenceProblem(workspace, input);
    if (problem) return this.badRequest(req, problem);
    const existing = this.arm.store.get(id);
    if (existing) return this.update(req, existing, input);
    return this.create(req, workspace, id, name, input);
  }

  /** Required fields per job type (`jobType`, and e.g. `command` + `environmentId` for a Command job). */
  private shapeProblem(props: Json): string | undefined {
    const jobType = props['jobType'];
    if (typeof jobType !== 'string' || !JOB_TYPES.includes(jobType)) {
      return `'properties.jobType' is required and must be one of ${JOB_TYPES.join(', ')}.`;
    }
    let absent: string | undefined;
    if (jobType === 'Command') absent = missing(props, ['command', 'environmentId']);
    if (jobType === 'Sweep') {
      absent = missing(props, ['objective', 'samplingAlgorithm', 'searchSpace', 'trial']);
      const trial = props['trial'];
      if (!absent && isObject(trial)) {
        const inTrial = missing(trial, ['command', 'environmentId']);
        if (inTrial) absent = `trial.${inTrial}`;
      }
    }
    return absent ? `'properties.${absent}' is required for a ${jobType} job.` : undefined;
  }

  /** Computes and code / environment versions the job (or its child jobs / trial) names must exist. */
  private referenceProblem(workspace: StoredResource, props: Json): string | undefined {
    const places: { where: string; value: Json }[] = [{ where: 'properties', value: props }];
    if (isObject(props['trial'])) places.push({ where: 'properties.trial', value: props['trial'] });
    if (isObject(props['jobs'])) {
      for (const [step, child] of Object.entries(props['jobs'])) {
        if (isObject(child)) places.push({ where: `properties.jobs.${step}`, value: child });
      }
    }
    const settings = props['settings'];
    const defaultCompute = isObject(settings) ? settings['default_compute'] : undefined;
    if (typeof defaultCompute === 'string') {
      const problem = this.computeProblem(workspace, 'properties.settings.default_compute', defaultCompute);
      if (problem) return problem;
    }
    for (const { where, value } of places) {
      const problem =
        this.computeProblem(workspace, `${where}.computeId`, value['computeId']) ??
        this.assetProblem(`${where}.codeId`, 'codes', value['codeId']) ??
        this.assetProblem(`${where}.environmentId`, 'environments', value['environmentId']) ??
        this.assetProblem(`${where}.componentId`, 'components', value['componentId']);
      if (problem) return problem;
    }
    return undefined;
  }

  /** No compute, or `serverless` / `azureml:serverless` (pipelines' `default_compute`), is serverless compute. */
  private computeProblem(workspace: StoredResource, field: string, computeId: unknown): string | undefined {
    if (computeId === undefined || computeId === null) return undefined;
    const id = String(computeId);
    if (/^(azureml:)?serverless$/i.test(id)) return undefined;
    const compute = /\/computes\/[^/]+$/i.test(id) ? this.arm.store.get(id) : undefined;
    if (compute) return undefined;
    const name = id.split('/').at(-1) ?? id;
    return (
      `Compute '${name}' (${field} '${id}') was not found in workspace '${String(workspace.body['name'])}'. ` +
      'Create the compute, or use the ARM id of an existing one.'
    );
  }

  /** `azureml://registries/...` ids are taken as they are; ARM ids must name an existing asset version. */
  private assetProblem(field: string, segment: string, assetId: unknown): string | undefined {
    if (assetId === undefined || assetId === null) return undefined;
    const id = String(assetId);
    if (/^azureml:\/\/registries\//i.test(id)) return undefined;
    const shape = new RegExp(`/workspaces/[^/]+/${segment}/[^/]+/versions/[^/]+$`, 'i');
    if (!shape.test(id)) {
      return `${field} '${id}' is not the ARM id of a ${segment} version (.../workspaces/{w}/${segment}/{name}/versions/{version}).`;
    }
    return this.arm.store.get(id)
      ? undefined
      : `${field} '${id}' was not found: the asset version does not exist.`;
  }

  private create(
    req: EmulatorRequest,
    workspace: StoredResource,
    id: string,
    name: string,
    input: Json,
  ): EmulatorResponse {
    const wsProps = properties(workspace);
    const services = isObject(input['services']) ? input['services'] : {};
    this.sequence += 1;
    const job = this.arm.store.set({
      id,
      secrets: { seq: this.sequence, input: structuredClone(input), statusHistory: [] },
      body: {
        id,
        name,
        type: `${ML_NAMESPACE}/workspaces/jobs`,
        systemData: systemData(req),
        properties: {
          ...input,
          displayName: input['displayName'] ?? name,
          experimentName: input['experimentName'] ?? 'Default',
          tags: isObject(input['tags']) ? input['tags'] : {},
          properties: isObject(input['properties']) ? input['properties'] : {},
          isArchived: input['isArchived'] ?? false,
          status: 'NotStarted',
          services: {
            ...services,
            Studio: {
              jobServiceType: 'Studio',
              endpoint: `https://ml.azure.com/runs/${name}?wsid=${workspace.id}&tid=${this.arm.options.tenantId}`,
            },
            Tracking: { jobServiceType: 'Tracking', endpoint: wsProps['mlFlowTrackingUri'] },
          },
        },
      },
    });
    this.setStatus(job.id, 'NotStarted');
    this.onCreated?.(job);
    return { status: 201, body: job.body };
  }

  /** A PUT to an existing job: jobs are immutable except tags, description, displayName and isArchived. */
  private update(req: EmulatorRequest, job: StoredResource, input: Json): EmulatorResponse {
    const sent = isObject(job.secrets['input']) ? job.secrets['input'] : {};
    if (!sameJson(comparable(sent), comparable(input))) {
      return userError(
        this.arm,
        req,
        409,
        `The job '${String(job.body['name'])}' already exists. Only tags, description, displayName and ` +
          'isArchived of an existing job can be updated; submit a job with a new name instead.',
        'Conflict',
      );
    }
    const props = properties(job);
    for (const key of MUTABLE) if (input[key] !== undefined) props[key] = input[key];
    job.body['systemData'] = systemData(req, job.body['systemData']);
    return ok(job.body);
  }

  // ---- delete / cancel -----------------------------------------------------------------------------------

  private delete(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const job = this.arm.store.get(this.jobId(req));
    if (!job) return { status: 204 };
    const running = this.arm.operations.runningOn(job.id);
    if (running) return this.arm.conflict(running);
    const op = this.arm.operations.start({
      resourceId: job.id,
      resourceType: 'jobs',
      method: 'DELETE',
      onSucceeded: () => {
        this.arm.store.delete(job.id);
        return { status: 200 };
      },
      onFailed: () => undefined,
    });
    return this.arm.accepted(req, ML_NAMESPACE, op);
  }

  /** `CancelRequested` now, `Canceled` when the operation completes; a finished job keeps its status. */
  private cancel(req: EmulatorRequest): EmulatorResponse {
    const job = findResource(this.arm, req, this.jobId(req));
    if ('status' in job) return job;
    const running = this.arm.operations.runningOn(job.id);
    if (running) return this.arm.conflict(running);
    const finished = TERMINAL_JOB_STATUSES.includes(String(properties(job)['status']));
    if (!finished) {
      this.setStatus(job.id, 'CancelRequested');
      this.onCancelRequested?.(job);
    }
    const op = this.arm.operations.start({
      resourceId: job.id,
      resourceType: 'jobs',
      method: 'POST',
      onSucceeded: () => {
        if (properties(job)['status'] === 'CancelRequested') this.setStatus(job.id, 'Canceled');
        return { status: 200 };
      },
      onFailed: () => undefined,
    });
    return this.arm.accepted(req, ML_NAMESPACE, op);
  }
}
