import { checkDeploymentName, throwIfAny, type DeployParse } from './parse';
import type { CommonConfig, DeleteDeploymentConfig } from './types';

export function parseDeleteDeployment(parse: DeployParse, common: CommonConfig): DeleteDeploymentConfig {
  const { inputs, shown, fail } = parse;
  const { endpointName } = common;
  const deploymentName = inputs.string('deploymentName');
  if (common.target !== 'aci') {
    if (deploymentName === undefined)
      fail(
        'deploymentName',
        `Input ${shown('deploymentName')} is required for action delete-deployment: which deployment of '${endpointName}' to delete.`,
      );
    else checkDeploymentName(parse, deploymentName);
  }
  parse.refuse(
    'deploymentName',
    'target',
    `is not used with target aci: the container group '${endpointName}' is deleted`,
  );
  throwIfAny(parse.errors);
  return {
    ...common,
    action: 'delete-deployment',
    ...(deploymentName !== undefined && common.target !== 'aci' ? { deploymentName } : {}),
  };
}
