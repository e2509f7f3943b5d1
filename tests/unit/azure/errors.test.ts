import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { toAzureError } from '../../../shared/src/azure/errors';
import { AzureError, InputError } from '../../../shared/src/step/errors';

const workspaceId =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w';

function restError(statusCode: number, code: string, message: string): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  const headers = createHttpHeaders({
    'x-ms-correlation-request-id': '11111111-2222-3333-4444-555555555555',
  });
  return new RestError(message, {
    statusCode,
    code,
    request,
    response: { status: statusCode, headers, request },
  });
}

function aadError(status: number, aadsts: string, text: string): AuthenticationError {
  return new AuthenticationError(status, {
    error: 'invalid_client',
    error_description: `AADSTS${aadsts}: ${text}\r\nTrace ID: t\r\nCorrelation ID: 99999999-8888-7777-6666-555555555555\r\nTimestamp: now`,
    error_codes: [Number(aadsts)],
  });
}

describe('toAzureError', () => {
  test('keeps the SDK error as the cause, for debug mode', () => {
    const sdkError = restError(404, 'ResourceNotFound', 'The workspace was not found.');
    const error = toAzureError(sdkError, { operation: 'Reading workspace' }) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.cause).toBe(sdkError);
    const wrapped = new Error('outer', { cause: sdkError });
    expect((toAzureError(wrapped) as AzureError).cause).toBe(wrapped);
  });

  test('403 AuthorizationFailed names the role, the scope and the az command', () => {
    const error = toAzureError(
      restError(
        403,
        'AuthorizationFailed',
        `The client 'c' with object id 'oid-1' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write' over scope '${workspaceId}' or the scope is invalid.`,
      ),
    ) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.statusCode).toBe(403);
    expect(error.correlationId).toBe('11111111-2222-3333-4444-555555555555');
    expect(error.message).toContain(
      `az role assignment create --assignee oid-1 --role "AzureML Data Scientist" --scope ${workspaceId}`,
    );
  });

  test('403 on another provider suggests Contributor; the context role wins', () => {
    const message = `The client 'c' with object id 'oid-2' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read' over scope '/subscriptions/s/resourceGroups/rg'.`;
    expect((toAzureError(restError(403, 'AuthorizationFailed', message)) as AzureError).message).toContain(
      '--role "Contributor"',
    );
    expect(
      (toAzureError(restError(403, 'AuthorizationFailed', message), { role: 'Reader' }) as AzureError)
        .message,
    ).toContain('--role "Reader"');
  });

  test('409 MissingSubscriptionRegistration names az provider register', () => {
    const error = toAzureError(
      restError(
        409,
        'MissingSubscriptionRegistration',
        "The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'.",
      ),
      { operation: 'Creating endpoint e' },
    ) as AzureError;
    expect(error.code).toBe('MissingSubscriptionRegistration');
    expect(error.message).toMatch(/^Creating endpoint e failed: /);
    expect(error.message).toContain('az provider register --namespace Microsoft.MachineLearningServices');
  });

  test.each([
    ['7000215', 'Invalid client secret provided.', 'azure-pipelines', /secret's Value .* service connection/],
    [
      '7000222',
      'The provided client secret keys for app are expired.',
      'github',
      /has expired.*az ad app credential reset.*GitHub secret/,
    ],
    [
      '700016',
      "Application with identifier 'app-1' was not found in the directory 'tenant-1'.",
      'github',
      /Application app-1 was not found in tenant tenant-1/,
    ],
    ['90002', "Tenant 'tenant-1' not found.", 'azure-pipelines', /Tenant tenant-1 was not found/],
  ] as const)('AADSTS%s names the fix', (code, text, host, expected) => {
    const error = toAzureError(aadError(401, code, text), {
      clientId: 'app-1',
      tenantId: 'tenant-1',
      host,
    }) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.code).toBe(`AADSTS${code}`);
    expect(error.message).toMatch(expected);
    expect(error.correlationId).toBe('99999999-8888-7777-6666-555555555555');
  });

  test('AADSTS70021 prints the subject and issuer the token carried', () => {
    const error = toAzureError(
      aadError(
        400,
        '70021',
        "No matching federated identity record found for presented assertion. Assertion Issuer: 'https://token.actions.githubusercontent.com'. Assertion Subject: 'repo:org/repo:environment:prod'. Assertion Audience: 'api://AzureADTokenExchange'.",
      ),
      { clientId: 'app-1', host: 'github' },
    ) as AzureError;
    expect(error.message).toContain("subject 'repo:org/repo:environment:prod'");
    expect(error.message).toContain("issuer 'https://token.actions.githubusercontent.com'");
    expect(error.message).toContain('Federated credentials');
  });

  test('an AuthenticationError wrapped as a cause is still recognised', () => {
    const wrapped = new Error('getToken failed', {
      cause: aadError(401, '7000215', 'Invalid client secret provided.'),
    });
    expect((toAzureError(wrapped) as AzureError).code).toBe('AADSTS7000215');
  });

  test('CredentialUnavailableError says how to sign in on the host', () => {
    const error = toAzureError(new CredentialUnavailableError('Azure CLI could not be found.'), {
      host: 'github',
    }) as AzureError;
    expect(error.code).toBe('CredentialUnavailable');
    expect(error.message).toContain('azure/login');
  });

  test('step errors and unknown errors pass through unchanged', () => {
    const input = new InputError('x', 'bad');
    const other = new Error('boom');
    expect(toAzureError(input)).toBe(input);
    expect(toAzureError(other)).toBe(other);
  });
});
