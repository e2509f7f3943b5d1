import type { ModelVersionProperties } from '@azure/arm-machinelearning';
import { machineLearningApiVersion } from '../../azure/arm-clients';
import { getVersion, nextVersion } from '../../azureml/model-registry';
import { modelReference, PROPERTY } from '../../azureml/model-types';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import { DataError } from '../../step/errors';
import type { RegisterModelConfig } from './config';
import type { ResolvedSource } from './source';
import type { RegisterModelReport, RegisterModelSummary } from './summary';

/** A request the step would send, as a dry run prints and records it. */
export interface WouldSend {
  readonly method: 'PUT';
  /** The resource path (ARM) or the datastore URI the files would go to. */
  readonly target: string;
  readonly body?: unknown;
  readonly detail?: string;
}

/**
 * The version a run would register, read only: the model YAML's fixed version (an error when it exists, as the run
 * would fail), else the next number.
 */
async function wouldBeVersion(session: WorkspaceSession, config: RegisterModelConfig): Promise<string> {
  if (config.version === undefined) return nextVersion(session, config.modelName);
  const here = { resourceGroup: session.resourceGroup, workspaceName: session.workspaceName };
  const existing = await getVersion(session, here, config.modelName, config.version);
  if (!existing) return config.version;
  const from = existing.resource.properties.properties?.[PROPERTY.source];
  throw new DataError(
    `Model '${config.modelName}' version ${config.version} already exists${from ? ` (registered from ${from})` : ''}: versions cannot be changed. Leave 'version' out to register the next one.`,
    config.versionLocation,
  );
}

/** Prints each request under one group: method, target and the JSON body (no secret is part of either). */
function printRequests(context: StepContext, requests: readonly WouldSend[]): void {
  const { logger } = context;
  logger.startGroup(`Dry run: ${requests.length} request(s) that would be sent (none was)`);
  for (const request of requests) {
    logger.info(`${request.method} ${request.target}${request.detail ? ` (${request.detail})` : ''}`);
    if (request.body !== undefined)
      for (const line of JSON.stringify(request.body, null, 2).split('\n')) logger.info(line);
  }
  logger.endGroup();
}

/**
 * A dry run that got as far as registering: prints the upload (when the files are not on the datastore yet) and
 * the model version's PUT, sets the outputs to what would be registered (`registered` false), and reports it.
 */
export async function reportDryRun(
  run: { config: RegisterModelConfig; context: StepContext; session: WorkspaceSession },
  source: ResolvedSource,
  body: ModelVersionProperties,
  judged: { summary: Omit<RegisterModelSummary, 'outcome'>; details: Record<string, unknown> },
  report: RegisterModelReport,
): Promise<StepOutcome> {
  const { config, context, session } = run;
  const version = await wouldBeVersion(session, config);
  const modelId = modelReference(config.modelName, version);
  const requests: WouldSend[] = [
    ...(source.upload?.action === 'would upload'
      ? [{ method: 'PUT' as const, target: source.upload.uri, detail: `upload of ${source.upload.detail}` }]
      : []),
    {
      method: 'PUT',
      target: `${session.workspaceId}/models/${config.modelName}/versions/${version}?api-version=${machineLearningApiVersion}`,
      body: { properties: body },
    },
  ];
  printRequests(context, requests);
  context.setOutput('registered', false);
  context.setOutput('modelVersion', version);
  context.setOutput('modelId', modelId);
  report.evidence = {
    dryRun: true,
    model: { name: config.modelName, version, id: modelId, registered: false },
    requests,
    ...judged.details,
  };
  report.summary = { ...judged.summary, outcome: 'dry run', version, modelId, dryRun: true };
  return {
    result: 'succeeded',
    message: `Dry run: ${modelId} would be registered from the ${source.what}; nothing was uploaded or registered.`,
  };
}
