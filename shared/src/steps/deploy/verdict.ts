/**
 * `requireVerdict`: before anything is created (dry runs too), the model version to deploy must carry the release
 * verdict `pass` that the release-gate step records as tags. `@latest` is resolved once here and the version read
 * is the one deployed (a version registered meanwhile cannot slip in unjudged).
 */
import { modelReference } from '../../azureml/model-types';
import { describeVerdict, releaseVerdict, RELEASE_TAG } from '../../azureml/release-verdict';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext } from '../../step/define';
import { AssertionFailure, InputError } from '../../step/errors';
import { inPhase } from '../../step/phase';
import type { CommonConfig, OnlineDeployConfig } from './config';
import { latestVersion } from './actions/deploy-model';
import type { LatestModel, VersionModel } from './model-reference';
import { readModelVersion } from './online';
import type { DeployReport } from './summary';

export interface VerdictCheck {
  readonly context: StepContext;
  readonly report: DeployReport;
  /** The input's name as the user wrote it. */
  readonly input: string;
}

export const verdictCheck = (
  config: Pick<CommonConfig, 'shown'>,
  context: StepContext,
  report: DeployReport,
): VerdictCheck => ({ context, report, input: config.shown('requireVerdict') });

/**
 * An online deploy's config with its model pinned to the version whose verdict was read (unchanged when
 * `requireVerdict` is off). The parse refused inline and registry models under `requireVerdict`.
 */
export async function withJudgedModel(
  config: OnlineDeployConfig,
  session: WorkspaceSession,
  context: StepContext,
  report: DeployReport,
): Promise<OnlineDeployConfig> {
  const model = config.deployment.model;
  if (!config.requireVerdict) return config;
  if (model.kind !== 'version' && model.kind !== 'latest')
    throw new InputError(
      'requireVerdict',
      `Input '${config.shown('requireVerdict')}' needs a workspace model version; got ${model.text}.`,
    );
  const pinned = await inPhase(context.logger, `Release verdict of model ${model.text}`, () =>
    checkReleaseVerdict(session, model, verdictCheck(config, context, report)),
  );
  return { ...config, deployment: { ...config.deployment, model: pinned } };
}

/** Reads the version's tags and refuses it unless its verdict is `pass`; returns the version (pinned for @latest). */
export async function checkReleaseVerdict(
  session: WorkspaceSession,
  model: VersionModel | LatestModel,
  how: VerdictCheck,
): Promise<VersionModel> {
  const { tags, pinned } = await versionTags(session, model);
  if (model.kind === 'latest') how.context.logger.info(`${model.text} is ${pinned.text}.`);
  const found = releaseVerdict(tags);
  const evidence = [found.evidence, found.evidenceLink].filter(Boolean).join(', ');
  const detail = `${pinned.text}: ${describeVerdict(found)}${evidence ? ` (evidence ${evidence})` : ''}`;
  how.report.checks.push({ check: 'release verdict', ok: found.passed, detail });
  if (found.passed) {
    how.context.logger.info(`Release verdict of ${detail}: it may be deployed.`);
    return pinned;
  }
  const judged = found.verdict !== undefined;
  const message = [
    `Model ${pinned.text} has ${describeVerdict(found)}${evidence ? ` (evidence ${evidence})` : ''}: input '${how.input}' deploys only a model version whose '${RELEASE_TAG.verdict}' tag is 'pass'.`,
    judged
      ? 'The release-gate step judged this version and did not pass it: read its evidence page, fix what it says, and deploy a version it passes.'
      : 'Run the release-gate step on this version (it records the verdict as tags on the model version), and deploy it once the verdict is pass.',
    'An approval cannot bypass the verdict. Nothing was created.',
  ].join(' ');
  how.report.error = message;
  throw new AssertionFailure(message);
}

async function versionTags(
  session: WorkspaceSession,
  model: VersionModel | LatestModel,
): Promise<{ tags: Record<string, string | null> | undefined; pinned: VersionModel }> {
  if (model.kind === 'version') {
    const version = await readModelVersion(session, model);
    return { tags: version.properties.tags, pinned: model };
  }
  const newest = await latestVersion(session, model);
  const text = modelReference(model.name, newest.version);
  return {
    tags: newest.resource.properties.tags,
    pinned: { kind: 'version', name: model.name, version: newest.version, text },
  };
}
