import { assetName, isFullId } from '../../../azureml/asset-names';
import type { EnvironmentReference, FixedId } from '../../../azureml/references';
import { computeName, parseClusterId } from '../names';
import type { EndpointFile } from '../spec/endpoint-file';
import { finishDeploy, type DeploySources } from './deploy-sources';
import { finishMonitor, parseMonitorInputs } from './monitor';
import { checkDeploymentName, type DeployParse } from './parse';
import type {
  CommonConfig,
  DeploymentSettings,
  EndpointSettings,
  KubernetesSettings,
  OnlineDeployConfig,
} from './types';

/** The default VM size of a managed deployment when neither the inputs nor the YAML give one. */
const DEFAULT_MANAGED_INSTANCE_TYPE = 'Standard_DS3_v2';

/** Action deploy to an online endpoint (managed or Kubernetes): the endpoint and the deployment as they should be. */
export function parseOnlineDeploy(
  parse: DeployParse,
  common: CommonConfig & { readonly target: 'managed' | 'kubernetes' },
  sources: DeploySources,
): OnlineDeployConfig {
  const { inputs, shown, fail } = parse;
  const deploymentName = inputs.string('deploymentName') ?? sources.deploymentSpec?.name;
  const fileName = sources.deploymentSpec?.name;
  const notes = [...sources.notes];
  if (fileName !== undefined && deploymentName !== undefined && fileName !== deploymentName)
    notes.push(
      `${sources.deploymentSpec!.file}: 'name' ${fileName} is overridden by ${shown('deploymentName')} '${deploymentName}'.`,
    );
  if (sources.endpointName === undefined && sources.yamlRead)
    fail(
      'endpointName',
      `Input ${shown('endpointName')} is required: the online endpoint's name (or 'name' in the endpoint YAML, or 'endpoint_name' in the deployment YAML).`,
    );
  if (deploymentName === undefined && sources.yamlRead)
    fail(
      'deploymentName',
      `Input ${shown('deploymentName')} is required to deploy to an online endpoint, e.g. blue or green (or 'name' in the deployment YAML).`,
    );
  else if (deploymentName !== undefined) checkDeploymentName(parse, deploymentName);
  const { endpointSpec } = sources;
  let kubernetes: KubernetesSettings | undefined;
  if (common.target === 'kubernetes') kubernetes = parseKubernetes(parse, sources);
  else if (endpointSpec?.compute !== undefined)
    fail(
      'endpointFile',
      `${endpointSpec.file}: 'compute' is for Kubernetes online endpoints; ${shown('target')} is ${common.target}.`,
    );
  const monitor = parseMonitorInputs(
    parse,
    sources.deploymentSpec?.dataCollector,
    sources.deploymentSpec?.file,
  );
  finishDeploy(parse, sources);
  return {
    ...common,
    endpointName: sources.endpointName!,
    action: 'deploy',
    endpoint: endpointSettings(parse, endpointSpec),
    deployment: deploymentSettings(parse, common.target, deploymentName!, sources),
    ...(sources.trafficPercent !== undefined ? { trafficPercent: sources.trafficPercent } : {}),
    ...(sources.mirrorPercent !== undefined ? { mirrorPercent: sources.mirrorPercent } : {}),
    ...(kubernetes ? { kubernetes } : {}),
    rollbackOnFailure: inputs.boolean('rollbackOnFailure'),
    requireVerdict: sources.requireVerdict,
    timeoutGraceMinutes: inputs.number('timeoutGraceMinutes'),
    warnings: sources.warnings,
    notes,
    ...(monitor ? { monitor: finishMonitor(monitor) } : {}),
  };
}

