/**
 * The job kinds the train step sends at api-version 2025-12-01 run on the emulator, sent as raw REST JSON in the
 * shapes azure-ai-ml produces: pipeline steps that are pipeline components (registered) and parallel steps
 * (init()/run(mini_batch), error_threshold, append_row), and the AutoML and Spark stand-ins. Every test runs jobs
 * of its own names on the one emulator, so they run at once.
 */
import { randomBytes } from 'node:crypto';
import { type AzureBlobDatastore, AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { properties } from '../arm/resource';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential, requestJson } from './test-clients';

let emulator: Emulator;
let datastore: ContainerClient;
let artifacts: ContainerClient;
let codeId: string;
let environmentId: string;

const SCRIPTS: Record<string, string> = {
  'score.py': `
import argparse, os
factor = None
def init():
    global factor
    parser = argparse.ArgumentParser()
    parser.add_argument("--factor", type=int)
    factor = parser.parse_args().factor
def run(mini_batch):
    scored = []
    for path in mini_batch:
        text = open(path).read().strip()
        if text == "bad":
            raise ValueError(f"cannot score {os.path.basename(path)}")
        scored.append(f"{os.path.basename(path)} {int(text) * factor}")
    return scored
`,
  'summarize.py': `
import os, sys
rows = open(os.path.join(sys.argv[1], "parallel_run_step.txt")).read().split()
total = sum(int(v) for v in rows[1::2])
open(os.path.join(sys.argv[2], "summary.txt"), "w").write(f"total {total}\\n")
print("summarized", total)
`,
  'trial.py': `
import argparse, json, os, time
parser = argparse.ArgumentParser()
parser.add_argument("--data")
parser.add_argument("--lr", type=float)
parser.add_argument("--model")
args = parser.parse_args()
assert os.path.exists(os.path.join(args.data, "a.txt")), "no data"
with open(os.environ["AZUREML_STEPS_METRICS_FILE"], "a") as f:
    f.write(json.dumps({"name": "accuracy", "value": args.lr, "step": 0, "timestamp": time.time()}) + "\\n")
open(os.path.join(args.model, "lr.txt"), "w").write(str(args.lr))
`,
  'main.py': 'print("spark entry")\n',
  'utils.py': '\n',
};

function container(name: string): ContainerClient {
  const { accountName, accountKey, blobUrl } = emulator.blob;
  return new ContainerClient(`${blobUrl}/${name}`, new StorageSharedKeyCredential(accountName, accountKey), {
    tlsOptions: emulator.tlsOptions,
    retryOptions: { maxTries: 1 },
  } as never);
}

async function upload(client: ContainerClient, path: string, text: string): Promise<void> {
  await client.getBlockBlobClient(path).upload(text, Buffer.byteLength(text));
}

async function text(client: ContainerClient, path: string): Promise<string> {
  return (await client.getBlobClient(path).downloadToBuffer()).toString('utf8');
}

async function putJob(name: string, props: Record<string, unknown>): Promise<void> {
  const token = await emulatorCredential(emulator).getToken('https://management.azure.com/.default');
  const url = `${emulator.armUrl}${emulator.workspaceId}/jobs/${name}?api-version=2025-12-01`;
  const reply = await requestJson(emulator, 'PUT', url, { token: token.token, body: { properties: props } });
  expect({ name, status: reply.status, error: reply.body['error'] }).toEqual({
    name,
    status: 201,
    error: undefined,
  });
}

function job(name: string) {
  const stored = emulator.store.get(`${emulator.workspaceId}/jobs/${name}`);
  if (!stored) throw new Error(`no job ${name}`);
  return stored;
}

const dataUri = (folder: string) => `azureml://datastores/workspaceblobstore/paths/kinds/${folder}/`;

