import { inputsNotApplying } from '../../../shared/src/step/applies-when';
import type { StepManifest } from '../../../shared/src/step/manifest';
import { exampleStep } from './example-manifest';

const manifest = {
  ...exampleStep,
  inputs: [
    {
      name: 'action',
      label: 'Action',
      type: 'pickList',
      options: ['deploy', 'delete'],
      default: 'deploy',
      help: 'h',
    },
    {
      name: 'target',
      label: 'Target',
      type: 'pickList',
      options: ['managed', 'aci'],
      default: 'managed',
      help: 'h',
    },
    { name: 'model', label: 'Model', type: 'string', help: 'h', appliesWhen: { action: ['deploy'] } },
    {
      name: 'dnsLabel',
      label: 'DNS label',
      type: 'string',
      help: 'h',
      appliesWhen: { target: ['aci'], action: ['deploy'] },
    },
    {
      name: 'attach',
      label: 'Attach',
      type: 'boolean',
      default: 'false',
      help: 'h',
      appliesWhen: { target: ['managed'] },
    },
  ],
} as const satisfies StepManifest;

describe('inputsNotApplying', () => {
  it('lists nothing when every given input applies', () => {
    expect(
      inputsNotApplying(manifest, { action: 'deploy', target: 'aci', model: 'm', dnsLabel: 'd' }),
    ).toEqual([]);
  });

  it('lists inputs given where a key does not hold, with the keys that do not, in manifest order', () => {
    expect(
      inputsNotApplying(manifest, {
        action: 'delete',
        target: 'managed',
        model: 'm',
        dnsLabel: 'd',
        attach: true,
      }),
    ).toEqual([
      { name: 'model', unmet: ['action'] },
      { name: 'dnsLabel', unmet: ['target', 'action'] },
    ]);
  });

  it('ignores inputs not given, and inputs left at their default', () => {
    expect(inputsNotApplying(manifest, { action: 'delete', target: 'aci', attach: false })).toEqual([]);
    expect(inputsNotApplying(manifest, { action: 'delete', target: 'aci', attach: true })).toEqual([
      { name: 'attach', unmet: ['target'] },
    ]);
  });

  it('treats a pickList with no value as allowing nothing', () => {
    expect(inputsNotApplying(manifest, { model: 'm' })).toEqual([{ name: 'model', unmet: ['action'] }]);
  });
});
