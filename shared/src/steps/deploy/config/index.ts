import type { ParseContext } from '../../../step/define';
import { parseAciDeploy } from './aci-deploy';
import { parsePromote, parseReject } from './blue-green';
import { parseDeleteDeployment } from './delete-deployment';
import { parseDeploySources } from './deploy-sources';
import { parseEndpointAction } from './endpoint-action';
import { parseOnlineDeploy } from './online-deploy';
import { parseCommon, refuseOtherActionsInputs, startParse, type DeployInputs } from './parse';
import { parseSetTraffic } from './set-traffic';
import type { DeployConfig } from './types';

export type * from './types';

/**
 * Validates the inputs and reads the endpoint and deployment YAML (file:line:column errors); no network. The
 * common part first (workspace, target, endpoint), then the action's own inputs.
 */
export function parseDeployConfig(inputs: DeployInputs, context: ParseContext): DeployConfig {
  const parse = startParse(inputs, context);
  const action = inputs.choice('action');
  const common = parseCommon(parse);
  refuseOtherActionsInputs(parse);
  switch (action) {
    case 'set-traffic':
      return parseSetTraffic(parse, common);
    case 'delete-deployment':
      return parseDeleteDeployment(parse, common);
    case 'promote':
      return parsePromote(parse, common);
    case 'reject':
      return parseReject(parse, common);
    case 'endpoint':
      return parseEndpointAction(parse, common);
    case 'deploy': {
      const sources = parseDeploySources(parse, common);
      const { target } = common;
      return target === 'aci'
        ? parseAciDeploy(parse, common, sources)
        : parseOnlineDeploy(parse, { ...common, target }, sources);
    }
  }
}
