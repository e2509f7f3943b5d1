import { InputError, InputErrors } from '../../../shared/src/step/errors';
import { parseSetOverrides } from '../../../shared/src/steps/train/job-spec';

describe('parseSetOverrides', () => {
  it('reads dotted paths with YAML-typed values, skipping blanks and comments', () => {
    const overrides = parseSetOverrides(
      [
        'compute=azureml:gpu-cluster',
        '',
        '# a comment',
        'inputs.learning_rate = 0.01',
        'jobs.train.environment_variables.X=1',
        'inputs.shuffle=false',
        'tags.note="007"',
        'command=python train.py --a b # not a comment',
        'resources={instance_count: 2}',
      ].join('\n'),
    );
    expect(overrides.map((o) => [o.path.join('.'), o.value, o.line])).toEqual([
      ['compute', 'azureml:gpu-cluster', 1],
      ['inputs.learning_rate', 0.01, 4],
      ['jobs.train.environment_variables.X', 1, 5],
      ['inputs.shuffle', false, 6],
      ['tags.note', '007', 7],
      ['command', 'python train.py --a b # not a comment', 8],
      ['resources', { instance_count: 2 }, 9],
    ]);
  });

  it('keeps text that YAML would read as a mapping', () => {
    expect(parseSetOverrides('description=a: b')[0]!.value).toBe('a: b');
  });

  it('names the input and the line of a bad line', () => {
    expect.assertions(3);
    try {
      parseSetOverrides('compute=azureml:x\nno equals sign here', 'overrides');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('overrides');
      expect((error as InputError).message).toBe(
        "Input 'overrides' line 2: expected path=value, got 'no equals sign here'",
      );
    }
  });

  it('reports every bad line at once', () => {
    expect.assertions(2);
    try {
      parseSetOverrides('a..b=1\ncompute=\ninputs.x=[1, 2\ncompute=x\ncompute=y');
    } catch (error) {
      expect(error).toBeInstanceOf(InputErrors);
      expect((error as InputErrors).errors.map((e) => e.message)).toEqual([
        "Input 'set' line 1: 'a..b' is not a dotted path such as inputs.learning_rate",
        `Input 'set' line 2: 'compute=' has no value; write compute="" for an empty string`,
        expect.stringMatching(/^Input 'set' line 3: the value of 'inputs.x' is not valid YAML: /),
        "Input 'set' line 5: 'compute' is already set on line 4",
      ]);
    }
  });
});
