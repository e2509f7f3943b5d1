import type { StepManifest } from '../../step/manifest';
import { azureGroup, azureSignInInputs, evidenceOutput, workspaceInputs } from '../common-inputs';

export const trainManifest: StepManifest = {
  id: 'train',
  taskName: 'AzureMLTrain',
  taskId: 'a2520115-522c-49b4-82ad-c40e6a3c65ad',
  friendlyName: 'Azure ML train',
  description: 'Submits an Azure ML job from a CLI v2 job YAML, streams its progress and logs, and fails when the job fails.',
  category: 'Build',
  instanceNameFormat: 'Train $(jobFile)',
  groups: [azureGroup, { name: 'job', displayName: 'Job' }, { name: 'run', displayName: 'Run control', collapsed: true }],
  inputs: [
    ...azureSignInInputs,
    ...workspaceInputs,
    { name: 'jobFile', label: 'Job YAML', type: 'filePath', required: true, group: 'job', help: 'Azure ML CLI v2 job YAML (command, pipeline or sweep job), as `az ml job create -f` takes it.' },
    { name: 'experimentName', label: 'Experiment', type: 'string', group: 'job', help: 'Experiment name; overrides the YAML.' },
    { name: 'displayName', label: 'Display name', type: 'string', group: 'job', help: 'Display name of the job; overrides the YAML.' },
    { name: 'tags', label: 'Tags', type: 'multiLine', group: 'job', help: 'Tags added to the job, one `key=value` per line.' },
    { name: 'set', label: 'Overrides', type: 'multiLine', group: 'job', help: 'Overrides like the CLI `--set`, one `path=value` per line, e.g. `compute=azureml:gpu-cluster` or `inputs.learning_rate=0.01`.' },
    { name: 'wait', label: 'Wait for completion', type: 'boolean', default: 'true', group: 'run', help: 'Follow the job until it ends; fail when it fails.' },
    { name: 'timeoutMinutes', label: 'Timeout (minutes)', type: 'integer', default: '0', min: 0, group: 'run', help: 'Stop waiting after this many minutes (0 = no limit).' },
    { name: 'cancelOnTimeout', label: 'Cancel the job on timeout', type: 'boolean', default: 'true', group: 'run', help: 'Cancel the Azure ML job when the timeout is reached or the pipeline is cancelled.' },
    { name: 'streamLogs', label: 'Stream logs', type: 'boolean', default: 'true', group: 'run', help: "Stream the job's `user_logs/std_log.txt` into the pipeline log." },
    { name: 'dryRun', label: 'Dry run', type: 'boolean', default: 'false', group: 'run', help: 'Validate and resolve everything, print the request that would be sent, create nothing.' },
  ],
  outputs: [
    { name: 'jobName', description: 'Name (run id) of the Azure ML job.' },
    { name: 'jobStatus', description: 'Final status of the job.' },
    { name: 'studioUrl', description: 'Link to the job in Azure ML studio.' },
    { name: 'metrics', description: 'Metrics the job logged (JSON object: name -> last value).' },
    { name: 'jobOutputs', description: 'Job outputs (JSON object: output name -> azureml:// path).' },
    evidenceOutput,
  ],
};
