/**
 * Reliability probes of the uploads (#14, points 3 and 5): an upload cut halfway is completed on the re-run, never
 * reused; an upload reset after the SDK's retries names the file, the datastore and what to do; a model folder
 * with a symlink loop and a self-link is walked once; a link out of the folder is refused.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { startEmulator, type Emulator } from '../../../emulator/emulator';
import { describeEmulator } from '../../../emulator/start';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../../../emulator/storage';
import { runOnEmulator } from '../../harness/emulator-run';
import type { Host, HostRun } from '../../harness/host-run';
import { startResetProxy, type ResetProxy } from '../../harness/reset-proxy';
import { defineArea, isUnexpectedError, type ProbeResult } from '../probe';

interface Context {
  readonly emulator: Emulator;
  readonly description: ReturnType<typeof describeEmulator>;
  /** The same emulator with its blob traffic through the reset proxy. */
  readonly throughProxy: ReturnType<typeof describeEmulator>;
  readonly proxy: ResetProxy;
  readonly scratch: string;
  /** The first runs of the probes, started together on first use (they are independent; this saves time). */
  runs?: Runs;
}

let names = 0;
const uniqueName = (prefix: string) => `${prefix}-${++names}-${Date.now().toString(36)}`;

function register(
  context: Context,
  host: Host,
  inputs: Record<string, string>,
  description = context.description,
): Promise<HostRun> {
  return runOnEmulator(host, description, {
    task: 'AzureMLRegisterModelV1',
    action: 'register-model',
    inputs,
    timeoutMs: 60_000,
  });
}

/** The blobs of a registered model version (name → size), read from Azurite. */
async function modelBlobs(context: Context, model: string, version = '1'): Promise<Record<string, number>> {
  const { emulator } = context;
  const record = emulator.store.get(`${emulator.workspaceId}/models/${model}/versions/${version}`);
  if (!record) return {};
  const uri = (record.body['properties'] as { modelUri: string }).modelUri;
  const [, datastoreName = '', path = ''] = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/.exec(uri) ?? [];
  const datastore = emulator.store.get(`${emulator.workspaceId}/datastores/${datastoreName}`)!;
  const containerName = (datastore.body['properties'] as { containerName: string }).containerName;
  const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
    tlsOptions: emulator.tlsOptions,
  };
  const container = new ContainerClient(
    `${emulator.blob.blobUrl}/${containerName}`,
    new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    options,
  );
  const prefix = path.endsWith('/') ? path : `${path}/`;
  const blobs: Record<string, number> = {};
  for await (const blob of container.listBlobsFlat({ prefix }))
    blobs[blob.name.slice(prefix.length)] = blob.properties.contentLength ?? -1;
  return blobs;
}

/** A model folder of two files: a small one that passes the proxy and a large one it cuts at every try. */
function twoFileModel(context: Context): string {
  const folder = join(context.scratch, uniqueName('two-files'), 'model');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a-config.json'), '{"layers": 2}');
  writeFileSync(join(folder, 'b-weights.bin'), Buffer.alloc(256 * 1024, 7));
  return folder;
}

interface ModelRun {
  readonly model: string;
  readonly folder: string;
  readonly run: HostRun;
}
interface Runs {
  readonly interrupted: Promise<ModelRun>;
  readonly loops: Promise<ModelRun>;
  readonly outside: Promise<ModelRun>;
}

function startRuns(context: Context): Runs {
  context.runs ??= {
    interrupted: interruptedRun(context),
    loops: loopsRun(context),
    outside: outsideRun(context),
  };
  return context.runs;
}

/** A model folder with a symlink loop, a self-link, a second name for a subfolder and a broken link. */
async function loopsRun(context: Context): Promise<ModelRun> {
  const folder = join(context.scratch, uniqueName('loops'), 'model');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'model.pkl'), 'weights');
  writeFileSync(join(folder, 'sub', 'vocab.txt'), 'a b c');
  symlinkSync('.', join(folder, 'self'));
  symlinkSync('..', join(folder, 'sub', 'up'));
  symlinkSync('sub', join(folder, 'alias'));
  symlinkSync('dangling', join(folder, 'dangling'));
  const model = uniqueName('loop-model');
  return {
    model,
    folder,
    run: await register(context, 'azure-pipelines', { modelName: model, modelPath: folder }),
  };
}

/** A model folder holding a link to a file beside it, outside the folder. */
async function outsideRun(context: Context): Promise<ModelRun> {
  const base = join(context.scratch, uniqueName('outside'));
  const folder = join(base, 'model');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(base, 'private.env'), 'NOT_FOR_THE_MODEL=1');
  writeFileSync(join(folder, 'model.pkl'), 'weights');
  symlinkSync(join(base, 'private.env'), join(folder, 'settings.env'));
  const model = uniqueName('outside-model');
  return { model, folder, run: await register(context, 'github', { modelName: model, modelPath: folder }) };
}