/** The Kubernetes compute (input, else the endpoint YAML's `compute`) and the AKS cluster to check or attach. */
export function parseKubernetes(
  parse: DeployParse,
  sources: Pick<DeploySources, 'endpointSpec' | 'yamlRead'>,
): KubernetesSettings | undefined {
  const { inputs, shown, fail } = parse;
  const computeText = inputs.string('compute') ?? sources.endpointSpec?.compute;
  const clusterText = inputs.string('aksCluster');
  const cluster = clusterText === undefined ? undefined : parseClusterId(clusterText);
  if (clusterText !== undefined && !cluster)
    fail(
      'aksCluster',
      `Input ${shown('aksCluster')} must be the AKS cluster's resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name> (\`az aks show -g <group> -n <name> --query id -o tsv\`); got '${clusterText}'.`,
    );
  const attach = inputs.boolean('attachCluster');
  if (computeText === undefined && sources.yamlRead)
    fail(
      'compute',
      `Input ${shown('compute')} is required for target kubernetes: the name of the Kubernetes compute the AKS cluster is (or is to be) attached as in the workspace (or 'compute' in the endpoint YAML).`,
    );
  if (attach && clusterText === undefined)
    fail(
      'aksCluster',
      `Input ${shown('aksCluster')} is required with ${shown('attachCluster')}: the resource id of the AKS cluster to attach.`,
    );
  const name = computeText === undefined ? undefined : computeName(computeText);
  if (name !== undefined && !/^[A-Za-z][A-Za-z0-9-]{1,31}$/.test(name))
    fail(
      'compute',
      `Input ${shown('compute')} must be a compute name (2 to 32 letters, digits and '-', a letter first), got '${computeText}'.`,
    );
  return name === undefined ? undefined : { compute: name, ...(cluster ? { cluster } : {}), attach };
}

/** The endpoint as it should be: the endpoint YAML, with the `authMode` input over it. */
export function endpointSettings(
  parse: DeployParse,
  endpointSpec: EndpointFile | undefined,
): EndpointSettings {
  const authInput = parse.inputs.choice('authMode');
  return {
    authMode:
      authInput === 'aml_token'
        ? 'AMLToken'
        : authInput === 'key'
          ? 'Key'
          : (endpointSpec?.authMode ?? 'Key'),
    ...(endpointSpec?.description !== undefined ? { description: endpointSpec.description } : {}),
    tags: endpointSpec?.tags ?? {},
    properties: endpointSpec?.properties ?? {},
    ...(endpointSpec?.publicNetworkAccess ? { publicNetworkAccess: endpointSpec.publicNetworkAccess } : {}),
    ...(endpointSpec?.identity ? { identity: endpointSpec.identity } : {}),
  };
}

function deploymentSettings(
  parse: DeployParse,
  target: 'managed' | 'kubernetes',
  name: string,
  sources: DeploySources,
): DeploymentSettings {
  const { inputs } = parse;
  const { deploymentSpec, code, scoringScript } = sources;
  const environment = inputEnvironment(parse, sources.environmentText) ?? deploymentSpec?.environment;
  const instanceType =
    inputs.string('instanceType') ??
    deploymentSpec?.instanceType ??
    (target === 'managed' ? DEFAULT_MANAGED_INSTANCE_TYPE : undefined);
  const {
    file: _file,
    name: _name,
    endpointName: _endpointName,
    type: _type,
    typeLocation: _typeLocation,
    model: _model,
    warnings: _warnings,
    ...deploymentRest
  } = deploymentSpec ?? { environmentVariables: {}, tags: {}, properties: {} };
  return {
    ...deploymentRest,
    name,
    model: sources.model!,
    ...(code ? { code } : {}),
    ...(scoringScript !== undefined ? { scoringScript } : {}),
    ...(environment ? { environment } : {}),
    ...(instanceType !== undefined ? { instanceType } : {}),
    instanceCount: inputs.number('instanceCount') ?? deploymentSpec?.instanceCount ?? 1,
  };
}

/** The `environment` input as a reference: a full id used as is, or a workspace environment to resolve. */
function inputEnvironment(
  parse: DeployParse,
  text: string | undefined,
): EnvironmentReference | FixedId | undefined {
  if (text === undefined) return undefined;
  if (isFullId(text))
    return { kind: 'fixed', id: text.replace(/^azureml:(?=\/)/, ''), location: { file: 'environment' } };
  return {
    kind: 'environment',
    source: 'workspace',
    asset: assetName(text)!,
    key: `environment:${text}`,
    location: { file: parse.inputs.displayName('environment') },
  };
}
