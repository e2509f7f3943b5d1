/** The AKS pre-flight of a Kubernetes deployment against Azure: reads the facts, evaluates them, attaches the cluster. */
import type { ComputeResource } from '@azure/arm-machinelearning';
import {
  createContainerServiceClient,
  createKubernetesConfigurationClient,
  pollingOptions,
  waitForOperation,
} from '../../azure/arm-clients';
import { callAzure } from '../../azure/errors';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext } from '../../step/define';
import { AssertionFailure, AzureError } from '../../step/errors';
import {
  evaluatePreflight,
  preflightMessage,
  type CheckResult,
  type ClusterFacts,
  type ComputeFacts,
  type ExtensionFacts,
} from './aks-checks';
import type { KubernetesSettings } from './config';
import { parseClusterId, type ClusterRef } from './names';
import { orMissing } from './online';

export interface PreflightOutcome {
  /** ARM id of the workspace's Kubernetes compute (the endpoint's `compute`). */
  readonly computeId: string;
  readonly cluster?: ClusterRef;
  readonly results: readonly CheckResult[];
  /** The step attached the cluster. */
  readonly attached: boolean;
  /** Set when a check failed: every failed check with its fix. */
  readonly problem?: string;
}

/**
 * Checks the cluster behind `settings.compute` (or `settings.cluster`): it exists, succeeded, runs, has a managed
 * identity and the Azure ML extension with inference, and is attached as the compute; attaches it when asked and
 * only that is missing. Every failed check is reported at once with its fix (`problem`); a compute that cannot be
 * checked at all is an AssertionFailure.
 */
