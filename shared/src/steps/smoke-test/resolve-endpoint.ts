import { callAzure } from '../../azure/errors';
import { openWorkspaceSession } from '../../azure/workspace-session';
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
  const session = openWorkspaceSession(endpoint, 'smoke-test', context);
  const { ml: client, credential, resourceGroup, workspaceName } = session;
  const { endpointName } = endpoint;
  const addSecret = (secret: string) => context.addSecret(secret);
  const options = { abortSignal: context.signal };
  const about = session.about;

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
