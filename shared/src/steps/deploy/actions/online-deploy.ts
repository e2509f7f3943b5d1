import { datastoreOpener, type DatastoreContainer } from '../../../azureml/datastore-blobs';
import type { EnvironmentReference, FixedId, Reference } from '../../../azureml/references';
import { resolveReferences, type ResolutionRecord } from '../../../azureml/resolve-references';
import {
  openWorkspaceSession,
  readWorkspace,
  type WorkspaceSession,
} from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure, AzureError, DataError } from '../../../step/errors';
import { inPhase } from '../../../step/phase';
import { INFERENCE_IMAGE } from '../aci-group';
import { checkKubernetes } from '../aks';
import type { KubernetesSettings, OnlineDeployConfig } from '../config';
import {
  deploymentApiVersion,
  deploymentBody,
  describeDifferences,
  differences,
  endpointApiVersion,
  endpointBody,
  endpointSettingsChanges,
  keepEndpoint,
  SPEC_TAG,
  type DeploymentBody,
  type ResolvedIds,
} from '../desired';
import { sameId } from '../names';
import { OnlineEndpoints, type EndpointState } from '../online';
import type { DeployReport } from '../summary';
import {
  defaultShare,
  describeTraffic,
  everyDeployment,
  giveShare,
  mirrorAfter,
  onlyExisting,
  sameTraffic,
  trafficJson,
  type Traffic,
} from '../traffic';
import { resolveCollectionData } from './collection-data';
import { withJudgedModel } from '../verdict';
import { resolveDeployModel, type ResolvedModel } from './deploy-model';
import { dryRunOutcome, type PlannedRequest } from './dry-run';
import { outputsAfter, quote } from './endpoint-outputs';
import { describeMinutes, inProgress, waitWhileInProgress } from './in-progress';
import { applyMonitor, monitorReport, plannedMonitor, planMonitor, type MonitorStep } from './monitor';
import { failedDeployment } from './online-failure';

/** One deploy to an online endpoint: what every phase needs. */
interface OnlineRun {
  readonly config: OnlineDeployConfig;
  readonly context: StepContext;
  readonly report: DeployReport;
  readonly session: WorkspaceSession;
  readonly endpoints: OnlineEndpoints;
  readonly location: string;
  /** The deployment's name. */
  readonly name: string;
  /** The default datastore, opened once (inline models, code, environments). */
  readonly datastore: (name?: string) => Promise<DatastoreContainer>;
}

/** What exists before anything is written. */
interface Found {
  readonly model: ResolvedModel;
  readonly existing?: EndpointState;
  /** The deployment of that name existed. */
  readonly existed: boolean;
  readonly existingNames: readonly string[];
  readonly trafficBefore: Traffic;
  readonly mirrorBefore: Traffic;
}

interface TrafficPlan {
  /** Every deployment there will be. */
  readonly names: string[];
  readonly current: Traffic;
  readonly live: Traffic;
  readonly mirror: Traffic;
}

/** The environment a custom model's deployment gets when none is named: the image the `aci` target runs. */
const DEFAULT_ENVIRONMENT: EnvironmentReference = {
  kind: 'environment',
  source: 'inline',
  image: INFERENCE_IMAGE,
  tags: {},
  key: 'environment:default-inference',
  location: { file: 'environment' },
};

/**
 * Action deploy to a managed or Kubernetes online endpoint: preflight, resolve the code and environment, plan the
 * traffic, ensure the endpoint, ensure the deployment, and only once it succeeded shift the traffic to it.
 */
