import type { CodeReference } from '../../../azureml/references';
import { DNS_LABEL, type ModelRef } from '../names';
import { finishDeploy, type DeploySources } from './deploy-sources';
import type { DeployParse } from './parse';
import type { AciDeployConfig, CommonConfig } from './types';

/** Action deploy, target aci: a container group running the local scoring code. */
export function parseAciDeploy(
  parse: DeployParse,
  common: CommonConfig,
  sources: DeploySources,
): AciDeployConfig {
  const { inputs, shown, fail } = parse;
  const { code, deploymentSpec, warnings } = sources;
  if (sources.yamlRead && (!code || code.kind !== 'code' || code.source !== 'local'))
    fail(
      'codePath',
      `Input ${shown('codePath')} is required for target aci: the local folder holding the scoring script (with ${shown('scoringScript')}).`,
    );
  for (const input of ['environment', 'instanceType', 'instanceCount', 'deploymentName'] as const)
    if (parse.outOfPlace(input, 'target')) warnings.push(`Input ${shown(input)} is not used by target aci.`);
  if (deploymentSpec)
    warnings.push(
      `${deploymentSpec.file}: target aci uses only its model, code_configuration and environment_variables.`,
    );
  if (sources.model && sources.model.kind !== 'version')
    fail(
      'modelId',
      `Input ${shown('modelId')}: target aci deploys a registered model version, azureml:<name>:<version>; got ${sources.model.text} (register it first with the register-model step, or deploy to a managed online endpoint).`,
    );
  const dnsLabel = inputs.string('aciDnsLabel');
  if (dnsLabel !== undefined && !DNS_LABEL.test(dnsLabel))
    fail(
      'aciDnsLabel',
      `Input ${shown('aciDnsLabel')} must be 5 to 63 lowercase letters, digits and '-', a letter first; got '${dnsLabel}'.`,
    );
  finishDeploy(parse, sources);
  const local = code as Extract<CodeReference, { source: 'local' }>;
  return {
    ...common,
    action: 'deploy',
    target: 'aci',
    model: sources.model as ModelRef,
    codePath: local.path,
    scoringScript: sources.scoringScript!,
    environmentVariables: deploymentSpec?.environmentVariables ?? {},
    cpu: inputs.number('aciCpu'),
    memoryGb: inputs.number('aciMemoryGb'),
    ...(dnsLabel !== undefined ? { dnsLabel } : {}),
    rollbackOnFailure: inputs.boolean('rollbackOnFailure'),
    requireVerdict: sources.requireVerdict,
    warnings: [...warnings, ...sources.notes],
  };
}
