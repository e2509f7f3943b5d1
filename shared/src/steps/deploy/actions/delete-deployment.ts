import { openWorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure } from '../../../step/errors';
import type { DeleteDeploymentConfig } from '../config';
import { endpointApiVersion, keepEndpoint } from '../desired';
import { OnlineEndpoints, type EndpointState } from '../online';
import type { DeployReport } from '../summary';
import { describeTraffic, everyDeployment, giveShare, onlyExisting, trafficJson } from '../traffic';
import { dryRunOutcome, type PlannedRequest } from './dry-run';
import { outputsAfter } from './endpoint-outputs';

/** Action delete-deployment on an online endpoint: only a deployment without live traffic; its mirror stops first. */
export async function deleteDeployment(
  config: DeleteDeploymentConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const endpoints = new OnlineEndpoints(session, context);
  const endpointName = config.endpointName;
  const name = config.deploymentName!;
  context.setOutput('dryRun', config.dryRun);
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
  if (config.dryRun) return dryRunDelete(config, context, report, session.workspaceId, found.name, endpoint);
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

/** The requests a delete would send: the mirror stopped first (when it mirrors), then the deletion. */
function dryRunDelete(
  config: DeleteDeploymentConfig,
  context: StepContext,
  report: DeployReport,
  workspaceId: string,
  name: string,
  endpoint: EndpointState,
): StepOutcome {
  const path = `${workspaceId}/onlineEndpoints/${config.endpointName}`;
  const before = report.trafficBefore ?? {};
  const mirrorBefore = report.mirrorBefore ?? {};
  const requests: PlannedRequest[] = [];
  if ((mirrorBefore[name] ?? 0) > 0) {
    const mirror = Object.fromEntries(Object.entries(mirrorBefore).filter(([n]) => n !== name));
    const body = keepEndpoint(endpoint.raw, before, mirror);
    const what = `stop the mirrored traffic to '${name}'`;
    requests.push({ method: 'PUT', path, apiVersion: endpointApiVersion, what, body });
  }
  requests.push({
    method: 'DELETE',
    path: `${path}/deployments/${name}`,
    what: `delete deployment '${name}'`,
  });
  context.setOutput('traffic', trafficJson(before));
  return dryRunOutcome(
    context,
    report,
    requests,
    `Dry run: deployment '${name}' of '${config.endpointName}' can be deleted; nothing was sent.`,
  );
}
