/**
 * What promote and reject share: the endpoint as it is, the traffic PUT first, then the deletions, one by one. An
 * endpoint refuses to delete a deployment that still has live traffic, so the deletions always come after the
 * traffic moved; a deletion that fails leaves the traffic where it was moved to and says what is left.
 */
import { openWorkspaceSession, type WorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { AssertionFailure, AzureError } from '../../../step/errors';
import type { PromoteConfig, RejectConfig } from '../config';
import { endpointApiVersion, keepEndpoint } from '../desired';
import { OnlineEndpoints, type DeploymentState, type EndpointState } from '../online';
import type { DeployReport } from '../summary';
import {
  describeTraffic,
  everyDeployment,
  onlyExisting,
  sameTraffic,
  trafficJson,
  type Traffic,
} from '../traffic';
import { dryRunOutcome, type PlannedRequest } from './dry-run';
import { outputsAfter } from './endpoint-outputs';

export type BlueGreenConfig = PromoteConfig | RejectConfig;

/** The endpoint and its deployments as they are, the deployment the action names (if it exists) among them. */
export interface BlueGreenState {
  readonly session: WorkspaceSession;
  readonly endpoints: OnlineEndpoints;
  readonly endpoint: EndpointState | undefined;
  readonly deployments: readonly DeploymentState[];
  readonly names: string[];
  readonly before: Traffic;
  readonly mirrorBefore: Traffic;
  /** The deployment named by `deploymentName` (names compare without case, as Azure's do). */
  readonly named: DeploymentState | undefined;
}

/** Reads the endpoint (absent: `endpoint` undefined) and its deployments; sets `previousTraffic` and the report. */
export async function readBlueGreen(
  config: BlueGreenConfig,
  context: StepContext,
  report: DeployReport,
): Promise<BlueGreenState> {
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const endpoints = new OnlineEndpoints(session, context);
  context.setOutput('dryRun', config.dryRun);
  const endpoint = await endpoints.endpoint(config.endpointName);
  const deployments = endpoint ? await endpoints.deployments(config.endpointName) : [];
  const names = deployments.map((d) => d.name);
  const before = endpoint ? everyDeployment(endpoint.traffic, names) : {};
  const mirrorBefore = endpoint ? onlyExisting(endpoint.mirrorTraffic, names) : {};
  if (endpoint) {
    context.setOutput('previousTraffic', trafficJson(before));
    report.trafficBefore = before;
    report.mirrorBefore = mirrorBefore;
  }
  const wanted = config.deploymentName.toLowerCase();
  const named = deployments.find((d) => d.name.toLowerCase() === wanted);
  return { session, endpoints, endpoint, deployments, names, before, mirrorBefore, named };
}

/** What the action will do: the split (and mirror) to set, then the deployments to delete, in that order. */
export interface BlueGreenPlan {
  readonly traffic: Traffic;
  readonly mirror: Traffic;
  readonly remove: readonly string[];
}

/**
 * Carries the plan out (or, in a dry run, prints it): the traffic first, then each deletion. Ends with the
 * outputs: `traffic` after, `removedDeployments`. `done` words the success.
 */
export async function carryOut(
  config: BlueGreenConfig,
  context: StepContext,
  report: DeployReport,
  state: BlueGreenState,
  plan: BlueGreenPlan,
  done: (trafficAfter: Traffic, removed: readonly string[]) => string,
): Promise<StepOutcome> {
  const { endpoints, before, mirrorBefore } = state;
  const endpoint = state.endpoint!;
  const { endpointName } = config;
  const moves = !sameTraffic(plan.traffic, before) || !sameTraffic(plan.mirror, mirrorBefore);
  if (config.dryRun) return dryRunPlan(config, context, report, state, plan, moves);
  let current = endpoint;
  if (moves) {
    current = await endpoints.putEndpoint(
      endpointName,
      keepEndpoint(endpoint.raw, plan.traffic, plan.mirror),
      `Setting traffic ${describeTraffic(plan.traffic)}`,
    );
    report.changes.push(`traffic ${describeTraffic(before)} → ${describeTraffic(plan.traffic)}`);
  }
  const removed: string[] = [];
  report.removed = removed;
  for (const name of plan.remove) {
    try {
      await endpoints.deleteDeployment(endpointName, name);
    } catch (error) {
      const left = plan.remove.filter((n) => !removed.includes(n));
      const after = everyDeployment(
        current.traffic,
        state.names.filter((n) => !removed.includes(n)),
      );
      report.trafficAfter = after;
      context.setOutput('traffic', trafficJson(after));
      context.setOutput('removedDeployments', JSON.stringify(removed));
      report.error = `deleting deployment '${name}' failed; left: ${left.join(', ')}`;
      const message = `Traffic of '${endpointName}' is ${describeTraffic(after)}${moves ? ' (it was moved)' : ''}, but deleting deployment '${name}' failed: ${(error as Error).message}\nLeft to delete: ${nameList(left)} (at 0 %): delete them with action delete-deployment.`;
      throw error instanceof AzureError
        ? new AzureError(message, error.code, error.statusCode, error.correlationId, { cause: error })
        : new AssertionFailure(message, undefined, { cause: error });
    }
    removed.push(name);
    report.changes.push(`deleted deployment '${name}'`);
  }
  if (report.changes.length === 0) report.changes.push('nothing to change');
  context.setOutput('removedDeployments', JSON.stringify(removed));
  const remaining = state.names.filter((n) => !removed.includes(n));
  const trafficAfter = await outputsAfter(config, context, endpoints, current, remaining, report);
  return { result: 'succeeded', message: done(trafficAfter, removed) };
}

/** The requests the plan would send, printed; nothing is sent. */
function dryRunPlan(
  config: BlueGreenConfig,
  context: StepContext,
  report: DeployReport,
  state: BlueGreenState,
  plan: BlueGreenPlan,
  moves: boolean,
): StepOutcome {
  const { endpointName } = config;
  const { before } = state;
  const path = `${state.session.workspaceId}/onlineEndpoints/${endpointName}`;
  const requests: PlannedRequest[] = [
    ...(moves
      ? [
          {
            method: 'PUT' as const,
            path,
            apiVersion: endpointApiVersion,
            what: `set traffic ${describeTraffic(plan.traffic)}`,
            body: keepEndpoint(state.endpoint!.raw, plan.traffic, plan.mirror),
          },
        ]
      : []),
    ...plan.remove.map((name) => ({
      method: 'DELETE' as const,
      path: `${path}/deployments/${name}`,
      what: `delete deployment '${name}'`,
    })),
  ];
  context.setOutput('traffic', trafficJson(before));
  context.setOutput('removedDeployments', '[]');
  report.trafficAfter = plan.traffic;
  const deletes = plan.remove.length
    ? `, then ${plan.remove.map((n) => `'${n}'`).join(', ')} would be deleted`
    : '';
  return dryRunOutcome(
    context,
    report,
    requests,
    `Dry run: traffic of '${endpointName}' ${moves ? 'would be' : 'is already'} ${describeTraffic(plan.traffic)}${deletes}; nothing was sent.`,
  );
}

/** `'blue', 'red'` (or `none`). */
export function nameList(names: readonly string[]): string {
  return names.length ? names.map((n) => `'${n}'`).join(', ') : 'none';
}
