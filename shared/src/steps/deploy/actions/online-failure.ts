import type { StepContext, StepOutcome } from '../../../step/define';
import { CancelledError } from '../../../step/errors';
import type { OnlineDeployConfig } from '../config';
import type { EndpointState, OnlineEndpoints } from '../online';
import type { DeployReport } from '../summary';
import { describeTraffic, trafficJson, type Traffic } from '../traffic';
import { cleanupCommand } from './in-progress';

/** What `failedDeployment` needs to know about the failure and what this run created. */
export interface OnlineFailure {
  readonly problem: string;
  /** This run created the deployment (it did not exist, or was gone after an earlier delete ended). */
  readonly created: boolean;
  /** This run created the endpoint: the failed deployment is its first. */
  readonly endpointCreated: boolean;
  /** The deployment's operation still runs (it cannot be cancelled): nothing can be deleted yet. */
  readonly stillRunning: boolean;
  readonly trafficBefore: Traffic;
  readonly mirrorBefore: Traffic;
  readonly endpoint: EndpointState;
  /** Where, for the clean-up command. */
  readonly workspace: { resourceGroup: string; workspaceName: string; subscriptionId: string };
}

/** A deployment that did not reach Succeeded: its logs, traffic left as it was, and the rollback when asked. */
export async function failedDeployment(
  config: OnlineDeployConfig,
  context: StepContext,
  endpoints: OnlineEndpoints,
  report: DeployReport,
  failure: OnlineFailure,
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
  const rollback = await rollBack(config, context, endpoints, report, failure);
  const lines = tail.slice(-15);
  return {
    result: 'failed',
    message:
      `${failure.problem} Traffic was not changed (${describeTraffic(failure.trafficBefore)}).${rollback}` +
      (lines.length ? `\nLast lines of its log:\n${lines.join('\n')}` : ''),
  };
}

/**
 * With rollbackOnFailure, what this run created goes: the deployment, or the endpoint with it when the run created
 * the endpoint too (never an endpoint or a deployment that existed before). Returns what the message says of it.
 */
async function rollBack(
  config: OnlineDeployConfig,
  context: StepContext,
  endpoints: OnlineEndpoints,
  report: DeployReport,
  failure: OnlineFailure,
): Promise<string> {
  const name = config.deployment.name;
  const endpointName = config.endpointName;
  if (!failure.created)
    return ` Deployment '${name}' existed before this run and was left in place${failure.stillRunning ? '; a re-run waits for its operation to end' : ''}.`;
  if (!config.rollbackOnFailure)
    return ` The failed deployment '${name}' was kept (rollbackOnFailure is false)${failure.endpointCreated ? `, with online endpoint '${endpointName}' this run created` : ''}.`;
  // Deleting the endpoint deletes its deployments: one operation instead of two.
  const whole = failure.endpointCreated;
  const command = cleanupCommand(
    whole ? { endpoint: endpointName } : { endpoint: endpointName, deployment: name },
    failure.workspace,
  );
  const what = whole
    ? `online endpoint '${endpointName}', created by this run, with its failed deployment '${name}'`
    : `the failed deployment '${name}'`;
  if (failure.stillRunning)
    return ` Its operation cannot be cancelled, so ${what} could not be rolled back yet: once the operation has ended, run \`${command}\`.`;
  try {
    if (whole) await endpoints.deleteEndpoint(endpointName);
    else await endpoints.deleteDeployment(endpointName, name);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    context.logger.warning(`Could not delete ${what}: ${(error as Error).message}`);
    return ` ${capitalized(what)} could not be deleted: \`${command}\`.`;
  }
  report.changes.push(`deleted ${what} (rollbackOnFailure)`);
  return ` ${capitalized(what)} was deleted (rollbackOnFailure).`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
