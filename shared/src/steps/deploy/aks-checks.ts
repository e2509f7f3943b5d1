/**
 * The AKS pre-flight of a Kubernetes deployment, pure: from what ARM said about the cluster, its extensions and the
 * workspace compute, which checks pass and, for each that fails, the exact command that fixes it.
 */
import type { ClusterRef } from './names';
import { sameId } from './names';

export const AZURE_ML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';

/** What ARM said about the cluster (undefined: 404). */
export interface ClusterFacts {
  readonly provisioningState?: string;
  readonly powerState?: string;
  /** `SystemAssigned`, `UserAssigned`, or undefined when the cluster uses a service principal. */
  readonly identityType?: string;
  /** `msi` when the cluster uses a managed identity; a client id when it uses a service principal. */
  readonly servicePrincipalClientId?: string;
}

export interface ExtensionFacts {
  readonly name: string;
  readonly extensionType: string;
  readonly provisioningState?: string;
  readonly configurationSettings: Readonly<Record<string, string>>;
}

/** The workspace compute as ARM returned it (undefined: 404). */
export interface ComputeFacts {
  readonly computeType?: string;
  readonly resourceId?: string;
  readonly provisioningState?: string;
}

export interface PreflightFacts {
  readonly cluster: ClusterRef;
  readonly clusterFound?: ClusterFacts;
  readonly extensions: readonly ExtensionFacts[];
  readonly compute?: ComputeFacts;
}

export interface PreflightNames {
  readonly resourceGroup: string;
  readonly workspaceName: string;
  readonly compute: string;
}

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  /** What was found (ok) or what is wrong (not ok). */
  readonly detail: string;
  /** The exact command (or portal step) that fixes it. */
  readonly fix?: string;
}

export interface Preflight {
  readonly results: readonly CheckResult[];
  /** Only the attachment is missing: with attachCluster the step attaches the cluster itself. */
  readonly attachable: boolean;
}

/** Evaluates every check (the cluster's own checks stop at a missing cluster). */
export function evaluatePreflight(facts: PreflightFacts, names: PreflightNames): Preflight {
  const { cluster } = facts;
  const aks = `--resource-group ${cluster.resourceGroup} --name ${cluster.name}`;
  const subscription = ` --subscription ${cluster.subscriptionId}`;
  const results: CheckResult[] = [];
  const found = facts.clusterFound;
  if (!found) {
    results.push({
      check: 'AKS cluster exists',
      ok: false,
      detail: `AKS cluster '${cluster.name}' was not found in resource group '${cluster.resourceGroup}' of subscription ${cluster.subscriptionId}.`,
      fix: `check the resource id (\`az aks list --query "[].id" -o tsv${subscription}\`) and that the identity can read it`,
    });
    return { results, attachable: false };
  }
  results.push({ check: 'AKS cluster exists', ok: true, detail: cluster.id });

  const state = found.provisioningState ?? 'unknown';
  results.push(
    state === 'Succeeded'
      ? { check: 'provisioning succeeded', ok: true, detail: state }
      : state === 'Failed'
        ? {
            check: 'provisioning succeeded',
            ok: false,
            detail: `AKS cluster '${cluster.name}' is in provisioning state Failed.`,
            fix: `reconcile it with \`az aks update ${aks}${subscription}\` (see \`az aks show ${aks} --query provisioningState\`)`,
          }
        : {
            check: 'provisioning succeeded',
            ok: false,
            detail: `AKS cluster '${cluster.name}' is ${state}, not Succeeded.`,
            fix: `wait for it (\`az aks wait ${aks}${subscription} --updated\`) and run the step again`,
          },
  );

  const power = found.powerState ?? 'unknown';
  results.push(
    power === 'Running'
      ? { check: 'running', ok: true, detail: 'power state Running' }
      : {
          check: 'running',
          ok: false,
          detail: `AKS cluster '${cluster.name}' is ${power === 'unknown' ? 'in an unknown power state' : power}, not Running.`,
          fix: `start it: \`az aks start ${aks}${subscription}\``,
        },
  );

  const managed =
    found.identityType !== undefined &&
    found.identityType !== 'None' &&
    (found.servicePrincipalClientId === undefined || found.servicePrincipalClientId === 'msi');
  results.push(
    managed
      ? { check: 'managed identity', ok: true, detail: `${found.identityType} identity` }
      : {
          check: 'managed identity',
          ok: false,
          detail: `AKS cluster '${cluster.name}' uses a service principal, not a managed identity (Azure ML's Kubernetes extension needs one).`,
          fix: `\`az aks update ${aks}${subscription} --enable-managed-identity\``,
        },
  );

  results.push(extensionCheck(facts.extensions, cluster, subscription));
  const attachment = attachmentCheck(facts, names);
  results.push(attachment);
  const failing = results.filter((r) => !r.ok);
  return {
    results,
    attachable: failing.length === 1 && failing[0] === attachment && facts.compute === undefined,
  };
}

