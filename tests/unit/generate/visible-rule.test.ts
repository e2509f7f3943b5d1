import { describeAppliesWhen, visibleRule } from '../../../scripts/generate/visible-rule';
import type { InputSpec, StepManifest } from '../../../shared/src/step/manifest';
import { exampleStep } from '../step/example-manifest';

const pickLists: InputSpec[] = [
  {
    name: 'action',
    label: 'Action',
    type: 'pickList',
    options: ['deploy', 'set-traffic', 'delete'],
    default: 'deploy',
    help: 'h',
  },
  {
    name: 'target',
    label: 'Target',
    type: 'pickList',
    options: ['managed', 'k8s', 'aci'],
    default: 'managed',
    help: 'h',
  },
  { name: 'auth', label: 'Auth', type: 'pickList', options: ['key', 'token', 'aad'], help: 'h' },
  { name: 'model', label: 'Model', type: 'string', help: 'h' },
  { name: 'wait', label: 'Wait', type: 'boolean', default: 'true', help: 'h' },
];

function ruleOf(appliesWhen: Record<string, readonly string[]>): string | undefined {
  const input: InputSpec = { name: 'x', label: 'X', type: 'string', help: 'h', appliesWhen };
  const manifest: StepManifest = { ...exampleStep, inputs: [...pickLists, input] };
  return visibleRule(manifest, input);
}

describe('visibleRule', () => {
  it('is absent without appliesWhen', () => {
    const manifest: StepManifest = { ...exampleStep, inputs: pickLists };
    expect(visibleRule(manifest, pickLists[3]!)).toBeUndefined();
  });

  it('writes one allowed value as =, and joins the keys with &&', () => {
    expect(ruleOf({ action: ['deploy'] })).toBe('action = deploy');
    expect(ruleOf({ action: ['deploy'], target: ['aci'] })).toBe('action = deploy && target = aci');
  });

  it('writes several allowed values as != over the options they leave out', () => {
    expect(ruleOf({ action: ['deploy'], target: ['managed', 'k8s'] })).toBe(
      'action = deploy && target != aci',
    );
    expect(ruleOf({ target: ['managed'], action: ['deploy', 'delete'] })).toBe(
      'target = managed && action != set-traffic',
    );
  });

  it('refuses what task.json cannot say, and conditions that name no pickList or unknown values', () => {
    expect(() => ruleOf({ auth: ['key', 'token'] })).toThrow(
      "example: input 'x' appliesWhen allows several values of 'auth', which has no default: task.json cannot say so without parentheses.",
    );
    expect(() => ruleOf({ model: ['a'] })).toThrow(
      "appliesWhen names 'model', which is not a pickList or boolean input",
    );
    expect(() => ruleOf({ missing: ['a'] })).toThrow(
      "appliesWhen names 'missing', which is not a pickList or boolean input",
    );
    expect(() => ruleOf({ action: ['deploy', 'ship'] })).toThrow(
      "gives 'action' values it does not offer: ship",
    );
    expect(() => ruleOf({ action: [] })).toThrow("allows no value of 'action'");
    expect(() => ruleOf({ target: ['managed', 'k8s', 'aci'] })).toThrow("allows every value of 'target'");
    expect(() => ruleOf({})).toThrow('has no key');
  });

  it('names a boolean by its value, and refuses one allowed both ways or with another value', () => {
    expect(ruleOf({ wait: ['true'] })).toBe('wait = true');
    expect(ruleOf({ action: ['deploy'], wait: ['false'] })).toBe('action = deploy && wait = false');
    expect(() => ruleOf({ wait: ['true', 'false'] })).toThrow("allows every value of 'wait'");
    expect(() => ruleOf({ wait: ['yes'] })).toThrow("gives 'wait' values it does not offer: yes");
  });

  it('single values of a pickList without a default are fine', () => {
    expect(ruleOf({ auth: ['key'] })).toBe('auth = key');
  });
});

describe('describeAppliesWhen', () => {
  it('says the condition for the README', () => {
    expect(
      describeAppliesWhen({
        name: 'x',
        label: 'X',
        type: 'string',
        help: 'h',
        appliesWhen: { action: ['deploy'], target: ['managed', 'k8s'] },
      }),
    ).toBe('`action` is `deploy` and `target` is `managed` or `k8s`');
  });
});
