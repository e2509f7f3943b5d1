import { openWorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure, DataError } from '../../../step/errors';
import type { SetTrafficConfig } from '../config';
import { endpointApiVersion, keepEndpoint } from '../desired';
import { OnlineEndpoints } from '../online';
import type { DeployReport } from '../summary';
import {
  applySplit,
  describeTraffic,
  everyDeployment,
  onlyExisting,
  sameTraffic,
  trafficJson,
} from '../traffic';
import { dryRunOutcome } from './dry-run';
import { outputsAfter, quote, requireEndpoint } from './endpoint-outputs';

/** Action set-traffic: the endpoint's split as asked, to deployments that succeeded only. */
export async function setTraffic(
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
  const unchanged = sameTraffic(traffic, before) && sameTraffic(mirror, mirrorBefore);
  context.setOutput('dryRun', config.dryRun);
  if (config.dryRun) {
    context.setOutput('traffic', trafficJson(before));
    const body = keepEndpoint(endpoint.raw, traffic, mirror);
    const path = `${session.workspaceId}/onlineEndpoints/${endpointName}`;
    const what = `set traffic ${describeTraffic(traffic)}`;
    return dryRunOutcome(
      context,
      report,
      unchanged ? [] : [{ method: 'PUT', path, apiVersion: endpointApiVersion, what, body }],
      `Dry run: traffic of '${endpointName}' ${unchanged ? 'is already' : 'would be'} ${describeTraffic(traffic)}; nothing was sent.`,
    );
  }
  let final = endpoint;
  if (unchanged) {
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
