import type { GroupSpec, InputSpec } from '../step/manifest';

/** The Azure sign-in group, shared by every step that calls Azure. */
export const azureGroup = { name: 'azure', displayName: 'Azure' } as const satisfies GroupSpec;

/** How each host signs in to Azure (docs/architecture.md, "Signing in"): a service connection on Azure DevOps, OIDC or creds on GitHub. */
export const azureSignInInputs = [
  {
    name: 'azureSubscription',
    label: 'Azure Resource Manager connection',
    type: 'azureConnection',
    required: true,
    group: 'azure',
    hosts: ['azure-pipelines'],
    help: 'Azure Resource Manager service connection (workload identity federation recommended) with access to the workspace.',
  },
  {
    name: 'clientId',
    label: 'Client id',
    type: 'string',
    group: 'azure',
    hosts: ['github'],
    help: 'Application (client) id of the Entra app or managed identity with a federated credential for this repository (OIDC). Leave empty to use `creds` or the Azure CLI session left by azure/login.',
  },
  {
    name: 'tenantId',
    label: 'Tenant id',
    type: 'string',
    group: 'azure',
    hosts: ['github'],
    help: 'Entra tenant id, with `client-id` (OIDC).',
  },
  {
    name: 'subscriptionId',
    label: 'Subscription id',
    type: 'string',
    group: 'azure',
    hosts: ['github'],
    help: 'Subscription holding the workspace.',
  },
  {
    name: 'creds',
    label: 'Credentials JSON',
    type: 'string',
    secret: true,
    group: 'azure',
    hosts: ['github'],
    help: 'Service principal JSON as azure/login accepts it (clientId, clientSecret, tenantId, subscriptionId). Prefer OIDC.',
  },
] as const satisfies readonly InputSpec[];

export const workspaceInputs = [
  {
    name: 'resourceGroup',
    label: 'Resource group',
    type: 'string',
    required: true,
    group: 'azure',
    pickFrom: 'resourceGroups',
    help: 'Resource group of the Azure Machine Learning workspace.',
  },
  {
    name: 'workspaceName',
    label: 'Workspace',
    type: 'string',
    required: true,
    group: 'azure',
    pickFrom: 'workspaces',
    help: 'Name of the Azure Machine Learning workspace.',
  },
] as const satisfies readonly InputSpec[];

export const evidenceOutput = {
  name: 'evidencePath',
  description: 'Path of the JSON evidence file this step wrote (what ran, against what, with which result).',
} as const;

/** The same inputs for a step that calls Azure only in some of its modes (smoke-test by endpoint name). */
export function optional<const S extends InputSpec>(inputs: readonly S[]): Optional<S>[];
export function optional(inputs: readonly InputSpec[]): Optional<InputSpec>[] {
  return inputs.map((input) => ({ ...input, required: false }));
}

/** A spec with `required: false`, its name, type and default kept for typed reads. */
type Optional<S extends InputSpec> = S extends InputSpec
  ? Omit<S, 'required'> & { readonly required: false }
  : never;

/** Every step's input: folders beyond the host's workspace and temp folders that paths may name (step/allowed-roots.ts). */
export const allowedPathsInput = {
  name: 'allowedPaths',
  label: 'Allowed folders',
  type: 'multiLine',
  help: 'Folders, one a line, that paths given to this step (inputs and paths inside the files it reads) may name besides the workspace and temp folders of the host (GitHub: `GITHUB_WORKSPACE`, `RUNNER_TEMP`; Azure DevOps: `Build.SourcesDirectory`, `Pipeline.Workspace`, `Agent.TempDirectory`). Any other path is refused; symlinks count by where they point.',
} as const satisfies InputSpec;
