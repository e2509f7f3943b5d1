import { createHash } from 'node:crypto';
import { RELEASE_TAG } from '../../azureml/release-verdict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setVersionTags } from '../../azureml/model-tags';
import { openWorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext, StepOutcome } from '../../step/define';
import type { FinalReport } from '../../step/final-report';
import { InputError } from '../../step/errors';
import { redactDeep } from '../../step/redactor';
import { upsertPullRequestComment, type PullRequestCommentOutcome } from '../../release/pr-comment';
import { renderComment } from './comment';
import type { ReleaseGateConfig } from './config';
import { isObject, readEvidence, type EvidenceSet } from './evidence-set';
import { compareMetrics, judge } from './judge';
import { buildPage, type ModelFacts, type ReleasePage } from './page-model';
import { renderHtml, renderMarkdown } from './render';

type ReleaseGateReport = FinalReport<string>;

export const pageFiles = {
  json: 'release-evidence.json',
  markdown: 'release-evidence.md',
  html: 'release-evidence.html',
} as const;

/** Reads the evidence, judges the policy, writes the page, tags the model version with the verdict. */
export async function runReleaseGate(
  config: ReleaseGateConfig,
  context: StepContext,
  reported: ReleaseGateReport,
): Promise<StepOutcome> {
  const { logger, environment } = context;
  const sources = config.evidence ?? [path.join(environment.tempDir, 'azureml-evidence')];
  if (!config.evidence && !existsSync(sources[0]!))
    throw new InputError(
      'evidence',
      `Input '${config.evidenceInput.shown}' is empty and this run's evidence folder ${sources[0]} does not exist: no earlier step of this job wrote evidence. Name the folders holding it (e.g. the downloaded artifacts of the earlier stages).`,
    );
  const evidence = readEvidence(sources, config.evidenceInput);
  logger.info(
    `Read ${evidence.records.length} evidence records (${Object.keys(evidence.latest).join(', ') || 'none'}) from ${sources.join(', ')}.`,
  );
  const metrics = compareMetrics(evidence.latest['register-model'], config.policy);
  const verdict = judge(evidence, config.policy, metrics);
  for (const rule of verdict.rules) logger.info(`${rule.status}: ${rule.rule}: ${rule.reason}`);

  const target = modelOf(config, evidence);
  const session = target ? openWorkspaceSession(config.workspace, 'release-gate', context) : undefined;
  const model: ModelFacts | null =
    target && session
      ? {
          id: `azureml:${target.name}:${target.version}`,
          ...target,
          studioUrl: `https://ml.azure.com/model/${encodeURIComponent(`${target.name}:${target.version}`)}/details?wsid=${encodeURIComponent(session.workspaceId)}`,
        }
      : null;
  const page = redactDeep(buildPage(evidence, config.policy, verdict, metrics, model), context.redact);
  const folder = config.pageFolder ?? freshFolder(path.join(environment.tempDir, 'release-evidence'));
  const artifactName = path.basename(folder);
  const { digest, markdown } = writePage(folder, page, artifactName, context);
  logger.info(`Evidence page written to ${folder} (sha256 ${digest}).`);

  const tags = {
    [RELEASE_TAG.verdict]: verdict.verdict,
    [RELEASE_TAG.evidence]: `sha256:${digest}`,
    ...(environment.runUrl ? { [RELEASE_TAG.evidenceLink]: environment.runUrl } : {}),
  };
  if (target && session) {
    await setVersionTags(session, target.name, target.version, tags);
    logger.info(
      `Tagged ${model!.id}: ${Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}.`,
    );
  } else logger.warning('No model version to tag: give modelId, or evidence of a registered model.');

  // After the tags: the verdict stands whatever the pull request API answers (a refusal is a warning).
  const comment = config.pullRequestComment
    ? await upsertPullRequestComment(context, {
        key: model?.name ?? 'release',
        body: renderComment(page, artifactName, environment),
        token: config.githubToken,
      })
    : undefined;

  context.setOutput('verdict', verdict.verdict);
  context.setOutput('pageFolder', folder);
  context.setOutput('evidenceDigest', digest);
  reported.summary = [commentLine(comment), markdown].filter(Boolean).join('\n\n');
  reported.evidence = {
    verdict: verdict.verdict,
    rules: verdict.rules,
    model,
    digest: `sha256:${digest}`,
    tags: target ? tags : null,
    page: Object.values(pageFiles),
    evidenceRead: page.evidence,
    pullRequestComment: comment ?? { status: 'off' },
  };
  if (verdict.verdict === 'pass')
    return { result: 'succeeded', message: `Release verdict: pass (${model?.id ?? 'no model'}).` };
  const failed = verdict.rules.filter((r) => r.status === 'fail');
  return {
    result: 'failed',
    message: `Release blocked by the policy: ${failed.map((r) => `${r.rule}: ${r.reason}`).join('; ')}`,
  };
}

/** The summary's one line about the pull request comment; none when the run is not for a pull request. */
function commentLine(comment: PullRequestCommentOutcome | undefined): string | undefined {
  if (!comment || comment.status === 'skipped') return undefined;
  if (comment.status === 'failed') return `⚠️ No pull request comment: ${comment.reason}.`;
  const link = comment.url && /^https:\/\//.test(comment.url) ? ` ([comment](${comment.url}))` : '';
  return `Pull request ${comment.pullRequest}: comment ${comment.status}${link}.`;
}

/** The model version to judge: the input, else the version the register-model evidence registered. */
function modelOf(
  config: ReleaseGateConfig,
  evidence: EvidenceSet,
): { name: string; version: string } | undefined {
  if (config.model) return config.model;
  const model = evidence.latest['register-model']?.details['model'];
  if (!isObject(model) || model['registered'] !== true) return undefined;
  const [name, version] = [model['name'], model['version']];
  return typeof name === 'string' && typeof version === 'string' ? { name, version } : undefined;
}

/** Writes the three files (every text redacted); gives the JSON's digest and the summary's markdown. */
function writePage(
  folder: string,
  page: ReleasePage,
  artifactName: string,
  context: StepContext,
): { digest: string; markdown: string } {
  const json = context.redact(JSON.stringify(page, null, 2)) + '\n';
  const markdown = context.redact(renderMarkdown(page, artifactName, context.environment.artifactsUrl));
  const html = context.redact(renderHtml(page));
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, pageFiles.json), json);
    writeFileSync(path.join(folder, pageFiles.markdown), markdown + '\n');
    writeFileSync(path.join(folder, pageFiles.html), html);
  } catch (error) {
    throw new InputError(
      'pageFolder',
      `Cannot write the evidence page to ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  return { digest: createHash('sha256').update(json).digest('hex'), markdown };
}

/** `folder`, or `folder-2`, ...: a second gate in the same job keeps the first one's page. */
function freshFolder(folder: string): string {
  if (!existsSync(folder)) return folder;
  for (let n = 2; ; n++) if (!existsSync(`${folder}-${n}`)) return `${folder}-${n}`;
}