export async function deployOnline(
  given: OnlineDeployConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const { logger } = context;
  for (const warning of given.warnings) logger.warning(warning);
  const session = openWorkspaceSession(given.workspace, 'deploy', context);
  // With requireVerdict, the first thing done: the model pinned to the version judged (nothing created before).
  const config = await withJudgedModel(given, session, context, report);
  const endpoints = new OnlineEndpoints(session, context);
  const workspace = await readWorkspace(session);
  for (const note of config.notes) logger.info(note);
  const name = config.deployment.name;
  const opener = datastoreOpener(session, (secret) => context.addSecret(secret));
  const run: OnlineRun = {
    config,
    context,
    report,
    session,
    endpoints,
    location: workspace.location ?? '',
    name,
    datastore: (name) => opener(name),
  };
  const endpointName = config.endpointName;
  context.setOutput('dryRun', config.dryRun);

  // The AKS checks open their own log group.
  const cluster = config.kubernetes ? await checkCluster(run, config.kubernetes) : undefined;
  const computeId = cluster?.computeId;
  const found = await inPhase(
    logger,
    `Checking model ${config.deployment.model.text} and endpoint '${endpointName}'`,
    () => preflight(run, computeId),
  );
  const model = found.model;
  const { ids, records, planned } = await resolve(run, model.id);
  const plan = await inPhase(logger, `Planning the traffic of '${endpointName}'`, async () =>
    planTraffic(run, found),
  );
  const monitor = await planMonitorPhase(run, model.id, ids);
  if (config.dryRun) return dryRunOnline(run, found, plan, cluster, { ids, records, planned, monitor });
  const endpoint = await inPhase(logger, `Online endpoint '${endpointName}'`, () =>
    ensureEndpoint(run, found.existing, computeId),
  );
  const body = deploymentBody(config.deployment, config.target, run.location, ids);
  const written = await inPhase(logger, `Deployment '${name}' of '${endpointName}'`, () =>
    ensureDeployment(run, found, body),
  );
  if (written !== undefined) {
    const { trafficBefore, mirrorBefore } = found;
    return failedDeployment(config, context, endpoints, report, {
      ...written,
      endpointCreated: !found.existing,
      trafficBefore,
      mirrorBefore,
      endpoint,
      workspace: {
        resourceGroup: session.resourceGroup,
        workspaceName: session.workspaceName,
        subscriptionId: session.target.subscriptionId,
      },
    });
  }
  const final = await inPhase(logger, `Traffic of '${endpointName}'`, () =>
    shiftTraffic(run, endpoint, plan),
  );
  const trafficAfter = await outputsAfter(config, context, endpoints, final, plan.names, report);
  await applyMonitorPhase(run, monitor);
  const nothing = report.changes.length === 0;
  if (nothing) report.changes.push('nothing to change');
  report.evidence = { resolution: records, deploymentBody: body };
  return {
    result: 'succeeded',
    message: nothing
      ? `Nothing to change: deployment '${name}' of '${endpointName}' already runs ${model.text} (traffic ${describeTraffic(trafficAfter)}).`
      : `Deployment '${name}' of '${endpointName}' runs ${model.text}; traffic ${describeTraffic(trafficAfter)}.`,
  };
}

/** The model monitor's plan (reads only), before anything is written; undefined when `monitor` is not given. */
async function planMonitorPhase(run: OnlineRun, modelId: string, ids: ResolvedIds) {
  const { config, session, context, report, name } = run;
  if (!config.monitor) return undefined;
  const settings = config.monitor;
  const monitor = await inPhase(context.logger, `Planning the model monitor of '${name}'`, () =>
    planMonitor(settings, {
      session,
      context,
      endpoint: config.endpointName,
      deployment: name,
      modelId,
      collectionDataIds: ids.collectionDataIds ?? {},
    }),
  );
  report.monitor = monitorReport(monitor, config.dryRun);
  return monitor;
}

/** The model monitor, once the deployment serves (a failure names what was done before it). */
async function applyMonitorPhase(
  { session, context, report, name }: OnlineRun,
  monitor: MonitorStep | undefined,
) {
  if (!monitor) return;
  await inPhase(context.logger, `Model monitor of '${name}'`, () =>
    applyMonitor(monitor, { session, context }, report),
  );
}

/** The AKS pre-flight: the cluster can serve, attached when asked. Returns the compute's ARM id. */
export async function checkCluster(
  {
    config,
    session,
    location,
    context,
    report,
  }: Pick<OnlineRun, 'session' | 'location' | 'context' | 'report'> & { config: { dryRun: boolean } },
  settings: KubernetesSettings,
): Promise<ClusterCheck> {
  const preflight = await checkKubernetes(settings, session, location, context, config.dryRun);
  report.checks.push(...preflight.results);
  if (preflight.problem) {
    report.error = preflight.problem;
    throw new AssertionFailure(preflight.problem);
  }
  if (preflight.attached)
    report.changes.push(`attached AKS cluster '${preflight.cluster?.name}' as compute '${settings.compute}'`);
  return {
    computeId: preflight.computeId,
    ...(preflight.wouldAttach
      ? { wouldAttach: { compute: settings.compute, body: preflight.wouldAttach } }
      : {}),
  };
}

