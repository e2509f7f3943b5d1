import type { CommandJob, PipelineJob, SweepJob } from '@azure/arm-machinelearning';
import {
  loadJobSpec,
  parseSetOverrides,
  references,
  toRestJob,
} from '../../../shared/src/steps/train/job-spec';
import { fixture, problems, resolveAll, WS } from './helpers';

const ENV_ID = `${WS}/environments/AzureML-sklearn-1.0-ubuntu20.04-py38-cpu/versions/9`;

function body(file: string) {
  const spec = loadJobSpec(fixture('serverless', file));
  return { spec, rest: toRestJob(spec, resolveAll(spec)) };
}

describe('serverless compute', () => {
  it('runs a command job with no compute on serverless compute: no computeId, resources and job tier sent', () => {
    const { spec, rest } = body('command.yml');
    expect(references(spec).map((r) => r.kind)).not.toContain('compute');
    expect(rest.body.properties).toEqual({
      jobType: 'Command',
      experimentName: 'serverless',
      command: `python -c "print('hello')" --out \${{outputs.result}}`,
      environmentId: ENV_ID,
      resources: { instanceCount: 2, instanceType: 'Standard_E4s_v3' },
      outputs: { result: { jobOutputType: 'uri_folder', mode: 'Direct' } },
      queueSettings: { jobTier: 'Standard' },
    });
    expect(rest.warnings).toEqual([]);
  });

  it('takes compute: azureml:serverless as serverless, never as a compute to look up', () => {
    const { spec, rest } = body('named.yml');
    expect(spec.compute).toMatchObject({ kind: 'serverless' });
    expect(references(spec).map((r) => r.kind)).toEqual(['environment']);
    expect(rest.body.properties).not.toHaveProperty('computeId');
  });

  it('sends a serverless sweep with its resources on the trial and its queue settings', () => {
    const props = body('sweep.yml').rest.body.properties as SweepJob & { queueSettings?: unknown };
    expect(props).not.toHaveProperty('computeId');
    expect(props.trial.resources).toEqual({ instanceType: 'Standard_DS3_v2' });
    expect(props.queueSettings).toEqual({ jobTier: 'Spot' });
  });

  describe('in a pipeline', () => {
    const { spec, rest } = body('pipeline.yml');
    const props = rest.body.properties as PipelineJob;
    const jobs = props.jobs as Record<string, Record<string, unknown>>;

    it('sends settings.default_compute azureml:serverless as the CLI passes it, looked up nowhere', () => {
      expect(references(spec).filter((r) => r.kind === 'compute')).toEqual([]);
      expect(props.settings).toEqual({
        default_compute: 'serverless',
        default_datastore: `${WS}/datastores/workspaceblobstore`,
        continue_on_step_failure: true,
        force_rerun: false,
        continue_run_on_failed_optional_input: true,
        _source: 'YAML.JOB',
      });
      expect(props).not.toHaveProperty('computeId');
    });

    it('sends a setting the CLI does not document as written, with a warning at its line', () => {
      expect(rest.warnings).toEqual([
        `${fixture('serverless', 'pipeline.yml')}:8:3: 'settings.continue_run_on_failed_optional_input' is not a setting the Azure ML CLI documents; it is sent as written`,
      ]);
    });

    it('lets steps inherit serverless compute, with their own job tier', () => {
      expect(jobs['hello']).not.toHaveProperty('computeId');
      expect(jobs['hello']!['queue_settings']).toEqual({ job_tier: 'Spot' });
    });

    it('takes a string input written 5 as the text 5', () => {
      expect(jobs['hello']!['inputs']).toMatchObject({ count: { job_input_type: 'literal', value: '5' } });
      expect(props.inputs!['flag']).toEqual({ jobInputType: 'literal', value: 'True' });
    });

    it("sends a step's compute bound to a pipeline input as written", () => {
      expect(jobs['bound']!['computeId']).toBe('${{parent.inputs.compute_name}}');
    });

    it('sends a step output with its own type, path (with ${{name}}) and mode', () => {
      expect(jobs['bound']!['outputs']).toEqual({
        model: {
          job_output_type: 'uri_folder',
          uri: 'azureml://datastores/workspaceblobstore/paths/${{name}}/model/',
          mode: 'Direct',
        },
      });
    });
  });

  it("refuses a step's compute bound to an input the pipeline does not have, at the compute", () => {
    const overrides = parseSetOverrides('jobs.bound.compute=${{parent.inputs.compute_nme}}');
    expect(problems(fixture('serverless', 'pipeline.yml'), overrides)).toEqual([
      expect.stringMatching(
        /^serverless\/pipeline.yml:\d+:\d+ 'jobs.bound.compute' binds to \$\{\{parent.inputs.compute_nme\}\} but the pipeline declares no input 'compute_nme' \(did you mean 'compute_name'\?\)/,
      ),
    ]);
  });
});

describe('a command job with a compute cluster', () => {
  it('still looks up the cluster and sends its id', () => {
    const spec = loadJobSpec(fixture('command-basic/job.yml'));
    const props = toRestJob(spec, resolveAll(spec)).body.properties as CommandJob;
    expect(props.computeId).toMatch(/\/computes\/[^/]+$/);
    expect(references(spec).map((r) => r.kind)).toContain('compute');
  });
});
