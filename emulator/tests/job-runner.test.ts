/**
 * The job runner through the real SDKs: jobs PUT with @azure/arm-machinelearning run as local processes, their
 * code and data uploaded to / read from Azurite with @azure/storage-blob, their log read while it grows, their
 * metrics read back through the MLflow REST API with an Azure ML token.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  AzureMachineLearningWorkspaces,
  type AzureBlobDatastore,
  type JobBase,
  type JobBaseProperties,
} from '@azure/arm-machinelearning';
import { ClientSecretCredential } from '@azure/identity';
import {
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { properties } from '../arm/resource';
import { BlobStore } from '../jobs/blob-store';
import { renderCommand, substituteSearchSpace } from '../jobs/command-line';
import { JobFailure } from '../jobs/job-handle';
import { durationMs } from '../jobs/rest';
import { gridSize, sampleTrials } from '../jobs/sampling';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential, requestJson } from './test-clients';

let emulator: Emulator;
let credential: ClientSecretCredential;
let client: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
/** The default datastore's container (`workspaceblobstore`) and the artifact store's (`azureml`). */
let datastore: ContainerClient;
let artifacts: ContainerClient;
let datastoreContainer: string;
let computeId: string;
let environmentId: string;
let codeId: string;

const TERMINAL = ['Completed', 'Failed', 'Canceled'];

/** The job scripts, uploaded as the code of every job. */
const SCRIPTS: Record<string, string> = {
  'common.py': `
import json, os, time

def log_metric(name, value, step=0):
    line = json.dumps({"name": name, "value": value, "step": step, "timestamp": int(time.time() * 1000)})
    with open(os.environ["AZUREML_STEPS_METRICS_FILE"], "a", encoding="utf-8") as stream:
        stream.write(line + "\\n")
`,
  'train.py': `
import argparse, json, os, sys, time
from common import log_metric

parser = argparse.ArgumentParser()
parser.add_argument("--lines", type=int, default=5)
parser.add_argument("--delay", type=float, default=0.2)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--l2", type=float, default=0.0)
parser.add_argument("--data")
parser.add_argument("--out")
args = parser.parse_args()
print(f"run {os.environ['AZUREML_RUN_ID']} lr={args.lr} l2={args.l2}")
if args.data:
    for name in sorted(os.listdir(args.data)):
        print(f"data file {name}: {open(os.path.join(args.data, name)).read().strip()}")
for epoch in range(args.lines):
    print(f"epoch {epoch}")
    log_metric("loss", round(1.0 / (epoch + 1), 4), step=epoch)
    time.sleep(args.delay)
accuracy = round(1 - abs(args.lr - 0.05) - args.l2, 6)
log_metric("accuracy", accuracy)
print("warning: this goes to stderr", file=sys.stderr)
if args.out:
    with open(os.path.join(args.out, "model.json"), "w") as stream:
        json.dump({"lr": args.lr, "accuracy": accuracy}, stream)
print("done")
`,
  'inputs.py': `
import os, sys
print("argv", " ".join(sys.argv[1:]))
for root, _, files in os.walk(sys.argv[2]):
    for name in sorted(files):
        path = os.path.join(root, name)
        print("folder", os.path.relpath(path, sys.argv[2]), open(path).read().strip())
print("file", os.path.basename(sys.argv[4]), open(sys.argv[4]).read().strip())
print("env", os.environ["MLFLOW_RUN_ID"], os.environ["GREETING"], "HOME" in os.environ)
`,
  'fail.py': `
print("about to fail")
def load(path):
    raise ValueError(f"cannot read {path}")
load("missing.csv")
`,
  'sleep.py': `
import os, time
print(f"pid {os.getpid()}", flush=True)
time.sleep(30)
print("woke up")
`,
  'prep.py': `
import os, sys
with open(os.path.join(sys.argv[2], "rows.csv"), "w") as stream:
    stream.write("a,b\\n1,2\\n")
print("prepared with", sys.argv[4])
`,
};

function storageOptions(): StoragePipelineOptions & { tlsOptions: { ca: string } } {
  return { tlsOptions: emulator.tlsOptions, retryOptions: { maxTries: 1 } };
}