/** A parallel step as azure-ai-ml's Parallel._to_rest_object writes it (snake_case node, task run_function). */
const parallelStep = (input: string, errorThreshold: number) => ({
  type: 'parallel',
  name: 'batch',
  inputs: { files: { job_input_type: 'literal', value: input } },
  outputs: { scores: { type: 'uri_folder' } },
  task: {
    type: 'run_function',
    code: codeId,
    entry_script: 'score.py',
    environment: environmentId,
    program_arguments: '--factor 2',
    append_row_to: '${{outputs.scores}}',
  },
  mini_batch_size: '2',
  input_data: '${{inputs.files}}',
  error_threshold: errorThreshold,
  mini_batch_error_threshold: -1,
  retry_settings: { max_retries: 0, timeout: 60 },
  logging_level: 'INFO',
  resources: { instance_count: 1 },
});

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.jobRunner.paceMs = 10;
  const client = new AzureMachineLearningWorkspaces(
    emulatorCredential(emulator),
    emulator.subscriptionId,
    emulator.armClientOptions,
  );
  const store = await client.datastores.get(
    emulator.resourceGroup,
    emulator.workspaceName,
    'workspaceblobstore',
  );
  const containerName = (store.properties as AzureBlobDatastore).containerName as string;
  datastore = container(containerName);
  artifacts = container('azureml');
  const prefix = `LocalUpload/${randomBytes(8).toString('hex')}/src`;
  for (const [name, body] of Object.entries(SCRIPTS)) await upload(datastore, `${prefix}/${name}`, body);
  for (const [name, body] of Object.entries({ 'a.txt': '1', 'b.txt': '2', 'c.txt': '3' }))
    await upload(datastore, `kinds/good/${name}`, body);
  for (const [name, body] of Object.entries({ 'a.txt': '1', 'b.txt': 'bad' }))
    await upload(datastore, `kinds/bad/${name}`, body);
  await upload(datastore, 'kinds/train/MLTable', 'paths:\n- file: ./rows.csv\n');
  codeId = emulator.assets.addAssetVersion(emulator.workspaceId, 'codes', 'kinds-src', '1', {
    codeUri: `${emulator.blob.blobUrl}/${containerName}/${prefix}`,
  }).id;
  environmentId = `${emulator.workspaceId}/environments/AzureML-sklearn-1.5/versions/27`;
});

afterAll(async () => {
  await emulator?.close();
});

