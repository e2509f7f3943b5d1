import { readInputs } from '../../../shared/src/step/inputs';
import type { StepManifest } from '../../../shared/src/step/manifest';
import { exampleStep } from './example-manifest';

const manifest: StepManifest = {
  ...exampleStep,
  inputs: [
    { name: 'scoringUri', label: 'URI', type: 'string', required: true, help: 'Where to send requests.' },
    { name: 'apiKey', label: 'Key', type: 'string', secret: true, help: 'Key.' },
    { name: 'wait', label: 'Wait', type: 'boolean', default: 'true', help: 'Wait.' },
    { name: 'count', label: 'Count', type: 'integer', default: '20', min: 0, max: 100, help: 'Count.' },
    { name: 'ratio', label: 'Ratio', type: 'number', help: 'Ratio.' },
    { name: 'mode', label: 'Mode', type: 'pickList', options: ['a', 'b'], default: 'a', help: 'Mode.' },
    { name: 'items', label: 'Items', type: 'multiLine', help: 'Items.' },
    {
      name: 'connection',
      label: 'Connection',
      type: 'azureConnection',
      hosts: ['azure-pipelines'],
      help: 'Conn.',
    },
  ],
};

const read = (values: Record<string, string>, host: 'github' | 'azure-pipelines' = 'github') =>
  readInputs(manifest, { get: (name) => values[name] }, host);

describe('readInputs', () => {
  it('converts types and applies defaults', () => {
    const { inputs, errors } = read({
      scoringUri: ' https://x/score ',
      ratio: '0.25',
      items: 'a\n b, c\n\n',
      wait: 'FALSE',
    });
    expect(errors).toEqual([]);
    expect(inputs.requiredString('scoringUri')).toBe('https://x/score');
    expect(inputs.boolean('wait')).toBe(false);
    expect(inputs.number('count')).toBe(20);
    expect(inputs.number('ratio')).toBe(0.25);
    expect(inputs.string('mode')).toBe('a');
    expect(inputs.list('items')).toEqual(['a', 'b', 'c']);
    expect(inputs.string('apiKey')).toBeUndefined();
  });

  it('reads key=value lines (values may hold =), skipping blanks and comments; a bad line names its number', () => {
    const { inputs } = read({ items: 'team = weather\n\n# owner\nquery=a=b\nempty=' });
    expect(inputs.keyValues('items')).toEqual({ team: 'weather', query: 'a=b', empty: '' });
    const { inputs: bad } = read({ items: 'team=weather\n=nokey' });
    expect(() => bad.keyValues('items')).toThrow("Input 'items' line 2 ('=nokey') is not 'key=value'.");
    expect(read({}).inputs.keyValues('items')).toEqual({});
  });

  it.each([
    [{ wait: 'yes' }, "Input 'wait' must be true or false, got 'yes'."],
    [{ count: '2.5' }, "Input 'count' must be a whole number, got '2.5'."],
    [{ count: '101' }, "Input 'count' must be at most 100, got '101'."],
    [{ count: '-1' }, "Input 'count' must be at least 0, got '-1'."],
    [{ ratio: '1e400' }, "Input 'ratio' must be a number, got '1e400'."],
    [{ ratio: '12abc' }, "Input 'ratio' must be a number, got '12abc'."],
    [{ mode: 'c' }, "Input 'mode' must be one of a, b; got 'c'."],
  ])('rejects %j', (values, message) => {
    const { errors } = read({ scoringUri: 'u', ...values });
    expect(errors.map((e) => e.message)).toEqual([message]);
  });

  it('reports every problem at once, by the name the user wrote on their host', () => {
    expect(read({ wait: 'maybe' }, 'github').errors.map((e) => e.message)).toEqual([
      "Input 'scoring-uri' is required: Where to send requests.",
      "Input 'wait' must be true or false, got 'maybe'.",
    ]);
    expect(read({}, 'azure-pipelines').errors.map((e) => e.message)).toEqual([
      "Input 'scoringUri' is required: Where to send requests.",
    ]);
  });

  it('never echoes a secret value in an error', () => {
    const secretManifest: StepManifest = {
      ...manifest,
      inputs: [{ name: 'token', label: 'T', type: 'integer', secret: true, help: 'T.' }],
    };
    const { errors } = readInputs(secretManifest, { get: () => 'hunter2-secret' }, 'github');
    expect(errors[0]?.message).toBe("Input 'token' must be a whole number, got the given value.");
  });

  it('offers host-specific inputs only on their host', () => {
    expect(read({ scoringUri: 'u', connection: 'c' }, 'azure-pipelines').inputs.string('connection')).toBe(
      'c',
    );
    expect(() => read({ scoringUri: 'u', connection: 'c' }, 'github').inputs.string('connection')).toThrow(
      /does not declare/,
    );
  });

  it('lists secrets and hides them from public values', () => {
    const { inputs } = read({ scoringUri: 'u', apiKey: 'k-123456' });
    expect(inputs.secrets()).toEqual(['k-123456']);
    expect(inputs.publicValues()).toMatchObject({ scoringUri: 'u', apiKey: '***' });
  });
});
