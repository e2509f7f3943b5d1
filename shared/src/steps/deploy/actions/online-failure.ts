import type { StepContext, StepOutcome } from '../../../step/define';
import { CancelledError } from '../../../step/errors';
import type { OnlineDeployConfig } from '../config';
import type { EndpointState, OnlineEndpoints } from '../online';
import type { DeployReport } from '../summary';
import { describeTraffic, trafficJson, type Traffic } from '../traffic';

/** A deployment that did not reach Succeeded: its logs, traffic left as it was, and the rollback when asked. */
export async function failedDeployment(
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
