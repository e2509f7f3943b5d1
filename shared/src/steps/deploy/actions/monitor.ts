/**
 * The deployment's model monitor (`monitor` input): planned before anything is written (the reference data exists,
 * a schedule of the monitor's name is this step's or absent), applied once the deployment serves. `true` PUTs the
 * schedule unless the one there carries the same spec hash (a re-run writes nothing); `false`/`remove` deletes it
 * only when the step's tag marks it as the step's.
 */
import type { WorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext } from '../../../step/define';
import { DataError } from '../../../step/errors';
import type { MonitorSettings } from '../config';
import { INPUTS_COLLECTION } from '../config/monitor';
import { SPEC_TAG } from '../desired';
import { orMissing } from '../online';
import { monitorName, monitorPlan, MONITOR_TAG, type MonitorPlan } from '../monitor/schedule-body';
import { scheduleApiVersion, Schedules } from '../monitor/schedules';
import type { DeployReport, MonitorReport } from '../summary';
import type { PlannedRequest } from './dry-run';

/** What the run will do to the monitor, decided before anything is written. */
export type MonitorStep =
  | { readonly kind: 'write'; readonly plan: MonitorPlan; readonly existed: boolean }
  | { readonly kind: 'unchanged'; readonly plan: MonitorPlan }
  | { readonly kind: 'delete'; readonly name: string }
  | { readonly kind: 'nothing'; readonly name: string; readonly why: string };

export interface MonitorWhere {
  readonly session: WorkspaceSession;
  readonly context: StepContext;
  readonly endpoint: string;
  readonly deployment: string;
  readonly modelId: string;
  /** The data asset ids of the deployment's collections, by collection name. */
  readonly collectionDataIds: Readonly<Record<string, string>>;
}

export async function planMonitor(settings: MonitorSettings, where: MonitorWhere): Promise<MonitorStep> {
  const { session, endpoint, deployment } = where;
  const schedules = new Schedules(session, where.context);
  const name = monitorName(endpoint, deployment);
  const existing = await schedules.get(name);
  const tags = tagsOf(existing);
  const ours = tags[MONITOR_TAG] === `${endpoint}/${deployment}`;
  if (settings.mode === 'remove') {
    if (!existing) return { kind: 'nothing', name, why: `no monitor '${name}' to remove` };
    if (!ours)
      return {
        kind: 'nothing',
        name,
        why: `schedule '${name}' was not created by this step (no '${MONITOR_TAG}' tag): left alone`,
      };
    return { kind: 'delete', name };
  }
  if (existing && !ours)
    throw new DataError(
      `Schedule '${name}' exists in the workspace and was not created by this step (no '${MONITOR_TAG}: ${endpoint}/${deployment}' tag): it is not overwritten. Delete or rename it, or leave 'monitor' unset.`,
    );
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const { name: dataName, version } = settings.referenceData;
  const reference = await orMissing(() =>
    session.call(`Reading data asset ${dataName}:${version}`, (o) =>
      ml.dataVersions.get(rg, ws, dataName, version, o),
    ),
  );
  if (!reference)
    throw new DataError(
      `Data asset azureml:${dataName}:${version} (input 'monitorReferenceData', the model's training data) was not found in workspace '${ws}': register it first.`,
    );
  const plan = monitorPlan(settings, {
    endpoint,
    deployment,
    deploymentId: `${session.workspaceId}/onlineEndpoints/${endpoint}/deployments/${deployment}`,
    modelId: where.modelId,
    productionData: assetUri(where.collectionDataIds[INPUTS_COLLECTION] ?? ''),
    referenceType: reference.properties.dataType,
  });
  if (plan.checks.length === 0)
    throw new DataError(
      `None of the thresholds file's metrics can be monitored by Azure ML (${plan.notMonitorable.map((n) => `${n.feature}: ${n.metric}`).join(', ')}): give features a metric Azure ML has (wasserstein_normalized, jensen_shannon, psi, ks_pvalue, chi2_pvalue), or leave 'monitor' unset.`,
    );
  const sameSpec = existing !== undefined && tags[SPEC_TAG] === plan.body.properties.tags[SPEC_TAG];
  return sameSpec ? { kind: 'unchanged', plan } : { kind: 'write', plan, existed: existing !== undefined };
}