/** Registers the two-file model through the proxy, which resets the large file's upload at every try. */
async function interruptedRun(context: Context): Promise<ModelRun> {
  const folder = twoFileModel(context);
  const model = uniqueName('cut-model');
  context.proxy.resetAfterBytes = 64 * 1024;
  const inputs = { modelName: model, modelPath: folder };
  const run = await register(context, 'azure-pipelines', inputs, context.throughProxy);
  context.proxy.resetAfterBytes = Infinity;
  return { model, folder, run };
}

const unexpected = (run: HostRun) => run.errors.some(isUnexpectedError);

export const area = defineArea<Context>({
  name: 'uploads',
  async start() {
    const emulator = await startEmulator();
    const description = describeEmulator(emulator);
    const azurite = new URL(emulator.blob.blobUrl);
    const proxy = await startResetProxy({ host: azurite.hostname, port: Number(azurite.port) });
    const throughProxy = {
      ...description,
      env: {
        ...description.env,
        AZUREML_STEPS_BLOB_ENDPOINT: `https://127.0.0.1:${proxy.port}/{account}`,
        // The storage SDK's retry waits (0, 1, 3, 7 s) scaled down to 0.1 s each.
        AZUREML_STEPS_RETRY_MAX_WAIT_SECONDS: '0.1',
      },
    };
    const scratch = mkdtempSync(join(tmpdir(), 'reliability-uploads-'));
    return { emulator, description, throughProxy, proxy, scratch };
  },
  async stop(context) {
    await context.proxy.close();
    await context.emulator.close();
    rmSync(context.scratch, { recursive: true, force: true });
  },
  probes: [
    {
      id: 'uploads/interrupted-model-resumes',
      kind: 'fault',
      title: 'register-model: a two-file model upload cut after its first file, then re-run',
      expected: 'the re-run completes the upload: the model holds both files; the log never says reused',
      boundMs: 30_000,
      async run(context): Promise<ProbeResult> {
        const { model, folder, run: cut } = await startRuns(context).interrupted;
        const again = await register(context, 'github', { modelName: model, modelPath: folder });
        const blobs = await modelBlobs(context, model);
        const complete = blobs['a-config.json'] === 13 && blobs['b-weights.bin'] === 256 * 1024;
        const saidReused = /reused/i.test(again.everythingPrinted);
        return {
          observed:
            `first run ${cut.succeeded ? 'succeeded' : 'failed'}; re-run ${again.succeeded ? 'succeeded' : 'failed'}, ` +
            `model holds [${Object.keys(blobs).join(', ')}]${saidReused ? ', log says reused' : ''}`,
          pass: !cut.succeeded && again.succeeded && complete && !saidReused,
          unexpectedError: unexpected(again),
        };
      },
    },
    {
      id: 'uploads/reset-names-file',
      kind: 'fault',
      title: 'register-model: the upload connection is reset at every try (after the SDK retries)',
      expected: 'fails naming the file, the datastore and its container, and says a re-run resumes',
      boundMs: 30_000,
      async run(context): Promise<ProbeResult> {
        const { run } = await startRuns(context).interrupted;
        const message = run.errors.join('\n');
        const clear =
          message.includes('b-weights.bin') &&
          message.includes("datastore 'workspaceblobstore'") &&
          /container '[^']+'/.test(message) &&
          /re-run/i.test(message);
        return {
          observed: `${run.succeeded ? 'succeeded' : 'failed'}: ${message.slice(0, 300) || '(no error)'}`,
          pass: !run.succeeded && clear && context.proxy.resets > 0,
          unexpectedError: unexpected(run),
        };
      },
    },
    {
      id: 'uploads/symlink-loop-walk',
      kind: 'fault',
      title:
        'register-model: a model folder with a symlink loop, a self-link and a second name for a subfolder',
      expected: 'the walk ends; each file uploaded once; the links not followed are named in the log',
      boundMs: 20_000,
      async run(context): Promise<ProbeResult> {
        const { model, run } = await startRuns(context).loops;
        const blobs = Object.keys(await modelBlobs(context, model)).sort();
        const named = ['self', 'sub/up', 'alias', 'dangling'].every((link) =>
          run.everythingPrinted.includes(`'${link}'`),
        );
        return {
          observed: `${run.succeeded ? 'registered' : 'failed'} [${blobs.join(', ')}]${named ? ', skipped links named' : ', links not named'}`,
          pass: run.succeeded && blobs.join(',') === 'model.pkl,sub/vocab.txt' && named,
          unexpectedError: unexpected(run),
        };
      },
    },
    {
      id: 'uploads/symlink-outside-refused',
      kind: 'bad-input',
      title: 'register-model: a model folder holding a link to a file outside it',
      expected: 'refused before any upload, naming the link and where it points',
      boundMs: 20_000,
      async run(context): Promise<ProbeResult> {
        const { model, run } = await startRuns(context).outside;
        const blobs = Object.keys(await modelBlobs(context, model));
        const message = run.errors.join('\n');
        const clear =
          message.includes('settings.env') && message.includes('private.env') && /outside/.test(message);
        return {
          observed: `${run.succeeded ? `registered [${blobs.join(', ')}]` : 'refused'}: ${message.slice(0, 200) || '(no error)'}`,
          pass: !run.succeeded && clear && blobs.length === 0,
          unexpectedError: unexpected(run),
        };
      },
    },
  ],
});