/** The Kubernetes compute of the endpoint, and in a dry run the compute that attaching the cluster would PUT. */
/** The attach request a dry run would send for a cluster not attached yet (none otherwise). */
export function plannedAttach(cluster: ClusterCheck | undefined): PlannedRequest[] {
  if (!cluster?.wouldAttach) return [];
  return [
    {
      method: 'PUT',
      path: cluster.computeId,
      what: `attach the AKS cluster as compute '${cluster.wouldAttach.compute}'`,
      body: cluster.wouldAttach.body,
    },
  ];
}

export interface ClusterCheck {
  readonly computeId: string;
  readonly wouldAttach?: { readonly compute: string; readonly body: unknown };
}

/** The model exists (and has code unless MLflow), the endpoint is of the target's kind; the traffic before. */
async function preflight(run: OnlineRun, computeId: string | undefined): Promise<Found> {
  const { config, endpoints, report, context } = run;
  const { endpointName } = config;
  const existing = await endpoints.endpoint(endpointName);
  if (existing) checkEndpointKind(config, existing, computeId);
  const before = await endpoints.deployments(endpointName).catch((error: unknown) => {
    if (!existing && error instanceof AzureError && error.statusCode === 404) return [];
    throw error;
  });
  const existingNames = before.map((d) => d.name);
  const trafficBefore = existing ? everyDeployment(existing.traffic, existingNames) : {};
  const mirrorBefore = existing ? onlyExisting(existing.mirrorTraffic, existingNames) : {};
  report.trafficBefore = trafficBefore;
  report.mirrorBefore = mirrorBefore;
  context.setOutput('previousTraffic', trafficJson(trafficBefore));
  const model = await deploymentModel(run);
  return {
    model,
    ...(existing ? { existing } : {}),
    existed: before.some((d) => d.name.toLowerCase() === run.name.toLowerCase()),
    existingNames,
    trafficBefore,
    mirrorBefore,
  };
}

/** The model resolved (an inline one registered, or reused); it needs scoring code unless it is MLflow. */
async function deploymentModel({ config, session, context, report, datastore }: OnlineRun) {
  const { dryRun } = config;
  const model = await resolveDeployModel(config.deployment.model, { session, context, datastore, dryRun });
  report.model = model.text;
  if (model.inline) {
    const { name, version, action, modelUri, type, body } = model.inline;
    report.registeredModel = {
      name,
      version,
      action,
      modelUri,
      type,
      ...(body?.tags ? { tags: body.tags as Record<string, string> } : {}),
    };
  }
  context.setOutput('modelId', model.id);
  if (!config.deployment.code && model.mlflow === false)
    throw new DataError(
      `Model ${model.text} is not an MLflow model: it needs scoring code to be deployed. Give ${quote(config, 'codePath')} and ${quote(config, 'scoringScript')} (or code_configuration in the deployment YAML). Only MLflow models deploy without code.`,
    );
  if (!config.deployment.code && model.mlflow === undefined)
    context.logger.info(
      `No scoring code: Azure ML serves ${model.text} without code only if it is an MLflow model.`,
    );
  return model;
}

/**
 * A dry run: what would be sent (the endpoint, the deployment, the traffic) is printed and recorded; nothing is.
 * Reads only: the plan is the one a real run would follow from what exists now.
 */
