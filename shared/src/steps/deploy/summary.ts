import type { StepReporter } from '../../step/define';
import type { DeployConfig } from './config';
import type { Traffic } from './traffic';
import { describeTraffic } from './traffic';
import { describeDeployRun } from './intent';

/** The deployment's model monitor (`monitor` input): what it checks, when it runs, what the run did to it. */
export interface MonitorReport {
  schedule: string;
  /** created, updated, unchanged, removed, would be created, ..., or why nothing was done. */
  outcome: string;
  /** When it runs and which window of inputs it reads. */
  runs?: string;
  /** The data assets compared: the deployment's collected inputs, the model's training data. */
  production?: string;
  reference?: string;
  /** Where the monitoring job runs. */
  compute?: string;
  /** Whom Azure ML e-mails when it finds drift (empty: no e-mail). */
  emails?: string[];
  /** With a thresholds file only its features are monitored (Azure's signal takes all features or a list). */
  listedFeaturesOnly?: boolean;
  /** One per signal: the features (or all), Azure's metrics, the threshold. */
  checks?: { signal: string; features: string[] | 'all'; metrics: string[]; threshold: number }[];
  /** Thresholds-file features on a metric Azure ML's monitors do not have: not monitored. */
  notMonitorable?: { feature: string; metric: string }[];
}

