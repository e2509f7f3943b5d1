import type { WorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext } from '../../../step/define';
import { AzureError } from '../../../step/errors';
import type { DeployConfig, DeployInput } from '../config';
import type { EndpointState, OnlineEndpoints } from '../online';
import type { DeployReport } from '../summary';
import { everyDeployment, onlyExisting, trafficJson, type Traffic } from '../traffic';

export async function requireEndpoint(
  endpoints: OnlineEndpoints,
  name: string,
  session: WorkspaceSession,
): Promise<EndpointState> {
  const endpoint = await endpoints.endpoint(name);
  if (!endpoint)
    throw new AzureError(
      `Online endpoint '${name}' was not found in workspace '${session.workspaceName}': deploy to it first (action deploy).`,
      'EndpointNotFound',
      404,
    );
  return endpoint;
}

/**
 * What every online action that succeeded ends with: the traffic after (over `names`, the deployments there are
 * now) in the report, and the outputs: URIs, the key (key auth; a secret), that traffic. Returns that traffic.
 */
export async function outputsAfter(
  config: { endpointName: string },
  context: StepContext,
  endpoints: OnlineEndpoints,
  endpoint: EndpointState,
  names: string[],
  report: DeployReport,
): Promise<Traffic> {
  const trafficAfter = everyDeployment(endpoint.traffic, names);
  report.trafficAfter = trafficAfter;
  report.mirrorAfter = onlyExisting(endpoint.mirrorTraffic, names);
  if (endpoint.scoringUri) {
    context.setOutput('scoringUri', endpoint.scoringUri);
    report.scoringUri = endpoint.scoringUri;
  }
  if (endpoint.swaggerUri) context.setOutput('swaggerUri', endpoint.swaggerUri);
  context.setOutput('traffic', trafficJson(trafficAfter));
  if (endpoint.authMode.toLowerCase() === 'key') {
    const key = await endpoints.primaryKey(config.endpointName);
    if (key) context.setOutput('endpointKey', key);
  } else {
    context.logger.info(
      `Online endpoint '${config.endpointName}' uses ${endpoint.authMode} auth: no key is output (the smoke-test step gets a token itself when given endpointName).`,
    );
  }
  return trafficAfter;
}

export function quote(config: Pick<DeployConfig, 'shown'>, input: DeployInput): string {
  return `'${config.shown(input)}'`;
}
