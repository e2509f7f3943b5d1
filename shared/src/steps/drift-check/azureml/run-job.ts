/**
 * `runOn: azureml`: the drift is profiled where the data lives. Resolves the job's code (this very bundle), its
 * environment (Node 24, from the Docker context the bundle carries), components, compute and data, each looked up
 * by content hash before anything is uploaded or registered; submits the pipeline job; follows it as train does;
 * downloads its reports; and publishes them as an agent run publishes its own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { azureJobWatch } from '../../../azureml/azure-job-watch';
import { datastoreOpener, type DatastoreContainer } from '../../../azureml/datastore-blobs';
import { parseDatastoreUri } from '../../../azureml/datastore-uri';
import { followJob } from '../../../azureml/follow-job';
import { getJob, putJob, studioLink } from '../../../azureml/job-requests';
import { workspaceMlflow } from '../../../azureml/job-metrics';
import { jobError, jobOutputs } from '../../../azureml/job-results';
import { lineageTags } from '../../../azureml/lineage';
import type { Reference } from '../../../azureml/references';
import { resolveReferences, type ResolutionRecord } from '../../../azureml/resolve-references';
import { openWorkspaceSession, readWorkspace } from '../../../azureml/workspace-session';
import type { DriftReport } from '../../../drift/model';
import type { StepContext, StepOutcome } from '../../../step/define';
import { CancelledError, DataError, InputError, InputErrors } from '../../../step/errors';
import { YamlErrors } from '../../../yaml/problems';
import type { DriftCheckConfig } from '../config';
import { REPORT_FILES } from '../engine/partitions';
import { htmlOptions, publishJudgement, type DriftCheckReport, type Judgement } from '../publish';
import type { AzureMlRun, JobData } from './config';
import { encodeJobSettings, jobSettings } from './job-settings';
import { listComponent, mergeComponent, pipelineJob, profileComponent } from './pipeline-job';
import { randomBytes } from 'node:crypto';

const EXPERIMENT = 'drift-check';

/**
 * The bundle this step runs from: its folder is the job's code (`drift-engine.mjs`, `profile_partitions.py`) and
 * holds the environment's Docker context. From the TypeScript sources there is no bundle to send.
 */
function bundleFolder(config: DriftCheckConfig): string {
  const folder = __dirname;
  if (!existsSync(path.join(folder, 'drift-engine.mjs')))
    throw new InputError(
      'runOn',
      `Input '${config.inputNames.runOn}' 'azureml' runs from the built task or action: its bundle is the Azure ML job's code, and ${folder} holds none (npm run build).`,
    );
  return folder;
}

