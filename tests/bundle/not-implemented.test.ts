import { readFileSync } from 'node:fs';
import { runAsAzurePipelinesAgent } from '../harness/azure-pipelines-agent';
import { runAsGitHubRunner } from '../harness/github-runner';
import { kebabCase } from '../../shared/src/step/manifest';
import { nodeRuntimes } from '../harness/runtimes';

/** Steps whose work is planned: their bundles must validate inputs and then fail, never pretend to succeed. */
const planned: { id: string; task: string; inputs: Record<string, string> }[] = [
  {
    id: 'register-model',
    task: 'AzureMLRegisterModelV1',
    inputs: { resourceGroup: 'rg', workspaceName: 'mlw', modelName: 'rain' },
  },
  {
    id: 'deploy',
    task: 'AzureMLDeployV1',
    inputs: { resourceGroup: 'rg', workspaceName: 'mlw', endpointName: 'rain-test' },
  },
];
const kebab = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [kebabCase(k), v]));
const azureConnection = (inputs: Record<string, string>) => ({
  ...inputs,
  azureSubscription: 'ml-connection',
});

describe.each(nodeRuntimes.map((runtime) => [runtime.name, runtime] as const))(
  'planned steps on %s',
  (_name, runtime) => {
    it.each(planned)(
      '$id fails as an Azure DevOps task with "not implemented yet"',
      async ({ id, task, inputs }) => {
        const run = await runAsAzurePipelinesAgent({ task, inputs: azureConnection(inputs), runtime });
        expect(run.result).toBe('Failed');
        expect(run.issues.filter((issue) => issue.type === 'error').map((issue) => issue.message)).toEqual([
          expect.stringMatching(
            new RegExp(
              `^The ${id} step \\(${task.replace(/V1$/, '')}\\) is not implemented yet .*nothing was changed in Azure\\.$`,
            ),
          ),
        ]);
        const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8'));
        expect(evidence).toMatchObject({ step: id, result: 'failed', host: 'azure-pipelines' });
        expect(run.summaries.join()).toContain('❌ failed');
      },
    );

    it.each(planned)('$id fails as a GitHub action with "not implemented yet"', async ({ id, inputs }) => {
      const run = await runAsGitHubRunner({ action: id, inputs: kebab(inputs), runtime });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message)).toEqual([
        expect.stringMatching(/is not implemented yet/),
      ]);
      expect(run.summary).toContain('❌ failed');
    });
  },
);

describe('input validation in the bundles', () => {
  it('names every missing input, in the form each host knows it', async () => {
    const ado = await runAsAzurePipelinesAgent({
      task: 'AzureMLTrainV1',
      inputs: { azureSubscription: 'c', jobFile: 'job.yml' },
    });
    expect(ado.result).toBe('Failed');
    expect(ado.issues[0]?.message).toBe(
      "2 inputs are invalid:\n- Input 'resourceGroup' is required: Resource group of the Azure Machine Learning workspace.\n- Input 'workspaceName' is required: Name of the Azure Machine Learning workspace.",
    );
    const gh = await runAsGitHubRunner({
      action: 'train',
      inputs: { 'job-file': 'job.yml', 'workspace-name': 'w' },
    });
    expect(gh.exitCode).toBe(1);
    expect(gh.annotations[0]?.message).toBe(
      "Input 'resource-group' is required: Resource group of the Azure Machine Learning workspace.",
    );
  });

  it('rejects a value outside a pick list', async () => {
    const run = await runAsGitHubRunner({
      action: 'deploy',
      inputs: { 'resource-group': 'rg', 'workspace-name': 'w', 'endpoint-name': 'e', target: 'webservice' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toBe(
      "Input 'target' must be one of managed, kubernetes, aci; got 'webservice'.",
    );
  });
});