export async function checkKubernetes(
  settings: KubernetesSettings,
  session: WorkspaceSession,
  location: string,
  context: StepContext,
): Promise<PreflightOutcome> {
  const { ml, resourceGroup: rg, workspaceName: ws, workspaceId } = session;
  const { logger } = context;
  const computeId = `${workspaceId}/computes/${settings.compute}`;
  const compute = await orMissing(() =>
    session.call(`Reading compute '${settings.compute}'`, (o) =>
      ml.computeOperations.get(rg, ws, settings.compute, o),
    ),
  );
  const computeFacts: ComputeFacts | undefined = compute
    ? {
        ...(compute.properties?.computeType ? { computeType: compute.properties.computeType } : {}),
        ...(compute.properties?.resourceId ? { resourceId: compute.properties.resourceId } : {}),
        ...(compute.properties?.provisioningState
          ? { provisioningState: compute.properties.provisioningState }
          : {}),
      }
    : undefined;

  const cluster =
    settings.cluster ?? (computeFacts?.resourceId ? parseClusterId(computeFacts.resourceId) : undefined);
  if (!cluster) {
    if (!computeFacts) {
      throw new AssertionFailure(
        `Kubernetes compute '${settings.compute}' is not in workspace '${ws}'. Attach the AKS cluster: ` +
          `\`az ml compute attach --resource-group ${rg} --workspace-name ${ws} --type Kubernetes --name ${settings.compute} ` +
          `--resource-id <AKS cluster resource id> --identity-type SystemAssigned\`, or give aksCluster with attachCluster: true.`,
      );
    }
    if ((computeFacts.computeType ?? '').toLowerCase() !== 'kubernetes') {
      throw new AssertionFailure(
        `Compute '${settings.compute}' of workspace '${ws}' is ${computeFacts.computeType ?? 'of an unknown type'}, not a Kubernetes compute: name the compute the AKS cluster is attached as.`,
      );
    }
    // An Arc-enabled cluster (Microsoft.Kubernetes/connectedClusters) has no AKS checks.
    logger.warning(
      `Kubernetes compute '${settings.compute}' is attached to ${computeFacts.resourceId ?? 'an unknown cluster'}, not an AKS cluster: the AKS checks are skipped.`,
    );
    return {
      computeId,
      results: [
        {
          check: `attached as compute '${settings.compute}'`,
          ok: true,
          detail: computeFacts.resourceId ?? '',
        },
      ],
      attached: false,
    };
  }

  logger.startGroup(`Checking AKS cluster '${cluster.name}' for Kubernetes compute '${settings.compute}'`);
  try {
    const target = { cloud: session.access.cloud, subscriptionId: cluster.subscriptionId };
    const aks = createContainerServiceClient(session.credential, target, session.clientOptions);
    const found = await orMissing(() =>
      session.call(`Reading AKS cluster '${cluster.name}'`, (o) =>
        aks.managedClusters.get(cluster.resourceGroup, cluster.name, o),
      ),
    );
    const clusterFacts: ClusterFacts | undefined = found
      ? {
          ...(found.provisioningState ? { provisioningState: found.provisioningState } : {}),
          ...(found.powerState?.code ? { powerState: found.powerState.code } : {}),
          ...(found.identity?.type ? { identityType: found.identity.type } : {}),
          ...(found.servicePrincipalProfile?.clientId
            ? { servicePrincipalClientId: found.servicePrincipalProfile.clientId }
            : {}),
        }
      : undefined;
    const extensions: ExtensionFacts[] = [];
    if (found) {
      const client = createKubernetesConfigurationClient(session.credential, target, session.clientOptions);
      await callAzure(session.about(`Listing the extensions of AKS cluster '${cluster.name}'`), async () => {
        for await (const extension of client.extensions.list(
          cluster.resourceGroup,
          'Microsoft.ContainerService',
          'managedClusters',
          cluster.name,
          { abortSignal: context.signal },
        )) {
          extensions.push({
            name: extension.name ?? '',
            extensionType: extension.extensionType ?? '',
            ...(extension.provisioningState ? { provisioningState: extension.provisioningState } : {}),
            configurationSettings: Object.fromEntries(
              Object.entries(extension.configurationSettings ?? {}).map(([k, v]) => [k, String(v ?? '')]),
            ),
          });
        }
      });
    }
    const preflight = evaluatePreflight(
      {
        cluster,
        ...(clusterFacts ? { clusterFound: clusterFacts } : {}),
        extensions,
        ...(computeFacts ? { compute: computeFacts } : {}),
      },
      { resourceGroup: rg, workspaceName: ws, compute: settings.compute },
    );
    for (const result of preflight.results)
      logger.info(
        `${result.ok ? 'ok' : 'FAILED'}: ${result.check}${result.ok ? ` (${result.detail})` : ` — ${result.detail}`}`,
      );
    if (preflight.results.every((r) => r.ok))
      return { computeId, cluster, results: preflight.results, attached: false };
    if (!(preflight.attachable && settings.attach))
      return {
        computeId,
        cluster,
        results: preflight.results,
        attached: false,
        problem: preflightMessage(preflight.results, settings.compute),
      };

    const body: ComputeResource = {
      location,
      properties: {
        computeType: 'Kubernetes',
        resourceId: cluster.id,
        description: `AKS cluster ${cluster.name}, attached by the Azure ML deploy step`,
      },
      identity: { type: 'SystemAssigned' },
    };
    const poller = await session.call(
      `Attaching AKS cluster '${cluster.name}' as compute '${settings.compute}'`,
      (o) =>
        ml.computeOperations.beginCreateOrUpdate(rg, ws, settings.compute, body, {
          ...o,
          ...pollingOptions(2_000),
        }),
    );
    const attached = await callAzure(session.about(`Attaching compute '${settings.compute}'`), () =>
      waitForOperation(
        poller,
        `Attaching AKS cluster '${cluster.name}' as compute '${settings.compute}'`,
        logger,
        {
          signal: context.signal,
        },
      ),
    );
    if (attached.properties?.provisioningState && attached.properties.provisioningState !== 'Succeeded')
      throw new AzureError(
        `Attaching AKS cluster '${cluster.name}' as compute '${settings.compute}' ended ${attached.properties.provisioningState}.`,
        'ComputeAttachFailed',
      );
    const results = preflight.results.map((r) =>
      r.ok ? r : { check: r.check, ok: true, detail: `attached now as compute '${settings.compute}'` },
    );
    return { computeId: attached.id ?? computeId, cluster, results, attached: true };
  } finally {
    logger.endGroup();
  }
}