function containerClient(name: string): ContainerClient {
  const { accountName, accountKey, blobUrl } = emulator.blob;
  return new ContainerClient(
    `${blobUrl}/${name}`,
    new StorageSharedKeyCredential(accountName, accountKey),
    storageOptions(),
  );
}

async function upload(container: ContainerClient, path: string, text: string): Promise<void> {
  await container.getBlockBlobClient(path).upload(text, Buffer.byteLength(text));
}

/** Uploads the scripts as the CLI does (`LocalUpload/<hash>/src`) and registers them as a code version. */
async function createCode(): Promise<string> {
  const prefix = `LocalUpload/${randomBytes(16).toString('hex')}/src`;
  for (const [name, text] of Object.entries(SCRIPTS)) await upload(datastore, `${prefix}/${name}`, text);
  const code = await client.codeVersions.createOrUpdate(rg, ws, 'runner-src', '1', {
    properties: { codeUri: `${emulator.blob.blobUrl}/${datastoreContainer}/${prefix}` },
  });
  return code.id as string;
}

async function submit(name: string, props: JobBaseProperties): Promise<JobBase> {
  return client.jobs.createOrUpdate(rg, ws, name, { properties: props });
}

/** PUT of a job as raw REST JSON (what `az ml` / azure-ai-ml send), with an ARM token. */
async function putJob(name: string, props: JobBaseProperties): Promise<void> {
  const token = await credential.getToken('https://management.azure.com/.default');
  const url = `${emulator.armUrl}${emulator.workspaceId}/jobs/${name}?api-version=2022-10-01`;
  const { status, body } = await requestJson(emulator, 'PUT', url, {
    token: token.token,
    body: { properties: props },
  });
  if (status !== 201) throw new Error(`PUT ${name}: ${status} ${JSON.stringify(body)}`);
}

function commandJob(command: string, extra: Record<string, unknown> = {}): JobBaseProperties {
  return {
    jobType: 'Command',
    command,
    codeId,
    environmentId,
    computeId,
    experimentName: 'runner-tests',
    ...extra,
  } as JobBaseProperties;
}