function dryRunOnline(
  run: OnlineRun,
  found: Found,
  plan: TrafficPlan,
  cluster: ClusterCheck | undefined,
  resolved: {
    ids: ResolvedIds;
    records: ResolutionRecord[];
    planned: PlannedRequest[];
    monitor: MonitorStep | undefined;
  },
): StepOutcome {
  const { ids, records } = resolved;
  const computeId = cluster?.computeId;
  const { config, context, report, session, name, location } = run;
  const { endpointName } = config;
  const path = `${session.workspaceId}/onlineEndpoints/${endpointName}`;
  const requests: PlannedRequest[] = plannedAttach(cluster);
  const inline = found.model.inline;
  if (inline?.action === 'would register')
    requests.push({
      method: 'PUT',
      path: `${session.workspaceId}/models/${inline.name}/versions/${inline.version}`,
      what: `register the inline model as ${found.model.text}`,
      body: { properties: inline.body },
    });
  requests.push(...resolved.planned);
  const endpoint = found.existing
    ? undefined
    : endpointBody(config.endpoint, location, computeId, {}, undefined);
  if (endpoint)
    requests.push({
      method: 'PUT',
      path,
      apiVersion: endpointApiVersion,
      what: 'create the endpoint',
      body: endpoint,
    });
  const body = deploymentBody(config.deployment, config.target, location, ids);
  requests.push({
    method: 'PUT',
    path: `${path}/deployments/${name}`,
    apiVersion: deploymentApiVersion,
    what: `${found.existed ? 'write' : 'create'} deployment '${name}'`,
    body,
  });
  if (!sameTraffic(plan.live, plan.current) || !sameTraffic(plan.mirror, found.mirrorBefore))
    requests.push({
      method: 'PUT',
      path,
      apiVersion: endpointApiVersion,
      what: `set traffic ${describeTraffic(plan.live)}`,
      body: keepEndpoint(
        found.existing?.raw ?? (endpoint as unknown as Record<string, unknown>),
        plan.live,
        plan.mirror,
      ),
    });
  if (resolved.monitor) requests.push(...plannedMonitor(resolved.monitor, session));
  context.setOutput('traffic', trafficJson(found.trafficBefore));
  report.evidence = { resolution: records, deploymentBody: body };
  return dryRunOutcome(
    context,
    report,
    requests,
    `Dry run: deployment '${name}' of '${endpointName}' with ${found.model.text} was validated; nothing was created, uploaded or registered.`,
  );
}

/** An endpoint's kind (managed or Kubernetes) and compute cannot change. */
export function checkEndpointKind(
  config: Pick<OnlineDeployConfig, 'endpointName' | 'target' | 'shown'>,
  existing: EndpointState,
  computeId: string | undefined,
) {
  const endpointName = config.endpointName;
  const isKubernetes = existing.compute !== undefined;
  if (isKubernetes !== (config.target === 'kubernetes'))
    throw new DataError(
      `Online endpoint '${endpointName}' is a ${isKubernetes ? 'Kubernetes' : 'managed'} endpoint, but ${quote(config, 'target')} is ${config.target}: an endpoint's kind cannot change. Use another endpoint name, or target ${isKubernetes ? 'kubernetes' : 'managed'}.`,
    );
  if (computeId && existing.compute && !sameId(existing.compute, computeId))
    throw new DataError(
      `Online endpoint '${endpointName}' runs on compute ${existing.compute}, not ${computeId}: an endpoint's compute cannot change. Use another endpoint name or compute '${existing.compute.split('/').pop()}'.`,
    );
}

/** Code and environment: uploaded and registered as the CLI does (content-hashed, reused), in their own group. */
async function resolve(run: OnlineRun, modelId: string) {
  const { session, context } = run;
  const { logger } = context;
  const { dryRun } = run.config;
  const { code, environment } = run.config.deployment;
  const references: Reference[] = [];
  if (code && code.kind !== 'fixed') references.push(code);
  const environmentReference: EnvironmentReference | FixedId | undefined =
    environment ?? (code ? DEFAULT_ENVIRONMENT : undefined);
  if (environmentReference && environmentReference.kind !== 'fixed') references.push(environmentReference);
  let records: ResolutionRecord[] = [];
  let resolved = new Map<string, string>();
  if (references.length) {
    logger.startGroup('Resolving the scoring code and environment');
    ({ resolved, records } = await resolveReferences(references, {
      session,
      defaultDatastore: run.datastore,
      dryRun,
      logger,
      signal: context.signal,
    }).finally(() => logger.endGroup()));
  }
  const idOf = (item: Reference | FixedId | undefined) =>
    item === undefined ? undefined : item.kind === 'fixed' ? item.id : resolved.get(item.key);
  const collections = await resolveCollectionData(
    run.config.deployment.dataCollector,
    { session, context, endpointName: run.config.endpointName, deploymentName: run.name },
    dryRun,
  );
  const ids: ResolvedIds = {
    modelId,
    ...(code ? { codeId: idOf(code)! } : {}),
    ...(environmentReference ? { environmentId: idOf(environmentReference)! } : {}),
    ...(Object.keys(collections.dataIds).length ? { collectionDataIds: collections.dataIds } : {}),
  };
  if (!environment && code)
    logger.info(`No environment given: the deployment runs ${INFERENCE_IMAGE} (the step's default).`);
  return { ids, records, planned: collections.planned };
}

