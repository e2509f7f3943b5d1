/**
 * Azurite behind the emulator: datastores through the real ARM SDK, their account key against Azurite with the
 * real @azure/storage-blob SDK (through shared/src/azureml/datastore-blobs.ts), uploads, read-only SAS.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AzureMachineLearningWorkspaces, Datastore } from '@azure/arm-machinelearning';
import { AnonymousCredential, ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { createMachineLearningClient } from '../../shared/src/azure/arm-clients';
import { resolveCloud, type AzureCloud } from '../../shared/src/azure/cloud';
import { createCredential } from '../../shared/src/azure/credentials';
import {
  openDatastoreContainer,
  readOnlySasUrl,
  uploadDirectory,
  type DatastoreContainer,
} from '../../shared/src/azureml/datastore-blobs';
import { UPLOAD_COMPLETE, uploadPrefix, uploadSnapshot } from '../../shared/src/azureml/local-upload';
import { snapshot } from '../../shared/src/azureml/snapshot';
import { AzureError, CancelledError, DataError } from '../../shared/src/step/errors';
import { createCertificates } from '../certificates';
import { startEmulator, type Emulator } from '../emulator';
import { AZURITE_ACCOUNT_KEY, BlobStorageStartError, startBlobStorage } from '../storage';
import { scratchFolder } from '../../tests/harness/scratch-folders';

let emulator: Emulator;
let cloud: AzureCloud;
let client: AzureMachineLearningWorkspaces;
const secrets: string[] = [];
let scratch: string;

const transport = () => ({
  tlsOptions: emulator.tlsOptions,
  retryOptions: { retryDelayInMs: 5, maxRetries: 1 },
});
const workspace = () => ({ resourceGroup: emulator.resourceGroup, workspaceName: emulator.workspaceName });
const open = (datastoreName?: string) =>
  openDatastoreContainer(client, workspace(), cloud, {
    ...transport(),
    step: 'train',
    host: 'local',
    addSecret: (s) => void secrets.push(s),
    ...(datastoreName ? { datastoreName } : {}),
  });
/** A client that holds nothing but a SAS URL (what an ACI init container gets). */
const sasClient = (url: string) => {
  const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
    tlsOptions: emulator.tlsOptions,
    retryOptions: { maxTries: 1 },
  };
  return new ContainerClient(url, new AnonymousCredential(), options);
};

beforeAll(async () => {
  emulator = await startEmulator();
  cloud = resolveCloud(undefined, {
    armEndpoint: emulator.armUrl,
    authorityHost: emulator.authorityHost,
    blobEndpoint: `${new URL(emulator.blob.blobUrl).origin}/{account}`,
  });
  const credential = createCredential(
    {
      kind: 'clientSecret',
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
    cloud,
    { ...transport(), addSecret: (s) => void secrets.push(s) },
  );
  client = createMachineLearningClient(
    credential,
    { cloud, subscriptionId: emulator.subscriptionId },
    { ...transport(), step: 'train', host: 'local' },
  );
  scratch = scratchFolder('storage-test-');
});

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await emulator?.close();
});

describe('Azurite', () => {
  it('serves the blob API over HTTPS with the emulator certificate', async () => {
    expect(emulator.blob).toMatchObject({
      accountName: 'devstoreaccount1',
      accountKey: AZURITE_ACCOUNT_KEY,
      blobUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/),
    });
    expect(emulator.blob.startupMs).toBeGreaterThan(0);
  });

  it('starts alone, and close() ends the process', async () => {
    const certificates = createCertificates();
    try {
      const blob = await startBlobStorage({ certPath: certificates.certPath, keyPath: certificates.keyPath });
      expect(() => process.kill(blob.pid, 0)).not.toThrow();
      await blob.close();
      await blob.close();
      expect(() => process.kill(blob.pid, 0)).toThrow();
    } finally {
      certificates.dispose();
    }
  });

  it('fails clearly when Azurite exits before listening', async () => {
    await expect(
      startBlobStorage({ certPath: join(scratch, 'missing.pem'), keyPath: join(scratch, 'missing.key') }),
    ).rejects.toThrow(BlobStorageStartError);
  });
});

