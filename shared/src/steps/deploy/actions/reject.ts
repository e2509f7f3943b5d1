import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure } from '../../../step/errors';
import type { RejectConfig } from '../config';
import type { DeployReport } from '../summary';
import { describeTraffic, everyDeployment, giveShare, type Traffic } from '../traffic';
import { carryOut, nameList, readBlueGreen, type BlueGreenState } from './blue-green';
import { quote } from './endpoint-outputs';

/**
 * Action reject: the split from before the new deployment restored, then the deployment deleted. Run on failure,
 * so a deployment (or endpoint) that is not there is nothing to reject, not an error.
 */
export async function reject(
  config: RejectConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const state = await readBlueGreen(config, context, report);
  const { endpointName, deploymentName } = config;
  const green = state.named;
  if (!state.endpoint || !green) {
    report.changes.push('nothing to change');
    context.setOutput('removedDeployments', '[]');
    return {
      result: 'succeeded',
      message: state.endpoint
        ? `Online endpoint '${endpointName}' has no deployment '${deploymentName}': nothing to reject (traffic ${describeTraffic(state.before)}).`
        : `Online endpoint '${endpointName}' does not exist: nothing to reject.`,
    };
  }
  const traffic = restoredSplit(config, context, state, green.name);
  const notReady = Object.entries(traffic)
    .filter(([, share]) => share > 0)
    .map(([n]) => state.deployments.find((d) => d.name === n)!)
    .filter((d) => d.provisioningState !== 'Succeeded');
  if (notReady.length)
    throw new AssertionFailure(
      `The split to restore (${describeTraffic(traffic)}) gives traffic to ${notReady.map((d) => `'${d.name}' (${d.provisioningState})`).join(', ')}: only deployments that reached Succeeded get traffic. Nothing was changed.`,
    );
  const mirror = Object.fromEntries(
    Object.entries(state.mirrorBefore).filter(([n]) => n !== green.name && (traffic[n] ?? 0) === 0),
  );
  return carryOut(
    config,
    context,
    report,
    state,
    { traffic, mirror, remove: [green.name] },
    (after) =>
      `Rejected '${green.name}' of '${endpointName}': it was deleted; traffic ${describeTraffic(state.before)} → ${describeTraffic(after)}.`,
  );
}

/**
 * The split without the rejected deployment. Given `restoreTraffic` (the `previousTraffic` output of the step
 * that added it), that split, over the deployments still there. Else the rejected share goes back to the others in
 * their current proportions: a canary added with trafficPercent took it from them in those proportions
 * (giveShare), so this undoes it up to rounding. When the rejected deployment has all the traffic there is no
 * split to go back to but the given one: refused, nothing changed.
 */
function restoredSplit(
  config: RejectConfig,
  context: StepContext,
  state: BlueGreenState,
  rejected: string,
): Traffic {
  const { before, names } = state;
  const others = names.filter((n) => n !== rejected);
  if (config.restoreTraffic) {
    const given = config.restoreTraffic;
    const gone = Object.keys(given).filter(
      (n) => (given[n] ?? 0) > 0 && !others.some((o) => o.toLowerCase() === n.toLowerCase()),
    );
    if (gone.length)
      context.logger.warning(
        `${quote(config, 'restoreTraffic')} gives traffic to ${nameList(gone)}, which ${gone.length > 1 ? 'are' : 'is'} no longer a deployment of '${config.endpointName}' (or is the rejected one): the others share it in proportion.`,
      );
    const kept = everyDeployment(given, others);
    const total = Object.values(kept).reduce((sum, share) => sum + share, 0);
    if (total === 0) {
      if (Object.keys(given).length === 0) return everyDeployment({}, others);
      throw new AssertionFailure(
        `${quote(config, 'restoreTraffic')} (${describeTraffic(given)}) gives no traffic to a deployment '${config.endpointName}' still has (${nameList(others)}): there is nothing to restore it to. Nothing was changed.`,
      );
    }
    const plan = giveShare({ ...kept, [rejected]: 0 }, rejected, 0);
    return withoutRejected(plan, rejected);
  }
  if ((before[rejected] ?? 0) === 0) return withoutRejectedShare(before, rejected);
  const plan = giveShare(before, rejected, 0);
  if ('problem' in plan || others.every((n) => (before[n] ?? 0) === 0))
    throw new AssertionFailure(
      `Deployment '${rejected}' has all the live traffic of '${config.endpointName}' (${describeTraffic(before)}): there is no split to go back to. Give ${quote(config, 'restoreTraffic')} (the previousTraffic output of the step that deployed '${rejected}'). Nothing was changed.`,
    );
  return withoutRejected(plan, rejected);
}

function withoutRejected(plan: ReturnType<typeof giveShare>, rejected: string): Traffic {
  if ('problem' in plan) throw new AssertionFailure(plan.problem);
  return withoutRejectedShare(plan.traffic, rejected);
}

/** The split over the deployments that stay (the rejected one is deleted: it must not be named in the PUT). */
function withoutRejectedShare(traffic: Traffic, rejected: string): Traffic {
  return Object.fromEntries(Object.entries(traffic).filter(([n]) => n !== rejected));
}
