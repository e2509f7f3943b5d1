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
  /** A dry run: the compute body that attaching the cluster would PUT (nothing was attached). */
  readonly wouldAttach?: ComputeResource;
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
  dryRun = false,
): Promise<PreflightOutcome> {
  const { logger } = context;
  const computeId = `${session.workspaceId}/computes/${settings.compute}`;
  const computeFacts = await readCompute(settings, session);
  const cluster =
    settings.cluster ?? (computeFacts?.resourceId ? parseClusterId(computeFacts.resourceId) : undefined);
  if (!cluster) return notAks(settings, session, computeFacts, computeId, context);

  logger.startGroup(`Checking AKS cluster '${cluster.name}' for Kubernetes compute '${settings.compute}'`);
  try {
    const { clusterFacts, extensions } = await readCluster(session, cluster, context);
    const preflight = evaluatePreflight(
      {
        cluster,
        ...(clusterFacts ? { clusterFound: clusterFacts } : {}),
        extensions,
        ...(computeFacts ? { compute: computeFacts } : {}),
      },
      {
        resourceGroup: session.resourceGroup,
        workspaceName: session.workspaceName,
        compute: settings.compute,
      },
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
    if (dryRun) {
      const wouldAttach = attachBody(cluster, location);
      const results = preflight.results.map((r) =>
        r.ok ? r : { check: r.check, ok: true, detail: `would be attached as compute '${settings.compute}'` },
      );
      return { computeId, cluster, results, attached: false, wouldAttach };
    }
    const attachedId = await attachCluster(settings, session, cluster, location, context);
    const results = preflight.results.map((r) =>
      r.ok ? r : { check: r.check, ok: true, detail: `attached now as compute '${settings.compute}'` },
    );
    return { computeId: attachedId ?? computeId, cluster, results, attached: true };
  } finally {
    logger.endGroup();
  }
}

async function readCompute(
  settings: KubernetesSettings,
  session: WorkspaceSession,
): Promise<ComputeFacts | undefined> {
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const compute = await orMissing(() =>
    session.call(`Reading compute '${settings.compute}'`, (o) =>
      ml.computeOperations.get(rg, ws, settings.compute, o),
    ),
  );
  return compute
    ? {
        ...(compute.properties?.computeType ? { computeType: compute.properties.computeType } : {}),
        ...(compute.properties?.resourceId ? { resourceId: compute.properties.resourceId } : {}),
        ...(compute.properties?.provisioningState
          ? { provisioningState: compute.properties.provisioningState }
          : {}),
      }
    : undefined;
}

/** A compute with no AKS cluster behind it: refused when missing or not Kubernetes; an Arc cluster is not checked. */
function notAks(
  settings: KubernetesSettings,
  session: WorkspaceSession,
  computeFacts: ComputeFacts | undefined,
  computeId: string,
  context: StepContext,
): PreflightOutcome {
  const { resourceGroup: rg, workspaceName: ws } = session;
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
  context.logger.warning(
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

/** The AKS cluster's facts and its extensions (none when the cluster is not found). */
async function readCluster(session: WorkspaceSession, cluster: ClusterRef, context: StepContext) {
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
  if (!found) return { clusterFacts, extensions };
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
  return { clusterFacts, extensions };
}

/** The compute that attaches the cluster to the workspace. */
function attachBody(cluster: ClusterRef, location: string): ComputeResource {
  return {
    location,
    properties: {
      computeType: 'Kubernetes',
      resourceId: cluster.id,
      description: `AKS cluster ${cluster.name}, attached by the Azure ML deploy step`,
    },
    identity: { type: 'SystemAssigned' },
  };
}

/** Attaches the cluster as the workspace's Kubernetes compute; returns the compute's ARM id. */
async function attachCluster(
  settings: KubernetesSettings,
  session: WorkspaceSession,
  cluster: ClusterRef,
  location: string,
  context: StepContext,
): Promise<string | undefined> {
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  const body = attachBody(cluster, location);
  const what = `Attaching AKS cluster '${cluster.name}' as compute '${settings.compute}'`;
  const poller = await session.call(what, (o) =>
    ml.computeOperations.beginCreateOrUpdate(rg, ws, settings.compute, body, {
      ...o,
      ...pollingOptions(2_000),
    }),
  );
  const attached = await callAzure(session.about(`Attaching compute '${settings.compute}'`), () =>
    waitForOperation(poller, what, context.logger, { signal: context.signal }),
  );
  if (attached.properties?.provisioningState && attached.properties.provisioningState !== 'Succeeded')
    throw new AzureError(`${what} ended ${attached.properties.provisioningState}.`, 'ComputeAttachFailed');
  return attached.id;
}
