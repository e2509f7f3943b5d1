import { assetName, isFullId, isUri } from '../../../azureml/asset-names';
import type { AssetName } from '../../../azureml/references';
import type { WorkspaceRef } from '../../../azureml/workspace-session';
import { inputsNotApplying } from '../../../step/applies-when';
import { InputError } from '../../../step/errors';
import type { StepInputs } from '../../../step/inputs';
import { signInValues } from '../../workspace-inputs';
import { driftCheckManifest } from '../manifest';

type DriftCheckInputs = StepInputs<typeof driftCheckManifest>;

/** Data the Azure ML job reads: a registered data asset, or a URI Azure ML reads as it is. */
export type JobData =
  { readonly kind: 'asset'; readonly asset: AssetName } | { readonly kind: 'uri'; readonly uri: string };

/** What `runOn: azureml` needs: the workspace, the compute, and both sides as Azure ML data. */
export interface AzureMlRun {
  readonly workspace: WorkspaceRef;
  /** `serverless` or a compute name of the workspace. */
  readonly compute: string;
  /** Cancel the job after this long (0: no limit). */
  readonly timeoutMinutes: number;
  readonly baseline: JobData;
  readonly current: JobData;
}

/** The inputs only a local run reads: given with `runOn: azureml`, they are refused rather than ignored. */
const LOCAL_ONLY = ['writeBaselineProfile'] as const;

/**
 * The Azure ML run of `runOn: azureml`, or undefined with `runOn: agent` (where the Azure inputs are refused when
 * given). Every problem is pushed to `errors`, naming its input.
 */
export function readAzureMlRun(inputs: DriftCheckInputs, errors: InputError[]): AzureMlRun | undefined {
  const shown = (name: Parameters<DriftCheckInputs['displayName']>[0]) => `'${inputs.displayName(name)}'`;
  if (inputs.choice('runOn') !== 'azureml') {
    for (const { name } of inputsNotApplying(driftCheckManifest, inputs.publicValues()))
      errors.push(new InputError(name, `Input ${shown(name)} applies to ${shown('runOn')} 'azureml' only.`));
    return undefined;
  }
  for (const name of LOCAL_ONLY)
    if (inputs.string(name))
      errors.push(
        new InputError(
          name,
          `Input ${shown(name)} applies to ${shown('runOn')} 'agent' only: the Azure ML job keeps no profile on this agent.`,
        ),
      );
  const resourceGroup = inputs.string('resourceGroup');
  const workspaceName = inputs.string('workspaceName');
  for (const [name, value] of [
    ['resourceGroup', resourceGroup],
    ['workspaceName', workspaceName],
  ] as const)
    if (!value)
      errors.push(
        new InputError(
          name,
          `Input ${shown(name)} is required with ${shown('runOn')} 'azureml': the workspace the job runs in.`,
        ),
      );
  const compute = inputs.string('compute') || 'serverless';
  if (!/^[A-Za-z][A-Za-z0-9-]{1,31}$/.test(compute))
    errors.push(
      new InputError(
        'compute',
        `Input ${shown('compute')} is '${compute}': give 'serverless' or the name of a compute cluster (2 to 32 letters, digits and '-', starting with a letter).`,
      ),
    );
  const baseline = jobData(inputs, 'baselineData', errors);
  const current = jobData(inputs, 'currentData', errors);
  if (!resourceGroup || !workspaceName || !baseline || !current) return undefined;
  return {
    workspace: { resourceGroup, workspaceName, signIn: signInValues(inputs) },
    compute,
    timeoutMinutes: inputs.number('timeoutMinutes'),
    baseline,
    current,
  };
}

function jobData(
  inputs: DriftCheckInputs,
  name: 'baselineData' | 'currentData',
  errors: InputError[],
): JobData | undefined {
  const text = inputs.requiredString(name).trim();
  const asset = assetName(text);
  if (asset) return { kind: 'asset', asset };
  if (isUri(text) && !isFullId(text)) return { kind: 'uri', uri: text };
  errors.push(
    new InputError(
      name,
      `Input '${inputs.displayName(name)}' is '${text}': with '${inputs.displayName('runOn')}' 'azureml' it must be a data asset (azureml:name:version or azureml:name@latest) or a URI the job reads (azureml://datastores/<datastore>/paths/<folder>/, https://<account>.blob.core.windows.net/...), not a path on this agent.`,
    ),
  );
  return undefined;
}
