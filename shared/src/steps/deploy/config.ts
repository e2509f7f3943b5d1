import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { WorkspaceRef } from '../../azureml/workspace-session';
import type { ParseContext } from '../../step/define';
import { collectInputErrors, DataError, formatLocation, InputError, InputErrors } from '../../step/errors';
import { YamlErrors } from '../../yaml/problems';
import { existingFile, givenPath } from '../../step/input-paths';
import type { InputName } from '../../step/input-types';
import type { StepInputs } from '../../step/inputs';
import type { CodeReference, EnvironmentReference, FixedId } from '../../azureml/references';
import { assetName, isFullId } from '../../azureml/asset-names';
import { workspaceRef } from '../workspace-inputs';
import {
  computeName,
  CONTAINER_GROUP_NAME,
  DEPLOYMENT_NAME,
  DNS_LABEL,
  ENDPOINT_NAME,
  parseClusterId,
  parseModelId,
  type ClusterRef,
  type ModelRef,
} from './names';
import { loadDeploymentFile, type DeploymentFile } from './spec/deployment-file';
import { loadEndpointFile, type AuthMode, type EndpointIdentity } from './spec/endpoint-file';
import type { deployManifest } from './manifest';
import { parseTraffic, type Traffic } from './traffic';

type DeployInputs = StepInputs<typeof deployManifest>;
/** A deploy input's name. */
export type DeployInput = InputName<typeof deployManifest>;

export type Target = 'managed' | 'kubernetes' | 'aci';

/** The online endpoint as it should be (the YAML, with the inputs over it). */
export interface EndpointSettings {
  readonly authMode: AuthMode;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly identity?: EndpointIdentity;
}

/** The online deployment as it should be (the YAML, with the inputs over it). */
export type DeploymentSettings = Omit<
  DeploymentFile,
  'file' | 'name' | 'endpointName' | 'type' | 'typeLocation' | 'model' | 'warnings'
> & {
  readonly name: string;
  readonly model: ModelRef;
  readonly instanceCount: number;
};

/** The Kubernetes side of a `kubernetes` deploy: the workspace compute and the AKS cluster behind it. */
export interface KubernetesSettings {
  readonly compute: string;
  /** Checked before deploying; when not given, the cluster the compute is attached to. */
  readonly cluster?: ClusterRef;
  readonly attach: boolean;
}

interface Common {
  readonly workspace: WorkspaceRef;
  readonly target: Target;
  readonly endpointName: string;
  readonly timeoutMinutes: number;
  /** Input names as the user wrote them on their host, for messages. */
  readonly shown: (input: DeployInput) => string;
}

export interface OnlineDeployConfig extends Common {
  readonly action: 'deploy';
  readonly target: 'managed' | 'kubernetes';
  readonly endpoint: EndpointSettings;
  readonly deployment: DeploymentSettings;
  readonly trafficPercent?: number;
  readonly mirrorPercent?: number;
  readonly kubernetes?: KubernetesSettings;
  readonly rollbackOnFailure: boolean;
  /** From the YAML files: keys read and not used, with their file:line:column. */
  readonly warnings: readonly string[];
}

export interface AciDeployConfig extends Common {
  readonly action: 'deploy';
  readonly target: 'aci';
  readonly model: ModelRef;
  /** The local scoring code folder and the script in it. */
  readonly codePath: string;
  readonly scoringScript: string;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly cpu: number;
  readonly memoryGb: number;
  readonly dnsLabel?: string;
  readonly rollbackOnFailure: boolean;
  readonly warnings: readonly string[];
}

export interface SetTrafficConfig extends Common {
  readonly action: 'set-traffic';
  readonly target: 'managed' | 'kubernetes';
  readonly traffic: Traffic;
}

export interface DeleteDeploymentConfig extends Common {
  readonly action: 'delete-deployment';
  /** Absent for `aci`: the container group is the endpoint. */
  readonly deploymentName?: string;
}

export type DeployConfig = OnlineDeployConfig | AciDeployConfig | SetTrafficConfig | DeleteDeploymentConfig;

/** The default VM size of a managed deployment when neither the inputs nor the YAML give one. */
export const DEFAULT_MANAGED_INSTANCE_TYPE = 'Standard_DS3_v2';

