import { readFileSync } from 'node:fs';
import type { CommandJob } from '@azure/arm-machinelearning';
import { loadJobSpec, references, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { fixture, resolveAll, WS } from './helpers';

describe('a basic command job (code, inputs, image + conda file)', () => {
  const spec = loadJobSpec(fixture('command-basic/job.yml'));

  it('lists what to resolve, each with where it was written', () => {
    const found = references(spec).map((r) => [r.kind, r.location.line]);
    expect(found).toEqual([
      ['code', 2],
      ['environment', 21],
      ['compute', 23],
      ['localInput', 12],
    ]);
    const environment = references(spec).find((r) => r.kind === 'environment');
    expect(environment).toMatchObject({
      source: 'inline',
      image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
      condaFile: {
        path: fixture('command-basic/conda.yml'),
        content: readFileSync(fixture('command-basic/conda.yml'), 'utf8'),
      },
    });
    expect(references(spec).find((r) => r.kind === 'code')).toMatchObject({
      path: fixture('command-basic/src'),
      isFile: false,
    });
    expect(references(spec).find((r) => r.kind === 'localInput')).toMatchObject({
      path: fixture('command-basic/data/iris.csv'),
      isFile: true,
      inputType: 'uri_file',
    });
  });

  it('builds the CommandJob request body', () => {
    const resolved = resolveAll(spec);
    const { body, warnings } = toRestJob(spec, resolved);
    const job = body.properties as CommandJob;
    expect(warnings).toEqual([]);
    expect(job).toMatchObject({
      jobType: 'Command',
      displayName: 'iris-svm',
      experimentName: 'iris-training',
      description: 'Train an SVM on the iris data set.',
      codeId: `${WS}/codes/src/versions/1`,
      computeId: `${WS}/computes/cpu-cluster`,
      environmentVariables: { MLFLOW_LOGGING_LEVEL: 'INFO' },
      limits: { jobLimitsType: 'Command', timeout: 'PT1H' },
    });
    expect(job.environmentId).toMatch(/environments\/CliV2AnonymousEnvironment\/versions\//);
    expect(job.command).toBe(
      'python main.py --iris-csv ${{inputs.iris_csv}} --C ${{inputs.C}} --kernel ${{inputs.kernel}} --model-dir ${{outputs.model}}',
    );
    expect(job.inputs).toEqual({
      iris_csv: {
        jobInputType: 'uri_file',
        uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/0123abcd/iris.csv',
      },
      C: { jobInputType: 'literal', value: '0.8' },
      kernel: { jobInputType: 'literal', value: 'rbf' },
      shrinking: { jobInputType: 'literal', value: 'True' },
    });
    expect(job.outputs).toEqual({ model: { jobOutputType: 'custom_model', mode: 'Upload' } });
  });

  it('lets the step inputs win over the YAML and merges lineage tags last', () => {
    const { body } = toRestJob(spec, resolveAll(spec), {
      experimentName: 'from-input',
      displayName: 'nightly',
      tags: { team: 'ml', run: 'x' },
      lineageTags: { run: 'pipeline-42', commit: 'abc123' },
    });
    expect(body.properties).toMatchObject({
      experimentName: 'from-input',
      displayName: 'nightly',
      tags: { team: 'ml', run: 'pipeline-42', commit: 'abc123' },
    });
  });

  it('refuses to build a request with a reference left unresolved', () => {
    expect(() => toRestJob(spec, new Map())).toThrow(/is not resolved/);
  });
});

describe('a distributed command job (registered data and environment, resources, identity, services)', () => {
  const spec = loadJobSpec(fixture('command-distributed/job.yml'));

  it('names the workspace assets to check', () => {
    expect(references(spec).map((r) => r.key)).toEqual([
      `code:${fixture('command-distributed/src')}`,
      'environment:azureml:AzureML-pytorch-1.9-ubuntu18.04-py37-cuda11-gpu:6',
      'compute:gpu-cluster',
      'asset:data:azureml:cifar-10-example:1',
    ]);
  });

  it('builds distribution, resources and the data asset input as the CLI sends them', () => {
    const job = toRestJob(spec, resolveAll(spec)).body.properties as CommandJob;
    expect(job).toMatchObject({
      environmentId: `${WS}/environments/AzureML-pytorch-1.9-ubuntu18.04-py37-cuda11-gpu/versions/6`,
      distribution: { distributionType: 'PyTorch', processCountPerInstance: 2 },
      resources: { instanceCount: 2, shmSize: '8g' },
      identity: { identityType: 'Managed' },
      services: {
        debug: { jobServiceType: 'SSH', properties: { sshPublicKeys: 'ssh-rsa AAAAB3Nza fixture' } },
      },
    });
    expect(job.inputs).toEqual({
      epochs: { jobInputType: 'literal', value: '1' },
      learning_rate: { jobInputType: 'literal', value: '0.2' },
      cifar: {
        jobInputType: 'uri_folder',
        uri: `azureml:${WS}/data/cifar-10-example/versions/1`,
        mode: 'ReadOnlyMount',
      },
    });
    expect(job.limits).toBeUndefined();
  });
});
