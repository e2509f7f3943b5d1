import type { ContainerGroup, ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { createContainerInstanceClient } from '../../../azure/arm-clients';
import { datastoreOpener, readOnlySasUrl } from '../../../azureml/datastore-blobs';
import { uploadPrefix, uploadSnapshot } from '../../../azureml/local-upload';
import { snapshot } from '../../../azureml/snapshot';
import {
  openWorkspaceSession,
  readWorkspace,
  type WorkspaceSession,
} from '../../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../../step/define';
import { DataError } from '../../../step/errors';
import { inPhase } from '../../../step/phase';
import {
  createGroup,
  deleteGroup,
  failed,
  modelSource,
  readGroup,
  sasMinutes,
  waitUntilServing,
} from '../aci';
import { aciGroupBody, sameGroup, type SasSource } from '../aci-group';
import type { AciDeployConfig } from '../config';
import { orMissing } from '../online';
import type { DeployReport } from '../summary';
import { checkReleaseVerdict, verdictCheck } from '../verdict';
import { dryRunOutcome, type PlannedRequest } from './dry-run';

/** One deploy to ACI: what every phase needs. */
interface AciRun {
  readonly config: AciDeployConfig;
  readonly context: StepContext;
  readonly report: DeployReport;
  readonly session: WorkspaceSession;
  readonly aci: ContainerInstanceManagementClient;
  /** The container group's name. */
  readonly name: string;
}

/**
 * Action deploy, target aci: resolve the model and upload the scoring code, ensure the container group (created,
 * replaced, or left alone when it already serves the same), wait until it serves.
 */
export async function deployAci(
  config: AciDeployConfig,
  context: StepContext,
  report: DeployReport,
): Promise<StepOutcome> {
  const { logger } = context;
  for (const warning of config.warnings) logger.warning(warning);
  const session = openWorkspaceSession(config.workspace, 'deploy', context);
  const workspace = await readWorkspace(session);
  const aci = createContainerInstanceClient(session.credential, session.target, session.clientOptions);
  const name = config.endpointName;
  const run: AciRun = { config, context, report, session, aci, name };
  if (config.requireVerdict)
    await inPhase(logger, `Release verdict of model ${config.model.text}`, () =>
      checkReleaseVerdict(
        session,
        { kind: 'version', ...config.model },
        verdictCheck(config, context, report),
      ),
    );

  const sources = await inPhase(
    logger,
    `Model ${config.model.text} and scoring code ${config.codePath}`,
    () => resolveSources(run),
  );
  const body = aciGroupBody({ location: workspace.location ?? '', ...sources.group });
  context.setOutput('dryRun', config.dryRun);
  if (config.dryRun) return dryRunAci(run, body);
  const ensured = await inPhase(logger, `Container group '${name}'`, () => ensureGroup(run, body));
  if ('problem' in ensured) return failed(aci, session, config, report, ensured.problem, true, context);
  const deadline = Date.now() + config.timeoutMinutes * 60_000;
  const ready = await inPhase(logger, `Waiting for container group '${name}' to serve`, () =>
    waitUntilServing(aci, session, name, ensured.group, deadline, context),
  );
  if ('problem' in ready)
    return failed(aci, session, config, report, ready.problem, ensured.created, context);

  const scoringUri = `${ready.baseUrl}/score`;
  context.setOutput('scoringUri', scoringUri);
  context.setOutput('swaggerUri', `${ready.baseUrl}/swagger.json`);
  logger.warning(
    `ACI container group '${name}' has no key authentication: anyone who reaches ${scoringUri} can score. Use it for test stages only, and remove it afterwards (action delete-deployment, target aci).`,
  );
  report.scoringUri = scoringUri;
  if (report.changes.length === 0) report.changes.push('nothing to change');
  report.evidence = {
    group: name,
    image: body.containers[0]?.image,
    modelUri: sources.modelUri,
    sasExpiresOn: sources.expiresOn,
  };
  const message =
    report.changes[0] === 'nothing to change'
      ? `Nothing to change: container group '${name}' already serves ${config.model.text} at ${scoringUri}.`
      : `Container group '${name}' serves ${config.model.text} at ${scoringUri}.`;
  return { result: 'succeeded', message };
}

/** A dry run: the container group replaced or created, unless it already serves the same; nothing sent. */
async function dryRunAci({ config, context, report, session, aci, name }: AciRun, body: ContainerGroup) {
  const existing = await orMissing(() => readGroup(aci, session, name));
  const same = existing && sameGroup(body, existing) && existing.instanceView?.state === 'Running';
  const path = `/subscriptions/${session.access.subscriptionId}/resourceGroups/${session.resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${name}`;
  const requests: PlannedRequest[] = [];
  if (existing && !same)
    requests.push({ method: 'DELETE', path, what: `delete container group '${name}' (to replace it)` });
  if (!same) requests.push({ method: 'PUT', path, what: `create container group '${name}'`, body });
  return dryRunOutcome(
    context,
    report,
    requests,
    `Dry run: container group '${name}' with ${config.model.text} was validated; nothing was created or uploaded.`,
  );
}

/** The model's files and the uploaded scoring code, each behind a read-only SAS URL for the init container. */
async function resolveSources({ config, context, session }: AciRun) {
  const datastore = datastoreOpener(session, (secret) => context.addSecret(secret));
  const minutes = sasMinutes(config.timeoutMinutes);
  const model = await modelSource(session, config.model, datastore, minutes, context);
  const defaultStore = await datastore();
  const files = await snapshot(config.codePath, false, { signal: context.signal, what: 'code folder' });
  if (files.files.length === 0) throw new DataError(`Code folder '${config.codePath}' has no files.`);
  const upload = await uploadSnapshot(defaultStore, files, false, {
    dryRun: config.dryRun,
    signal: context.signal,
  });
  context.logger.info(`Scoring code ${config.codePath}: ${upload.action} ${upload.uri} (${upload.detail}).`);
  const prefix = `${uploadPrefix(files)}/${files.name}`;
  const codeSas = readOnlySasUrl(defaultStore, { prefix }, minutes);
  const code: SasSource = { url: codeSas.url, prefix };
  return {
    modelUri: model.uri,
    expiresOn: model.expiresOn,
    group: {
      modelId: config.model.text,
      codeHash: files.hash,
      scoringScript: config.scoringScript,
      modelFolder: config.model.name,
      model: model.source,
      code,
      environmentVariables: config.environmentVariables,
      cpu: config.cpu,
      memoryGb: config.memoryGb,
      ...(config.dnsLabel ? { dnsLabel: config.dnsLabel } : {}),
    },
  };
}

/**
 * The container group as asked: left alone when it runs the same, else created (or deleted and created again:
 * most of its properties cannot be updated in place, ACI's advice). A problem when creating it failed.
 */
async function ensureGroup(
  { config, context, report, session, aci, name }: AciRun,
  body: ContainerGroup,
): Promise<{ group: ContainerGroup; created: boolean } | { problem: string }> {
  const existing = await orMissing(() => readGroup(aci, session, name));
  const running = existing?.instanceView?.state === 'Running';
  if (existing && sameGroup(body, existing) && running) {
    context.logger.info(
      `Container group '${name}' already serves ${config.model.text} with this code and settings: nothing to change.`,
    );
    return { group: existing, created: false };
  }
  if (existing) {
    report.changes.push(
      running
        ? `replaced container group '${name}' (model, code or settings changed)`
        : `replaced container group '${name}' (it was ${existing.instanceView?.state ?? 'not running'})`,
    );
    await deleteGroup(aci, session, name, context);
  } else {
    report.changes.push(`created container group '${name}'`);
  }
  const deadline = AbortSignal.any([context.signal, AbortSignal.timeout(config.timeoutMinutes * 60_000)]);
  const failure = await createGroup(aci, session, name, body, deadline, context);
  if (failure) return { problem: failure };
  return { group: await readGroup(aci, session, name), created: true };
}