/** Validates the inputs and reads the endpoint and deployment YAML (file:line:column errors); no network. */
export function parseDeployConfig(inputs: DeployInputs, context: ParseContext): DeployConfig {
  const errors: InputError[] = [];
  const shown = (name: DeployInput) => `'${inputs.displayName(name)}'`;
  const fail = (input: string, message: string) => errors.push(new InputError(input, message));
  const action = inputs.choice('action');
  const target = inputs.choice('target');
  const endpointName = inputs.requiredString('endpointName');
  const timeoutMinutes = inputs.number('timeoutMinutes');

  if (target === 'aci') {
    if (!CONTAINER_GROUP_NAME.test(endpointName))
      fail(
        'endpointName',
        `Input ${shown('endpointName')} names the ACI container group: 1 to 63 lowercase letters, digits and '-', no '-' at either end; got '${endpointName}'.`,
      );
  } else if (!ENDPOINT_NAME.test(endpointName)) {
    fail(
      'endpointName',
      `Input ${shown('endpointName')} must be an online endpoint name: 3 to 32 letters, digits and '-', a letter first and no '-' at the end; got '${endpointName}'.`,
    );
  }
  const common = {
    workspace: workspaceRef(inputs),
    target,
    endpointName,
    timeoutMinutes,
    shown: (input: DeployInput) => inputs.displayName(input),
  };

  // Inputs that belong to another action or target are refused rather than silently ignored.
  const notFor = (input: DeployInput, why: string) => {
    if (given(inputs, input)) fail(input, `Input ${shown(input)} ${why}.`);
  };
  if (action !== 'set-traffic')
    notFor(
      'traffic',
      `is for action set-traffic; to give a new deployment its share use ${shown('trafficPercent')}`,
    );
  if (action !== 'deploy') {
    for (const input of [
      'trafficPercent',
      'mirrorPercent',
      'modelId',
      'codePath',
      'scoringScript',
      'deploymentFile',
    ] as const)
      notFor(input, `is for action deploy`);
  }
  if (target !== 'kubernetes') {
    notFor('compute', 'is for target kubernetes (the workspace compute the AKS cluster is attached as)');
    notFor('aksCluster', 'is for target kubernetes');
    if (inputs.boolean('attachCluster'))
      fail('attachCluster', `Input ${shown('attachCluster')} is for target kubernetes.`);
  }
  if (target !== 'aci') notFor('aciDnsLabel', 'is for target aci');

  switch (action) {
    case 'set-traffic': {
      if (target === 'aci')
        fail(
          'target',
          `Action set-traffic is for online endpoints: an ACI container group has no traffic split.`,
        );
      let traffic: Traffic = {};
      const text = inputs.string('traffic');
      if (text === undefined)
        fail(
          'traffic',
          `Input ${shown('traffic')} is required for action set-traffic, e.g. 'blue=0,green=100'.`,
        );
      else collectInputErrors(errors, () => (traffic = parseTraffic(text, inputs.displayName('traffic'))));
      // Target aci was refused above; saying so again lets the compiler narrow it.
      if (errors.length > 0 || target === 'aci') throw new InputErrors(errors);
      return { ...common, action, target, traffic };
    }
    case 'delete-deployment': {
      const deploymentName = inputs.string('deploymentName');
      if (target !== 'aci') {
        if (deploymentName === undefined)
          fail(
            'deploymentName',
            `Input ${shown('deploymentName')} is required for action delete-deployment: which deployment of '${endpointName}' to delete.`,
          );
        else checkDeploymentName(deploymentName, shown, fail);
      } else if (deploymentName !== undefined) {
        fail(
          'deploymentName',
          `Input ${shown('deploymentName')} is not used with target aci: the container group '${endpointName}' is deleted.`,
        );
      }
      throwIfAny(errors);
      return {
        ...common,
        action,
        ...(deploymentName !== undefined && target !== 'aci' ? { deploymentName } : {}),
      };
    }
    default:
      break;
  }

  // ---- deploy -------------------------------------------------------------------------------------------------
  const endpointFile = existingFile(inputs, 'endpointFile', context, errors);
  const deploymentFile = existingFile(inputs, 'deploymentFile', context, errors);
  const codePath = givenPath(inputs, 'codePath', context);
  if (codePath !== undefined && (!existsSync(codePath) || !statSync(codePath).isDirectory()))
    fail(
      'codePath',
      `Input ${shown('codePath')}: folder '${inputs.string('codePath')}' not found (looked in ${context.workspaceDir}).`,
    );
  const trafficPercent = inputs.number('trafficPercent');
  const mirrorPercent = inputs.number('mirrorPercent');
  if (target === 'aci') {
    notFor('trafficPercent', 'is for online endpoints: an ACI container group has no traffic split');
    notFor('mirrorPercent', 'is for online endpoints: an ACI container group has no traffic split');
    notFor('endpointFile', 'is for online endpoints (targets managed and kubernetes)');
  }
  if (target === 'kubernetes' && mirrorPercent !== undefined && mirrorPercent > 0)
    fail(
      'mirrorPercent',
      `Input ${shown('mirrorPercent')}: Azure ML does not mirror traffic on Kubernetes online endpoints (managed endpoints only); leave it empty.`,
    );
  if ((trafficPercent ?? 0) > 0 && (mirrorPercent ?? 0) > 0)
    fail(
      'mirrorPercent',
      `Inputs ${shown('trafficPercent')} and ${shown('mirrorPercent')}: a deployment cannot get live and mirrored traffic at once; mirror to it at ${shown('trafficPercent')} 0.`,
    );
  const modelText = inputs.string('modelId');
  const inputModel = modelText === undefined ? undefined : parseModelId(modelText);
  if (modelText !== undefined && !inputModel)
    fail(
      'modelId',
      `Input ${shown('modelId')} must be a registered model version, azureml:<name>:<version> (e.g. azureml:rain:3), got '${modelText}'.`,
    );
  const environmentText = inputs.string('environment');
  if (environmentText !== undefined && !assetName(environmentText) && !isFullId(environmentText))
    fail(
      'environment',
      `Input ${shown('environment')} must be azureml:<name>:<version>, azureml:<name>@latest, or an environment's ARM or azureml://registries/... id; got '${environmentText}'.`,
    );

  // The YAML files are read even when an input is wrong, so that every input problem is reported at once; their
  // own problems (file:line:column) are reported once the inputs are right. An input the YAML may give is only
  // required when the YAML could be read.
  const yamlProblems: DataError[] = [];
  const load = <T>(file: string | undefined, read: (file: string) => T): T | undefined => {
    if (file === undefined) return undefined;
    try {
      return read(file);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      yamlProblems.push(...(error instanceof YamlErrors ? error.errors : [error]));
      return undefined;
    }
  };
  const endpointSpec = load(endpointFile, loadEndpointFile);
  const deploymentSpec = load(deploymentFile, loadDeploymentFile);
  const yamlRead = yamlProblems.length === 0;
  const finish = () => {
    throwIfAny(errors);
    if (yamlProblems.length > 0) throw new YamlErrors(yamlProblems);
  };
  const warnings = [...(endpointSpec?.warnings ?? []), ...(deploymentSpec?.warnings ?? [])];
  if (endpointSpec?.name !== undefined && endpointSpec.name !== endpointName)
    warnings.push(
      `${endpointSpec.file}: 'name' ${endpointSpec.name} is overridden by ${shown('endpointName')} '${endpointName}'.`,
    );
  if (deploymentSpec?.endpointName !== undefined && deploymentSpec.endpointName !== endpointName)
    warnings.push(
      `${deploymentSpec.file}: 'endpoint_name' ${deploymentSpec.endpointName} is overridden by ${shown('endpointName')} '${endpointName}'.`,
    );
  if (deploymentSpec?.type !== undefined && deploymentSpec.type !== target && target !== 'aci') {
    const where = deploymentSpec.typeLocation ? `${formatLocation(deploymentSpec.typeLocation)}: ` : '';
    fail(
      'target',
      `${where}the deployment YAML is of type ${deploymentSpec.type} but ${shown('target')} is ${target}: make them agree.`,
    );
  }

  const model = inputModel ?? deploymentSpec?.model;
  if (!model && yamlRead && modelText === undefined)
    fail(
      'modelId',
      `Input ${shown('modelId')} is required to deploy: the registered model version, azureml:<name>:<version> (or 'model' in the deployment YAML).`,
    );

  // Code: the input folder wins over the YAML's code_configuration; the script may come from either.
  const scoringScript = inputs.string('scoringScript') ?? deploymentSpec?.scoringScript;
  let code: CodeReference | FixedId | undefined = deploymentSpec?.code;
  if (codePath !== undefined)
    code = {
      kind: 'code',
      source: 'local',
      path: codePath,
      isFile: false,
      key: `code:${codePath}`,
      location: { file: codePath },
    };
  if (code && scoringScript === undefined)
    fail(
      'scoringScript',
      `Input ${shown('scoringScript')} is required with ${shown('codePath')}: the scoring script in that folder (init() and run(raw)).`,
    );
  if (!code && given(inputs, 'scoringScript'))
    fail(
      'codePath',
      `Input ${shown('codePath')} is required with ${shown('scoringScript')}: the folder holding the script.`,
    );
  if (code?.kind === 'code' && code.source === 'local' && scoringScript !== undefined) {
    const script = path.resolve(code.path, scoringScript);
    if (!existsSync(script) || !statSync(script).isFile())
      fail(
        'scoringScript',
        `Input ${shown('scoringScript')}: '${scoringScript}' is not a file in the code folder ${code.path}.`,
      );
  }

  if (target === 'aci') {
    if (yamlRead && (!code || code.kind !== 'code' || code.source !== 'local'))
      fail(
        'codePath',
        `Input ${shown('codePath')} is required for target aci: the local folder holding the scoring script (with ${shown('scoringScript')}).`,
      );
    for (const input of ['environment', 'instanceType', 'instanceCount', 'deploymentName'] as const)
      if (given(inputs, input)) warnings.push(`Input ${shown(input)} is not used by target aci.`);
    if (deploymentSpec)
      warnings.push(
        `${deploymentSpec.file}: target aci uses only its model, code_configuration and environment_variables.`,
      );
    const dnsLabel = inputs.string('aciDnsLabel');
    if (dnsLabel !== undefined && !DNS_LABEL.test(dnsLabel))
      fail(
        'aciDnsLabel',
        `Input ${shown('aciDnsLabel')} must be 5 to 63 lowercase letters, digits and '-', a letter first; got '${dnsLabel}'.`,
      );
    finish();
    const local = code as Extract<CodeReference, { source: 'local' }>;
    return {
      ...common,
      action: 'deploy',
      target: 'aci',
      model: model!,
      codePath: local.path,
      scoringScript: scoringScript!,
      environmentVariables: deploymentSpec?.environmentVariables ?? {},
      cpu: inputs.number('aciCpu'),
      memoryGb: inputs.number('aciMemoryGb'),
      ...(dnsLabel !== undefined ? { dnsLabel } : {}),
      rollbackOnFailure: inputs.boolean('rollbackOnFailure'),
      warnings,
    };
  }

  const deploymentName = inputs.string('deploymentName') ?? deploymentSpec?.name;
  if (deploymentName === undefined && yamlRead)
    fail(
      'deploymentName',
      `Input ${shown('deploymentName')} is required to deploy to an online endpoint, e.g. blue or green (or 'name' in the deployment YAML).`,
    );
  else if (deploymentName !== undefined) checkDeploymentName(deploymentName, shown, fail);

  let kubernetes: KubernetesSettings | undefined;
  if (target === 'kubernetes') {
    const computeText = inputs.string('compute') ?? endpointSpec?.compute;
    const clusterText = inputs.string('aksCluster');
    const cluster = clusterText === undefined ? undefined : parseClusterId(clusterText);
    if (clusterText !== undefined && !cluster)
      fail(
        'aksCluster',
        `Input ${shown('aksCluster')} must be the AKS cluster's resource id, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name> (\`az aks show -g <group> -n <name> --query id -o tsv\`); got '${clusterText}'.`,
      );
    const attach = inputs.boolean('attachCluster');
    if (computeText === undefined && yamlRead)
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
    if (name !== undefined) kubernetes = { compute: name, ...(cluster ? { cluster } : {}), attach };
  } else if (endpointSpec?.compute !== undefined) {
    fail(
      'endpointFile',
      `${endpointSpec.file}: 'compute' is for Kubernetes online endpoints; ${shown('target')} is ${target}.`,
    );
  }
  finish();

  const inputEnvironment: EnvironmentReference | FixedId | undefined =
    environmentText === undefined
      ? undefined
      : isFullId(environmentText)
        ? {
            kind: 'fixed',
            id: environmentText.replace(/^azureml:(?=\/)/, ''),
            location: { file: 'environment' },
          }
        : {
            kind: 'environment',
            source: 'workspace',
            asset: assetName(environmentText)!,
            key: `environment:${environmentText}`,
            location: { file: inputs.displayName('environment') },
          };
  const authInput = inputs.choice('authMode');
  const environment = inputEnvironment ?? deploymentSpec?.environment;
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
    ...common,
    action: 'deploy',
    target,
    endpoint: {
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
    },
    deployment: {
      ...deploymentRest,
      name: deploymentName!,
      model: model!,
      ...(code ? { code } : {}),
      ...(scoringScript !== undefined ? { scoringScript } : {}),
      ...(environment ? { environment } : {}),
      ...(instanceType !== undefined ? { instanceType } : {}),
      instanceCount: inputs.number('instanceCount') ?? deploymentSpec?.instanceCount ?? 1,
    },
    ...(trafficPercent !== undefined ? { trafficPercent } : {}),
    ...(mirrorPercent !== undefined ? { mirrorPercent } : {}),
    ...(kubernetes ? { kubernetes } : {}),
    rollbackOnFailure: inputs.boolean('rollbackOnFailure'),
    warnings,
  };
}

function checkDeploymentName(
  name: string,
  shown: (name: DeployInput) => string,
  fail: (input: string, message: string) => void,
): void {
  if (!DEPLOYMENT_NAME.test(name))
    fail(
      'deploymentName',
      `Input ${shown('deploymentName')} must be a deployment name: 3 to 32 letters, digits and '-', a letter first and no '-' at the end; got '${name}'.`,
    );
}

/** Whether the user gave the input (defaults count too: only ask about inputs the manifest gives no default). */
function given(inputs: DeployInputs, name: DeployInput): boolean {
  return name in inputs.publicValues();
}

function throwIfAny(errors: InputError[]): void {
  if (errors.length > 0) throw new InputErrors(errors);
}
