import { openWorkspaceSession, readWorkspace } from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure, DataError } from '../../../step/errors';
import type { EndpointActionConfig } from '../config';
import { endpointApiVersion, endpointBody, endpointSettingsChanges, type EndpointBody } from '../desired';
import { OnlineEndpoints, type DeploymentState, type EndpointState } from '../online';
import type { DeployReport } from '../summary';
import {
  applySplit,
  describeTraffic,
  everyDeployment,
  onlyExisting,
  sameTraffic,
  trafficJson,
  type Traffic,
} from '../traffic';
import { dryRunOutcome, type PlannedRequest } from './dry-run';
import { outputsAfter } from './endpoint-outputs';
import { checkCluster, checkEndpointKind, plannedAttach } from './online-deploy';

/**
 * Action endpoint: the online endpoint alone, created or updated as `az ml online-endpoint create -f` does, with
 * the traffic the YAML (or the `traffic` input) gives, checked first against the endpoint's deployments.
 */
export async function writeEndpoint(
  config: EndpointActionConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const { logger } = context;
  for (const warning of config.warnings) logger.warning(warning);
  for (const note of config.notes) logger.info(note);
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const endpoints = new OnlineEndpoints(session, context);
  const location = (await readWorkspace(session)).location ?? '';
  const { endpointName } = config;
  context.setOutput('dryRun', config.dryRun);
  const cluster = config.kubernetes
    ? await checkCluster({ config, session, location, context, report }, config.kubernetes)
    : undefined;
  const existing = await endpoints.endpoint(endpointName);
  if (existing) checkEndpointKind(config, existing, cluster?.computeId);
  const deployments = existing ? await endpoints.deployments(endpointName) : [];
  const names = deployments.map((d) => d.name);
  const before = existing ? everyDeployment(existing.traffic, names) : {};
  const mirrorBefore = existing ? onlyExisting(existing.mirrorTraffic, names) : {};
  report.trafficBefore = before;
  report.mirrorBefore = mirrorBefore;
  context.setOutput('previousTraffic', trafficJson(before));
  const { traffic, mirror } = plannedTraffic(config, deployments, before, mirrorBefore, context);
  const body = endpointBody(config.endpoint, location, cluster?.computeId, traffic, mirror);
  const changed = existing ? endpointChanges(body, existing, traffic, mirror) : ['created'];
  const path = `${session.workspaceId}/onlineEndpoints/${endpointName}`;
  if (config.dryRun) {
    const requests: PlannedRequest[] = plannedAttach(cluster);
    if (changed.length)
      requests.push({
        method: 'PUT',
        path,
        apiVersion: endpointApiVersion,
        what: existing ? `update the endpoint (${changed.join('; ')})` : 'create the endpoint',
        body,
      });
    context.setOutput('traffic', trafficJson(before));
    report.evidence = { endpointBody: body };
    return dryRunOutcome(
      context,
      report,
      requests,
      `Dry run: online endpoint '${endpointName}' was validated${changed.length ? '' : ' (it is as asked)'}; nothing was created or changed.`,
    );
  }
  let final: EndpointState | undefined = existing;
  if (changed.length) {
    final = await endpoints.putEndpoint(
      endpointName,
      body,
      existing ? 'Updating the endpoint' : 'Creating the endpoint',
    );
    report.changes.push(
      existing
        ? `updated online endpoint '${endpointName}': ${changed.join('; ')}`
        : `created online endpoint '${endpointName}' (${config.endpoint.authMode} auth)`,
    );
  } else report.changes.push('nothing to change');
  report.evidence = { endpointBody: body };
  const trafficAfter = await outputsAfter(config, context, endpoints, final!, names, report);
  return {
    result: 'succeeded',
    message: changed.length
      ? `Online endpoint '${endpointName}' ${existing ? 'updated' : 'created'}; traffic ${describeTraffic(trafficAfter)}.`
      : `Nothing to change: online endpoint '${endpointName}' is as asked (traffic ${describeTraffic(trafficAfter)}).`,
  };
}

