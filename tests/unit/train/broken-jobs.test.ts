import path from 'node:path';
import { describeError } from '../../../shared/src/step/describe-error';
import { JobSpecErrors, loadJobSpec } from '../../../shared/src/steps/train/job-spec';
import { fixture, FIXTURES, problems } from './helpers';

const broken = (name: string) => problems(fixture('broken', name));

describe('job YAML that does not follow the CLI schema', () => {
  it('names a mistyped key at its position, with the key it resembles, and the missing one', () => {
    expect(broken('typo-key.yml')).toEqual([
      "broken/typo-key.yml:1:1 Missing 'command' in a command job: the command to run, e.g. python train.py --data ${{inputs.data}}",
      "broken/typo-key.yml:3:1 Unknown key 'comand' in a command job (did you mean 'command'?)",
    ]);
  });

  it('reports every wrong type at its value, all at once', () => {
    expect(broken('wrong-type.yml')).toEqual([
      "broken/wrong-type.yml:6:12 'limits.timeout' must be an integer number of seconds, got 'ten'",
      "broken/wrong-type.yml:8:19 'resources.instance_count' must be a whole number of nodes (1 or more), got 0",
      "broken/wrong-type.yml:10:9 'distribution.type' must be one of pytorch, mpi, tensorflow; got 'horovod'",
    ]);
  });

  it('reports a missing command at the job mapping', () => {
    expect(broken('missing-command.yml')).toEqual([
      "broken/missing-command.yml:1:1 Missing 'command' in a command job: the command to run, e.g. python train.py --data ${{inputs.data}}",
    ]);
  });

  it('names ${{inputs.x}} and ${{outputs.y}} the job does not declare, but not optional $[[...]] ones', () => {
    expect(broken('unknown-input.yml')).toEqual([
      "broken/unknown-input.yml:2:1 'command' uses ${{inputs.learning_rte}} but the job declares no input 'learning_rte' (did you mean 'learning_rate'?)",
      "broken/unknown-input.yml:2:1 'command' uses ${{outputs.model}} but the job declares no output 'model'",
    ]);
  });

  it('names a binding to an output a step does not declare, or to a step that does not exist', () => {
    expect(broken('missing-step-output.yml')).toEqual([
      "broken/missing-step-output.yml:15:13 'jobs.train.inputs.data' binds to ${{parent.jobs.prep.outputs.clean_data}} but step 'prep' declares no output 'clean_data'",
      "broken/missing-step-output.yml:16:14 'jobs.train.inputs.extra' binds to ${{parent.jobs.trian.outputs.model}} but the pipeline has no step 'trian' (did you mean 'train'?)",
    ]);
  });

  it('names the steps of a cycle', () => {
    expect(broken('cycle.yml')).toEqual([
      'broken/cycle.yml:4:3 Steps form a cycle: featurize -> train -> featurize',
    ]);
  });

  it('says which job type no stable api-version expresses, at the type', () => {
    expect(broken('import.yml')).toEqual([
      "broken/import.yml:1:7 Job type 'import' cannot be sent by the train step: no stable Azure ML api-version expresses it (it needs 2022-02-01-preview (private preview); the step sends jobs at the stable 2025-12-01); submit it with the Azure ML CLI (az ml job create -f <file>) instead",
    ]);
  });

  it('reports problems inside a component file at their place in that file', () => {
    expect(broken('broken-component-pipeline.yml')).toEqual([
      "broken/broken-component.yml:8:11 'inputs.epochs.type' must be one of uri_file, uri_folder, mltable, mlflow_model, custom_model, triton_model, integer, number, string, boolean; got 'int'",
      "broken/broken-component.yml:14:1 'command' uses ${{outputs.modle}} but component 'train' declares no output 'modle' (did you mean 'model'?)",
      "broken/broken-component.yml:15:1 Unknown key 'is_determinstic' in a command component (did you mean 'is_deterministic'?)",
      `broken/broken-component-pipeline.yml:11:16 'jobs.missing.component': the component file './no-such-component.yml' does not exist (looked for ${path.join(FIXTURES, 'broken/no-such-component.yml')})`,
    ]);
  });

  it('is one DataError whose message lists each problem with its file:line:column', () => {
    expect.assertions(3);
    try {
      loadJobSpec(fixture('broken/wrong-type.yml'));
    } catch (error) {
      expect(error).toBeInstanceOf(JobSpecErrors);
      const { message } = describeError(error, false);
      expect(message.split('\n')).toHaveLength(3);
      expect(message.split('\n')[0]).toBe(
        `${fixture('broken/wrong-type.yml')}:6:12: 'limits.timeout' must be an integer number of seconds, got 'ten'`,
      );
    }
  });

  it('puts a single problem where describeError shows it once', () => {
    expect.assertions(1);
    try {
      loadJobSpec(fixture('broken/import.yml'));
    } catch (error) {
      expect(describeError(error, false).message).toBe(
        `${fixture('broken/import.yml')}:1:7: Job type 'import' cannot be sent by the train step: no stable Azure ML api-version expresses it (it needs 2022-02-01-preview (private preview); the step sends jobs at the stable 2025-12-01); submit it with the Azure ML CLI (az ml job create -f <file>) instead`,
      );
    }
  });
});
