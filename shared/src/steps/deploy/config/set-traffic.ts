import { collectInputErrors, InputErrors } from '../../../step/errors';
import { parseTraffic, type Traffic } from '../traffic';
import type { DeployParse } from './parse';
import type { CommonConfig, SetTrafficConfig } from './types';

export function parseSetTraffic(parse: DeployParse, common: CommonConfig): SetTrafficConfig {
  const { inputs, errors, shown, fail } = parse;
  const target = common.target;
  if (target === 'aci')
    fail(
      'target',
      `Action set-traffic is for online endpoints: an ACI container group has no traffic split.`,
    );
  let traffic: Traffic = {};
  const text = inputs.string('traffic');
  if (text === undefined)
    fail('traffic', `Input ${shown('traffic')} is required for action set-traffic, e.g. 'blue=0,green=100'.`);
  else collectInputErrors(errors, () => (traffic = parseTraffic(text, inputs.displayName('traffic'))));
  // Target aci was refused above; saying so again lets the compiler narrow it.
  if (errors.length > 0 || target === 'aci') throw new InputErrors(errors);
  return { ...common, action: 'set-traffic', target, traffic };
}
