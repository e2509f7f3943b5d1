import type { OnlineDeployment } from '@azure/arm-machinelearning';
import { datastoreOpener } from '../../azureml/datastore-blobs';
import { openWorkspaceSession, readWorkspace, type WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import { AssertionFailure, AzureError, CancelledError, DataError } from '../../step/errors';
import type { EnvironmentReference, FixedId, Reference } from '../../azureml/references';
import { resolveReferences, type ResolutionRecord } from '../../azureml/resolve-references';
import { deleteAci, deployAci } from './aci';
import { checkKubernetes } from './aks';
import type {
  DeleteDeploymentConfig,
  DeployConfig,
  DeployInput,
  OnlineDeployConfig,
  SetTrafficConfig,
} from './config';
import {
  deploymentBody,
  describeDifferences,
  differences,
  endpointBody,
  keepEndpoint,
  SPEC_TAG,
  type ResolvedIds,
} from './desired';
import { INFERENCE_IMAGE } from './aci-group';
import { sameId } from './names';
import { OnlineEndpoints, orMissing, type EndpointState } from './online';
import type { DeployReport } from './summary';
import {
  applySplit,
  defaultShare,
  describeTraffic,
  giveShare,
  mirrorAfter,
  everyDeployment,
  onlyExisting,
  sameTraffic,
  trafficJson,
  type Traffic,
} from './traffic';

/**
 * Runs the action the inputs ask for, noting in `report` what it does as it goes (runStep writes the report,
 * whatever happened); a success says in the log what changed (or that nothing did).
 */
export async function runDeploy(
  config: DeployConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const outcome = await dispatch(config, context, report);
  // runStep logs the message of a failure; a success's message is the step's last word in the log too.
  if (outcome.result === 'succeeded' && outcome.message) context.logger.info(outcome.message);
  return outcome;
}

function dispatch(config: DeployConfig, context: StepContext, report: DeployReport): Promise<StepOutcome> {
  switch (config.action) {
    case 'deploy':
      return config.target === 'aci'
        ? deployAci(config, context, report)
        : deployOnline(config, context, report);
    case 'set-traffic':
      return setTraffic(config, context, report);
    case 'delete-deployment':
      return config.target === 'aci'
        ? deleteAci(config, context, report)
        : deleteDeployment(config, context, report);
  }
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

async function deployOnline(
  config: OnlineDeployConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const { logger } = context;
  for (const warning of config.warnings) logger.warning(warning);
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const endpoints = new OnlineEndpoints(session, context);
  const endpointName = config.endpointName;
  const name = config.deployment.name;
  const model = config.deployment.model;
  const workspace = await readWorkspace(session);
  const location = workspace.location ?? '';

  // ---- what exists, and what must exist first ------------------------------------------------------------------
  let computeId: string | undefined;
  if (config.kubernetes) {
    const preflight = await checkKubernetes(config.kubernetes, session, location, context);
    report.checks.push(...preflight.results);
    if (preflight.problem) {
      report.error = preflight.problem;
      throw new AssertionFailure(preflight.problem);
    }
    if (preflight.attached)
      report.changes.push(
        `attached AKS cluster '${preflight.cluster?.name}' as compute '${config.kubernetes.compute}'`,
      );
    computeId = preflight.computeId;
  }
  const modelVersion = await orMissing(() =>
    session.call(`Reading model ${model.text}`, (o) =>
      ml.modelVersions.get(rg, ws, model.name, model.version, o),
    ),
  );
  if (!modelVersion?.id)
    throw new AzureError(
      `Model '${model.name}' version ${model.version} was not found in workspace '${ws}' (${model.text}): register it first (the register-model step outputs the id to deploy).`,
      'ModelNotFound',
      404,
    );
  // `mlflow_model` (CLI) or `MLFlowModel` (older services): the only type Azure ML serves without scoring code.
  const modelType = modelVersion.properties.modelType ?? 'custom_model';
  const mlflow = modelType.toLowerCase().replace(/[^a-z]/g, '') === 'mlflowmodel';
  const { code, environment } = config.deployment;
  if (!code && !mlflow)
    throw new DataError(
      `Model ${model.text} (type ${modelType}) needs scoring code to be deployed: give ${quote(config, 'codePath')} and ${quote(config, 'scoringScript')} (or code_configuration in the deployment YAML). Only MLflow models deploy without code.`,
    );

  const existing = await endpoints.endpoint(endpointName);
  if (existing) {
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
  const before = await endpoints.deployments(endpointName).catch((error: unknown) => {
    if (!existing && error instanceof AzureError && error.statusCode === 404) return [];
    throw error;
  });
  const previous = before.find((d) => d.name.toLowerCase() === name.toLowerCase());
  const existingNames = before.map((d) => d.name);
  const trafficBefore = existing ? everyDeployment(existing.traffic, existingNames) : {};
  const mirrorBefore = existing ? onlyExisting(existing.mirrorTraffic, existingNames) : {};
  report.trafficBefore = trafficBefore;
  report.mirrorBefore = mirrorBefore;
  context.setOutput('previousTraffic', trafficJson(trafficBefore));

  // ---- code and environment: uploaded and registered as the CLI does (content-hashed, reused) -----------------
  const references: Reference[] = [];
  if (code && code.kind !== 'fixed') references.push(code);
  const environmentReference: EnvironmentReference | FixedId | undefined =
    environment ?? (code ? DEFAULT_ENVIRONMENT : undefined);
  if (environmentReference && environmentReference.kind !== 'fixed') references.push(environmentReference);
  let records: ResolutionRecord[] = [];
  let resolved = new Map<string, string>();
  if (references.length) {
    logger.startGroup('Resolving the scoring code and environment');
    const datastore = datastoreOpener(session, (secret) => context.addSecret(secret));
    ({ resolved, records } = await resolveReferences(references, {
      session,
      defaultDatastore: () => datastore(),
      dryRun: false,
      logger,
      signal: context.signal,
    }).finally(() => logger.endGroup()));
  }
  const idOf = (item: Reference | FixedId | undefined) =>
    item === undefined ? undefined : item.kind === 'fixed' ? item.id : resolved.get(item.key);
  const ids: ResolvedIds = {
    modelId: modelVersion.id,
    ...(code ? { codeId: idOf(code)! } : {}),
    ...(environmentReference ? { environmentId: idOf(environmentReference)! } : {}),
  };
  if (!environment && code)
    logger.info(`No environment given: the deployment runs ${INFERENCE_IMAGE} (the step's default).`);

  // ---- the traffic it will get, checked before anything is written -------------------------------------------
  const names = [...new Set([...existingNames, name])];
  const currentTraffic = everyDeployment(existing?.traffic ?? {}, names);
  const share = config.trafficPercent ?? defaultShare(currentTraffic, name);
  const livePlan = giveShare(currentTraffic, name, share);
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

  // ---- the endpoint ---------------------------------------------------------------------------------------------
  let endpoint: EndpointState;
  if (!existing) {
    endpoint = await endpoints.putEndpoint(
      endpointName,
      endpointBody(config.endpoint, location, computeId, {}, undefined),
      'Creating the endpoint',
    );
    report.changes.push(`created online endpoint '${endpointName}' (${config.endpoint.authMode} auth)`);
  } else {
    const desired = endpointBody(
      config.endpoint,
      location,
      computeId,
      existing.traffic,
      existing.mirrorTraffic,
    );
    const { traffic: _t, mirrorTraffic: _m, ...compared } = desired.properties;
    const changed = describeDifferences(
      differences(
        {
          properties: compared,
          ...(desired.tags ? { tags: desired.tags } : {}),
          identity: { type: desired.identity.type },
        },
        existing.raw,
      ),
    );
    if (changed.length > 0) {
      logger.info(`Online endpoint '${endpointName}' differs from what is asked: ${changed.join('; ')}.`);
      endpoint = await endpoints.putEndpoint(endpointName, desired, 'Updating the endpoint');
      report.changes.push(`updated online endpoint '${endpointName}': ${changed.join('; ')}`);
    } else {
      logger.info(`Online endpoint '${endpointName}' is as asked.`);
      endpoint = existing;
    }
  }

  // ---- the deployment -------------------------------------------------------------------------------------------
  const body = deploymentBody(config.deployment, config.target, location, ids);
  const current = previous ? await endpoints.deployment(endpointName, name) : undefined;
  const deploymentChanges = current ? changesOf(body, current) : [];
  const succeeded = current?.properties.provisioningState === 'Succeeded';
  if (current && deploymentChanges.length === 0 && succeeded) {
    logger.info(`Deployment '${name}' already runs ${model.text} with these settings.`);
  } else {
    if (current)
      logger.info(
        `Deployment '${name}' ${succeeded ? `differs: ${deploymentChanges.join('; ')}` : `is ${current.properties.provisioningState}: writing it again`}.`,
      );
    const timeout = AbortSignal.timeout(config.timeoutMinutes * 60_000);
    const written = await endpoints.putDeployment(
      endpointName,
      name,
      body,
      AbortSignal.any([context.signal, timeout]),
    );
    const state = written.deployment?.properties.provisioningState;
    if (state !== 'Succeeded') {
      return failedDeployment(config, context, endpoints, report, {
        created: !previous,
        problem: written.timedOut
          ? `Deployment '${name}' did not finish within ${config.timeoutMinutes} minute(s) (state ${state ?? 'unknown'}).`
          : `Deployment '${name}' ended ${state ?? 'in an unknown state'}${written.error ? `: ${written.error}` : '.'}`,
        trafficBefore,
        mirrorBefore,
        endpoint,
      });
    }
    report.changes.push(
      current
        ? `updated deployment '${name}': ${deploymentChanges.join('; ') || 'written again'}`
        : `created deployment '${name}' with ${model.text}`,
    );
  }

  // ---- traffic: only now that the deployment succeeded ----------------------------------------------------------
  let finalEndpoint = endpoint;
  const trafficSame = sameTraffic(livePlan.traffic, currentTraffic);
  const mirrorSame = sameTraffic(mirrorPlan.traffic, onlyExisting(endpoint.mirrorTraffic, names));
  if (!trafficSame || !mirrorSame) {
    finalEndpoint = await endpoints.putEndpoint(
      endpointName,
      keepEndpoint(endpoint.raw, livePlan.traffic, mirrorPlan.traffic),
      `Setting traffic ${describeTraffic(livePlan.traffic)}`,
    );
    if (!trafficSame)
      report.changes.push(
        `traffic ${describeTraffic(currentTraffic)} → ${describeTraffic(livePlan.traffic)}`,
      );
    if (!mirrorSame)
      report.changes.push(
        `mirrored traffic ${describeTraffic(onlyExisting(endpoint.mirrorTraffic, names))} → ${describeTraffic(mirrorPlan.traffic)}`,
      );
  }
  const trafficAfter = await outputsAfter(config, context, endpoints, finalEndpoint, names, report);
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

/** What differs between the deployment to write and the one that exists (our spec tag included). */
function changesOf(body: OnlineDeployment, current: OnlineDeployment): string[] {
  const found = differences({ properties: body.properties, sku: body.sku, tags: body.tags }, current);
  const shown = describeDifferences(found.filter((d) => d.path !== `tags.${SPEC_TAG}`));
  if (shown.length === 0 && found.length > 0)
    return ['settings removed from the inputs or the deployment YAML'];
  return shown;
}

/** A deployment that did not reach Succeeded: its logs, traffic left as it was, and the rollback when asked. */
async function failedDeployment(
  config: OnlineDeployConfig,
  context: StepContext,
  endpoints: OnlineEndpoints,
  report: DeployReport,
  failure: {
    created: boolean;
    problem: string;
    trafficBefore: Traffic;
    mirrorBefore: Traffic;
    endpoint: EndpointState;
  },
): Promise<StepOutcome> {
  const { logger } = context;
  const name = config.deployment.name;
  const endpointName = config.endpointName;
  const tail = (await endpoints.logTail(endpointName, name)).map((line) => context.redact(line));
  if (tail.length) {
    logger.startGroup(`Last ${tail.length} lines of the log of deployment '${name}'`);
    for (const line of tail) logger.info(line);
    logger.endGroup();
  }
  report.error = failure.problem;
  report.logTail = tail;
  report.trafficAfter = failure.trafficBefore;
  report.mirrorAfter = failure.mirrorBefore;
  context.setOutput('traffic', trafficJson(failure.trafficBefore));
  let rollback = '';
  if (failure.created && config.rollbackOnFailure) {
    try {
      await endpoints.deleteDeployment(endpointName, name);
      report.changes.push(`deleted the failed deployment '${name}' (rollbackOnFailure)`);
      rollback = ` The failed deployment '${name}' was deleted (rollbackOnFailure).`;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      logger.warning(`Could not delete the failed deployment '${name}': ${(error as Error).message}`);
      rollback = ` The failed deployment '${name}' could not be deleted: \`az ml online-deployment delete --endpoint-name ${endpointName} --name ${name} --yes\`.`;
    }
  } else if (!failure.created) {
    rollback = ` Deployment '${name}' existed before this run and was left in place.`;
  } else {
    rollback = ` The failed deployment '${name}' was kept (rollbackOnFailure is false).`;
  }
  const lines = tail.slice(-15);
  return {
    result: 'failed',
    message:
      `${failure.problem} Traffic was not changed (${describeTraffic(failure.trafficBefore)}).${rollback}` +
      (lines.length ? `\nLast lines of its log:\n${lines.join('\n')}` : ''),
  };
}

async function setTraffic(
  config: SetTrafficConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const endpoints = new OnlineEndpoints(session, context);
  const endpointName = config.endpointName;
  const endpoint = await requireEndpoint(endpoints, endpointName, session);
  const deployments = await endpoints.deployments(endpointName);
  const names = deployments.map((d) => d.name);
  const unknown = Object.keys(config.traffic).filter(
    (n) => !names.some((e) => e.toLowerCase() === n.toLowerCase()),
  );
  if (unknown.length)
    throw new DataError(
      `Online endpoint '${endpointName}' has no deployment ${unknown.map((n) => `'${n}'`).join(', ')} (it has: ${names.join(', ') || 'none'}). Fix ${quote(config, 'traffic')}.`,
    );
  const notReady = Object.entries(config.traffic)
    .filter(([, share]) => share > 0)
    .map(([n]) => deployments.find((d) => d.name.toLowerCase() === n.toLowerCase())!)
    .filter((d) => d.provisioningState !== 'Succeeded');
  if (notReady.length)
    throw new AssertionFailure(
      `Traffic cannot move to ${notReady.map((d) => `'${d.name}' (${d.provisioningState})`).join(', ')}: only deployments that reached Succeeded get traffic. Traffic was not changed.`,
    );
  const before = everyDeployment(endpoint.traffic, names);
  const mirrorBefore = onlyExisting(endpoint.mirrorTraffic, names);
  context.setOutput('previousTraffic', trafficJson(before));
  const { traffic, zeroed } = applySplit(before, names, config.traffic);
  for (const n of zeroed)
    context.logger.warning(
      `Deployment '${n}' is not named in ${quote(config, 'traffic')}: its ${before[n]} % go to 0 %.`,
    );
  const mirror = Object.fromEntries(Object.entries(mirrorBefore).filter(([n]) => (traffic[n] ?? 0) === 0));
  for (const n of Object.keys(mirrorBefore))
    if (!(n in mirror))
      context.logger.info(`Deployment '${n}' gets live traffic now: its mirrored traffic stops.`);
  report.trafficBefore = before;
  report.mirrorBefore = mirrorBefore;
  let final = endpoint;
  if (sameTraffic(traffic, before) && sameTraffic(mirror, mirrorBefore)) {
    report.changes.push('nothing to change');
  } else {
    final = await endpoints.putEndpoint(
      endpointName,
      keepEndpoint(endpoint.raw, traffic, mirror),
      `Setting traffic ${describeTraffic(traffic)}`,
    );
    report.changes.push(`traffic ${describeTraffic(before)} → ${describeTraffic(traffic)}`);
  }
  const trafficAfter = await outputsAfter(config, context, endpoints, final, names, report);
  return {
    result: 'succeeded',
    message:
      report.changes[0] === 'nothing to change'
        ? `Nothing to change: traffic of '${endpointName}' is already ${describeTraffic(trafficAfter)}.`
        : `Traffic of '${endpointName}': ${describeTraffic(before)} → ${describeTraffic(trafficAfter)}.`,
  };
}

async function deleteDeployment(
  config: DeleteDeploymentConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const endpoints = new OnlineEndpoints(session, context);
  const endpointName = config.endpointName;
  const name = config.deploymentName!;
  const endpoint = await endpoints.endpoint(endpointName);
  const deployments = endpoint ? await endpoints.deployments(endpointName) : [];
  const found = deployments.find((d) => d.name.toLowerCase() === name.toLowerCase());
  if (!endpoint || !found) {
    report.changes.push('nothing to change');
    return {
      result: 'succeeded',
      message: endpoint
        ? `Online endpoint '${endpointName}' has no deployment '${name}': nothing to delete.`
        : `Online endpoint '${endpointName}' does not exist: nothing to delete.`,
    };
  }
  const names = deployments.map((d) => d.name);
  const before = everyDeployment(endpoint.traffic, names);
  const mirrorBefore = onlyExisting(endpoint.mirrorTraffic, names);
  context.setOutput('previousTraffic', trafficJson(before));
  report.trafficBefore = before;
  report.mirrorBefore = mirrorBefore;
  const share = before[found.name] ?? 0;
  if (share > 0) {
    const plan = giveShare(before, found.name, 0);
    const fix =
      'traffic' in plan
        ? `move it first: action set-traffic with traffic '${Object.entries(plan.traffic)
            .map(([n, v]) => `${n}=${v}`)
            .join(',')}'`
        : 'it is the only deployment with traffic: deploy another one and move the traffic to it first (action set-traffic), or delete the endpoint';
    report.error = `deployment '${found.name}' still has ${share} % of the traffic`;
    throw new AssertionFailure(
      `Deployment '${found.name}' of '${endpointName}' still gets ${share} % of the live traffic (${describeTraffic(before)}); it was not deleted. Fix: ${fix}.`,
    );
  }
  let current = endpoint;
  if ((mirrorBefore[found.name] ?? 0) > 0) {
    const mirror = Object.fromEntries(Object.entries(mirrorBefore).filter(([n]) => n !== found.name));
    current = await endpoints.putEndpoint(
      endpointName,
      keepEndpoint(endpoint.raw, before, mirror),
      `Stopping the mirrored traffic to '${found.name}'`,
    );
    report.changes.push(`mirrored traffic ${describeTraffic(mirrorBefore)} → ${describeTraffic(mirror)}`);
  }
  await endpoints.deleteDeployment(endpointName, found.name);
  report.changes.push(`deleted deployment '${found.name}'`);
  const remaining = names.filter((n) => n !== found.name);
  const trafficAfter = await outputsAfter(config, context, endpoints, current, remaining, report);
  return {
    result: 'succeeded',
    message: `Deployment '${found.name}' of '${endpointName}' was deleted; traffic ${describeTraffic(trafficAfter)}.`,
  };
}

async function requireEndpoint(
  endpoints: OnlineEndpoints,
  name: string,
  session: WorkspaceSession,
): Promise<EndpointState> {
  const endpoint = await endpoints.endpoint(name);
  if (!endpoint)
    throw new AzureError(
      `Online endpoint '${name}' was not found in workspace '${session.workspaceName}': deploy to it first (action deploy).`,
      'EndpointNotFound',
      404,
    );
  return endpoint;
}

/**
 * What every online action that succeeded ends with: the traffic after (over `names`, the deployments there are
 * now) in the report, and the outputs: URIs, the key (key auth; a secret), that traffic. Returns that traffic.
 */
async function outputsAfter(
  config: { endpointName: string },
  context: StepContext,
  endpoints: OnlineEndpoints,
  endpoint: EndpointState,
  names: string[],
  report: DeployReport,
): Promise<Traffic> {
  const trafficAfter = everyDeployment(endpoint.traffic, names);
  report.trafficAfter = trafficAfter;
  report.mirrorAfter = onlyExisting(endpoint.mirrorTraffic, names);
  if (endpoint.scoringUri) {
    context.setOutput('scoringUri', endpoint.scoringUri);
    report.scoringUri = endpoint.scoringUri;
  }
  if (endpoint.swaggerUri) context.setOutput('swaggerUri', endpoint.swaggerUri);
  context.setOutput('traffic', trafficJson(trafficAfter));
  if (endpoint.authMode.toLowerCase() === 'key') {
    const key = await endpoints.primaryKey(config.endpointName);
    if (key) context.setOutput('endpointKey', key);
  } else {
    context.logger.info(
      `Online endpoint '${config.endpointName}' uses ${endpoint.authMode} auth: no key is output (the smoke-test step gets a token itself when given endpointName).`,
    );
  }
  return trafficAfter;
}

function quote(config: Pick<DeployConfig, 'shown'>, input: DeployInput): string {
  return `'${config.shown(input)}'`;
}