describe('pipeline components and parallel steps', () => {
  it.concurrent(
    'runs a parallel step, then a registered pipeline component whose command step reads its rows',
    async () => {
      const summarize = emulator.assets.addAssetVersion(
        emulator.workspaceId,
        'components',
        'summarize',
        '1',
        {
          componentSpec: {
            type: 'command',
            command: 'python summarize.py ${{inputs.scored}} ${{outputs.report}}',
            code: codeId,
            environment: environmentId,
            inputs: { scored: { type: 'uri_folder' } },
            outputs: { report: { type: 'uri_folder' } },
          },
        },
      ).id;
      const report = emulator.assets.addAssetVersion(emulator.workspaceId, 'components', 'report', '1', {
        componentSpec: {
          type: 'pipeline',
          inputs: { scored: { type: 'uri_folder' } },
          outputs: { report: { type: 'uri_folder' } },
          jobs: {
            summarize: {
              type: 'command',
              componentId: summarize,
              inputs: { scored: { job_input_type: 'literal', value: '${{parent.inputs.scored}}' } },
              outputs: { report: { value: '${{parent.outputs.report}}', type: 'literal' } },
            },
          },
        },
      }).id;
      await putJob('pipe-kinds', {
        jobType: 'Pipeline',
        experimentName: 'kinds',
        settings: { default_compute: 'azureml:serverless' },
        inputs: { data: { jobInputType: 'uri_folder', uri: dataUri('good'), mode: 'ReadOnlyMount' } },
        jobs: {
          batch: parallelStep('${{parent.inputs.data}}', 0),
          nested: {
            type: 'pipeline',
            name: 'nested',
            componentId: report,
            inputs: { scored: { job_input_type: 'literal', value: '${{parent.jobs.batch.outputs.scores}}' } },
            outputs: { report: { value: '${{parent.outputs.report}}', type: 'literal' } },
          },
        },
        outputs: { report: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
      });
      const outcome = await emulator.jobRunner.whenDone('pipe-kinds');
      expect(outcome).toEqual({ status: 'Completed' });
      const children = emulator.store
        .children(emulator.workspaceId, 'jobs')
        .filter((j) => JSON.stringify(properties(j)['properties'] ?? {}).includes('pipe-kinds'));
      expect(children.map((c) => [properties(c)['displayName'], properties(c)['jobType']]).sort()).toEqual([
        ['batch', 'Command'],
        ['nested', 'Pipeline'],
      ]);
      const uri = String(
        (properties(job('pipe-kinds'))['outputs'] as Record<string, { uri: string }>)['report']?.uri,
      );
      const path = uri.replace(/^azureml:\/\/datastores\/workspaceblobstore\/paths\//, '');
      expect(await text(datastore, `${path.replace(/\/?$/, '/')}summary.txt`)).toBe('total 12\n');
    },
  );

  it.concurrent(
    'fails a parallel step whose failed items exceed error_threshold, with the reason',
    async () => {
      await putJob('pipe-threshold', {
        jobType: 'Pipeline',
        inputs: { data: { jobInputType: 'uri_folder', uri: dataUri('bad') } },
        jobs: { batch: parallelStep('${{parent.inputs.data}}', 0) },
      });
      const outcome = await emulator.jobRunner.whenDone('pipe-threshold');
      expect(outcome.status).toBe('Failed');
      expect(outcome.error?.message).toMatch(/Failed nodes: \/batch/);
      const step = emulator.store
        .children(emulator.workspaceId, 'jobs')
        .find((j) => JSON.stringify(properties(j)['properties'] ?? {}).includes('pipe-threshold'));
      const error = step?.secrets['error'] as { message: string };
      expect(error.message).toMatch(
        /^Execution failed\. User process 'azureml-parallel-run' exited with status code 1\..* Error: 2 item\(s\) failed, more than error_threshold \(0\): the parallel step stops\.$/,
      );
    },
  );
});

describe('stand-ins', () => {
  it.concurrent('runs a Spark job: driver log, outputs written', async () => {
    await putJob('spark-kinds', {
      jobType: 'Spark',
      codeId,
      entry: { sparkJobEntryType: 'SparkJobPythonEntry', file: 'main.py' },
      conf: { 'spark.driver.cores': '1' },
      pyFiles: ['utils.py'],
      args: '--data ${{inputs.data}} --out ${{outputs.out}}',
      inputs: { data: { jobInputType: 'uri_folder', uri: dataUri('good'), mode: 'Direct' } },
      outputs: { out: { jobOutputType: 'uri_folder', mode: 'Direct' } },
      resources: { instanceType: 'standard_e4s_v3', runtimeVersion: '3.3' },
      queueSettings: { jobTier: 'Standard' },
    });
    expect(await emulator.jobRunner.whenDone('spark-kinds')).toEqual({ status: 'Completed' });
    const log = await text(artifacts, 'ExperimentRun/dcid.spark-kinds/logs/azureml/driver/stdout');
    expect(log).toMatch(
      /^spark-submit --conf spark\.driver\.cores=1 --py-files utils\.py main\.py --data azureml:/,
    );
    expect(await text(datastore, 'azureml/spark-kinds/out/_SUCCESS')).toBe('');
  });

  it.concurrent('fails a Spark job whose entry file is not in its code', async () => {
    await putJob('spark-wrong-entry', {
      jobType: 'Spark',
      codeId,
      entry: { sparkJobEntryType: 'SparkJobPythonEntry', file: 'missing.py' },
      resources: { instanceType: 'standard_e4s_v3', runtimeVersion: '3.3' },
    });
    const outcome = await emulator.jobRunner.whenDone('spark-wrong-entry');
    expect(outcome).toEqual({
      status: 'Failed',
      error: {
        code: 'UserError',
        message:
          "Spark job failed: the entry file 'missing.py' is not in the job's code ('codeId'). python3: can't open " +
          "file 'missing.py': [Errno 2] No such file or directory",
      },
    });
  });

  it.concurrent(
    'runs an AutoML job: child runs, the best child metric on the parent, best_model written',
    async () => {
      await putJob('automl-kinds', {
        jobType: 'AutoML',
        experimentName: 'kinds',
        taskDetails: {
          taskType: 'Regression',
          targetColumnName: 'y',
          trainingData: { jobInputType: 'mltable', uri: dataUri('train') },
          limitSettings: { maxTrials: 2 },
        },
        resources: { instanceType: 'Standard_E4s_v3' },
        queueSettings: { jobTier: 'Spot' },
      });
      expect(await emulator.jobRunner.whenDone('automl-kinds')).toEqual({ status: 'Completed' });
      const parent = emulator.mlflow.getRun('automl-kinds') as {
        data: Record<string, { key: string; value: unknown }[]>;
      };
      const best = parent.data['tags']?.find((t) => t.key === 'automl_best_child_run_id')?.value;
      expect(['automl-kinds_0', 'automl-kinds_1']).toContain(best);
      const child = emulator.mlflow.getRun(String(best)) as {
        data: Record<string, { key: string; value: unknown }[]>;
      };
      const metricOf = (run: typeof child) =>
        run.data['metrics']?.find((m) => m.key === 'NormalizedRootMeanSquaredError')?.value;
      expect(metricOf(parent)).toBe(metricOf(child));
      expect(child.data['tags']).toEqual(
        expect.arrayContaining([{ key: 'mlflow.parentRunId', value: 'automl-kinds' }]),
      );
      expect(await text(datastore, 'azureml/automl-kinds/best_model/MLmodel')).toMatch(/python_function/);
      const outputs = properties(job('automl-kinds'))['outputs'] as Record<string, { jobOutputType: string }>;
      expect(outputs['best_model']?.jobOutputType).toBe('mlflow_model');
    },
  );

  it.concurrent('fails an AutoML job whose training data is missing', async () => {
    await putJob('automl-no-data', {
      jobType: 'AutoML',
      taskDetails: {
        taskType: 'Classification',
        targetColumnName: 'y',
        trainingData: { jobInputType: 'mltable', uri: dataUri('nothing-here') },
      },
    });
    const outcome = await emulator.jobRunner.whenDone('automl-no-data');
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.message).toMatch(/^Input 'training_data': nothing was found at /);
  });
});

/** The children of a pipeline job: [displayName, jobType, status]. */
function stepsOf(pipeline: string): string[][] {
  return emulator.store
    .children(emulator.workspaceId, 'jobs')
    .filter((j) => JSON.stringify(properties(j)['properties'] ?? {}).includes(`"${pipeline}"`))
    .map((c) => [c, properties(c)] as const)
    .map(([, p]) => [String(p['displayName']), String(p['jobType']), String(p['status'])])
    .sort();
}

/** The child job a pipeline step ran as, by its step name and job type. */
function stepJobOf(step: string, jobType: string) {
  const found = emulator.store
    .children(emulator.workspaceId, 'jobs')
    .find((j) => properties(j)['displayName'] === step && properties(j)['jobType'] === jobType);
  if (!found) throw new Error(`no ${jobType} job of step ${step}`);
  return found;
}

/** A command step (snake_case node, inline component) that fails unless `${{inputs.<name>}}/<file>` exists. */
const checkStep = (name: string, from: string, file: string) => ({
  type: 'command',
  component: {
    type: 'command',
    command: `test -f \${{inputs.${name}}}/${file}`,
    code: codeId,
    environment: environmentId,
    inputs: { [name]: { type: 'uri_folder' } },
  },
  inputs: { [name]: { job_input_type: 'literal', value: from } },
});

describe('sweep, spark and automl steps (as azure-ai-ml sends them)', () => {
  it.concurrent(
    'runs a sweep step of a registered trial component; the next step reads the best trial output',
    async () => {
      const trial = emulator.assets.addAssetVersion(emulator.workspaceId, 'components', 'tune-trial', '1', {
        componentSpec: {
          type: 'command',
          command: 'python trial.py --data ${{inputs.data}} --lr ${{inputs.lr}} --model ${{outputs.model}}',
          code: codeId,
          environment: environmentId,
          inputs: { data: { type: 'uri_folder' }, lr: { type: 'number', default: '0.05' } },
          outputs: { model: { type: 'uri_folder' } },
        },
      }).id;
      await putJob('pipe-sweep', {
        jobType: 'Pipeline',
        settings: { default_compute: 'azureml:serverless' },
        inputs: { data: { jobInputType: 'uri_folder', uri: dataUri('good') } },
        jobs: {
          tune: {
            type: 'sweep',
            name: 'tune',
            trial: { componentId: trial },
            inputs: { data: { job_input_type: 'literal', value: '${{parent.inputs.data}}' } },
            outputs: { model: { job_output_type: 'uri_folder' } },
            search_space: { lr: { type: 'choice', values: [0.1, 0.3, 0.2] } },
            sampling_algorithm: 'grid',
            objective: { goal: 'maximize', primary_metric: 'accuracy' },
            limits: { max_total_trials: 3, max_concurrent_trials: 2, timeout: 3600 },
            early_termination: { policy_type: 'MedianStopping', delay_evaluation: 2, evaluation_interval: 1 },
          },
          check: checkStep('model', '${{parent.jobs.tune.outputs.model}}', 'lr.txt'),
        },
      });
      expect(await emulator.jobRunner.whenDone('pipe-sweep')).toEqual({ status: 'Completed' });
      expect(stepsOf('pipe-sweep')).toEqual([
        ['check', 'Command', 'Completed'],
        ['tune', 'Sweep', 'Completed'],
      ]);
      const sweep = stepJobOf('tune', 'Sweep');
      const best = String((properties(sweep)['properties'] as Record<string, string>)['best_child_run_id']);
      const model = (properties(sweep)['outputs'] as Record<string, { uri: string }>)['model']?.uri ?? '';
      const path = model.replace(/^azureml:\/\/datastores\/workspaceblobstore\/paths\//, '');
      expect(await text(datastore, `${path.replace(/\/?$/, '/')}lr.txt`)).toBe('0.3');
      expect(best).toMatch(/_1$/);
    },
  );

  it.concurrent(
    'runs a spark step of a registered spark component; the next step reads its output',
    async () => {
      const wrangle = emulator.assets.addAssetVersion(emulator.workspaceId, 'components', 'wrangle', '1', {
        componentSpec: {
          type: 'spark',
          code: codeId,
          entry: { file: 'main.py' },
          py_files: ['utils.py'],
          args: '--raw ${{inputs.raw}} --wrangled ${{outputs.wrangled}}',
          inputs: { raw: { type: 'uri_folder' } },
          outputs: { wrangled: { type: 'uri_folder', mode: 'direct' } },
        },
      }).id;
      await putJob('pipe-spark', {
        jobType: 'Pipeline',
        settings: { default_compute: 'azureml:serverless' },
        inputs: { raw: { jobInputType: 'uri_folder', uri: dataUri('good') } },
        jobs: {
          wrangle: {
            type: 'spark',
            name: 'wrangle',
            componentId: wrangle,
            args: '--raw ${{inputs.raw}} --wrangled ${{outputs.wrangled}}',
            entry: { file: 'main.py', spark_job_entry_type: 'SparkJobPythonEntry' },
            py_files: ['utils.py'],
            conf: { 'spark.driver.cores': 1, 'spark.executor.instances': 2 },
            identity: { identity_type: 'UserIdentity' },
            inputs: { raw: { job_input_type: 'literal', value: '${{parent.inputs.raw}}' } },
            outputs: { wrangled: { job_output_type: 'uri_folder', mode: 'Direct' } },
            resources: { instance_type: 'standard_e4s_v3', runtime_version: '3.3' },
          },
          check: checkStep('wrangled', '${{parent.jobs.wrangle.outputs.wrangled}}', '_SUCCESS'),
        },
      });
      expect(await emulator.jobRunner.whenDone('pipe-spark')).toEqual({ status: 'Completed' });
      expect(stepsOf('pipe-spark')).toEqual([
        ['check', 'Command', 'Completed'],
        ['wrangle', 'Spark', 'Completed'],
      ]);
      const spark = stepJobOf('wrangle', 'Spark');
      const log = await text(
        artifacts,
        `ExperimentRun/dcid.${spark.body['name']}/logs/azureml/driver/stdout`,
      );
      expect(log).toMatch(
        /^spark-submit --conf spark\.driver\.cores=1 .*--py-files utils\.py main\.py --raw /,
      );
      expect(log).toMatch(/instance type standard_e4s_v3/);
    },
  );

  it.concurrent('runs an automl step in its YAML-like form; the next step reads best_model', async () => {
    await putJob('pipe-automl', {
      jobType: 'Pipeline',
      settings: { default_compute: 'azureml:serverless' },
      inputs: { train: { jobInputType: 'mltable', uri: dataUri('train') } },
      jobs: {
        classify: {
          type: 'automl',
          name: 'classify',
          task: 'classification',
          target_column_name: 'y',
          primary_metric: 'accuracy',
          training_data: '${{parent.inputs.train}}',
          validation_data: `{'type': 'mltable', 'path': '${dataUri('train')}'}`,
          limits: { max_trials: 2, timeout_minutes: 30 },
          training: { enable_stack_ensemble: false },
          log_verbosity: 'info',
          outputs: { best_model: { job_output_type: 'mlflow_model' } },
          properties: {},
          tags: {},
        },
        check: checkStep('model', '${{parent.jobs.classify.outputs.best_model}}', 'MLmodel'),
      },
    });
    expect(await emulator.jobRunner.whenDone('pipe-automl')).toEqual({ status: 'Completed' });
    expect(stepsOf('pipe-automl')).toEqual([
      ['check', 'Command', 'Completed'],
      ['classify', 'AutoML', 'Completed'],
    ]);
    const automl = stepJobOf('classify', 'AutoML');
    const task = properties(automl)['taskDetails'] as Record<string, unknown>;
    expect(task).toMatchObject({
      taskType: 'Classification',
      primaryMetric: 'Accuracy',
      trainingData: { jobInputType: 'mltable', uri: dataUri('train') },
      validationData: { jobInputType: 'mltable', uri: dataUri('train') },
      limitSettings: { maxTrials: 2, timeout: 'PT30M' },
    });
    const run = emulator.mlflow.getRun(String(automl.body['name'])) as {
      data: Record<string, { key: string; value: unknown }[]>;
    };
    expect(run.data['metrics']?.map((m) => m.key)).toContain('Accuracy');
  });

  it.concurrent('fails an automl step whose training data is not data, naming the step', async () => {
    await putJob('pipe-automl-literal', {
      jobType: 'Pipeline',
      jobs: {
        classify: { type: 'automl', task: 'classification', training_data: 'just-a-name' },
      },
    });
    const outcome = await emulator.jobRunner.whenDone('pipe-automl-literal');
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.message).toMatch(
      /Failed nodes: \/classify\..* Step 'classify': 'training_data' is not data \(an mltable\): "just-a-name"\.$/,
    );
  });
});
