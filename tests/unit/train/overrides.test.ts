import type { CommandJob, PipelineJob } from '@azure/arm-machinelearning';
import { loadJobSpec, parseSetOverrides, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { fixture, problems, resolveAll, WS } from './helpers';

const set = (text: string) => parseSetOverrides(text);

describe('set overrides', () => {
  it('apply to a command job and keep their types', () => {
    const spec = loadJobSpec(
      fixture('command-basic/job.yml'),
      set(
        [
          'compute=azureml:gpu-cluster',
          'inputs.C=0.5',
          'inputs.shrinking=false',
          'limits.timeout=7200',
          'environment_variables.EXTRA=1',
          'inputs.epochs=3',
        ].join('\n'),
      ),
    );
    const job = toRestJob(spec, resolveAll(spec)).body.properties as CommandJob;
    expect(job.computeId).toBe(`${WS}/computes/gpu-cluster`);
    expect(job.limits).toEqual({ jobLimitsType: 'Command', timeout: 'PT2H' });
    expect(job.environmentVariables).toEqual({ MLFLOW_LOGGING_LEVEL: 'INFO', EXTRA: '1' });
    expect(job.inputs).toMatchObject({
      C: { jobInputType: 'literal', value: '0.5' },
      shrinking: { jobInputType: 'literal', value: 'False' },
      epochs: { jobInputType: 'literal', value: '3' },
    });
  });

  it('reach into pipeline steps', () => {
    const spec = loadJobSpec(
      fixture('pipeline-inline/pipeline.yml'),
      set(
        'jobs.train_job.compute=azureml:big-gpu\njobs.score_job.environment_variables.MODE=strict\ninputs.epochs=3',
      ),
    );
    const job = toRestJob(spec, resolveAll(spec)).body.properties as PipelineJob;
    expect(job.jobs!.train_job).toMatchObject({ computeId: `${WS}/computes/big-gpu` });
    expect(job.jobs!.score_job).toMatchObject({ environment_variables: { MODE: 'strict' } });
    expect(job.inputs!.epochs).toEqual({ jobInputType: 'literal', value: '3' });
  });

  it('are validated like the file, at the place of the value they replace, naming the override', () => {
    expect(problems(fixture('command-basic/job.yml'), set('limits.timeout=ten'))).toEqual([
      "command-basic/job.yml:27:12 'limits.timeout' must be an integer number of seconds, got 'ten' (set by line 1 of 'set': limits.timeout=ten)",
    ]);
  });

  it('name an unknown key they add', () => {
    expect(problems(fixture('command-basic/job.yml'), set('comput=azureml:gpu-cluster'))).toEqual([
      "command-basic/job.yml:1:1 Unknown key 'comput' in a command job (did you mean 'compute'?) (set by line 1 of 'set': comput=azureml:gpu-cluster)",
    ]);
  });

  it('cannot invent a pipeline step or go through a value', () => {
    expect(
      problems(
        fixture('pipeline-inline/pipeline.yml'),
        set('jobs.trian_job.compute=azureml:x\ninputs.epochs.path=./data'),
      ),
    ).toEqual([
      "pipeline-inline/pipeline.yml:6:11 Override 'inputs.epochs.path' (line 2 of 'set'): 'inputs.epochs' is 10, not a mapping",
      "pipeline-inline/pipeline.yml:16:3 Override 'jobs.trian_job.compute' (line 1 of 'set'): the pipeline has no step 'trian_job' (did you mean 'train_job'?)",
    ]);
  });
});
