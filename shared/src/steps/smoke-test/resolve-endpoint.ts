import { openWorkspaceSession } from '../../azureml/workspace-session';
import type { StepContext } from '../../step/define';
import { AzureError } from '../../step/errors';
import type { EndpointByName } from './config';

/** Reads an online endpoint's scoring URI and a credential for it (key or Azure ML token) through ARM. */
export async function resolveEndpoint(
  endpoint: EndpointByName,
  context: StepContext,
): Promise<{ scoringUri: string; authKey?: string }> {
  const session = openWorkspaceSession(endpoint, 'smoke-test', context);
  const { ml: client, credential, resourceGroup, workspaceName } = session;
  const { endpointName } = endpoint;
  const found = await session.call(
    `Reading online endpoint '${endpointName}' in workspace '${workspaceName}'`,
    (options) => client.onlineEndpoints.get(resourceGroup, workspaceName, endpointName, options),
  );
  const { scoringUri, authMode, provisioningState } = found.properties;
  if (!scoringUri) {
    throw new AzureError(
      `Online endpoint '${endpointName}' has no scoring URI yet (provisioning state ${provisioningState ?? 'unknown'}).`,
      'EndpointNotReady',
    );
  }
  let authKey: string | undefined;
  if (authMode === 'Key') {
    const keys = await session.call(`Listing the keys of online endpoint '${endpointName}'`, (options) =>
      client.onlineEndpoints.listKeys(resourceGroup, workspaceName, endpointName, options),
    );
    authKey = keys.primaryKey;
  } else if (authMode === 'AMLToken') {
    const token = await session.call(
      `Getting an Azure ML token for online endpoint '${endpointName}'`,
      (options) => client.onlineEndpoints.getToken(resourceGroup, workspaceName, endpointName, options),
    );
    authKey = token.accessToken;
  } else if (authMode === 'AADToken') {
    // The data-plane audience of the workspace's cloud (ml.azure.com, .us, .cn), not always the public one.
    const token = await session.call('Getting a Microsoft Entra token for Azure ML', (options) =>
      credential.getToken(session.access.cloud.mlScope, options),
    );
    authKey = token?.token;
  }
  if (authKey) context.addSecret(authKey);
  context.logger.info(`Online endpoint '${endpointName}' (${authMode ?? 'unknown'} auth): ${scoringUri}`);
  return { scoringUri, ...(authKey ? { authKey } : {}) };
}