/** The traffic the deployment will get, checked before anything is written. */
function planTraffic({ config, name }: OnlineRun, found: Found): TrafficPlan {
  const { existing } = found;
  const names = [...new Set([...found.existingNames, name])];
  const current = everyDeployment(existing?.traffic ?? {}, names);
  const share = config.trafficPercent ?? defaultShare(current, name);
  const livePlan = giveShare(current, name, share);
  if ('problem' in livePlan)
    throw new DataError(
      `Traffic for deployment '${name}' cannot be set: ${livePlan.problem}. Nothing was changed.`,
    );
  const mirrorPlan = mirrorAfter(
    onlyExisting(existing?.mirrorTraffic ?? {}, names),
    name,
    config.mirrorPercent,
    livePlan.traffic,
  );
  if ('problem' in mirrorPlan)
    throw new DataError(`Mirrored traffic cannot be set: ${mirrorPlan.problem}. Nothing was changed.`);
  return { names, current, live: livePlan.traffic, mirror: mirrorPlan.traffic };
}

/** The endpoint: created, updated where it differs from what is asked (its traffic kept), or left alone. */
async function ensureEndpoint(
  { config, endpoints, report, location, context }: OnlineRun,
  existing: EndpointState | undefined,
  computeId: string | undefined,
): Promise<EndpointState> {
  const endpointName = config.endpointName;
  if (!existing) {
    const created = await endpoints.putEndpoint(
      endpointName,
      endpointBody(config.endpoint, location, computeId, {}, undefined),
      'Creating the endpoint',
    );
    report.changes.push(`created online endpoint '${endpointName}' (${config.endpoint.authMode} auth)`);
    return created;
  }
  const desired = endpointBody(
    config.endpoint,
    location,
    computeId,
    existing.traffic,
    existing.mirrorTraffic,
  );
  const changed = endpointSettingsChanges(desired, existing.raw);
  if (changed.length === 0) {
    context.logger.info(`Online endpoint '${endpointName}' is as asked.`);
    return existing;
  }
  context.logger.info(`Online endpoint '${endpointName}' differs from what is asked: ${changed.join('; ')}.`);
  const updated = await endpoints.putEndpoint(endpointName, desired, 'Updating the endpoint');
  report.changes.push(`updated online endpoint '${endpointName}': ${changed.join('; ')}`);
  return updated;
}

/** Why the deployment did not reach Succeeded, whether this run created it, and whether its operation still runs. */
interface DeploymentFailure {
  readonly problem: string;
  readonly created: boolean;
  readonly stillRunning: boolean;
}

/**
 * The deployment, written unless it already runs the same and succeeded; a failure when it did not succeed. One
 * deadline, `timeoutMinutes`, bounds the wait for an operation started before this run (a re-run after a timeout:
 * Azure refuses writes until it ends) and the wait for our own write; after it, `graceAfterTimeout`.
 */
async function ensureDeployment(
  run: OnlineRun,
  found: Found,
  body: DeploymentBody,
): Promise<DeploymentFailure | undefined> {
  const { config, context, endpoints, report, name } = run;
  const { endpointName } = config;
  const { model } = found;
  const timeoutMs = config.timeoutMinutes * 60_000;
  const deadline = AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]);
  let current = found.existed ? await endpoints.deployment(endpointName, name) : undefined;
  if (current && inProgress(current.properties.provisioningState)) {
    current = await waitForEarlierOperation(run, current, timeoutMs);
    const state = current?.properties.provisioningState;
    if (inProgress(state))
      return {
        problem: `Deployment '${name}' is still ${state} after ${describeMinutes(config.timeoutMinutes)}: an operation started before this run has not ended, and Azure refuses writes to it until it does. Nothing was changed; run again once it has ended.`,
        created: false,
        stillRunning: true,
      };
  }
  const deploymentChanges = current ? changesOf(body, current) : [];
  const succeeded = current?.properties.provisioningState === 'Succeeded';
  if (current && deploymentChanges.length === 0 && succeeded) {
    context.logger.info(`Deployment '${name}' already runs ${model.text} with these settings.`);
    return undefined;
  }
  if (current)
    context.logger.info(
      `Deployment '${name}' ${succeeded ? `differs: ${deploymentChanges.join('; ')}` : `is ${current.properties.provisioningState}: writing it again`}.`,
    );
  const written = await endpoints.putDeployment(endpointName, name, body, deadline);
  const state = written.deployment?.properties.provisioningState;
  const created = current === undefined;
  if (state !== 'Succeeded') {
    if (written.timedOut) return { ...(await graceAfterTimeout(run, state)), created };
    const problem = `Deployment '${name}' ended ${state ?? 'in an unknown state'}${written.error ? `: ${written.error}` : '.'}`;
    return { problem, created, stillRunning: false };
  }
  report.changes.push(
    current
      ? `updated deployment '${name}': ${deploymentChanges.join('; ') || 'written again'}`
      : `created deployment '${name}' with ${model.text}`,
  );
  return undefined;
}

