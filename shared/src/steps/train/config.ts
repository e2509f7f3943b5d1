import type { WorkspaceRef } from '../../azureml/workspace-session';
import type { ParseContext } from '../../step/define';
import { collectInputErrors, InputError, InputErrors } from '../../step/errors';
import { existingFile } from '../../step/input-paths';
import type { StepInputs } from '../../step/inputs';
import { workspaceRef } from '../workspace-inputs';
import { loadJobSpec, parseSetOverrides, type JobSpec } from './job-spec';
import type { trainManifest } from './manifest';

export interface TrainConfig {
  readonly workspace: WorkspaceRef;
  readonly jobFile: string;
  /** The validated job, with `set` overrides applied. */
  readonly spec: JobSpec;
  readonly experimentName?: string;
  readonly displayName?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly wait: boolean;
  /** 0 = no limit. */
  readonly timeoutMinutes: number;
  readonly cancelOnTimeout: boolean;
  readonly streamLogs: boolean;
  readonly dryRun: boolean;
}

/** Validates the inputs and reads the job YAML (file:line:column errors); no network. */
export function parseTrainConfig(
  inputs: StepInputs<typeof trainManifest>,
  context: ParseContext,
): TrainConfig {
  const errors: InputError[] = [];
  const jobFile = existingFile(inputs, 'jobFile', context, errors);
  let tags: Record<string, string> = {};
  let overrides: ReturnType<typeof parseSetOverrides> = [];
  collectInputErrors(errors, () => (tags = inputs.keyValues('tags')));
  collectInputErrors(errors, () => (overrides = parseSetOverrides(inputs.string('set') ?? '', 'set')));
  if (errors.length > 0 || !jobFile) throw new InputErrors(errors);
  const spec = loadJobSpec(jobFile, overrides);
  const experimentName = inputs.string('experimentName');
  const displayName = inputs.string('displayName');
  return {
    workspace: workspaceRef(inputs),
    jobFile,
    spec,
    ...(experimentName ? { experimentName } : {}),
    ...(displayName ? { displayName } : {}),
    tags,
    wait: inputs.boolean('wait'),
    timeoutMinutes: inputs.number('timeoutMinutes'),
    cancelOnTimeout: inputs.boolean('cancelOnTimeout'),
    streamLogs: inputs.boolean('streamLogs'),
    dryRun: inputs.boolean('dryRun'),
  };
}
