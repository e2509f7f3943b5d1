import { createMachineLearningClient } from '../../azure/arm-clients';
import { resolveAzureAccess } from '../../azure/auth-config';
import { createCredential } from '../../azure/credentials';
import { callAzure, type AzureErrorContext } from '../../azure/errors';
import type { StepContext } from '../../step/define';
import { AzureError } from '../../step/errors';
import type { EndpointByName } from './config';

/** The audience of Azure ML data-plane tokens, for endpoints in `aad_token` mode. */
const machineLearningScope = 'https://ml.azure.com/.default';

/** Reads an online endpoint's scoring URI and a credential for it (key or Azure ML token) through ARM. */
export async function resolveEndpoint(
  endpoint: EndpointByName,
  context: StepContext,
): Promise<{ scoringUri: string; authKey?: string }> {
  const host = context.environment.host;
  const addSecret = (secret: string) => context.addSecret(secret);
  const access = resolveAzureAccess(host, endpoint.signIn, context.identity, addSecret);
  context.logger.info(`Signing in to Azure: ${access.description}`);
  const credential = createCredential(access.auth, access.cloud, { addSecret });
  const client = createMachineLearningClient(
    credential,
    { cloud: access.cloud, subscriptionId: access.subscriptionId },
    { step: 'smoke-test', host },
  );
  const { endpointName, resourceGroup, workspaceName } = endpoint;
  const workspaceId = `/subscriptions/${access.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspaceName}`;
  const about = (operation: string): AzureErrorContext => ({ operation, scope: workspaceId, host });
  const options = { abortSignal: context.signal };

  const found = await callAzure(
    about(`Reading online endpoint '${endpointName}' in workspace '${workspaceName}'`),
    () => client.onlineEndpoints.get(resourceGroup, workspaceName, endpointName, options),
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
    const keys = await callAzure(about(`Listing the keys of online endpoint '${endpointName}'`), () =>
      client.onlineEndpoints.listKeys(resourceGroup, workspaceName, endpointName, options),
    );
    authKey = keys.primaryKey;
  } else if (authMode === 'AMLToken') {
    const token = await callAzure(
      about(`Getting an Azure ML token for online endpoint '${endpointName}'`),
      () => client.onlineEndpoints.getToken(resourceGroup, workspaceName, endpointName, options),
    );
    authKey = token.accessToken;
  } else if (authMode === 'AADToken') {
    const token = await callAzure(about('Getting a Microsoft Entra token for Azure ML'), () =>
      credential.getToken(machineLearningScope, options),
    );
    authKey = token?.token;
  }
  if (authKey) addSecret(authKey);
  context.logger.info(`Online endpoint '${endpointName}' (${authMode ?? 'unknown'} auth): ${scoringUri}`);
  return { scoringUri, ...(authKey ? { authKey } : {}) };
}
