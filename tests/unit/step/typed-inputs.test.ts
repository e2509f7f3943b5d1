// Type-level half of this file: `npm run typecheck` (tsc -p tests/tsconfig.json) fails when a `@ts-expect-error`
// line compiles, i.e. when the manifest stopped typing its inputs. The runtime half runs under jest as usual.
import { readInputs, type StepInputs } from '../../../shared/src/step/inputs';
import { defineStep } from '../../../shared/src/step/define';
import type { StepManifest } from '../../../shared/src/step/manifest';
import { deployManifest } from '../../../shared/src/steps/deploy/manifest';
import { trainManifest } from '../../../shared/src/steps/train/manifest';
import { exampleStep } from './example-manifest';

const manifest = {
  ...exampleStep,
  inputs: [
    { name: 'jobFile', label: 'Job', type: 'filePath', help: 'Job.' },
    { name: 'baseline', label: 'Baseline', type: 'string', default: 'production', help: 'Baseline.' },
    {
      name: 'target',
      label: 'Target',
      type: 'pickList',
      options: ['managed', 'kubernetes', 'aci'],
      default: 'managed',
      help: 'Target.',
    },
    { name: 'authMode', label: 'Auth', type: 'pickList', options: ['key', 'aml_token'], help: 'Auth.' },
    { name: 'timeoutMinutes', label: 'Timeout', type: 'integer', default: '30', min: 1, help: 'Timeout.' },
    { name: 'instanceCount', label: 'Count', type: 'integer', min: 1, help: 'Count.' },
    { name: 'ratio', label: 'Ratio', type: 'number', default: '1.5', help: 'Ratio.' },
    { name: 'wait', label: 'Wait', type: 'boolean', default: 'true', help: 'Wait.' },
  ],
} as const satisfies StepManifest;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `A` and `B` are the same type. */
const sameType = <A, B>(proof: Equal<A, B>) => proof;

const read = (values: Record<string, string>, host: 'github' | 'azure-pipelines' = 'github') =>
  readInputs(manifest, { get: (name) => values[name] }, host);

describe('typed inputs', () => {
  it('refuses an input name the manifest does not declare, at compile time and at run time', () => {
    const { inputs } = read({});
    // @ts-expect-error: misspelt input name
    expect(() => inputs.string('jobFil')).toThrow(
      "step reads input 'jobFil' that its manifest does not declare",
    );
    // @ts-expect-error: misspelt input name
    expect(() => inputs.displayName('timeout')).toThrow(/does not declare/);
  });

  it('refuses reading an input as another type, at compile time and at run time', () => {
    const { inputs } = read({});
    // @ts-expect-error: an integer input is not a choice
    expect(() => inputs.choice('timeoutMinutes')).toThrow("input 'timeoutMinutes' is integer, not pickList");
    // @ts-expect-error: a pickList is not a number
    expect(() => inputs.number('target')).toThrow("input 'target' is pickList, not integer/number");
    // @ts-expect-error: a boolean is not text
    expect(() => inputs.string('wait')).toThrow(/is boolean, not/);
  });

  it('gives a choice the union of its options', () => {
    const { inputs } = read({ target: 'aci', authMode: 'aml_token' });
    const target = inputs.choice('target');
    expect(sameType<typeof target, 'managed' | 'kubernetes' | 'aci'>(true)).toBe(true);
    expect(target).toBe('aci');
    // @ts-expect-error: the choice may be 'aci', so it does not fit a narrower union
    const online: 'managed' | 'kubernetes' = inputs.choice('target');
    expect(online).toBe('aci');
    // @ts-expect-error: 'azure' is not among the options: the comparison can never be true
    expect(inputs.choice('target') === 'azure').toBe(false);
    const authMode = inputs.choice('authMode');
    expect(sameType<typeof authMode, 'key' | 'aml_token' | undefined>(true)).toBe(true);
    expect(authMode).toBe('aml_token');
  });

  it('reads the default from the manifest when the input is empty, and types it as always present', () => {
    const empty: Record<string, string>[] = [
      {},
      { target: '', timeoutMinutes: ' ', ratio: '', wait: '', baseline: '' },
    ];
    for (const values of empty) {
      const { inputs, errors } = read(values);
      expect(errors).toEqual([]);
      const timeout: number = inputs.number('timeoutMinutes');
      const ratio: number = inputs.number('ratio');
      const baseline: string = inputs.string('baseline');
      expect([timeout, ratio, inputs.boolean('wait'), inputs.choice('target'), baseline]).toEqual([
        30,
        1.5,
        true,
        'managed',
        'production',
      ]);
    }
  });

  it('types inputs without a default as possibly missing', () => {
    const { inputs } = read({});
    // @ts-expect-error: no default in the manifest, so it may be undefined
    const count: number = inputs.number('instanceCount');
    expect(count).toBeUndefined();
    const authMode = inputs.choice('authMode');
    expect(authMode).toBeUndefined();
    const given = read({ instanceCount: '3', timeoutMinutes: '5', wait: 'false' }).inputs;
    expect([given.number('instanceCount'), given.number('timeoutMinutes'), given.boolean('wait')]).toEqual([
      3,
      5,
      false,
    ]);
  });

  it('refuses a choice outside the options with the same message as any pickList', () => {
    expect(read({ target: 'azure', authMode: 'token' }).errors.map((e) => e.message)).toEqual([
      "Input 'target' must be one of managed, kubernetes, aci; got 'azure'.",
      "Input 'auth-mode' must be one of key, aml_token; got 'token'.",
    ]);
    expect(read({ authMode: 'token' }, 'azure-pipelines').errors.map((e) => e.message)).toEqual([
      "Input 'authMode' must be one of key, aml_token; got 'token'.",
    ]);
  });

  it("types each step's inputs by its own manifest", () => {
    const { inputs } = readInputs(deployManifest, { get: () => undefined }, 'azure-pipelines');
    // @ts-expect-error: jobFile is a train input, not a deploy one
    expect(() => inputs.string('jobFile')).toThrow(/does not declare/);
    const target = inputs.choice('target');
    expect(sameType<typeof target, 'managed' | 'kubernetes' | 'aci'>(true)).toBe(true);
    expect(target).toBe('managed');
    const timeout: number = inputs.number('timeoutMinutes');
    expect(timeout).toBe(30);
    const step = defineStep({
      manifest: trainManifest,
      // @ts-expect-error: misspelt input name in a step's parse
      parse: (stepInputs) => stepInputs.string('jobFil'),
      run: async () => ({ result: 'succeeded' }),
    });
    expect(step.manifest.id).toBe('train');
  });

  it('still accepts any name for a manifest typed only as StepManifest', () => {
    const wide: StepInputs = read({}).inputs;
    expect(wide.string('baseline')).toBe('production');
    expect(() => wide.string('jobFil')).toThrow(/does not declare/);
  });
});