/** What differs between the endpoint to PUT and the one there is (traffic compared as splits). */
function endpointChanges(
  body: EndpointBody,
  existing: EndpointState,
  traffic: Traffic,
  mirror: Traffic,
): string[] {
  const changed = endpointSettingsChanges(body, existing.raw);
  if (!sameTraffic(traffic, existing.traffic))
    changed.push(`traffic ${describeTraffic(existing.traffic)} → ${describeTraffic(traffic)}`);
  if (!sameTraffic(mirror, existing.mirrorTraffic))
    changed.push(`mirrored traffic ${describeTraffic(existing.mirrorTraffic)} → ${describeTraffic(mirror)}`);
  return changed;
}

/**
 * The split to set, checked as Azure ML checks it (so that a refusal names the YAML line, not an ARM error):
 * only to deployments of the endpoint, live traffic summing to 100 and only to deployments that succeeded,
 * mirrored traffic to one deployment without live traffic, at most 50. What is not given is kept.
 */
function plannedTraffic(
  config: EndpointActionConfig,
  deployments: readonly DeploymentState[],
  before: Traffic,
  mirrorBefore: Traffic,
  context: StepContext,
): { traffic: Traffic; mirror: Traffic } {
  const names = deployments.map((d) => d.name);
  const { endpointName } = config;
  const unknownIn = (shares: Traffic, source: string) => {
    const unknown = Object.keys(shares).filter(
      (n) => !names.some((e) => e.toLowerCase() === n.toLowerCase()),
    );
    if (unknown.length)
      throw new DataError(
        `${source}: online endpoint '${endpointName}' has no deployment ${unknown.map((n) => `'${n}'`).join(', ')} (it has: ${names.join(', ') || 'none'}). Deploy it first (action deploy), or leave it out.`,
      );
  };
  let traffic = before;
  if (config.traffic) {
    const { shares, source } = config.traffic;
    unknownIn(shares, source);
    const total = Object.values(shares).reduce((sum, share) => sum + share, 0);
    if (total !== 100 && total !== 0)
      throw new DataError(
        `${source}: live traffic must sum to 100 (or be 0 everywhere); it sums to ${total}.`,
      );
    const notReady = deployments.filter(
      (d) => (lookup(shares, d.name) ?? 0) > 0 && d.provisioningState !== 'Succeeded',
    );
    if (notReady.length)
      throw new AssertionFailure(
        `${source}: traffic cannot go to ${notReady.map((d) => `'${d.name}' (${d.provisioningState})`).join(', ')}: only deployments that reached Succeeded get traffic. Nothing was changed.`,
      );
    const split = applySplit(before, names, shares);
    for (const n of split.zeroed)
      context.logger.warning(`Deployment '${n}' is not named in ${source}: its ${before[n]} % go to 0 %.`);
    traffic = split.traffic;
  }
  return { traffic, mirror: plannedMirror(config, names, traffic, mirrorBefore, unknownIn) };
}

function plannedMirror(
  config: EndpointActionConfig,
  names: readonly string[],
  traffic: Traffic,
  mirrorBefore: Traffic,
  unknownIn: (shares: Traffic, source: string) => void,
): Traffic {
  if (!config.mirrorTraffic)
    // Kept, except for a deployment that now takes live traffic (Azure ML refuses both at once).
    return Object.fromEntries(Object.entries(mirrorBefore).filter(([n]) => (lookup(traffic, n) ?? 0) === 0));
  const { shares, source } = config.mirrorTraffic;
  unknownIn(shares, source);
  const mirrored = Object.entries(shares).filter(([, share]) => share > 0);
  const total = mirrored.reduce((sum, [, share]) => sum + share, 0);
  if (mirrored.length > 1)
    throw new DataError(
      `${source}: traffic may be mirrored to one deployment only; it names ${mirrored.length}.`,
    );
  if (total > 50) throw new DataError(`${source}: at most 50 % may be mirrored; it gives ${total} %.`);
  for (const [n, share] of mirrored)
    if ((lookup(traffic, n) ?? 0) > 0)
      throw new DataError(
        `${source}: deployment '${n}' takes live traffic (${lookup(traffic, n)} %); it cannot receive mirrored traffic (${share} %) too. Give it 0 live traffic to mirror to it.`,
      );
  const canonical = (n: string) => names.find((e) => e.toLowerCase() === n.toLowerCase()) ?? n;
  return Object.fromEntries(mirrored.map(([n, share]) => [canonical(n), share]));
}

function lookup(shares: Traffic, name: string): number | undefined {
  const key = Object.keys(shares).find((n) => n.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : shares[key];
}
