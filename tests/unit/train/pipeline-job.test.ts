import type { PipelineJob } from '@azure/arm-machinelearning';
import {
  anonymousComponent,
  loadJobSpec,
  references,
  toRestJob,
  type ComponentReference,
  type PipelineJobSpec,
} from '../../../shared/src/steps/train/job-spec';
import { fixture, resolveAll, WS } from './helpers';

const localComponents = (spec: PipelineJobSpec) =>
  references(spec).filter(
    (r): r is Extract<ComponentReference, { source: 'local' }> =>
      r.kind === 'component' && r.source === 'local',
  );

describe('a pipeline with inline command steps', () => {
  const spec = loadJobSpec(fixture('pipeline-inline/pipeline.yml')) as PipelineJobSpec;
  const resolved = resolveAll(spec);
  const job = toRestJob(spec, resolved).body.properties as PipelineJob;

  it('lists code, environments, computes and inputs before the components that use them', () => {
    expect(references(spec).map((r) => r.kind)).toEqual([
      'code',
      'code',
      'code',
      'environment',
      'environment',
      'compute',
      'compute',
      'localInput',
      'component',
      'component',
      'component',
    ]);
  });

  it('wires the steps with bindings and references each anonymous component by id', () => {
    expect(job.settings).toEqual({
      default_compute: `${WS}/computes/cpu-cluster`,
      continue_on_step_failure: false,
      _source: 'YAML.JOB',
    });
    expect(job.inputs).toEqual({
      epochs: { jobInputType: 'literal', value: '10' },
      learning_rate: { jobInputType: 'literal', value: '0.01' },
    });
    expect(job.outputs).toEqual({ trained_model: { jobOutputType: 'mlflow_model', mode: 'Upload' } });
    expect(Object.keys(job.jobs!)).toEqual(['prep_job', 'train_job', 'score_job']);
    expect(job.jobs!.train_job).toEqual({
      name: 'train_job',
      type: 'command',
      componentId: `${WS}/components/azureml_anonymous/versions/for-train_job`,
      computeId: `${WS}/computes/gpu-cluster`,
      inputs: {
        training_data: { job_input_type: 'literal', value: '${{parent.jobs.prep_job.outputs.prep_data}}' },
        epochs: { job_input_type: 'literal', value: '${{parent.inputs.epochs}}' },
        learning_rate: { job_input_type: 'literal', value: '${{parent.inputs.learning_rate}}' },
        seed: { job_input_type: 'literal', value: '7' },
      },
      outputs: { model_output: { value: '${{parent.outputs.trained_model}}', type: 'literal' } },
      environment_variables: { EPOCHS_HINT: '10' },
      _source: 'YAML.JOB',
    });
    expect(job.jobs!.prep_job).toMatchObject({
      inputs: {
        raw_data: {
          job_input_type: 'uri_folder',
          uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/0123abcd/data',
        },
      },
      outputs: { prep_data: { job_output_type: 'uri_folder', mode: 'ReadWriteMount' } },
    });
  });

  it('makes each inline step an anonymous component typed from what it binds to', () => {
    const train = localComponents(spec).find((r) => r.step === 'train_job')!;
    const component = anonymousComponent(train, resolved);
    expect(component.name).toBe('azureml_anonymous');
    expect(component.version).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(component.body.properties.isAnonymous).toBe(true);
    expect(component.body.properties.componentSpec).toMatchObject({
      name: 'azureml_anonymous',
      version: component.version,
      type: 'command',
      is_deterministic: true,
      code: `azureml:${WS}/codes/train/versions/1`,
      inputs: {
        training_data: { type: 'uri_folder' },
        epochs: { type: 'integer' },
        learning_rate: { type: 'number' },
        seed: { type: 'integer', default: 7 },
      },
      outputs: { model_output: { type: 'mlflow_model' } },
      resources: { instance_count: 1 },
      _source: 'YAML.JOB',
    });
    expect(component.body.properties.componentSpec!.environment).toMatch(
      /^azureml:.*\/environments\/CliV2AnonymousEnvironment\/versions\//,
    );
  });

  it('gives the same component the same version, and a changed one another', () => {
    const train = localComponents(spec).find((r) => r.step === 'train_job')!;
    const again = loadJobSpec(fixture('pipeline-inline/pipeline.yml')) as PipelineJobSpec;
    const trainAgain = localComponents(again).find((r) => r.step === 'train_job')!;
    expect(anonymousComponent(trainAgain, resolveAll(again)).version).toBe(
      anonymousComponent(train, resolved).version,
    );
    const changed = new Map(resolved);
    const code = references(spec).find(
      (r) => r.kind === 'code' && r.source === 'local' && r.path.endsWith('train'),
    )!;
    changed.set(code.key, `${WS}/codes/other/versions/1`);
    expect(anonymousComponent(train, changed).version).not.toBe(anonymousComponent(train, resolved).version);
  });
});

describe('a pipeline with component files and a registered component', () => {
  const spec = loadJobSpec(fixture('pipeline-components/pipeline.yml')) as PipelineJobSpec;
  const resolved = resolveAll(spec);
  const job = toRestJob(spec, resolved).body.properties as PipelineJob;

  it('loads each component file relative to the pipeline file', () => {
    const [train, score] = localComponents(spec);
    expect(train!.spec).toMatchObject({
      origin: 'file',
      file: fixture('pipeline-components/train.yml'),
      name: 'train',
      version: '10',
      inputs: { max_epocs: { type: 'integer' }, learning_rate: { type: 'number', default: 0.01 } },
    });
    expect(score!.spec).toMatchObject({
      parts: {
        environment: {
          source: 'inline',
          condaFile: { content: expect.stringContaining('python=3.10') },
        },
      },
    });
    const registered = references(spec).find((r) => r.kind === 'component' && r.source === 'workspace');
    expect(registered).toMatchObject({
      step: 'evaluate_job',
      asset: { name: 'evaluate_model', version: '3' },
    });
  });

  it('keeps the component file spec and marks it as coming from a component YAML', () => {
    const train = localComponents(spec).find((r) => r.step === 'train_job')!;
    expect(anonymousComponent(train, resolved).body.properties.componentSpec).toMatchObject({
      display_name: 'Train',
      command: expect.stringContaining('$[[--early_stop ${{inputs.early_stop}}]]'),
      code: `azureml:${WS}/codes/train_src/versions/1`,
      outputs: { model_output: { type: 'uri_folder' } },
      _source: 'YAML.COMPONENT',
    });
  });

  it('points component steps at their component ids and the pipeline at its compute', () => {
    expect(job.computeId).toBe(`${WS}/computes/cpu-cluster`);
    expect(job.jobs!.evaluate_job).toMatchObject({
      componentId: `${WS}/components/evaluate_model/versions/3`,
      computeId: `${WS}/computes/gpu-cluster`,
      inputs: {
        scoring_result: {
          job_input_type: 'literal',
          value: '${{parent.jobs.score_job.outputs.score_output}}',
        },
      },
      outputs: { eval_output: { value: '${{parent.outputs.evaluation_report}}', type: 'literal' } },
    });
    expect(job.jobs!.score_job).toMatchObject({
      componentId: `${WS}/components/azureml_anonymous/versions/for-score_job`,
      outputs: { score_output: { job_output_type: 'uri_folder', mode: 'Upload' } },
    });
    expect(job.jobs!.train_job).not.toHaveProperty('computeId');
  });
});
