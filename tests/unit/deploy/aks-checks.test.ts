import {
  evaluatePreflight,
  preflightMessage,
  type ExtensionFacts,
  type PreflightFacts,
} from '../../../shared/src/steps/deploy/aks-checks';
import { parseClusterId } from '../../../shared/src/steps/deploy/names';

const cluster = parseClusterId(
  '/subscriptions/sub-1/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod',
)!;
const names = { resourceGroup: 'rg-ml', workspaceName: 'mlw', compute: 'k8s-prod' };
const extension: ExtensionFacts = {
  name: 'azureml',
  extensionType: 'Microsoft.AzureML.Kubernetes',
  provisioningState: 'Succeeded',
  configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
};
const healthy: PreflightFacts = {
  cluster,
  clusterFound: {
    provisioningState: 'Succeeded',
    powerState: 'Running',
    identityType: 'SystemAssigned',
    servicePrincipalClientId: 'msi',
  },
  extensions: [extension],
  compute: {
    computeType: 'Kubernetes',
    resourceId: cluster.id.toLowerCase(),
    provisioningState: 'Succeeded',
  },
};

const failing = (facts: PreflightFacts) => evaluatePreflight(facts, names).results.filter((r) => !r.ok);

describe('AKS pre-flight checks', () => {
  it('passes a running, managed-identity cluster with the Azure ML extension, attached as the compute', () => {
    const { results, attachable } = evaluatePreflight(healthy, names);
    expect(results.map((r) => [r.check, r.ok])).toEqual([
      ['AKS cluster exists', true],
      ['provisioning succeeded', true],
      ['running', true],
      ['managed identity', true],
      ['Azure ML extension with inference', true],
      ["attached as compute 'k8s-prod'", true],
    ]);
    expect(attachable).toBe(false);
  });

  it('stops at a missing cluster', () => {
    const { clusterFound: _found, ...missing } = healthy;
    expect(failing(missing)).toEqual([
      expect.objectContaining({
        check: 'AKS cluster exists',
        detail: "AKS cluster 'aks-prod' was not found in resource group 'rg-aks' of subscription sub-1.",
      }),
    ]);
  });

  it('names the exact az command for each failed cluster check', () => {
    const broken = failing({
      ...healthy,
      clusterFound: {
        provisioningState: 'Failed',
        powerState: 'Stopped',
        servicePrincipalClientId: '1c0ffee0-0000-0000-0000-000000000000',
      },
    });
    expect(broken.map((r) => [r.check, r.fix])).toEqual([
      [
        'provisioning succeeded',
        'reconcile it with `az aks update --resource-group rg-aks --name aks-prod --subscription sub-1` (see `az aks show --resource-group rg-aks --name aks-prod --query provisioningState`)',
      ],
      ['running', 'start it: `az aks start --resource-group rg-aks --name aks-prod --subscription sub-1`'],
      [
        'managed identity',
        '`az aks update --resource-group rg-aks --name aks-prod --subscription sub-1 --enable-managed-identity`',
      ],
    ]);
    expect(
      failing({ ...healthy, clusterFound: { ...healthy.clusterFound!, provisioningState: 'Updating' } })[0]
        ?.fix,
    ).toBe(
      'wait for it (`az aks wait --resource-group rg-aks --name aks-prod --subscription sub-1 --updated`) and run the step again',
    );
  });

  it('asks for the Azure ML extension, with inference enabled', () => {
    const [missing] = failing({
      ...healthy,
      extensions: [{ ...extension, extensionType: 'microsoft.flux', name: 'flux' }],
    });
    expect(missing?.detail).toBe(
      "AKS cluster 'aks-prod' has no Azure ML extension (Microsoft.AzureML.Kubernetes).",
    );
    expect(missing?.fix).toMatch(
      /^`az k8s-extension create --name azureml --extension-type Microsoft\.AzureML\.Kubernetes --scope cluster --cluster-type managedClusters --cluster-name aks-prod --resource-group rg-aks --subscription sub-1 --config enableInference=True inferenceRouterServiceType=LoadBalancer /,
    );
    const [disabled] = failing({
      ...healthy,
      extensions: [
        { ...extension, configurationSettings: { enableTraining: 'True', enableInference: 'false' } },
      ],
    });
    expect(disabled?.detail).toContain("enableInference is 'false'");
    expect(disabled?.fix).toBe(
      '`az k8s-extension update --name azureml --cluster-type managedClusters --cluster-name aks-prod --resource-group rg-aks --subscription sub-1 --config enableInference=True inferenceRouterServiceType=LoadBalancer`',
    );
    const [installing] = failing({
      ...healthy,
      extensions: [{ ...extension, provisioningState: 'Creating' }],
    });
    expect(installing?.detail).toContain('is Creating, not Succeeded');
  });

  it('asks to attach a cluster that is not attached, and allows attachCluster to do it', () => {
    const { compute: _compute, ...detached } = healthy;
    const preflight = evaluatePreflight(detached, names);
    const [notAttached] = preflight.results.filter((r) => !r.ok);
    expect(notAttached?.detail).toBe(
      "AKS cluster 'aks-prod' is not attached to workspace 'mlw' as Kubernetes compute 'k8s-prod'.",
    );
    expect(notAttached?.fix).toBe(
      `attach it: \`az ml compute attach --resource-group rg-ml --workspace-name mlw --type Kubernetes --name k8s-prod --resource-id ${cluster.id} --identity-type SystemAssigned\`, or run this step with attachCluster: true`,
    );
    expect(preflight.attachable).toBe(true);
    // Not attachable when something else fails too: attaching would not make it deployable.
    expect(evaluatePreflight({ ...detached, extensions: [] }, names).attachable).toBe(false);
  });

  it('refuses a compute of another type or attached to another cluster', () => {
    expect(failing({ ...healthy, compute: { computeType: 'AmlCompute' } })[0]?.detail).toBe(
      "Compute 'k8s-prod' of workspace 'mlw' is AmlCompute, not a Kubernetes compute.",
    );
    const other =
      '/subscriptions/sub-1/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-test';
    const [wrong] = failing({ ...healthy, compute: { computeType: 'Kubernetes', resourceId: other } });
    expect(wrong?.detail).toBe(
      `Kubernetes compute 'k8s-prod' is attached to ${other}, not to ${cluster.id}.`,
    );
    expect(wrong?.fix).toContain(
      'az ml compute detach --resource-group rg-ml --workspace-name mlw --name k8s-prod',
    );
  });

  it('words the error with every failed check and its fix', () => {
    const { results } = evaluatePreflight(
      { ...healthy, clusterFound: { ...healthy.clusterFound!, powerState: 'Stopped' }, extensions: [] },
      names,
    );
    const message = preflightMessage(results, 'k8s-prod');
    expect(message.split('\n')).toEqual([
      "The AKS cluster is not ready for Kubernetes compute 'k8s-prod' (2 checks failed):",
      expect.stringMatching(
        /^- AKS cluster 'aks-prod' is Stopped, not Running\. Fix: start it: `az aks start /,
      ),
      expect.stringMatching(
        /^- AKS cluster 'aks-prod' has no Azure ML extension .* Fix: `az k8s-extension create /,
      ),
    ]);
  });
});