/** Polls the job until `done` says so (default: a final status); returns every status seen, in order. */
async function follow(
  name: string,
  options: { done?: (status: string) => boolean; onPoll?: (status: string) => Promise<void> } = {},
): Promise<string[]> {
  const done = options.done ?? ((s: string) => TERMINAL.includes(s));
  const seen: string[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await client.jobs.get(rg, ws, name)).properties.status ?? 'Unknown';
    if (seen.at(-1) !== status) seen.push(status);
    await options.onPoll?.(status);
    if (done(status)) return seen;
    if (Date.now() > deadline) throw new Error(`Job ${name} is still ${status}; seen ${seen.join(' → ')}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

/** The text of a blob from byte `offset` ('' when it does not exist yet). */
async function readFrom(container: ContainerClient, path: string, offset = 0): Promise<string> {
  const blob = container.getBlobClient(path);
  if (!(await blob.exists())) return '';
  const { contentLength = 0 } = await blob.getProperties();
  if (contentLength <= offset) return '';
  return (await blob.downloadToBuffer(offset)).toString('utf8');
}

const logOf = (job: string, offset = 0) =>
  readFrom(artifacts, `ExperimentRun/dcid.${job}/user_logs/std_log.txt`, offset);

/** GET on the workspace's MLflow REST API with an Azure ML token (as the steps read metrics). */
async function mlflowGet(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
  const token = await credential.getToken('https://ml.azure.com/.default');
  const url = `${emulator.armUrl}/mlflow/v1.0${emulator.workspaceId}/api/2.0/mlflow/${path}?${new URLSearchParams(query).toString()}`;
  const { status, body } = await requestJson(emulator, 'GET', url, { token: token.token });
  if (status !== 200) throw new Error(`${status}: ${JSON.stringify(body)}`);
  return body;
}

interface MlflowRun {
  info: { status: string; experiment_id: string; start_time: number; end_time?: number };
  data: {
    metrics?: { key: string; value: number }[];
    tags?: { key: string; value: string }[];
    params?: { key: string; value: string }[];
  };
}

async function mlflowRun(runId: string): Promise<MlflowRun> {
  return (await mlflowGet('runs/get', { run_id: runId }))['run'] as MlflowRun;
}

const tag = (run: MlflowRun, key: string) => run.data.tags?.find((t) => t.key === key)?.value;
const metric = (run: MlflowRun, key: string) => run.data.metrics?.find((m) => m.key === key)?.value;

/** Whether a process is alive (a zombie waiting for a parent that does not reap it counts as dead). */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function storedJob(name: string) {
  const job = emulator.store.get(`${emulator.workspaceId}/jobs/${name}`);
  if (!job) throw new Error(`no job ${name}`);
  return job;
}

function statusHistory(name: string): { status: string; time: string }[] {
  return storedJob(name).secrets['statusHistory'] as { status: string; time: string }[];
}

beforeAll(async () => {
  emulator = await startEmulator();
  rg = emulator.resourceGroup;
  ws = emulator.workspaceName;
  credential = emulatorCredential(emulator);
  client = new AzureMachineLearningWorkspaces(credential, emulator.subscriptionId, emulator.armClientOptions);
  const store = await client.datastores.get(rg, ws, 'workspaceblobstore');
  datastoreContainer = (store.properties as AzureBlobDatastore).containerName as string;
  datastore = containerClient(datastoreContainer);
  artifacts = containerClient('azureml');
  computeId = emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster').id;
  environmentId = (
    await client.environmentVersions.createOrUpdate(rg, ws, 'python-env', '1', {
      properties: { image: 'python:3.11-slim' },
    })
  ).id as string;
  codeId = await createCode();
});

afterAll(async () => {
  await emulator?.close();
});

describe('job runner helpers', () => {
  it('parses Azurite path-style, production and wasbs blob URLs', () => {
    const blobs = new BlobStore(emulator.blob, emulator.caPem);
    expect(
      blobs.parseUrl('https://127.0.0.1:10000/devstoreaccount1/azureml-blobstore-x/LocalUpload/abc/src'),
    ).toEqual({
      container: 'azureml-blobstore-x',
      path: 'LocalUpload/abc/src',
    });
    expect(blobs.parseUrl('https://st.blob.core.windows.net/azureml-blobstore-x/data/a%20b/')).toEqual({
      container: 'azureml-blobstore-x',
      path: 'data/a b/',
    });
    expect(blobs.parseUrl('wasbs://c@st.blob.core.windows.net/p/q.csv')).toEqual({
      container: 'c',
      path: 'p/q.csv',
    });
    expect(blobs.parseUrl('azureml://datastores/x/paths/y')).toBeUndefined();
  });

  it('renders commands: bindings, optional segments, unbound references', () => {
    const bindings = { inputs: { data: '/in/data', lr: '0.1' }, outputs: { model: '/out/model' } };
    expect(
      renderCommand(
        'python t.py --data ${{inputs.data}} $[[--lr ${{ inputs.lr }}]] $[[--seed ${{inputs.seed}}]] --out ${{outputs.model}}',
        bindings,
      ),
    ).toBe('python t.py --data /in/data --lr 0.1  --out /out/model');
    expect(() => renderCommand('python t.py ${{inputs.seed}}', bindings)).toThrow(JobFailure);
    expect(substituteSearchSpace('--lr ${{search_space.lr}} ${{inputs.data}}', { lr: '0.5' })).toBe(
      '--lr 0.5 ${{inputs.data}}',
    );
  });

  it('samples search spaces: seeded random draws repeat, grids enumerate choices', () => {
    const space = {
      lr: ['loguniform', [-6, -1]],
      batch: ['choice', [[16, 32]]],
      n: ['quniform', [10, 50, 10]],
    };
    const first = sampleTrials(space, 'random', 4, 42);
    expect(sampleTrials(space, 'random', 4, 42)).toEqual(first);
    for (const trial of first) {
      expect(trial['lr']).toBeGreaterThanOrEqual(Math.exp(-6));
      expect([16, 32]).toContain(trial['batch']);
      expect([10, 20, 30, 40, 50]).toContain(trial['n']);
    }
    const grid = { a: ['choice', [[1, 2]]], b: { type: 'choice', values: ['x', 'y', 'z'] } };
    expect(gridSize(grid)).toBe(6);
    expect(sampleTrials(grid, 'grid', 10, 0).map((t) => `${t['a']}${t['b']}`)).toEqual([
      '1x',
      '1y',
      '1z',
      '2x',
      '2y',
      '2z',
    ]);
    expect(() => sampleTrials(space, 'grid', 1, 0)).toThrow('Grid sampling supports choice parameters only');
    expect([durationMs('PT1H30M'), durationMs('P1DT2S'), durationMs('PT0.5S'), durationMs('1h')]).toEqual([
      5_400_000,
      86_402_000,
      500,
      undefined,
    ]);
  });
});

describe('command jobs', () => {
  it('runs the command: states in order, the log growing while Running, metrics in MLflow, the output uploaded', async () => {
    const created = await submit(
      'cmd-stream',
      commandJob('python train.py --lines 6 --delay 0.2 --lr ${{inputs.lr}} --out ${{outputs.model}}', {
        inputs: { lr: { jobInputType: 'literal', value: '0.04' } },
        outputs: { model: { jobOutputType: 'uri_folder' } },
      }),
    );
    expect(created.properties.status).toBe('NotStarted');
    const reads: string[] = [];
    const seen = await follow('cmd-stream', {
      onPoll: async (status) => {
        if (status !== 'Running' || reads.length >= 2) return;
        const text = await logOf('cmd-stream', Buffer.byteLength(reads.join('')));
        if (text) reads.push(text);
      },
    });
    expect(seen.at(-1)).toBe('Completed');
    expect(seen).toContain('Running');
    expect(statusHistory('cmd-stream').map((h) => h.status)).toEqual([
      'NotStarted',
      'Starting',
      'Preparing',
      'Queued',
      'Running',
      'Finalizing',
      'Completed',
    ]);
    // Two reads while Running, the second from the offset the first ended at: the log grew in between.
    expect(reads).toHaveLength(2);
    expect(reads[0]).toContain('run cmd-stream lr=0.04');
    expect(reads[1]).not.toContain('run cmd-stream');
    const log = await logOf('cmd-stream');
    expect(log.startsWith(reads.join(''))).toBe(true);
    expect(log).toContain('epoch 5');
    expect(log).toContain('warning: this goes to stderr');
    expect(log.trimEnd().endsWith('done')).toBe(true);

    const history = await mlflowGet('metrics/get-history', { run_id: 'cmd-stream', metric_key: 'loss' });
    expect((history['metrics'] as { value: number; step: number }[]).map((m) => [m.step, m.value])).toEqual([
      [0, 1],
      [1, 0.5],
      [2, 0.3333],
      [3, 0.25],
      [4, 0.2],
      [5, 0.1667],
    ]);
    const run = await mlflowRun('cmd-stream');
    expect(run.info.status).toBe('FINISHED');
    expect(metric(run, 'accuracy')).toBeCloseTo(0.99);
    const experiment = await mlflowGet('experiments/get', { experiment_id: run.info.experiment_id });
    expect(experiment['experiment']).toMatchObject({ name: 'runner-tests' });

    const job = await client.jobs.get(rg, ws, 'cmd-stream');
    const uri = 'azureml://datastores/workspaceblobstore/paths/azureml/cmd-stream/model/';
    expect((job.properties as { outputs?: Record<string, { uri?: string }> }).outputs?.['model']?.uri).toBe(
      uri,
    );
    expect(JSON.parse(await readFrom(datastore, 'azureml/cmd-stream/model/model.json'))).toEqual({
      lr: 0.04,
      accuracy: 0.99,
    });
    expect(emulator.jobRunner.runningProcesses()).toEqual([]);
  });

  it('downloads a datastore folder and a data asset file, binds literals and drops unbound $[[...]] segments', async () => {
    await upload(datastore, 'datasets/weather/a.csv', 'alpha');
    await upload(datastore, 'datasets/weather/sub/b.csv', 'beta');
    await upload(datastore, 'datasets/single/c.csv', 'gamma');
    await client.dataVersions.createOrUpdate(rg, ws, 'weather-file', '1', {
      properties: {
        dataType: 'uri_file',
        dataUri: 'azureml://datastores/workspaceblobstore/paths/datasets/single/c.csv',
      },
    });
    // Sent as REST JSON: @azure/arm-machinelearning 2.1.1 drops `uri`/`mode` of data inputs (azure-sdk-for-js#29328).
    await putJob(
      'cmd-inputs',
      commandJob(
        'python inputs.py --data ${{inputs.data}} --file ${{inputs.file}} $[[--missing ${{inputs.missing}}]] ' +
          '$[[--label ${{inputs.label}}]]',
        {
          environmentVariables: { GREETING: 'hello' },
          inputs: {
            data: {
              jobInputType: 'uri_folder',
              uri: 'azureml://datastores/workspaceblobstore/paths/datasets/weather/',
              mode: 'ReadOnlyMount',
            },
            file: { jobInputType: 'uri_file', uri: 'azureml:weather-file:1' },
            label: { jobInputType: 'literal', value: 'rain' },
          },
        },
      ),
    );
    expect((await follow('cmd-inputs')).at(-1)).toBe('Completed');
    const log = await logOf('cmd-inputs');
    expect(log).toMatch(
      /^argv --data \/\S+\/inputs\/data --file \/\S+\/inputs\/file\/c\.csv +--label rain$/m,
    );
    expect(log).toContain('folder a.csv alpha');
    expect(log).toContain('folder sub/b.csv beta');
    expect(log).toContain('file c.csv gamma');
    expect(log).toContain('env cmd-inputs hello True');
  });

  it("fails on a non-zero exit with Azure ML's message, the traceback in the log and error.json", async () => {
    await submit('cmd-fail', commandJob('python fail.py'));
    expect((await follow('cmd-fail')).at(-1)).toBe('Failed');
    const message =
      "Execution failed. User process 'python' exited with status code 1. Please check log file " +
      "'user_logs/std_log.txt' for error details. Error: ValueError: cannot read missing.csv";
    expect(storedJob('cmd-fail').secrets['error']).toEqual({ code: 'UserError', message });
    const error = JSON.parse(await readFrom(artifacts, 'ExperimentRun/dcid.cmd-fail/error.json'));
    expect(error).toMatchObject({ error: { code: 'UserError', message }, status: 'Failed' });
    const log = await logOf('cmd-fail');
    expect(log).toContain('about to fail');
    expect(log).toContain('Traceback (most recent call last):');
    expect(log).toContain('line 5, in <module>');
    expect((await mlflowRun('cmd-fail')).info.status).toBe('FAILED');
  });

  it('cancels a running job: the process group is killed, the job Canceled, the MLflow run KILLED', async () => {
    await submit('cmd-cancel', commandJob('python sleep.py'));
    let pid: number | undefined;
    await follow('cmd-cancel', {
      done: (status) => status === 'Running' && pid !== undefined,
      onPoll: async () => {
        const match = /^pid (\d+)$/m.exec(await logOf('cmd-cancel'));
        if (match) pid = Number(match[1]);
      },
    });
    const leader = emulator.jobRunner.pidOf('cmd-cancel');
    expect(leader).toBeDefined();
    expect(alive(pid as number)).toBe(true);
    const started = Date.now();
    await client.jobs.beginCancelAndWait(rg, ws, 'cmd-cancel', { updateIntervalInMs: 0 });
    expect((await follow('cmd-cancel')).at(-1)).toBe('Canceled');
    await emulator.jobRunner.whenDone('cmd-cancel');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(alive(pid as number)).toBe(false);
    expect(alive(leader as number)).toBe(false);
    expect(emulator.jobRunner.runningProcesses()).toEqual([]);
    expect((await mlflowRun('cmd-cancel')).info.status).toBe('KILLED');
    expect(await logOf('cmd-cancel')).not.toContain('woke up');
  });

  it('holds a job Queued on a compute tagged emulator.queueSeconds, and cancels it past limits.timeout', async () => {
    const slow = emulator.assets.addAmlCompute(emulator.workspaceId, 'slow-cluster');
    slow.body['tags'] = { 'emulator.queueSeconds': '0.5' };
    await submit(
      'cmd-timeout',
      commandJob('python sleep.py', {
        computeId: slow.id,
        limits: { jobLimitsType: 'Command', timeout: 'PT0.4S' },
      }),
    );
    expect((await follow('cmd-timeout')).at(-1)).toBe('Canceled');
    const history = statusHistory('cmd-timeout');
    const at = (status: string) => Date.parse(history.find((h) => h.status === status)?.time ?? '');
    expect(at('Running') - at('Queued')).toBeGreaterThanOrEqual(600);
    expect(at('Canceled') - at('Running')).toBeGreaterThanOrEqual(350);
    const error = JSON.parse(await readFrom(artifacts, 'ExperimentRun/dcid.cmd-timeout/error.json'));
    expect(error.error.code).toBe('JobTimeout');
  });
});

describe('pipeline jobs', () => {
  it('runs the steps in dependency order as child jobs, passing an output on', async () => {
    const component = (name: string, spec: Record<string, unknown>) =>
      client.componentVersions.createOrUpdate(rg, ws, name, '1', {
        properties: {
          componentSpec: {
            name,
            version: '1',
            type: 'command',
            code: `azureml:${codeId}`,
            environment: `azureml:${environmentId}`,
            ...spec,
          },
        },
      });
    const prep = await component('prep', {
      command: 'python prep.py --out ${{outputs.prepared}} --tag ${{inputs.tag}}',
      inputs: { tag: { type: 'string' } },
      outputs: { prepared: { type: 'uri_folder' } },
    });
    const train = await component('train', {
      command:
        'python train.py --lines 1 --delay 0 --data ${{inputs.data}} --lr ${{inputs.lr}} --out ${{outputs.model}}',
      inputs: { data: { type: 'uri_folder' }, lr: { type: 'number', default: 0.1 } },
      outputs: { model: { type: 'uri_folder' } },
    });
    // Nodes as azure-ai-ml serialises them (snake_case inputs, bindings as literal values).
    await submit('pipe', {
      jobType: 'Pipeline',
      experimentName: 'runner-pipelines',
      settings: { default_compute: computeId, continue_on_step_failure: false },
      inputs: { tag: { jobInputType: 'literal', value: 'v1' } },
      outputs: { trained: { jobOutputType: 'uri_folder' } },
      jobs: {
        train_step: {
          type: 'command',
          componentId: train.id,
          inputs: {
            data: { job_input_type: 'literal', value: '${{parent.jobs.prep_step.outputs.prepared}}' },
            lr: { job_input_type: 'literal', value: '0.05' },
          },
          outputs: { model: { value: '${{parent.outputs.trained}}', type: 'literal' } },
        },
        prep_step: {
          type: 'command',
          componentId: prep.id,
          inputs: { tag: { job_input_type: 'literal', value: '${{parent.inputs.tag}}' } },
        },
      },
    } as JobBaseProperties);
    expect((await follow('pipe')).at(-1)).toBe('Completed');

    const children = emulator.store
      .children(emulator.workspaceId, 'jobs')
      .filter(
        (j) => (properties(j)['properties'] as Record<string, string>)['azureml.pipelinerunid'] === 'pipe',
      );
    const byStep = Object.fromEntries(children.map((c) => [String(properties(c)['displayName']), c]));
    expect(Object.keys(byStep).sort()).toEqual(['prep_step', 'train_step']);
    for (const child of children) expect(properties(child)['status']).toBe('Completed');
    const end = (job: (typeof children)[number], status: string) =>
      Date.parse(
        (job.secrets['statusHistory'] as { status: string; time: string }[]).find((h) => h.status === status)
          ?.time ?? '',
      );
    expect(end(byStep['train_step']!, 'Starting')).toBeGreaterThanOrEqual(
      end(byStep['prep_step']!, 'Completed'),
    );

    const trainName = String(byStep['train_step']!.body['name']);
    const prepName = String(byStep['prep_step']!.body['name']);
    expect(await logOf(prepName)).toContain('prepared with v1');
    const trainLog = await logOf(trainName);
    expect(trainLog).toContain('data file rows.csv: a,b');
    expect(trainLog).toContain('lr=0.05');
    const trainJob = await client.jobs.get(rg, ws, trainName);
    expect(trainJob.properties).toMatchObject({
      jobType: 'Command',
      displayName: 'train_step',
      experimentName: 'runner-pipelines',
    });
    const parent = await client.jobs.get(rg, ws, 'pipe');
    expect(
      (parent.properties as { outputs?: Record<string, { uri?: string }> }).outputs?.['trained']?.uri,
    ).toBe(`azureml://datastores/workspaceblobstore/paths/azureml/${trainName}/model/`);
    expect(await readFrom(datastore, `azureml/${trainName}/model/model.json`)).toContain('"lr": 0.05');
    const childRun = await mlflowRun(trainName);
    expect(tag(childRun, 'mlflow.parentRunId')).toBe('pipe');
    expect(tag(childRun, 'mlflow.runName')).toBe('train_step');
    expect((await mlflowRun('pipe')).info.status).toBe('FINISHED');
  });

  it('fails the pipeline when a step fails and skips the steps after it', async () => {
    const failing = await client.componentVersions.createOrUpdate(rg, ws, 'failing', '1', {
      properties: {
        componentSpec: {
          type: 'command',
          command: 'python fail.py',
          code: codeId,
          environment: environmentId,
          outputs: { out: { type: 'uri_folder' } },
        },
      },
    });
    const after = await client.componentVersions.createOrUpdate(rg, ws, 'after', '1', {
      properties: {
        componentSpec: {
          type: 'command',
          command: 'ls ${{inputs.x}}',
          code: codeId,
          environment: environmentId,
          inputs: { x: { type: 'uri_folder' } },
        },
      },
    });
    await submit('pipe-fail', {
      jobType: 'Pipeline',
      settings: { default_compute: computeId },
      jobs: {
        first: { type: 'command', componentId: failing.id },
        second: {
          type: 'command',
          componentId: after.id,
          inputs: { x: { job_input_type: 'literal', value: '${{parent.jobs.first.outputs.out}}' } },
        },
      },
    } as JobBaseProperties);
    expect((await follow('pipe-fail')).at(-1)).toBe('Failed');
    expect(storedJob('pipe-fail').secrets['error']).toMatchObject({
      code: 'UserError',
      message: expect.stringContaining('Pipeline has failed child jobs. Failed nodes: /first.'),
    });
    const children = emulator.store
      .children(emulator.workspaceId, 'jobs')
      .filter(
        (j) =>
          (properties(j)['properties'] as Record<string, string>)['azureml.pipelinerunid'] === 'pipe-fail',
      );
    expect(children.map((c) => [properties(c)['displayName'], properties(c)['status']])).toEqual([
      ['first', 'Failed'],
    ]);
  });
  it('cancels the running steps when the pipeline is canceled', async () => {
    await submit('pipe-cancel', {
      jobType: 'Pipeline',
      settings: { default_compute: computeId },
      jobs: { nap: { type: 'command', command: 'python sleep.py', codeId, environmentId } },
    } as JobBaseProperties);
    const child = () =>
      emulator.store
        .children(emulator.workspaceId, 'jobs')
        .find(
          (j) =>
            (properties(j)['properties'] as Record<string, string>)['azureml.pipelinerunid'] ===
            'pipe-cancel',
        );
    await follow('pipe-cancel', {
      done: () => properties(child() ?? storedJob('pipe-cancel'))['status'] === 'Running',
    });
    const pid = emulator.jobRunner.pidOf(String(child()!.body['name'])) as number;
    await client.jobs.beginCancelAndWait(rg, ws, 'pipe-cancel', { updateIntervalInMs: 0 });
    expect((await follow('pipe-cancel')).at(-1)).toBe('Canceled');
    await emulator.jobRunner.whenDone('pipe-cancel');
    expect(properties(child()!)['status']).toBe('Canceled');
    expect(alive(pid)).toBe(false);
    expect((await mlflowRun('pipe-cancel')).info.status).toBe('KILLED');
  });
});

