/** The `search_space` of a sweep job: one distribution per hyperparameter. */
import type { SearchDistribution } from './model';
import { IDENTIFIER } from './identifiers';
import { fields, integer, isMapping, number, oneOf, type Node } from '../../../yaml/read-node';

const TYPES = [
  'choice',
  'randint',
  'uniform',
  'loguniform',
  'quniform',
  'qloguniform',
  'normal',
  'lognormal',
  'qnormal',
  'qlognormal',
] as const;

const FIELDS: Readonly<Record<(typeof TYPES)[number], readonly string[]>> = {
  choice: ['values'],
  randint: ['upper'],
  uniform: ['min_value', 'max_value'],
  loguniform: ['min_value', 'max_value'],
  quniform: ['min_value', 'max_value', 'q'],
  qloguniform: ['min_value', 'max_value', 'q'],
  normal: ['mu', 'sigma'],
  lognormal: ['mu', 'sigma'],
  qnormal: ['mu', 'sigma', 'q'],
  qlognormal: ['mu', 'sigma', 'q'],
};

export function readSearchSpace(node: Node): Record<string, SearchDistribution> {
  const result: Record<string, SearchDistribution> = {};
  if (!node.present) return result;
  if (!isMapping(node.value)) {
    node.expected('a mapping of hyperparameter names to distributions');
    return result;
  }
  if (Object.keys(node.value).length === 0)
    node.error(`'${node.label}' is empty: name at least one hyperparameter`);
  for (const name of Object.keys(node.value)) {
    const parameter = node.child(name);
    if (!IDENTIFIER.test(name))
      parameter.error(
        `Hyperparameter name '${name}' must start with a letter or _ and hold only letters, digits and _`,
        'key',
      );
    const distribution = readDistribution(parameter);
    if (distribution) result[name] = distribution;
  }
  return result;
}

function readDistribution(node: Node): SearchDistribution | undefined {
  if (!isMapping(node.value)) {
    node.expected(`a distribution mapping with 'type' (${TYPES.join(', ')})`);
    return undefined;
  }
  if (!node.child('type').present) {
    node.error(`Missing 'type' in '${node.label}': ${TYPES.join(', ')}`);
    return undefined;
  }
  const type = oneOf(node.child('type'), TYPES);
  if (type === undefined) return undefined;
  const keys = FIELDS[type];
  if (!fields(node, { what: `a ${type} distribution`, keys: ['type', ...keys], required: keys }))
    return undefined;
  const value = (key: string) => number(node.child(key));
  switch (type) {
    case 'choice': {
      const values = readChoiceValues(node.child('values'));
      return values && { type, values };
    }
    case 'randint': {
      const upper = integer(node.child('upper'), 'an integer');
      return upper === undefined ? undefined : { type, upper };
    }
    case 'uniform':
    case 'loguniform': {
      const [minValue, maxValue] = [value('min_value'), value('max_value')];
      if (minValue === undefined || maxValue === undefined) return undefined;
      if (minValue >= maxValue)
        node.child('max_value').error(`'${node.label}': max_value must be greater than min_value`);
      return { type, minValue, maxValue };
    }
    case 'quniform':
    case 'qloguniform': {
      const [minValue, maxValue, q] = [value('min_value'), value('max_value'), value('q')];
      if (minValue === undefined || maxValue === undefined || q === undefined) return undefined;
      return { type, minValue, maxValue, q };
    }
    case 'normal':
    case 'lognormal': {
      const [mu, sigma] = [value('mu'), value('sigma')];
      return mu === undefined || sigma === undefined ? undefined : { type, mu, sigma };
    }
    case 'qnormal':
    case 'qlognormal': {
      const [mu, sigma, q] = [value('mu'), value('sigma'), value('q')];
      return mu === undefined || sigma === undefined || q === undefined ? undefined : { type, mu, sigma, q };
    }
  }
}

/** Choice values: scalars, or mappings whose values may be nested distributions (conditional spaces). */
function readChoiceValues(node: Node): unknown[] | undefined {
  if (!Array.isArray(node.value) || node.value.length === 0) {
    node.expected('a non-empty list of values');
    return undefined;
  }
  let ok = true;
  const values = node.value.map((item, index) => {
    const child = node.child(index);
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return item;
    if (isMapping(item)) {
      const nested: Record<string, unknown> = {};
      for (const key of Object.keys(item)) {
        const inner = child.child(key);
        if (isMapping(inner.value)) {
          const distribution = readDistribution(inner);
          if (distribution) nested[key] = distribution;
          else ok = false;
        } else nested[key] = inner.value;
      }
      return nested;
    }
    child.expected('a number, a string or a mapping');
    ok = false;
    return undefined;
  });
  return ok ? values : undefined;
}
