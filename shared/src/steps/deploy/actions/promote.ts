import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure, DataError } from '../../../step/errors';
import type { PromoteConfig } from '../config';
import type { DeployReport } from '../summary';
import { describeTraffic } from '../traffic';
import { carryOut, nameList, readBlueGreen } from './blue-green';
import { quote } from './endpoint-outputs';

/**
 * Action promote: all live traffic to the named deployment, then the deployments that served before (a share over
 * 0 %) deleted, or kept at 0 % with keepPrevious. Deployments that served nothing are left as they are.
 */
export async function promote(
  config: PromoteConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const state = await readBlueGreen(config, context, report);
  const { endpointName, deploymentName } = config;
  if (!state.endpoint)
    throw new DataError(
      `Online endpoint '${endpointName}' was not found: there is no deployment '${deploymentName}' to promote. Nothing was changed.`,
    );
  const green = state.named;
  if (!green)
    throw new DataError(
      `Online endpoint '${endpointName}' has no deployment '${deploymentName}' (it has: ${state.names.join(', ') || 'none'}); fix ${quote(config, 'deploymentName')}. Nothing was changed.`,
    );
  if (green.provisioningState !== 'Succeeded')
    throw new AssertionFailure(
      `Deployment '${green.name}' of '${endpointName}' is ${green.provisioningState}: only a deployment that reached Succeeded can take the traffic. Nothing was changed.`,
    );
  const serving = state.names.filter((n) => n !== green.name && (state.before[n] ?? 0) > 0);
  const idle = state.names.filter((n) => n !== green.name && !serving.includes(n));
  if (idle.length) context.logger.info(`Left as they are (they served no live traffic): ${nameList(idle)}.`);
  const traffic = Object.fromEntries(state.names.map((n) => [n, n === green.name ? 100 : 0]));
  // The promoted deployment takes live traffic: Azure ML refuses mirroring to it as well.
  const mirror = Object.fromEntries(Object.entries(state.mirrorBefore).filter(([n]) => n !== green.name));
  const remove = config.keepPrevious ? [] : serving;
  return carryOut(config, context, report, state, { traffic, mirror, remove }, (after, removed) => {
    const kept = config.keepPrevious && serving.length ? `; kept at 0 %: ${nameList(serving)}` : '';
    const gone = removed.length ? `; removed ${nameList(removed)}` : '';
    return `Promoted '${green.name}' of '${endpointName}': traffic ${describeTraffic(state.before)} → ${describeTraffic(after)}${gone}${kept}.`;
  });
}