/** What a deploy run did, for the job summary and the evidence JSON. */
export interface DeployReport {
  /** The deploy action run (absent only in reports built by hand). */
  action?: DeployConfig['action'];
  target: 'managed' | 'kubernetes' | 'aci';
  endpoint: string;
  deployment?: string;
  model?: string;
  scoringUri?: string;
  trafficBefore?: Traffic;
  trafficAfter?: Traffic;
  mirrorBefore?: Traffic;
  mirrorAfter?: Traffic;
  /** Pre-flight checks (AKS) and what they found. */
  checks: { check: string; ok: boolean; detail: string }[];
  /** Deployments the step deleted (promote, reject). */
  removed?: string[];
  /** What changed, in order; `nothing to change` when nothing did. */
  changes: string[];
  error?: string;
  logTail?: string[];
  /** A dry run: nothing was sent; `requests` is what would have been. */
  dryRun?: boolean;
  requests?: { method: string; path: string; what: string; apiVersion?: string }[];
  /** An inline model of the deployment YAML: the version registered, reused, or (dry run) that would be. */
  registeredModel?: {
    name: string;
    version: string;
    action: string;
    modelUri: string;
    type: string;
    tags?: Record<string, string>;
  };
  monitor?: MonitorReport;
  /** For the evidence only, after the rest: what was sent or used (deployment body, resolution, container group). */
  evidence?: Record<string, unknown>;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const targets = {
  managed: 'managed online endpoint',
  kubernetes: 'Kubernetes online endpoint (AKS)',
  aci: 'Azure Container Instances (test only)',
};

/** The deploy step's part of the job summary: target, model, deployment, traffic before → after, checks, changes. */
function renderDeploySummary(report: DeployReport): string {
  const rows = [
    `| Target | ${targets[report.target]} |`,
    `| Endpoint | \`${cell(report.endpoint)}\` |`,
    ...(report.deployment ? [`| Deployment | \`${cell(report.deployment)}\` |`] : []),
    ...(report.dryRun ? ['| Status | dry run: nothing was created, uploaded or registered |'] : []),
    ...(report.model ? [`| Model | \`${cell(report.model)}\` |`] : []),
    ...(report.registeredModel ? [`| Inline model | ${cell(inlineLine(report.registeredModel))} |`] : []),
    ...(report.scoringUri ? [`| Scoring URI | ${cell(report.scoringUri)} |`] : []),
    ...(report.trafficBefore || report.trafficAfter
      ? [
          `| Traffic | ${cell(describeTraffic(report.trafficBefore ?? {}))} → ${cell(describeTraffic(report.trafficAfter ?? report.trafficBefore ?? {}))} |`,
        ]
      : []),
    ...(report.mirrorBefore &&
    report.mirrorAfter &&
    (Object.keys(report.mirrorBefore).length > 0 || Object.keys(report.mirrorAfter).length > 0)
      ? [
          `| Mirrored traffic | ${cell(describeTraffic(report.mirrorBefore))} → ${cell(describeTraffic(report.mirrorAfter))} |`,
        ]
      : []),
  ];
  const parts = [['| | |', '|---|---|', ...rows].join('\n')];
  if (report.checks.length > 0)
    parts.push(
      [
        '**Checks:**',
        ...report.checks.map((c) => `- ${c.ok ? '✅' : '❌'} ${cell(c.check)}: ${cell(c.detail)}`),
      ].join('\n'),
    );
  if (report.monitor) parts.push(renderMonitor(report.monitor));
  if (report.requests?.length)
    parts.push(
      [
        '**Requests that would be sent:**',
        ...report.requests.map((r) => `- ${cell(r.what)}: \`${r.method} ${cell(r.path)}\``),
      ].join('\n'),
    );
  parts.push(
    report.changes.length === 0 || (report.changes.length === 1 && report.changes[0] === 'nothing to change')
      ? '**Changes:** nothing to change.'
      : ['**Changes:**', ...report.changes.map((c) => `- ${cell(c)}`)].join('\n'),
  );
  if (report.error) parts.push(`**Error:** ${cell(report.error)}`);
  if (report.logTail?.length)
    parts.push(['**Last lines of the log:**', '```', ...report.logTail, '```'].join('\n'));
  return parts.join('\n\n');
}

/** The report of a run before anything happened: what it is about. */
function initialReport(config: DeployConfig): DeployReport {
  const deployment =
    config.action === 'deploy' && config.target !== 'aci'
      ? config.deployment.name
      : config.action === 'delete-deployment' || config.action === 'promote' || config.action === 'reject'
        ? config.deploymentName
        : undefined;
  const model =
    config.action !== 'deploy'
      ? undefined
      : config.target === 'aci'
        ? config.model.text
        : config.deployment.model.text;
  return {
    action: config.action,
    target: config.target,
    endpoint: config.endpointName,
    ...(deployment ? { deployment } : {}),
    ...(model ? { model } : {}),
    checks: [],
    changes: [],
  };
}

/**
 * The deploy step's report: the summary and the evidence say what was done, and on a failure what was done
 * before it and what failed (the error's first line when the step did not say it itself).
 */
export const deployReporter: StepReporter<DeployConfig, DeployReport> = {
  start: initialReport,
  render(report, ending) {
    const { evidence, ...shown } = report;
    if ('error' in ending) shown.error ??= firstLine(ending.error);
    const description = describeDeployRun(shown, ending.result === 'failed' || ending.result === 'cancelled');
    return {
      summary: `${renderDeploySummary(shown)}\n\n**In words:** ${cell(description)}`,
      evidence: { ...shown, description, ...evidence },
    };
  },
};

function renderMonitor(monitor: MonitorReport): string {
  const lines = [`**Model monitor** \`${cell(monitor.schedule)}\`: ${cell(monitor.outcome)}.`];
  if (monitor.runs)
    lines.push(
      `- Runs ${cell(monitor.runs)} on ${cell(monitor.compute ?? 'serverless Spark')}: the deployment's collected model inputs${monitor.production ? ` (\`${cell(monitor.production)}\`)` : ''} against the training data${monitor.reference ? ` (\`${cell(monitor.reference)}\`)` : ''}.`,
    );
  for (const check of monitor.checks ?? [])
    lines.push(
      `- ${check.features === 'all' ? 'Every feature' : check.features.map((f) => `\`${cell(f)}\``).join(', ')}: ${cell(check.metrics.join(', '))} at ${check.threshold}`,
    );
  if (monitor.listedFeaturesOnly)
    lines.push(
      "- Features not in the thresholds file are not monitored (Azure ML's signal takes all features or a list).",
    );
  if (monitor.emails)
    lines.push(
      monitor.emails.length
        ? `- Drift alerts e-mailed to ${monitor.emails.map((e) => `\`${cell(e)}\``).join(', ')}.`
        : '- No alert e-mails (`monitorEmails` not set): drift shows in the Azure ML studio only.',
    );
  if (monitor.notMonitorable?.length)
    lines.push(
      `- Not monitorable (Azure ML's monitors have no such metric): ${monitor.notMonitorable.map((n) => `\`${cell(n.feature)}\` (${cell(n.metric)})`).join(', ')}; drift-check still gates them.`,
    );
  return lines.join('\n');
}

function inlineLine(model: NonNullable<DeployReport['registeredModel']>): string {
  const done = {
    registered: 'registered',
    reused: 'reused (same content)',
    'would register': 'would be registered',
  };
  return `azureml:${model.name}:${model.version} ${done[model.action as keyof typeof done] ?? model.action} (${model.type}) from ${model.modelUri}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