describe('datastores (ARM)', () => {
  it('seeds workspaceblobstore (default) and workspaceartifactstore; GET and list carry no secrets', async () => {
    const ws = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    const names: string[] = [];
    for await (const d of client.datastores.list(emulator.resourceGroup, emulator.workspaceName))
      names.push(d.name ?? '');
    expect(names.sort()).toEqual(['workspaceartifactstore', 'workspaceblobstore']);
    const defaults: Datastore[] = [];
    for await (const d of client.datastores.list(emulator.resourceGroup, emulator.workspaceName, {
      isDefault: true,
    }))
      defaults.push(d);
    expect(defaults.map((d) => d.name)).toEqual(['workspaceblobstore']);
    expect(defaults[0]?.properties).toMatchObject({
      datastoreType: 'AzureBlob',
      isDefault: true,
      accountName: 'devstoreaccount1',
      containerName: `azureml-blobstore-${ws.workspaceId ?? ''}`,
      endpoint: 'core.windows.net',
      protocol: 'https',
      credentials: { credentialsType: 'AccountKey' },
    });
    const received = emulator.received('GET', /\/datastores$/).map((r) => JSON.stringify(r));
    expect(received.join('')).not.toContain(AZURITE_ACCOUNT_KEY);
    const artifact = await client.datastores.get(
      emulator.resourceGroup,
      emulator.workspaceName,
      'workspaceartifactstore',
    );
    expect(artifact.properties).toMatchObject({ containerName: 'azureml', isDefault: false });
  });

  it('creates, pages, reveals secrets only through listSecrets, and deletes datastores', async () => {
    const { resourceGroup: rg, workspaceName: ws } = workspace();
    for (const name of ['extra_a', 'extra_b']) {
      const created = await client.datastores.createOrUpdate(rg, ws, name, {
        properties: {
          datastoreType: 'AzureBlob',
          accountName: 'devstoreaccount1',
          containerName: name.replace('_', '-'),
          credentials: {
            credentialsType: 'AccountKey',
            secrets: { secretsType: 'AccountKey', key: 'k-' + name },
          },
        },
      } as Datastore);
      expect(created.properties.credentials).toEqual({ credentialsType: 'AccountKey' });
    }
    const pages: number[] = [];
    for await (const page of client.datastores.list(rg, ws, { count: 2 }).byPage()) pages.push(page.length);
    expect(pages).toEqual([2, 2]);
    expect(emulator.received('GET', /\/datastores$/).some((r) => r.query['$skipToken'] !== undefined)).toBe(
      true,
    );
    await expect(client.datastores.listSecrets(rg, ws, 'extra_a')).resolves.toEqual({
      secretsType: 'AccountKey',
      key: 'k-extra_a',
    });
    await client.datastores.delete(rg, ws, 'extra_a');
    await client.datastores.delete(rg, ws, 'extra_b');
    await expect(client.datastores.get(rg, ws, 'extra_a')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses a PUT without credentials as a UserError', async () => {
    await expect(
      client.datastores.createOrUpdate(emulator.resourceGroup, emulator.workspaceName, 'broken', {
        properties: { datastoreType: 'AzureBlob', accountName: 'a' },
      } as unknown as Datastore),
    ).rejects.toMatchObject({ statusCode: 400, code: 'UserError' });
  });

  it('creates the containers of a workspace created later', async () => {
    const later = emulator.ml.createWorkspace({
      resourceGroup: emulator.resourceGroup,
      name: 'mlw-later',
      serviceUrl: emulator.armUrl,
    });
    await emulator.datastores.ready();
    const target = await openDatastoreContainer(
      client,
      { resourceGroup: emulator.resourceGroup, workspaceName: 'mlw-later' },
      cloud,
      {
        ...transport(),
        step: 'train',
        host: 'local',
        addSecret: () => undefined,
      },
    );
    expect(target.containerName).toBe(
      `azureml-blobstore-${String((later.body['properties'] as { workspaceId: string }).workspaceId)}`,
    );
    await expect(target.container.exists()).resolves.toBe(true);
  });
});

describe('datastore blobs (shared client, real storage SDK)', () => {
  let target: DatastoreContainer;

  beforeAll(async () => {
    target = await open();
  });

  it('opens the default datastore container with its listSecrets key, registered as a secret', async () => {
    expect(target).toMatchObject({ datastoreName: 'workspaceblobstore', accountName: 'devstoreaccount1' });
    expect(target.container.url).toBe(`${emulator.blob.blobUrl}/${target.containerName}`);
    expect(secrets).toContain(AZURITE_ACCOUNT_KEY);
    await expect(target.container.exists()).resolves.toBe(true);
    const listSecrets = emulator.received(
      'POST',
      `${emulator.workspaceId}/datastores/workspaceblobstore/listSecrets`,
    );
    expect(listSecrets).toHaveLength(1);
    await target.container.getBlockBlobClient('hello.txt').upload('hello', 5);
    const text = await target.container.getBlobClient('hello.txt').downloadToBuffer();
    expect(text.toString('utf8')).toBe('hello');
  });

  it('trusts the emulator CA through tlsOptions, which storage-blob passes on to its core pipeline', async () => {
    await target.container.getProperties();
    // Guards the untyped pass-through: a storage-blob upgrade that dropped it would fail every call here.
    const pipeline = (
      target.container as unknown as {
        storageClientContext: { pipeline: { getOrderedPolicies(): { name: string }[] } };
      }
    ).storageClientContext.pipeline;
    expect(pipeline.getOrderedPolicies().map((p) => p.name)).toContain('tlsPolicy');
  });

  it('uploads a directory in parallel and reports files and bytes', async () => {
    const dir = join(scratch, 'model');
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'model.pkl'), Buffer.alloc(3000, 1));
    writeFileSync(join(dir, 'nested', 'conda.yml'), 'name: env\n');
    writeFileSync(join(dir, 'nested', 'deeper', 'score.py'), 'def init():\n    pass\n');
    const result = await uploadDirectory(target, dir, '/models/m1/', { concurrency: 2 });
    expect(result.files.map((f) => [f.path, f.blobName])).toEqual([
      ['model.pkl', 'models/m1/model.pkl'],
      ['nested/conda.yml', 'models/m1/nested/conda.yml'],
      ['nested/deeper/score.py', 'models/m1/nested/deeper/score.py'],
    ]);
    expect(result.bytes).toBe(3000 + 10 + 21);
    const listed: string[] = [];
    for await (const blob of target.container.listBlobsFlat({ prefix: 'models/m1/' }))
      listed.push(`${blob.name}:${blob.properties.contentLength}`);
    expect(listed.sort()).toEqual([
      'models/m1/model.pkl:3000',
      'models/m1/nested/conda.yml:10',
      'models/m1/nested/deeper/score.py:21',
    ]);
  });

  it('names the file whose upload failed, and reports a cancelled upload as cancelled', async () => {
    emulator.datastores.addDatastore(emulator.workspaceId, 'no_container', {
      datastoreType: 'AzureBlob',
      accountName: 'devstoreaccount1',
      containerName: 'never-created',
      credentials: {
        credentialsType: 'AccountKey',
        secrets: { secretsType: 'AccountKey', key: AZURITE_ACCOUNT_KEY },
      },
    });
    const missing = await open('no_container');
    const dir = join(scratch, 'model');
    await expect(uploadDirectory(missing, dir, 'p')).rejects.toMatchObject({
      name: 'AzureError',
      code: 'ContainerNotFound',
      statusCode: 404,
      message: expect.stringMatching(/^Uploading '[^']+' to devstoreaccount1\/never-created\/p\//),
    });
    await expect(uploadDirectory(target, dir, 'again', { signal: AbortSignal.abort() })).rejects.toThrow(
      CancelledError,
    );
  });

  it('refuses a missing directory as a DataError', async () => {
    await expect(uploadDirectory(target, join(scratch, 'nope'), 'x')).rejects.toThrow(DataError);
  });

  it('gives a read + list SAS for a prefix: reading works, writing is refused', async () => {
    const before = secrets.length;
    const sas = readOnlySasUrl(target, { prefix: 'models/m1' }, 15);
    expect(sas.scope).toBe('container');
    expect(sas.expiresOn.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(sas.url).toMatch(/[?&]sp=rl(&|$)/);
    expect(secrets.slice(before).some((s) => sas.url.endsWith(s))).toBe(true);
    const reader = sasClient(sas.url);
    const names: string[] = [];
    for await (const blob of reader.listBlobsFlat({ prefix: 'models/m1/' })) names.push(blob.name);
    expect(names).toHaveLength(3);
    const file = await reader.getBlobClient('models/m1/nested/conda.yml').downloadToBuffer();
    expect(file.toString('utf8')).toBe('name: env\n');
    await expect(reader.getBlockBlobClient('models/m1/evil.txt').upload('x', 1)).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(reader.getBlobClient('models/m1/model.pkl').delete()).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('gives a read-only SAS for one blob: other blobs and writes are refused', async () => {
    const sas = readOnlySasUrl(target, { blob: 'models/m1/model.pkl' }, 5);
    expect(sas.scope).toBe('blob');
    const { BlobClient } = await import('@azure/storage-blob');
    const options = { tlsOptions: emulator.tlsOptions, retryOptions: { maxTries: 1 } };
    const blob = new BlobClient(sas.url, new AnonymousCredential(), options as StoragePipelineOptions);
    expect((await blob.downloadToBuffer()).length).toBe(3000);
    const other = new BlobClient(
      sas.url.replace('model.pkl', 'nested/conda.yml'),
      new AnonymousCredential(),
      options as StoragePipelineOptions,
    );
    await expect(other.downloadToBuffer()).rejects.toMatchObject({ statusCode: 403 });
    await expect(blob.getBlockBlobClient().upload('x', 1)).rejects.toMatchObject({ statusCode: 403 });
    expect(() => readOnlySasUrl(target, { blob: 'a' }, 0)).toThrow(RangeError);
    expect(() => readOnlySasUrl(target, { blob: 'a' }, 24 * 60)).toThrow(RangeError);
  });

  it('refuses an identity-based datastore with an actionable AzureError', async () => {
    emulator.datastores.addDatastore(emulator.workspaceId, 'identity_store', {
      datastoreType: 'AzureBlob',
      accountName: 'devstoreaccount1',
      containerName: 'data',
      credentials: { credentialsType: 'None' },
    });
    const failure = open('identity_store');
    await expect(failure).rejects.toThrow(AzureError);
    await expect(failure).rejects.toMatchObject({
      code: 'UnsupportedDatastoreCredentials',
      message: expect.stringMatching(/identity-based access.*not supported yet.*account key/s),
    });
    await expect(
      client.datastores.listSecrets(emulator.resourceGroup, emulator.workspaceName, 'identity_store'),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('names a missing datastore', async () => {
    await expect(open('nope')).rejects.toMatchObject({
      name: 'AzureError',
      statusCode: 404,
      message: expect.stringContaining("Reading datastore 'nope' of workspace"),
    });
  });

  it('reuses an upload only when complete: a cut one is completed, a damaged one repaired, then reused', async () => {
    const dir = join(scratch, 'two-files');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.json'), '{"a": 1}');
    writeFileSync(join(dir, 'b.bin'), Buffer.alloc(5000, 2));
    const files = await snapshot(dir, false);
    const base = `${uploadPrefix(files)}/${files.name}`;
    // A run cut after the first file: it is there, the second and the completion marker are not.
    await uploadDirectory(target, dir, base, { files: [files.entries[0]!] });
    const cut = await uploadSnapshot(target, files, false, {});
    expect(cut).toMatchObject({ action: 'uploaded', kept: 1 });
    expect(cut.detail).toContain('completed an earlier upload (1 file(s) were there already)');
    const marker = await target.container.getBlobClient(`${base}/a.json`).getProperties();
    expect(marker.metadata).toEqual(UPLOAD_COMPLETE);
    await expect(uploadSnapshot(target, files, false, {})).resolves.toMatchObject({ action: 'reused' });
    // A file lost or changed after the upload: not reused, repaired.
    await target.container.getBlobClient(`${base}/b.bin`).delete();
    await expect(uploadSnapshot(target, files, false, {})).resolves.toMatchObject({
      action: 'uploaded',
      kept: 1,
    });
    await target.container.getBlockBlobClient(`${base}/b.bin`).upload('x', 1);
    await expect(uploadSnapshot(target, files, false, { dryRun: true })).resolves.toMatchObject({
      action: 'would upload',
    });
    await expect(uploadSnapshot(target, files, false, {})).resolves.toMatchObject({
      action: 'uploaded',
      kept: 1,
    });
    await expect(uploadSnapshot(target, files, false, {})).resolves.toMatchObject({ action: 'reused' });
  });
});
