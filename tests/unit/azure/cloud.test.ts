import {
  azureClouds,
  blobServiceUrl,
  cloudOverrideVariables,
  resolveCloud,
} from '../../../shared/src/azure/cloud';
import { cloudOverrideFrom } from '../../../shared/src/platform/ports';
import { InputError } from '../../../shared/src/step/errors';

describe('Azure ML data-plane scope and storage suffix per cloud', () => {
  test.each([
    ['AzureCloud', 'https://ml.azure.com/.default', 'core.windows.net'],
    ['AzureUSGovernment', 'https://ml.azure.us/.default', 'core.usgovcloudapi.net'],
    ['AzureChinaCloud', 'https://ml.azure.cn/.default', 'core.chinacloudapi.cn'],
  ])('%s', (name, mlScope, storageSuffix) => {
    expect(resolveCloud(name, undefined)).toMatchObject({ mlScope, storageSuffix });
  });

  test('an ARM / authority override keeps the cloud’s ML scope and storage suffix', () => {
    expect(
      resolveCloud('AzureUSGovernment', {
        armEndpoint: 'https://127.0.0.1:1',
        authorityHost: 'https://127.0.0.1:1',
      }),
    ).toMatchObject({
      name: 'Custom',
      mlScope: 'https://ml.azure.us/.default',
      storageSuffix: 'core.usgovcloudapi.net',
      custom: true,
    });
  });
});

describe('blob endpoint override (AZUREML_STEPS_BLOB_ENDPOINT)', () => {
  test('is read by the adapters with the other custom-cloud variables', () => {
    expect(cloudOverrideVariables.blobEndpoint).toBe('AZUREML_STEPS_BLOB_ENDPOINT');
    expect(cloudOverrideFrom({ AZUREML_STEPS_BLOB_ENDPOINT: 'https://127.0.0.1:9/{account}' })).toEqual({
      armEndpoint: undefined,
      authorityHost: undefined,
      blobEndpoint: 'https://127.0.0.1:9/{account}',
    });
    expect(cloudOverrideFrom({ AZUREML_STEPS_BLOB_ENDPOINT: '' })).toBeUndefined();
  });

  test('alone, it keeps the named cloud (instance discovery stays on) and only changes blob URLs', () => {
    const cloud = resolveCloud('AzureCloud', { blobEndpoint: 'https://127.0.0.1:10000/{account}/' });
    expect(cloud).toMatchObject({
      name: 'AzureCloud',
      armEndpoint: 'https://management.azure.com',
      custom: false,
      blobEndpointTemplate: 'https://127.0.0.1:10000/{account}',
    });
    expect(blobServiceUrl(cloud, 'devstoreaccount1', 'core.windows.net')).toBe(
      'https://127.0.0.1:10000/devstoreaccount1',
    );
    expect(azureClouds.AzureCloud).not.toHaveProperty('blobEndpointTemplate');
  });

  test('the placeholder may be part of the host', () => {
    const cloud = resolveCloud(undefined, { blobEndpoint: 'https://{account}.blob.storage.local:8443' });
    expect(blobServiceUrl(cloud, 'st1')).toBe('https://st1.blob.storage.local:8443');
  });

  test('without it, blob URLs follow the datastore endpoint or the cloud suffix', () => {
    expect(blobServiceUrl(resolveCloud(undefined, undefined), 'st1')).toBe(
      'https://st1.blob.core.windows.net',
    );
    expect(blobServiceUrl(resolveCloud('AzureChinaCloud', undefined), 'st1')).toBe(
      'https://st1.blob.core.chinacloudapi.cn',
    );
    expect(blobServiceUrl(resolveCloud(undefined, undefined), 'st1', 'core.usgovcloudapi.net')).toBe(
      'https://st1.blob.core.usgovcloudapi.net',
    );
  });

  test.each([
    ['https://127.0.0.1:10000/devstoreaccount1', /must contain \{account\}/],
    ['http://127.0.0.1:10000/{account}', /must be an https URL/],
    ['not a url {account}', /must be an https URL/],
    ['https://127.0.0.1:10000/{account}?sv=1', /must not have a query/],
  ])('refuses %s', (value, message) => {
    const attempt = () => resolveCloud(undefined, { blobEndpoint: value });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as InputError).input).toBe('AZUREML_STEPS_BLOB_ENDPOINT');
    }
  });
});