describe('sweep jobs', () => {
  it('runs the trials with sampled values and records the best one on the parent', async () => {
    await submit('sweep', {
      jobType: 'Sweep',
      computeId,
      experimentName: 'runner-sweeps',
      objective: { goal: 'Maximize', primaryMetric: 'accuracy' },
      samplingAlgorithm: { samplingAlgorithmType: 'Random', seed: 7 },
      searchSpace: { lr: ['uniform', [0.01, 0.1]], l2: ['choice', [[0.0, 0.001]]] },
      limits: { jobLimitsType: 'Sweep', maxTotalTrials: 3, maxConcurrentTrials: 2 },
      earlyTermination: { policyType: 'Bandit', slackFactor: 0.1, evaluationInterval: 1 },
      trial: {
        command: 'python train.py --lines 1 --delay 0 --lr ${{search_space.lr}} --l2 ${{search_space.l2}}',
        codeId,
        environmentId,
      },
    } as JobBaseProperties);
    expect((await follow('sweep')).at(-1)).toBe('Completed');
    const names = ['sweep_0', 'sweep_1', 'sweep_2'];
    const trials = await Promise.all(names.map((n) => client.jobs.get(rg, ws, n)));
    expect(trials.map((t) => t.properties.status)).toEqual(['Completed', 'Completed', 'Completed']);
    const runs = await Promise.all(names.map((n) => mlflowRun(n)));
    const lrs = runs.map((r) => Number(r.data.params?.find((p) => p.key === 'lr')?.value));
    expect(new Set(lrs).size).toBe(3);
    for (const [i, run] of runs.entries()) {
      expect(tag(run, 'mlflow.parentRunId')).toBe('sweep');
      expect(lrs[i]).toBeGreaterThanOrEqual(0.01);
      expect(lrs[i]).toBeLessThanOrEqual(0.1);
      expect(await logOf(names[i]!)).toContain(`lr=${lrs[i]}`);
    }
    const scores = runs.map((r) => metric(r, 'accuracy') as number);
    const bestIndex = scores.indexOf(Math.max(...scores));
    const parent = await client.jobs.get(rg, ws, 'sweep');
    expect(parent.properties.properties).toMatchObject({
      best_child_run_id: names[bestIndex],
      score: String(scores[bestIndex]),
      best_metric_status: 'Succeeded',
      runTemplate: 'HyperDrive',
    });
    const parentRun = await mlflowRun('sweep');
    expect(tag(parentRun, 'best_child_run_id')).toBe(names[bestIndex]);
    expect(metric(parentRun, 'accuracy')).toBe(scores[bestIndex]);
    expect(parentRun.info.status).toBe('FINISHED');
    // At most two trials ran at once: the third one started after one of the first two ended.
    const time = (name: string, status: string) =>
      Date.parse(statusHistory(name).find((h) => h.status === status)?.time ?? '');
    expect(time('sweep_2', 'Starting')).toBeGreaterThanOrEqual(
      Math.min(time('sweep_0', 'Completed'), time('sweep_1', 'Completed')),
    );
  });
});

describe('closing the emulator', () => {
  // Last: it closes the emulator (afterAll's close() again is harmless).
  it('stops running jobs and their child jobs, and leaves no process behind', async () => {
    await submit('close-command', commandJob('python sleep.py'));
    await submit('close-pipeline', {
      jobType: 'Pipeline',
      settings: { default_compute: computeId },
      jobs: { nap: { type: 'command', command: 'python sleep.py', codeId, environmentId } },
    } as JobBaseProperties);
    const runner = emulator.jobRunner;
    const deadline = Date.now() + 10_000;
    while (runner.runningProcesses().length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const pids = runner.runningProcesses().map((name) => runner.pidOf(name) as number);
    expect(pids).toHaveLength(2);
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(runner.runningProcesses()).toEqual([]);
    expect(properties(storedJob('close-command'))['status']).toBe('Canceled');
    expect(properties(storedJob('close-pipeline'))['status']).toBe('Canceled');
  });
});
