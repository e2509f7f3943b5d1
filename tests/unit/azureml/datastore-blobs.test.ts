import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { userAgentPrefix } from '../../../shared/src/azure/arm-clients';
import { RetryBudget } from '../../../shared/src/azure/retry-policy';
import {
  maxSasMinutes,
  readOnlySasUrl,
  storagePipelineOptions,
  uploadDirectory,
  type DatastoreContainer,
} from '../../../shared/src/azureml/datastore-blobs';
import { DataError } from '../../../shared/src/step/errors';
import { scratchFolder } from '../../harness/scratch-folders';

const key = Buffer.alloc(32, 7).toString('base64');

function target(secrets: string[] = []): DatastoreContainer {
  const credential = new StorageSharedKeyCredential('st1', key);
  return {
    datastoreName: 'workspaceblobstore',
    accountName: 'st1',
    containerName: 'azureml-blobstore-1',
    container: new ContainerClient('https://st1.blob.core.windows.net/azureml-blobstore-1', credential),
    access: { credential, addSecret: (s) => void secrets.push(s), requestTimeoutMs: 1000 },
  };
}

describe('storage pipeline options', () => {
  test('the ARM retry budget, the step user agent and the TLS trust', () => {
    expect(storagePipelineOptions({ step: 'train', host: 'github' })).toEqual({
      retryOptions: { maxTries: 5, retryDelayInMs: 1000, maxRetryDelayInMs: 30000 },
      userAgentOptions: { userAgentPrefix: userAgentPrefix('train', 'github') },
    });
    expect(
      storagePipelineOptions({
        step: 'deploy',
        host: 'local',
        retryOptions: { maxRetries: 0, retryDelayInMs: 5 },
        tlsOptions: { ca: 'PEM' },
      }),
    ).toMatchObject({ retryOptions: { maxTries: 1, retryDelayInMs: 5 }, tlsOptions: { ca: 'PEM' } });
  });

  test("the storage SDK's own waits stay within the step's longest wait", () => {
    const retryBudget = new RetryBudget({ maxWaitMs: 100, budgetMs: 1_000 });
    expect(storagePipelineOptions({ step: 'train', host: 'github', retryBudget }).retryOptions).toEqual({
      maxTries: 5,
      retryDelayInMs: 100,
      maxRetryDelayInMs: 100,
    });
  });
});

describe('read-only SAS', () => {
  test('a blob SAS: read only, https only, registered as a secret', () => {
    const secrets: string[] = [];
    const sas = readOnlySasUrl(target(secrets), { blob: '/models/m/model.pkl' }, 10);
    const url = new URL(sas.url);
    expect(url.pathname).toBe('/azureml-blobstore-1/models/m/model.pkl');
    expect(url.searchParams.get('sp')).toBe('r');
    expect(url.searchParams.get('sr')).toBe('b');
    expect(url.searchParams.get('spr')).toBe('https');
    expect(new Date(url.searchParams.get('se') ?? '').getTime()).toBeLessThanOrEqual(
      Date.now() + 10 * 60_000,
    );
    expect(secrets).toContain(url.search.slice(1));
    expect(secrets).toContain(url.searchParams.get('sig'));
  });

  test('a prefix SAS: read + list on the container', () => {
    const sas = readOnlySasUrl(target(), { prefix: 'models/m' }, 1);
    const url = new URL(sas.url);
    expect([url.pathname, url.searchParams.get('sp'), url.searchParams.get('sr'), sas.scope]).toEqual([
      '/azureml-blobstore-1',
      'rl',
      'c',
      'container',
    ]);
  });

  test.each([0, -1, Number.NaN, maxSasMinutes + 1])('refuses a lifetime of %s minutes', (minutes) => {
    expect(() => readOnlySasUrl(target(), { blob: 'a' }, minutes)).toThrow(RangeError);
  });
});

describe('uploadDirectory', () => {
  test('a missing directory or a file is a DataError, before any request', async () => {
    const dir = scratchFolder('upload-unit-');
    try {
      writeFileSync(join(dir, 'file.txt'), 'x');
      await expect(uploadDirectory(target(), join(dir, 'missing'), 'p')).rejects.toThrow(DataError);
      await expect(uploadDirectory(target(), join(dir, 'file.txt'), 'p')).rejects.toThrow(
        /is not a directory/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an empty directory uploads nothing', async () => {
    const dir = scratchFolder('upload-unit-');
    try {
      await expect(uploadDirectory(target(), dir, 'p')).resolves.toEqual({ files: [], bytes: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