/** The request a real run would send for the monitor (dry run). */
export function plannedMonitor(step: MonitorStep, session: WorkspaceSession): PlannedRequest[] {
  const path = (name: string) => `${session.workspaceId}/schedules/${name}`;
  switch (step.kind) {
    case 'write':
      return [
        {
          method: 'PUT',
          path: path(step.plan.name),
          apiVersion: scheduleApiVersion,
          what: `${step.existed ? 'update' : 'create'} model monitor '${step.plan.name}'`,
          body: step.plan.body,
        },
      ];
    case 'delete':
      return [
        {
          method: 'DELETE',
          path: path(step.name),
          apiVersion: scheduleApiVersion,
          what: `remove model monitor '${step.name}'`,
        },
      ];
    default:
      return [];
  }
}

/** Writes or removes the schedule as planned, noting it in the report. */
export async function applyMonitor(
  step: MonitorStep,
  where: Pick<MonitorWhere, 'session' | 'context'>,
  report: DeployReport,
): Promise<void> {
  const schedules = new Schedules(where.session, where.context);
  const { logger } = where.context;
  switch (step.kind) {
    case 'write': {
      const { name } = step.plan;
      await schedules.put(
        name,
        step.plan.body,
        `${step.existed ? 'Updating' : 'Creating'} model monitor '${name}'`,
      );
      report.changes.push(`${step.existed ? 'updated' : 'created'} model monitor '${name}'`);
      logger.info(`Model monitor '${name}' ${step.existed ? 'updated' : 'created'}: runs ${step.plan.when}.`);
      break;
    }
    case 'unchanged':
      logger.info(`Model monitor '${step.plan.name}' is as it should be: nothing to change.`);
      break;
    case 'delete':
      await schedules.delete(step.name, `Removing model monitor '${step.name}'`);
      report.changes.push(`removed model monitor '${step.name}'`);
      logger.info(`Model monitor '${step.name}' removed.`);
      break;
    case 'nothing':
      logger.info(`Model monitor: ${step.why}.`);
      break;
  }
}

/** What the summary and the evidence say of the monitor. */
export function monitorReport(step: MonitorStep, dryRun: boolean): MonitorReport {
  const done = {
    write: dryRun ? 'would be written' : 'written',
    unchanged: 'unchanged',
    delete: dryRun ? 'would be removed' : 'removed',
    nothing: 'nothing to do',
  } as const;
  if (step.kind === 'delete' || step.kind === 'nothing')
    return { schedule: step.name, outcome: step.kind === 'nothing' ? step.why : done[step.kind] };
  const { plan } = step;
  return {
    schedule: plan.name,
    outcome:
      step.kind === 'write'
        ? dryRun
          ? `would be ${step.existed ? 'updated' : 'created'}`
          : step.existed
            ? 'updated'
            : 'created'
        : done.unchanged,
    runs: plan.when,
    production: plan.production,
    reference: plan.reference,
    compute: plan.compute,
    emails: [...plan.emails],
    listedFeaturesOnly: plan.listedFeaturesOnly,
    checks: plan.checks.map((c) => ({
      ...c,
      features: c.features === 'all' ? 'all' : [...c.features],
      metrics: [...c.metrics],
    })),
    notMonitorable: [...plan.notMonitorable],
  };
}

function tagsOf(schedule: Record<string, unknown> | undefined): Record<string, unknown> {
  const props = schedule?.['properties'];
  const tags = props && typeof props === 'object' ? (props as Record<string, unknown>)['tags'] : undefined;
  return tags && typeof tags === 'object' ? (tags as Record<string, unknown>) : {};
}

/** `azureml:<name>:<version>` of a data asset version's ARM id (how monitors name their data). */
function assetUri(id: string): string {
  const match = /\/data\/([^/]+)\/versions\/([^/]+)$/i.exec(id);
  return match ? `azureml:${match[1]}:${match[2]}` : id;
}