function extensionCheck(
  extensions: readonly ExtensionFacts[],
  cluster: ClusterRef,
  subscription: string,
): CheckResult {
  const where = `--cluster-type managedClusters --cluster-name ${cluster.name} --resource-group ${cluster.resourceGroup}${subscription}`;
  const check = 'Azure ML extension with inference';
  const extension = extensions.find(
    (e) => e.extensionType.toLowerCase() === AZURE_ML_EXTENSION_TYPE.toLowerCase(),
  );
  if (!extension) {
    return {
      check,
      ok: false,
      detail: `AKS cluster '${cluster.name}' has no Azure ML extension (${AZURE_ML_EXTENSION_TYPE}).`,
      fix:
        `\`az k8s-extension create --name azureml --extension-type ${AZURE_ML_EXTENSION_TYPE} --scope cluster ${where} ` +
        '--config enableInference=True inferenceRouterServiceType=LoadBalancer allowInsecureConnections=False ' +
        'sslCname=<your scoring host> --config-protected sslCertPemFile=<cert.pem> sslKeyPemFile=<key.pem>` ' +
        '(for a test cluster without TLS: allowInsecureConnections=True instead of the ssl settings)',
    };
  }
  if ((extension.provisioningState ?? 'Succeeded') !== 'Succeeded') {
    return {
      check,
      ok: false,
      detail: `The Azure ML extension '${extension.name}' of AKS cluster '${cluster.name}' is ${extension.provisioningState}, not Succeeded.`,
      fix: `see \`az k8s-extension show --name ${extension.name} ${where}\`; when it failed, delete it (\`az k8s-extension delete --name ${extension.name} ${where}\`) and create it again`,
    };
  }
  const setting = Object.entries(extension.configurationSettings).find(
    ([key]) => key.toLowerCase() === 'enableinference',
  );
  if (!setting || setting[1].toLowerCase() !== 'true') {
    return {
      check,
      ok: false,
      detail: `The Azure ML extension '${extension.name}' of AKS cluster '${cluster.name}' does not enable inference (enableInference is ${setting ? `'${setting[1]}'` : 'not set'}).`,
      fix: `\`az k8s-extension update --name ${extension.name} ${where} --config enableInference=True inferenceRouterServiceType=LoadBalancer\``,
    };
  }
  return { check, ok: true, detail: `extension '${extension.name}', enableInference=True` };
}

function attachmentCheck(facts: PreflightFacts, names: PreflightNames): CheckResult {
  const { cluster, compute } = facts;
  const check = `attached as compute '${names.compute}'`;
  const ws = `--resource-group ${names.resourceGroup} --workspace-name ${names.workspaceName}`;
  const attach = `\`az ml compute attach ${ws} --type Kubernetes --name ${names.compute} --resource-id ${cluster.id} --identity-type SystemAssigned\``;
  if (!compute) {
    return {
      check,
      ok: false,
      detail: `AKS cluster '${cluster.name}' is not attached to workspace '${names.workspaceName}' as Kubernetes compute '${names.compute}'.`,
      fix: `attach it: ${attach}, or run this step with attachCluster: true`,
    };
  }
  if ((compute.computeType ?? '').toLowerCase() !== 'kubernetes') {
    return {
      check,
      ok: false,
      detail: `Compute '${names.compute}' of workspace '${names.workspaceName}' is ${compute.computeType ?? 'of an unknown type'}, not a Kubernetes compute.`,
      fix: `name another compute for the cluster and attach it: ${attach.replace(`--name ${names.compute}`, '--name <new name>')}`,
    };
  }
  if (!sameId(compute.resourceId, cluster.id)) {
    return {
      check,
      ok: false,
      detail: `Kubernetes compute '${names.compute}' is attached to ${compute.resourceId ?? 'no cluster'}, not to ${cluster.id}.`,
      fix: `name the compute this cluster is attached as, or detach '${names.compute}' (\`az ml compute detach ${ws} --name ${names.compute}\`) and attach the cluster: ${attach}`,
    };
  }
  if ((compute.provisioningState ?? 'Succeeded') !== 'Succeeded') {
    return {
      check,
      ok: false,
      detail: `Kubernetes compute '${names.compute}' is ${compute.provisioningState}, not Succeeded.`,
      fix: `detach it (\`az ml compute detach ${ws} --name ${names.compute}\`) and attach it again: ${attach}`,
    };
  }
  return { check, ok: true, detail: `compute '${names.compute}'` };
}

/** The error text of a failed pre-flight: every failed check with its fix. */
export function preflightMessage(results: readonly CheckResult[], compute: string): string {
  const failed = results.filter((r) => !r.ok);
  return [
    `The AKS cluster is not ready for Kubernetes compute '${compute}' (${failed.length} check${failed.length === 1 ? '' : 's'} failed):`,
    ...failed.map((r) => `- ${r.detail}${r.fix ? ` Fix: ${r.fix}.` : ''}`),
  ].join('\n');
}
