/** What a deploy run did (or, in a dry run, would do), in one sentence: what an approver says yes to. */
import type { DeployReport } from './summary';
import { describeTraffic, type Traffic } from './traffic';

const WHERE = {
  managed: 'managed online endpoint',
  kubernetes: 'Kubernetes online endpoint',
  aci: 'container group',
};

/**
 * `deployed azureml:rain:3 as deployment 'green' of managed online endpoint 'rain-prod'; traffic blue 100 % →
 * blue 90 %, green 10 %`. `would ...` in a dry run, `tried to ...` when the run failed.
 */
export function describeDeployRun(report: DeployReport, failed: boolean): string {
  const endpoint = `${WHERE[report.target]} '${report.endpoint}'`;
  const deployment = report.deployment ? `deployment '${report.deployment}' of ` : '';
  const verbs = {
    deploy: ['deploy', 'deployed'],
    endpoint: ['create or update', 'created or updated'],
    'set-traffic': ['set the traffic of', 'set the traffic of'],
    'delete-deployment': ['delete', 'deleted'],
    promote: ['promote', 'promoted'],
    reject: ['reject', 'rejected'],
  } as const;
  const [base, past] = verbs[report.action ?? 'deploy'];
  const verb = report.dryRun ? `would ${base}` : failed ? `tried to ${base}` : past;
  const what =
    report.action === 'deploy' || report.action === undefined
      ? `${report.model ?? 'the model'} as ${deployment}${endpoint}`
      : ['delete-deployment', 'promote', 'reject'].includes(report.action)
        ? `${deployment}${endpoint}`
        : endpoint;
  const traffic = report.trafficBefore || report.trafficAfter ? `; ${trafficChange(report)}` : '';
  const removed = report.removed?.length ? `; removed ${report.removed.map((n) => `'${n}'`).join(', ')}` : '';
  return `${verb} ${what}${traffic}${removed}`;
}

/** `traffic blue 100 % → blue 90 %, green 10 %`, or, when the split stays, what the new deployment serves meanwhile. */
function trafficChange(report: DeployReport): string {
  const before = describeTraffic(report.trafficBefore ?? {});
  const afterSplit = report.trafficAfter ?? report.trafficBefore ?? {};
  const after = describeTraffic(afterSplit);
  if (describeTraffic(serving(report.trafficBefore ?? {})) !== describeTraffic(serving(afterSplit)))
    return `traffic ${before} → ${after}`;
  const idle =
    (report.action ?? 'deploy') === 'deploy' && report.deployment && !afterSplit[report.deployment]
      ? `; '${report.deployment}' serves no traffic until it is promoted`
      : '';
  return `traffic unchanged (${describeTraffic(serving(afterSplit))})${idle}`;
}

const serving = (traffic: Traffic): Traffic =>
  Object.fromEntries(Object.entries(traffic).filter(([, v]) => v > 0));
