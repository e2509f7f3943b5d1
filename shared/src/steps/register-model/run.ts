import { datastoreOpener } from '../../azureml/datastore-blobs';
import { workspaceMlflow } from '../../azureml/job-metrics';
import type { MlflowTrackingClient } from '../../azureml/mlflow-metrics';
import { openWorkspaceSession, readWorkspace, type WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import { lineageTags } from '../../azureml/lineage';
import { findBaseline, type BaselineModel } from './baseline';
import type { RegisterModelConfig } from './config';
import { evaluateGate, strongest, type BaselineReading, type GateResult, type GateSettings } from './gate';
import { candidateMetrics, requireMetric, versionMetrics, type MetricSet } from './metrics';
import { METRIC_TAG_PREFIX, modelReference, PROPERTY } from '../../azureml/model-types';
import { findRegistered, registerVersion, type RegisteredVersion } from '../../azureml/model-registry';
import { resolveSource, type ResolvedSource } from './source';
import type { RegisterModelReport, RegisterModelSummary } from './summary';
import { versionRecord } from './version-record';
import { reportDryRun } from './dry-run';
import { compareMetrics, describeRegression, type MetricComparison } from './metric-comparison';
import { modelStudioLink } from '../../azureml/studio-links';

/** One run of the step: its config, its context and its workspace session. */
interface RegisterRun {
  readonly config: RegisterModelConfig;
  readonly context: StepContext;
  readonly session: WorkspaceSession;
}

/** What every summary says, whatever the outcome. */
type SummaryBase = Omit<RegisterModelSummary, 'outcome' | 'candidateMetrics'>;

/** The candidate's metrics and, with a gate, its verdict and the baseline's metrics. */
interface Judgement {
  readonly candidate: MetricSet;
  readonly gate?: GateResult;
  readonly baselineMetrics?: MetricSet;
}

/** What the summary and the evidence say of a judged candidate, registered or not. */
interface JudgedReport {
  readonly summary: Omit<RegisterModelSummary, 'outcome'>;
  readonly details: Record<string, unknown>;
}

/** Finds the model, gates it against the baseline, and registers it (once per source) with its lineage. */
export async function runRegisterModel(
  config: RegisterModelConfig,
  context: StepContext,
  report: RegisterModelReport,
): Promise<StepOutcome> {
  const { logger, signal } = context;
  for (const warning of config.warnings) logger.warning(warning);
  const session = openWorkspaceSession(config.workspace, 'register-model', context);
  const run: RegisterRun = { config, context, session };
  const datastore = datastoreOpener(session, (secret) => context.addSecret(secret));
  context.setOutput('modelName', config.modelName);

  if (config.dryRun) logger.info('Dry run: Azure ML is read, nothing is uploaded or registered.');
  const source = await resolveSource(config, {
    session,
    datastore,
    logger,
    signal,
    ...(config.dryRun ? { dryRun: true } : {}),
  });
  logger.info(`Model: ${source.what} at ${source.modelUri} (${source.type}: ${source.typeReason}).`);
  const lineage = lineageTags(context.environment);
  const base = summaryBase(config, source, lineage);

  if (!config.allowDuplicate) {
    const existing = await findRegistered(session, config.modelName, source.key);
    if (existing)
      return reportExisting(
        existing,
        source,
        { ...base, studioUrl: modelStudioLink(session, existing.name, existing.version) },
        context,
        report,
      );
  }

  const judgement = await judgeCandidate(run, source);
  const judged = judgedReport(base, source, judgement);
  if (judgement.gate?.verdict === 'fail') return reportRefused(run, judgement.gate, judged, report);
  return registerCandidate(run, source, judgement, lineage, judged, report);
}

function summaryBase(
  { modelName, dryRun }: RegisterModelConfig,
  source: ResolvedSource,
  lineage: Readonly<Record<string, string>>,
): SummaryBase {
  return {
    ...(dryRun ? { dryRun } : {}),
    modelName,
    sourceWhat: source.what,
    modelUri: source.modelUri,
    type: source.type,
    typeReason: source.typeReason,
    lineage,
    dataAssets: source.job?.dataAssets ?? {},
  };
}

/** Reads the candidate's metrics and, with a gate, judges it (set as the `gateResult` output either way). */
async function judgeCandidate(
  { config, context, session }: RegisterRun,
  source: ResolvedSource,
): Promise<Judgement> {
  const { logger, signal } = context;
  const mlflow = await mlflowOf(session, source, config);
  const reading = { mlflow, logger, signal };
  const candidate = await candidateMetrics(source.job, config.tags, reading);
  if (!config.gate) {
    context.setOutput(
      'gateResult',
      JSON.stringify(noGate('no compareMetric was given: registered without a gate')),
    );
    return { candidate };
  }
  const judged = await judge(config.gate, session, source, candidate, reading, config.modelName);
  const gate = judged.result;
  context.setOutput('gateResult', JSON.stringify(gate));
  logger.info(`Gate on ${gate.metric}: ${gate.verdict}. ${gate.reason}`);
  for (const regressed of comparedMetrics(gate, candidate, judged.baselineMetrics).filter((m) => m.regressed))
    if (regressed.name !== gate.metric)
      logger.warning(
        `${regressed.name} regressed against ${gate.baseline?.modelId ?? 'the baseline'}: ${describeRegression(regressed)}; the gate (on ${gate.metric}) does not judge it.`,
      );
  return { candidate, gate, ...(judged.baselineMetrics ? { baselineMetrics: judged.baselineMetrics } : {}) };
}

/** Every metric both models have, candidate against baseline; none without a baseline. */
function comparedMetrics(
  gate: GateResult | undefined,
  candidate: MetricSet,
  baseline?: MetricSet,
): MetricComparison[] {
  return gate?.baseline && baseline ? compareMetrics(candidate.values, baseline.values, gate) : [];
}

function judgedReport(
  base: SummaryBase,
  source: ResolvedSource,
  { candidate, gate, baselineMetrics }: Judgement,
): JudgedReport {
  const metrics = comparedMetrics(gate, candidate, baselineMetrics);
  const regressions = metrics.filter((m) => m.regressed);
  return {
    summary: {
      ...base,
      ...(gate ? { gate } : { gateNote: 'no compareMetric given' }),
      candidateMetrics: candidate.values,
      ...(baselineMetrics ? { baselineMetrics: baselineMetrics.values } : {}),
      ...(regressions.length > 0 ? { regressions } : {}),
    },
    details: {
      source: sourceRecord(source),
      gate: gate ?? null,
      candidateMetrics: candidate.values,
      ...(baselineMetrics ? { baselineMetrics: baselineMetrics.values } : {}),
      ...(gate?.baseline ? { metrics, regressions: regressions.map(({ name }) => name) } : {}),
    },
  };
}

/** The gate failed: nothing is registered; the step fails, or succeeds with issues with `onGateFail: skip`. */
function reportRefused(
  { config, context }: RegisterRun,
  gate: GateResult,
  judged: JudgedReport,
  report: RegisterModelReport,
): StepOutcome {
  context.setOutput('registered', false);
  report.evidence = { model: { name: config.modelName, registered: false }, ...judged.details };
  report.summary = { ...judged.summary, outcome: 'not registered' };
  const message = `${config.dryRun ? 'Dry run: ' : ''}The gate refused the model: ${gate.reason} Nothing was registered.`;
  if (config.gate?.onFail === 'skip') {
    return { result: 'succeededWithIssues', message: `${message} (onGateFail: skip, registered=false)` };
  }
  return { result: 'failed', message };
}

/** Registers the new version with its lineage; sets the `registered`, `modelVersion` and `modelId` outputs. */
async function registerCandidate(
  { config, context, session }: RegisterRun,
  source: ResolvedSource,
  { candidate, gate }: Judgement,
  lineage: Readonly<Record<string, string>>,
  judged: JudgedReport,
  report: RegisterModelReport,
): Promise<StepOutcome> {
  const { modelName } = config;
  const { tags, properties, body } = versionRecord(config, source, candidate, gate, lineage);
  if (config.dryRun) return reportDryRun({ config, context, session }, source, body, judged, report);
  const registered = await registerVersion(
    session,
    modelName,
    config.version !== undefined
      ? { version: config.version, ...(config.versionLocation ? { location: config.versionLocation } : {}) }
      : undefined,
    body,
  );
  const modelId = modelReference(modelName, registered.version);
  context.logger.info(`Registered ${modelId} from the ${source.what}.`);
  context.setOutput('registered', true);
  context.setOutput('modelVersion', registered.version);
  context.setOutput('modelId', modelId);
  report.evidence = {
    model: {
      name: modelName,
      version: registered.version,
      id: modelId,
      armId: registered.resource.id,
      registered: true,
      studioUrl: modelStudioLink(session, modelName, registered.version),
    },
    ...judged.details,
    tags,
    properties,
  };
  report.summary = {
    ...judged.summary,
    outcome: 'registered',
    version: registered.version,
    modelId,
    studioUrl: modelStudioLink(session, modelName, registered.version),
  };
  return { result: 'succeeded', message: `Registered ${modelId}.` };
}

/** A re-run: the same source is registered already; that version is the answer (versions are immutable). */
function reportExisting(
  existing: RegisteredVersion,
  source: ResolvedSource,
  base: SummaryBase,
  context: StepContext,
  report: RegisterModelReport,
): StepOutcome {
  const modelId = modelReference(existing.name, existing.version);
  const stored = existing.resource.properties.properties?.[PROPERTY.gate];
  let gate: GateResult | undefined;
  try {
    gate = stored ? (JSON.parse(stored) as GateResult) : undefined;
  } catch {
    gate = undefined;
  }
  context.logger.info(
    `The ${source.what} is registered already as ${modelId}: that version is the result (allowDuplicate is false).` +
      (gate ? ' The gate is not evaluated again: its verdict when it was registered is kept.' : ''),
  );
  context.setOutput('registered', true);
  context.setOutput('modelVersion', existing.version);
  context.setOutput('modelId', modelId);
  context.setOutput(
    'gateResult',
    JSON.stringify(gate ?? noGate(`${modelId} was registered before without a gate`)),
  );
  report.evidence = {
    model: {
      name: existing.name,
      version: existing.version,
      id: modelId,
      armId: existing.resource.id,
      registered: true,
      existing: true,
      ...(base.studioUrl ? { studioUrl: base.studioUrl } : {}),
    },
    source: sourceRecord(source),
    gate: gate ?? null,
  };
  const recorded = existing.resource.properties.tags ?? {};
  report.summary = {
    ...base,
    outcome: 'existing',
    version: existing.version,
    modelId,
    ...(gate ? { gate } : { gateNote: 'registered before without a gate' }),
    candidateMetrics: Object.fromEntries(
      Object.entries(recorded)
        .filter(([k, v]) => k.startsWith(METRIC_TAG_PREFIX) && v !== null && Number.isFinite(Number(v)))
        .map(([k, v]) => [k.slice(METRIC_TAG_PREFIX.length), Number(v)]),
    ),
  };
  return {
    result: 'succeeded',
    message: `${modelId} was registered before from the ${source.what}; nothing new was registered.`,
  };
}

/** The `gateResult` output when there is no gate. */
function noGate(reason: string): { verdict: 'none'; reason: string } {
  return { verdict: 'none', reason };
}

/** The MLflow client, when metrics are needed: a source job to read, or a gate (the baseline's job). */
async function mlflowOf(
  session: WorkspaceSession,
  source: ResolvedSource,
  config: RegisterModelConfig,
): Promise<MlflowTrackingClient | undefined> {
  if (!source.job && !config.gate) return undefined;
  const workspace = await readWorkspace(session);
  return workspaceMlflow(session, workspace.mlFlowTrackingUri);
}

/** Reads both sides of the gate and decides it. A metric missing on either side is an error, never a pass. */
async function judge(
  settings: GateSettings,
  session: WorkspaceSession,
  source: ResolvedSource,
  candidate: MetricSet,
  reading: Parameters<typeof candidateMetrics>[2],
  modelName: string,
): Promise<{ result: GateResult; baselineMetrics?: MetricSet }> {
  const { metric } = settings;
  const candidateReading = requireMetric(
    candidate,
    metric,
    source.job ? `the candidate (${source.what})` : `the candidate (${source.what}, no source job)`,
    source.job
      ? 'Check compareMetric against the names the job logs.'
      : `The gate needs the job that trained the model (jobName) or the value as a tag ${METRIC_TAG_PREFIX}${metric}=<value> in tags.`,
  );
  const choice = await findBaseline(session, settings.baseline, modelName);
  if ('none' in choice) {
    return { result: evaluateGate(settings, candidateReading, { none: choice.none }) };
  }
  const readings: { model: BaselineModel; metrics: MetricSet; value: number; source: string }[] = [];
  for (const model of choice.models) {
    const metrics = await versionMetrics(session, model.model, model.modelId, reading);
    const found = requireMetric(metrics, metric, `the baseline ${model.modelId} (${model.chosen})`);
    readings.push({ model, metrics, ...found });
  }
  const best = strongest(readings, settings.higherIsBetter);
  const tied =
    readings.length > 1 ? `; the strongest of ${readings.length} deployments tied for the most traffic` : '';
  const baseline: BaselineReading = {
    modelId: best.model.modelId,
    chosen: `${best.model.chosen}${tied}`,
    value: best.value,
    source: best.source,
  };
  return { result: evaluateGate(settings, candidateReading, baseline), baselineMetrics: best.metrics };
}

function sourceRecord(source: ResolvedSource): Record<string, unknown> {
  return {
    key: source.key,
    what: source.what,
    modelUri: source.modelUri,
    type: source.type,
    typeReason: source.typeReason,
    ...(source.upload ? { upload: source.upload } : {}),
    ...(source.job
      ? {
          job: {
            name: source.job.name,
            status: source.job.status,
            experimentName: source.job.experimentName,
            dataAssets: source.job.dataAssets,
            dataInputs: source.job.dataInputs,
          },
        }
      : {}),
  };
}
