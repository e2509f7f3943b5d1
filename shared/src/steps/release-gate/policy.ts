/**
 * The release policy (docs/release-gate.md): which rules the evidence must meet. Every key is optional; a
 * missing file or key takes the documented default. Problems are reported together, each at its file:line:column.
 *
 * ```yaml
 * registerGatePassed: true
 * smokePassed: true
 * driftNotFailedOn: [humidity, pressure]   # or `all`, `critical` (default), `none`
 * maxMetricRegression:
 *   f1: 0.01                               # absolute
 *   recall: 2%                             # relative to production
 *   rmse: { max: 0.5, better: lower }
 * trainedFromBranch: refs/heads/main
 * requireEvidence: [register-model, smoke-test]
 * ```
 */
import { readYamlFile } from '../../yaml/load-yaml';
import { Problems } from '../../yaml/problems';
import { boolean, entries, fields, isMapping, Node, oneOf, text } from '../../yaml/read-node';
import { gatedSteps, type GatedStep } from './evidence-set';

export interface MetricLimit {
  readonly metric: string;
  /** Largest regression allowed: absolute, or a fraction of the production value when `relative`. */
  readonly max: number;
  readonly relative: boolean;
  /** Undefined: the register gate's direction for its metric, else guessed from the name (loss, error: lower). */
  readonly higherIsBetter?: boolean;
}

export interface ReleasePolicy {
  /** The policy file, when one was given. */
  readonly file?: string;
  readonly registerGatePassed: boolean;
  readonly smokePassed: boolean;
  readonly driftNotFailedOn: 'critical' | 'all' | 'none' | readonly string[];
  readonly maxMetricRegression: readonly MetricLimit[];
  readonly trainedFromBranch?: string;
  readonly requireEvidence: readonly GatedStep[];
}

export const defaultPolicy: ReleasePolicy = {
  registerGatePassed: true,
  smokePassed: true,
  driftNotFailedOn: 'critical',
  maxMetricRegression: [],
  requireEvidence: ['register-model', 'smoke-test'],
};

const keys = [
  'registerGatePassed',
  'smokePassed',
  'driftNotFailedOn',
  'maxMetricRegression',
  'trainedFromBranch',
  'requireEvidence',
] as const;

/** Reads a policy file; throws a located DataError (YamlErrors) listing every problem. */
export function loadPolicy(file: string): ReleasePolicy {
  const problems = new Problems();
  const document = readYamlFile(file);
  const root = Node.root(document, problems, 'The policy file');
  if (root.value === null || root.value === undefined) return { ...defaultPolicy, file };
  const policy = fields(root, { what: 'the release policy', keys }) ? readPolicy(root) : {};
  problems.throwIfAny();
  return { ...defaultPolicy, ...policy, file };
}

function readPolicy(root: Node): Partial<ReleasePolicy> {
  const policy: { -readonly [K in keyof ReleasePolicy]?: ReleasePolicy[K] } = {};
  const gate = boolean(root.child('registerGatePassed'));
  if (gate !== undefined) policy.registerGatePassed = gate;
  const smoke = boolean(root.child('smokePassed'));
  if (smoke !== undefined) policy.smokePassed = smoke;
  const drift = driftRule(root.child('driftNotFailedOn'));
  if (drift !== undefined) policy.driftNotFailedOn = drift;
  const limits = root.child('maxMetricRegression');
  if (limits.present) policy.maxMetricRegression = metricLimits(limits);
  const branch = text(root.child('trainedFromBranch'), 'a branch name, e.g. refs/heads/main');
  if (branch !== undefined) policy.trainedFromBranch = branch;
  const required = root.child('requireEvidence');
  if (required.present) policy.requireEvidence = stepList(required);
  return policy;
}

function driftRule(node: Node): ReleasePolicy['driftNotFailedOn'] | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'string') return oneOf(node, ['critical', 'all', 'none'] as const);
  if (Array.isArray(node.value)) {
    const names = node.value.map((_, index) => text(node.child(index), 'a feature name'));
    return names.filter((name): name is string => name !== undefined);
  }
  node.expected('`critical`, `all`, `none` or a list of feature names');
  return undefined;
}

function stepList(node: Node): GatedStep[] {
  if (!Array.isArray(node.value)) {
    node.expected(`a list of steps (${gatedSteps.join(', ')})`);
    return [];
  }
  return node.value
    .map((_, index) => oneOf(node.child(index), gatedSteps))
    .filter((step): step is GatedStep => step !== undefined);
}

function metricLimits(node: Node): MetricLimit[] {
  const limits: MetricLimit[] = [];
  for (const entry of entries(node, 'a mapping of metric name to the regression allowed')) {
    const metric = entry.key;
    if (isMapping(entry.value)) {
      if (
        !fields(entry, {
          what: `the limit of metric '${metric}'`,
          keys: ['max', 'better'],
          required: ['max'],
        })
      )
        continue;
      const max = amount(entry.child('max'));
      const better = oneOf(entry.child('better'), ['higher', 'lower'] as const);
      if (max) limits.push({ metric, ...max, ...(better ? { higherIsBetter: better === 'higher' } : {}) });
    } else {
      const max = amount(entry);
      if (max) limits.push({ metric, ...max });
    }
  }
  return limits;
}

/** `0.01` (absolute) or `2%` (relative), never negative. */
function amount(node: Node): { max: number; relative: boolean } | undefined {
  const expected = 'a regression allowed: a number (absolute, e.g. 0.01) or a percentage (e.g. 2%)';
  if (typeof node.value === 'number' && Number.isFinite(node.value) && node.value >= 0)
    return { max: node.value, relative: false };
  const match = typeof node.value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(node.value) : null;
  if (match) return { max: Number(match[1]) / 100, relative: true };
  node.expected(expected);
  return undefined;
}
