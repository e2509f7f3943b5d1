import { runAsAzurePipelinesAgent } from '../harness/azure-pipelines-agent';
import { runAsGitHubRunner } from '../harness/github-runner';

/** Every step validates its inputs before any network call, and names each bad input as its host knows it. */
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

  it('names the deploy inputs that do not fit together, before signing in', async () => {
    const gh = await runAsGitHubRunner({
      action: 'deploy',
      inputs: {
        'resource-group': 'rg',
        'workspace-name': 'w',
        'endpoint-name': 'rain-prod',
        target: 'kubernetes',
        'deployment-name': 'green',
        'model-id': 'rain:3',
      },
    });
    expect(gh.exitCode).toBe(1);
    expect(gh.annotations[0]?.message).toBe(
      "2 inputs are invalid:\n- Input 'model-id' must be azureml:<name>:<version>, azureml:<name>@latest, or azureml://registries/<registry>/models/<name>/versions/<version> (or .../labels/latest); got 'rain:3'.\n- Input 'compute' is required for target kubernetes: the name of the Kubernetes compute the AKS cluster is (or is to be) attached as in the workspace (or 'compute' in the endpoint YAML).",
    );
    const ado = await runAsAzurePipelinesAgent({
      task: 'AzureMLDeployV1',
      inputs: {
        azureSubscription: 'c',
        resourceGroup: 'rg',
        workspaceName: 'w',
        endpointName: 'rain-prod',
        action: 'set-traffic',
        traffic: 'blue=50,green=40',
      },
    });
    expect(ado.result).toBe('Failed');
    expect(ado.issues[0]?.message).toBe(
      "Input 'traffic' must look like 'blue=0,green=100' (shares summing to 100): the shares sum to 90, not 100 (blue 50 %, green 40 %).",
    );
  });
});
