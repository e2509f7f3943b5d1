import type { PipelineJob } from '@azure/arm-machinelearning';
import {
  anonymousComponent,
  loadJobSpec,
  references,
  toRestJob,
  type ComponentReference,
  type PipelineJobSpec,
} from '../../../shared/src/steps/train/job-spec';
import { fixture, problems, resolveAll, WS } from './helpers';

type LocalComponent = Extract<ComponentReference, { source: 'local' }>;
const isLocal = (r: { kind: string; source?: string }): r is LocalComponent =>
  r.kind === 'component' && r.source === 'local';

describe('a pipeline step of type pipeline (a nested pipeline component)', () => {
  const spec = loadJobSpec(fixture('pipeline-nested/pipeline.yml')) as PipelineJobSpec;
  const resolved = resolveAll(spec);
  const job = toRestJob(spec, resolved).body.properties as PipelineJob;
  const jobs = job.jobs as Record<string, Record<string, unknown>>;

  it('registers the nested component after the components of its own steps', () => {
    expect(
      references(spec)
        .filter(isLocal)
        .map((r) => [r.step, r.key]),
    ).toEqual([
      ['train', 'component:step:train_and_check/train'],
      ['check', 'component:step:train_and_check/check'],
      ['train_and_check', 'component:step:train_and_check'],
      ['report', 'component:step:report'],
    ]);
  });

  it('sends the step by the id of its pipeline component, with its inputs and outputs', () => {
    expect(jobs['train_and_check']).toEqual({
      name: 'train_and_check',
      type: 'pipeline',
      componentId: `${WS}/components/azureml_anonymous/versions/for-train_and_check`,
      inputs: { epochs: { job_input_type: 'literal', value: '${{parent.inputs.epochs}}' } },
      outputs: { model: { value: '${{parent.outputs.final_model}}', type: 'literal' } },
      _source: 'YAML.COMPONENT',
    });
    expect(jobs['registered']).toMatchObject({
      type: 'pipeline',
      componentId: `${WS}/components/shared_pipeline/versions/9`,
      _source: 'REMOTE.WORKSPACE.COMPONENT',
    });
  });

  it('registers the pipeline component with type pipeline, its inputs, outputs and steps', () => {
    const nested = references(spec)
      .filter(isLocal)
      .find((r) => r.step === 'train_and_check')!;
    const { name, body } = anonymousComponent(nested, resolved);
    expect(name).toBe('azureml_anonymous');
    const componentSpec = (body.properties as { componentSpec: Record<string, unknown> }).componentSpec;
    expect(componentSpec).toMatchObject({
      name: 'azureml_anonymous',
      display_name: 'Train and check',
      type: 'pipeline',
      // The legacy port type `path` is uri_folder; a string default written True is the text True.
      inputs: {
        epochs: { type: 'integer' },
        data_dir: { type: 'uri_folder', optional: true },
        tag: { type: 'string', default: 'True' },
      },
      outputs: { model: { type: 'uri_folder' } },
      _source: 'YAML.COMPONENT',
    });
    expect(componentSpec['jobs']).toEqual({
      train: expect.objectContaining({
        type: 'command',
        componentId: `${WS}/components/azureml_anonymous/versions/for-train`,
        outputs: { model: { value: '${{parent.outputs.model}}', type: 'literal' } },
      }),
      check: expect.objectContaining({
        type: 'command',
        inputs: { model: { job_input_type: 'literal', value: '${{parent.jobs.train.outputs.model}}' } },
      }),
    });
  });

  it('lets a later step bind to an output of the nested pipeline', () => {
    expect(jobs['report']!['inputs']).toEqual({
      model: { job_input_type: 'literal', value: '${{parent.jobs.train_and_check.outputs.model}}' },
    });
  });
});

describe('a pipeline job whose top-level component is a pipeline component', () => {
  const spec = loadJobSpec(fixture('pipeline-nested/job-component.yml')) as PipelineJobSpec;
  const job = toRestJob(spec, resolveAll(spec)).body.properties as PipelineJob & { componentId?: string };

  it("sends the component's steps as the job's, and the registered component's id", () => {
    expect(Object.keys(job.jobs!)).toEqual(['train', 'check']);
    expect(job.componentId).toBe(`${WS}/components/azureml_anonymous/versions/for-(pipeline job)`);
    expect(job.settings).toEqual({ default_compute: 'serverless', _source: 'YAML.COMPONENT' });
    expect(
      references(spec)
        .filter(isLocal)
        .map((r) => r.key),
    ).toEqual(['component:step:train', 'component:step:check', 'component:job']);
  });
});

describe('nested pipeline mistakes', () => {
  it('checks a nested step against its pipeline component and bindings inside the component', () => {
    const overrides = [
      {
        path: ['jobs', 'train_and_check', 'inputs', 'epoch'],
        value: 1,
        line: 1,
        text: 'jobs.train_and_check.inputs.epoch=1',
        input: 'set',
      },
    ];
    expect(problems(fixture('pipeline-nested/pipeline.yml'), overrides)).toEqual([
      expect.stringMatching(
        /^pipeline-nested\/pipeline.yml:\d+:\d+ Step 'train_and_check' sets input 'epoch', but component 'train_pipeline' has no such input/,
      ),
    ]);
  });
});
