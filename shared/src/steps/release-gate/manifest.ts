import type { StepManifest } from '../../step/manifest';
import {
  allowedPathsInput,
  azureGroup,
  azureSignInInputs,
  evidenceOutput,
  workspaceInputs,
} from '../common-inputs';

export const releaseGateManifest = {
  id: 'release-gate',
  taskName: 'AzureMLReleaseGate',
  taskId: 'eaa4972b-cc9b-42f3-b5c4-821cde8a27d1',
  friendlyName: 'Azure ML release gate',
  description:
    'Reads the evidence of the earlier steps and a policy, writes one evidence page for the approver, and records the verdict as tags on the model version.',
  category: 'Deploy',
  instanceNameFormat: 'Release gate',
  branding: { icon: 'shield', color: 'red' },
  groups: [azureGroup, { name: 'gate', displayName: 'Release gate' }],
  inputs: [
    ...azureSignInInputs,
    ...workspaceInputs,
    {
      name: 'evidence',
      label: 'Evidence',
      type: 'multiLine',
      group: 'gate',
      help: "Folders or files, one a line, holding the earlier steps' evidence JSON (for example the downloaded pipeline artifacts of earlier stages); folders are searched (bounded depth). Default: this run's evidence folder (`azureml-evidence` in the agent or runner temp folder).",
    },
    {
      name: 'policyFile',
      label: 'Policy file',
      type: 'filePath',
      group: 'gate',
      help: 'YAML policy: `registerGatePassed`, `smokePassed`, `driftNotFailedOn`, `maxMetricRegression`, `trainedFromBranch`, `requireEvidence`. Default: the documented defaults (docs/release-gate.md).',
    },
    {
      name: 'modelId',
      label: 'Model',
      type: 'string',
      group: 'gate',
      help: 'Model version to judge and tag, `azureml:<name>:<version>` or `<name>:<version>`. Default: the version the register-model evidence names.',
    },
    {
      name: 'pageFolder',
      label: 'Page folder',
      type: 'filePath',
      group: 'gate',
      help: 'Folder for release-evidence.html, release-evidence.md and release-evidence.json; publish it as a pipeline artifact. Default: a `release-evidence` folder in the agent or runner temp folder.',
    },
    {
      name: 'pullRequestComment',
      label: 'Comment on the pull request',
      type: 'boolean',
      default: 'true',
      group: 'gate',
      help: 'When the run is for a pull request (GitHub, or Azure Repos), write the verdict, metrics, smoke test and drift as one comment on it, updated by later runs. A token that may not comment gets a warning, not a failed gate.',
    },
    {
      name: 'githubToken',
      label: 'GitHub token',
      type: 'string',
      secret: true,
      default: '${{ github.token }}',
      group: 'gate',
      hosts: ['github'],
      help: "Token for the pull request comment; it needs `pull-requests: write` (the job's `permissions:`). Default: the workflow token.",
    },
    allowedPathsInput,
  ],
  outputs: [
    { name: 'verdict', description: 'The policy verdict: `pass` or `fail`.' },
    { name: 'pageFolder', description: 'Folder holding the evidence page (HTML, markdown, JSON).' },
    {
      name: 'evidenceDigest',
      description: 'sha256 of release-evidence.json (also the `release.evidence` tag).',
    },
    evidenceOutput,
  ],
} as const satisfies StepManifest;