/** A deployment found Creating, Updating or Deleting: waited for (within the timeout) instead of a 409 on writing. */
async function waitForEarlierOperation(
  { config, context, endpoints, name }: OnlineRun,
  current: DeploymentBody,
  timeoutMs: number,
): Promise<DeploymentBody | undefined> {
  context.logger.info(
    `Deployment '${name}' is ${current.properties.provisioningState}: waiting for its operation to end (up to ${describeMinutes(config.timeoutMinutes)}); Azure refuses writes to it until then.`,
  );
  const after = await waitWhileInProgress(endpoints, { endpoint: config.endpointName, name }, timeoutMs, {
    signal: context.signal,
    logger: context.logger,
  });
  context.logger.info(`Deployment '${name}' is ${after?.properties.provisioningState ?? 'gone (deleted)'}.`);
  return after;
}

/**
 * Our write timed out. A deployment operation cannot be cancelled: while it runs, deleting the deployment gets 409.
 * So wait up to `timeoutGraceMinutes` for it to end; the failure then says whether it still runs.
 */
async function graceAfterTimeout(
  { config, context, endpoints, name }: OnlineRun,
  state: string | undefined,
): Promise<Omit<DeploymentFailure, 'created'>> {
  const head = `Deployment '${name}' did not finish within ${describeMinutes(config.timeoutMinutes)} (state ${state ?? 'unknown'}).`;
  if (!inProgress(state)) return { problem: head, stillRunning: false };
  const grace = describeMinutes(config.timeoutGraceMinutes);
  const input = quote(config, 'timeoutGraceMinutes');
  context.logger.info(
    `Deployment '${name}' is ${state} and its operation cannot be cancelled: waiting up to ${grace} (${input}) for it to end before rolling back.`,
  );
  const after = await waitWhileInProgress(
    endpoints,
    { endpoint: config.endpointName, name },
    config.timeoutGraceMinutes * 60_000,
    { signal: context.signal, logger: context.logger },
  );
  const now = after?.properties.provisioningState;
  if (inProgress(now))
    return {
      problem: `${head} It is still ${now} after the grace of ${grace} (${input}).`,
      stillRunning: true,
    };
  return {
    problem: `${head} Its operation ended ${now ?? 'with the deployment deleted'} within the grace of ${grace}.`,
    stillRunning: false,
  };
}

/** What differs between the deployment to write and the one that exists (our spec tag included). */
function changesOf(body: DeploymentBody, current: DeploymentBody): string[] {
  const found = differences({ properties: body.properties, sku: body.sku, tags: body.tags }, current);
  const shown = describeDifferences(found.filter((d) => d.path !== `tags.${SPEC_TAG}`));
  if (shown.length === 0 && found.length > 0)
    return ['settings removed from the inputs or the deployment YAML'];
  return shown;
}

/** Traffic: only now that the deployment succeeded, and only when the plan differs from what there is. */
async function shiftTraffic(
  { config, endpoints, report }: OnlineRun,
  endpoint: EndpointState,
  plan: TrafficPlan,
): Promise<EndpointState> {
  const mirrorNow = onlyExisting(endpoint.mirrorTraffic, plan.names);
  const trafficSame = sameTraffic(plan.live, plan.current);
  const mirrorSame = sameTraffic(plan.mirror, mirrorNow);
  if (trafficSame && mirrorSame) return endpoint;
  const final = await endpoints.putEndpoint(
    config.endpointName,
    keepEndpoint(endpoint.raw, plan.live, plan.mirror),
    `Setting traffic ${describeTraffic(plan.live)}`,
  );
  if (!trafficSame)
    report.changes.push(`traffic ${describeTraffic(plan.current)} → ${describeTraffic(plan.live)}`);
  if (!mirrorSame)
    report.changes.push(`mirrored traffic ${describeTraffic(mirrorNow)} → ${describeTraffic(plan.mirror)}`);
  return final;
}
