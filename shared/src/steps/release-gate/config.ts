import path from 'node:path';
import type { ParseContext } from '../../step/define';
import { containedPath } from '../../step/allowed-roots';
import { collectInputErrors, InputError, InputErrors } from '../../step/errors';
import type { StepInputs } from '../../step/inputs';
import { existingFile, givenPath } from '../../step/input-paths';
import type { WorkspaceRef } from '../../azureml/workspace-session';
import { workspaceRef } from '../workspace-inputs';
import type { releaseGateManifest } from './manifest';
import { defaultPolicy, loadPolicy, type ReleasePolicy } from './policy';

type ReleaseGateInputs = StepInputs<typeof releaseGateManifest>;

export interface ReleaseGateConfig {
  readonly workspace: WorkspaceRef;
  /** Folders or files of evidence; undefined: this run's evidence folder. */
  readonly evidence?: readonly string[];
  readonly evidenceInput: { readonly name: 'evidence'; readonly shown: string };
  readonly policy: ReleasePolicy;
  readonly model?: { readonly name: string; readonly version: string };
  readonly pageFolder?: string;
  /** Write the verdict as a comment on the run's pull request (when there is one). */
  readonly pullRequestComment: boolean;
  /** GitHub: the token for that comment (undefined elsewhere: Azure DevOps uses the job's access token). */
  readonly githubToken?: string;
}

/** Validates the inputs and reads the policy file; throws InputError(s) or a located DataError. */
export function parseReleaseGateConfig(inputs: ReleaseGateInputs, context: ParseContext): ReleaseGateConfig {
  const errors: InputError[] = [];
  const shown = inputs.displayName('evidence');
  const evidence = inputs.list('evidence').map((item) => path.resolve(context.workspaceDir, item));
  for (const item of evidence) collectInputErrors(errors, () => containedPath(item, 'evidence', shown));
  const policyFile = existingFile(inputs, 'policyFile', context, errors);
  let pageFolder: string | undefined;
  collectInputErrors(errors, () => (pageFolder = givenPath(inputs, 'pageFolder', context)));
  const model = modelOf(inputs, errors);
  const githubToken = inputs.has('githubToken') ? inputs.string('githubToken') : undefined;
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);
  return {
    workspace: workspaceRef(inputs),
    ...(evidence.length > 0 ? { evidence } : {}),
    evidenceInput: { name: 'evidence', shown },
    policy: policyFile ? loadPolicy(policyFile) : defaultPolicy,
    ...(model ? { model } : {}),
    ...(pageFolder ? { pageFolder } : {}),
    pullRequestComment: inputs.boolean('pullRequestComment'),
    // Only the runner evaluates the default `${{ github.token }}`; elsewhere (a local run) it is not a token.
    ...(githubToken && !githubToken.startsWith('${{') ? { githubToken } : {}),
  };
}

function modelOf(inputs: ReleaseGateInputs, errors: InputError[]): ReleaseGateConfig['model'] {
  const value = inputs.string('modelId')?.trim();
  if (!value) return undefined;
  const match = /^(?:azureml:)?([A-Za-z0-9][\w.-]{0,254}):([\w.-]{1,64})$/.exec(value);
  if (match) return { name: match[1]!, version: match[2]! };
  errors.push(
    new InputError(
      'modelId',
      `Input '${inputs.displayName('modelId')}' must be a model version, \`azureml:<name>:<version>\` or \`<name>:<version>\`; got '${value}'.`,
    ),
  );
  return undefined;
}