export async function runInAzureMl(
  config: DriftCheckConfig,
  run: AzureMlRun,
  context: StepContext,
  reported: DriftCheckReport,
): Promise<StepOutcome> {
  const { logger, signal } = context;
  const bundle = bundleFolder(config);
  const session = openWorkspaceSession(run.workspace, 'drift-check', context);
  const workspace = await readWorkspace(session);
  const datastore = datastoreOpener(session, (secret) => context.addSecret(secret));

  logger.startGroup('Resolving the job’s code, environment, compute and data');
  let resolved: ReadonlyMap<string, string>;
  let records: ResolutionRecord[];
  try {
    ({ resolved, records } = await resolveJob(config, run, bundle, {
      session,
      defaultDatastore: () => datastore(),
      dryRun: false,
      logger,
      signal,
    }));
  } finally {
    logger.endGroup();
  }

  const name = `drift-check-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const request = pipelineJob({
    baseline: resolved.get('data:baseline')!,
    current: resolved.get('data:current')!,
    settings: encodeJobSettings(jobSettings(config, htmlOptions(context.environment))),
    listComponentId: resolved.get('component:list')!,
    profileComponentId: resolved.get('component:profile')!,
    mergeComponentId: resolved.get('component:merge')!,
    // As train sends a pipeline's default compute: `serverless`, or the compute's ARM id.
    compute: run.compute === 'serverless' ? 'serverless' : resolved.get('compute')!,
    experimentName: EXPERIMENT,
    tags: lineageTags(context.environment),
  });
  const created = await putJob(session, name, request);
  logger.info(
    `Submitted pipeline job '${name}' (experiment '${EXPERIMENT}'): ${studioLink(created, session, name)}`,
  );

  const artifacts = await datastore('workspaceartifactstore');
  const mlflow = workspaceMlflow(session, workspace.mlFlowTrackingUri);
  const followed = await followJob(azureJobWatch(session, name, artifacts, mlflow, signal), {
    jobName: name,
    logger,
    signal,
    timeoutMs: run.timeoutMinutes * 60_000,
    cancelOnStop: true,
    streamLogs: true,
  });
  if (followed.ending === 'stopped')
    throw new CancelledError(
      `The run was cancelled while job '${name}' was ${followed.status}; the job was asked to cancel.`,
    );
  if (followed.ending === 'timedOut')
    return {
      result: 'failed',
      message: `Azure ML job '${name}' did not finish within the ${run.timeoutMinutes} minute(s) of '${config.inputNames.timeoutMinutes}' (last status ${followed.status}): it was asked to cancel, and no drift was judged.`,
    };
  if (followed.status !== 'Completed') {
    const error = await jobError(artifacts, name, signal);
    const tail = followed.logTail.slice(-5).map((line) => context.redact(line));
    return {
      result: 'failed',
      message:
        `Azure ML job '${name}' ended ${followed.status}${error ? `: ${error}` : '.'}` +
        (tail.length > 0 ? `\nLast lines of its log:\n${tail.join('\n')}` : ''),
    };
  }
  const outputs = jobOutputs(await getJob(session, name), name);
  const judgement = await downloadJudgement(outputs['report'], datastore, signal);
  logger.info(
    `Job '${name}' completed in ${(followed.durationMs / 1000).toFixed(1)} s; code, environment and components: ${records.map((r) => `${r.what} ${r.action}`).join(', ')}`,
  );
  return publishJudgement(config, context, reported, judgement.judgement, { html: judgement.html });
}

/** Every reference of the job; data problems name the input that gave the data. */
async function resolveJob(
  config: DriftCheckConfig,
  run: AzureMlRun,
  bundle: string,
  context: Parameters<typeof resolveReferences>[1],
): Promise<{ resolved: ReadonlyMap<string, string>; records: ResolutionRecord[] }> {
  const at = (input: string) => ({ file: input });
  type Part = 'list' | 'profile' | 'merge';
  const dataReference = (side: 'baseline' | 'current', data: JobData): Reference<Part>[] => {
    const input = side === 'baseline' ? 'baselineData' : 'currentData';
    if (data.kind === 'asset')
      return [
        {
          kind: 'asset',
          key: `data:${side}`,
          location: at(input),
          assetType: 'data',
          asset: data.asset,
          inputType: 'uri_folder',
        },
      ];
    const datastore = parseDatastoreUri(data.uri)?.datastore;
    return datastore
      ? [{ kind: 'datastore', key: `datastore:${side}`, location: at(input), name: datastore }]
      : [];
  };
  const references: Reference<Part>[] = [
    ...dataReference('baseline', run.baseline),
    ...dataReference('current', run.current),
    ...(run.compute === 'serverless'
      ? []
      : [{ kind: 'compute' as const, key: 'compute', location: at('compute'), name: run.compute }]),
    { kind: 'code', key: 'code', location: at('runOn'), source: 'local', path: bundle, isFile: false },
    {
      kind: 'environment',
      key: 'environment',
      location: at('runOn'),
      source: 'inline',
      build: { path: path.join(bundle, 'environment'), local: true, dockerfilePath: 'Dockerfile' },
      osType: 'linux',
      description: 'drift-check runOn azureml: Node 24 for the step’s drift engine (docs/drift-check.md)',
      tags: {},
    },
    ...(['list', 'profile', 'merge'] as const).map((part): Reference<Part> => ({
      kind: 'component',
      key: `component:${part}`,
      location: at('runOn'),
      step: part,
      source: 'local',
      spec: part,
    })),
  ];
  try {
    const resolution = await resolveReferences(references, context, (reference, ids) => {
      const code = ids.get('code')!;
      const environment = ids.get('environment')!;
      const component = { list: listComponent, profile: profileComponent, merge: mergeComponent }[
        reference.spec
      ];
      return component(code, environment);
    });
    const resolved = new Map(resolution.resolved);
    for (const [side, data] of [
      ['baseline', run.baseline],
      ['current', run.current],
    ] as const)
      if (data.kind === 'uri') resolved.set(`data:${side}`, data.uri);
    return { resolved, records: resolution.records };
  } catch (error) {
    throw namingInputs(config, error);
  }
}

/** The resolver's located problems as InputErrors naming the input they came from. */
function namingInputs(config: DriftCheckConfig, error: unknown): unknown {
  if (!(error instanceof YamlErrors)) return error;
  const shown = config.inputNames as Readonly<Record<string, string>>;
  const errors = error.errors.map((problem) => {
    const input = problem.location?.file ?? 'runOn';
    return new InputError(input, `Input '${shown[input] ?? input}': ${problem.message}`);
  });
  return errors.length === 1 ? errors[0]! : new InputErrors(errors);
}

/** The reports the merge step wrote (the pipeline's `report` output), read back as a judgement. */
async function downloadJudgement(
  uri: string | undefined,
  datastore: (name?: string) => Promise<DatastoreContainer>,
  signal: AbortSignal,
): Promise<{ judgement: Judgement; html: string }> {
  const where = uri ? parseDatastoreUri(uri) : undefined;
  if (!where) throw new DataError(`The job's 'report' output is not on a datastore: ${uri ?? '(none)'}`);
  const container = await datastore(where.datastore);
  const folder = where.path.replace(/\/?$/, '/');
  const read = async (file: string) =>
    (
      await container.container
        .getBlobClient(`${folder}${file}`)
        .downloadToBuffer(undefined, undefined, { abortSignal: signal })
    ).toString('utf8');
  const [json, html, judgementText] = await Promise.all([
    read(REPORT_FILES.json),
    read(REPORT_FILES.html),
    read(REPORT_FILES.judgement),
  ]);
  const report = JSON.parse(json) as DriftReport;
  const { verdict, timeRange } = JSON.parse(judgementText) as Omit<Judgement, 'report'>;
  return { judgement: { report, verdict, timeRange }, html };
}
