/** The policy verdict: each rule of the policy judged on the evidence, with its reason in words. Pure. */
import { formatMetric } from './words';
import { isObject, type EvidenceEntry, type EvidenceSet, type GatedStep } from './evidence-set';
import type { MetricLimit, ReleasePolicy } from './policy';

export interface RuleOutcome {
  readonly rule: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly reason: string;
}

export interface Verdict {
  readonly verdict: 'pass' | 'fail';
  readonly rules: readonly RuleOutcome[];
}

/** A metric of the candidate against production, with how far it regressed (positive: worse). */
export interface MetricComparison {
  readonly metric: string;
  readonly candidate: number | null;
  readonly production: number | null;
  readonly higherIsBetter: boolean;
  /** How much worse the candidate is (0 when better or equal); null without both values. */
  readonly regression: number | null;
}

const lowerIsBetterName = /(loss|error|rmse|mse|mae|mape|latency|duration)/i;

/** Every metric of the candidate and of production, side by side. */
export function compareMetrics(
  register: EvidenceEntry | undefined,
  policy: ReleasePolicy,
): MetricComparison[] {
  const details = register?.details ?? {};
  const candidate = numbers(details['candidateMetrics']);
  const production = numbers(details['baselineMetrics']);
  const gate = isObject(details['gate']) ? details['gate'] : undefined;
  const names = [...new Set([...Object.keys(candidate), ...Object.keys(production)])].sort();
  return names.map((metric) => {
    const limit = policy.maxMetricRegression.find((l) => l.metric === metric);
    const higherIsBetter =
      limit?.higherIsBetter ??
      (gate?.['metric'] === metric && typeof gate['higherIsBetter'] === 'boolean'
        ? gate['higherIsBetter']
        : !lowerIsBetterName.test(metric));
    const [c, p] = [candidate[metric] ?? null, production[metric] ?? null];
    const regression = c === null || p === null ? null : Math.max(0, higherIsBetter ? p - c : c - p);
    return { metric, candidate: c, production: p, higherIsBetter, regression };
  });
}

/** Judges every rule; the verdict fails when one rule fails. */
export function judge(
  evidence: EvidenceSet,
  policy: ReleasePolicy,
  metrics: readonly MetricComparison[],
): Verdict {
  const rules = [
    ...policy.requireEvidence.map((step) => requiredRule(evidence, step)),
    ...(policy.registerGatePassed ? [registerGateRule(evidence.latest['register-model'], policy)] : []),
    ...(policy.smokePassed ? [smokeRule(evidence.latest['smoke-test'], policy)] : []),
    ...(policy.driftNotFailedOn === 'none' ? [] : [driftRule(evidence.latest['drift-check'], policy)]),
    ...policy.maxMetricRegression.map((limit) => regressionRule(limit, metrics)),
    ...(policy.trainedFromBranch ? [branchRule(evidence, policy.trainedFromBranch)] : []),
  ];
  return { verdict: rules.some((r) => r.status === 'fail') ? 'fail' : 'pass', rules };
}

function requiredRule(evidence: EvidenceSet, step: GatedStep): RuleOutcome {
  const found = evidence.latest[step];
  return found
    ? {
        rule: `requireEvidence: ${step}`,
        status: 'pass',
        reason: `${step} evidence found (${found.result}).`,
      }
    : { rule: `requireEvidence: ${step}`, status: 'fail', reason: `no ${step} evidence was found.` };
}

/** A rule on a step's evidence that is not there: fails when the policy requires it, else does not apply. */
function absent(rule: string, step: GatedStep, policy: ReleasePolicy): RuleOutcome {
  return policy.requireEvidence.includes(step)
    ? { rule, status: 'fail', reason: `no ${step} evidence to judge.` }
    : { rule, status: 'skipped', reason: `no ${step} evidence (not required by requireEvidence).` };
}

function registerGateRule(register: EvidenceEntry | undefined, policy: ReleasePolicy): RuleOutcome {
  const rule = 'registerGatePassed';
  if (!register) return absent(rule, 'register-model', policy);
  const gate = register.details['gate'];
  if (!isObject(gate))
    return { rule, status: 'fail', reason: 'the model was registered without a gate (no compareMetric).' };
  const reason = typeof gate['reason'] === 'string' ? gate['reason'] : '';
  return gate['verdict'] === 'pass'
    ? { rule, status: 'pass', reason: `the register gate passed: ${reason}` }
    : { rule, status: 'fail', reason: `the register gate did not pass: ${reason}` };
}

function smokeRule(smoke: EvidenceEntry | undefined, policy: ReleasePolicy): RuleOutcome {
  const rule = 'smokePassed';
  if (!smoke) return absent(rule, 'smoke-test', policy);
  const cases = Array.isArray(smoke.details['cases']) ? smoke.details['cases'] : [];
  const failed = cases.filter((c) => isObject(c) && c['result'] !== 'passed').length;
  if (smoke.details['passed'] === true && smoke.result !== 'failed')
    return { rule, status: 'pass', reason: `the smoke test passed (${cases.length} cases).` };
  const why = smoke.message ?? `${failed} of ${cases.length} cases failed`;
  return { rule, status: 'fail', reason: `the smoke test failed: ${why}` };
}

function driftRule(drift: EvidenceEntry | undefined, policy: ReleasePolicy): RuleOutcome {
  const on = policy.driftNotFailedOn;
  const rule = `driftNotFailedOn: ${typeof on === 'string' ? on : on.join(', ')}`;
  if (!drift) return absent(rule, 'drift-check', policy);
  const features = (Array.isArray(drift.details['features']) ? drift.details['features'] : []).filter(
    isObject,
  );
  const watched =
    on === 'all' ? features : on === 'critical' ? features.filter((f) => f['critical'] === true) : features;
  if (Array.isArray(on)) {
    const names = new Set(features.map((f) => String(f['name'])));
    const missing = on.filter((name) => !names.has(name));
    if (missing.length > 0)
      return { rule, status: 'fail', reason: `the drift check did not compare ${missing.join(', ')}.` };
  }
  const listed = Array.isArray(on) ? watched.filter((f) => on.includes(String(f['name']))) : watched;
  const failed = listed.filter((f) => f['status'] === 'fail').map((f) => String(f['name']));
  if (failed.length > 0) return { rule, status: 'fail', reason: `drift failed on ${failed.join(', ')}.` };
  if (on === 'critical' && listed.length === 0)
    return { rule, status: 'pass', reason: 'the drift check marked no feature critical.' };
  return { rule, status: 'pass', reason: `no drift failure on the ${listed.length} features watched.` };
}

function regressionRule(limit: MetricLimit, metrics: readonly MetricComparison[]): RuleOutcome {
  const allowed = limit.relative ? `${formatMetric(limit.max * 100)} %` : formatMetric(limit.max);
  const rule = `maxMetricRegression: ${limit.metric} ≤ ${allowed}`;
  const found = metrics.find((m) => m.metric === limit.metric);
  if (!found || found.candidate === null)
    return { rule, status: 'fail', reason: `the candidate has no metric '${limit.metric}'.` };
  if (found.production === null || found.regression === null)
    return { rule, status: 'pass', reason: `no production value of ${limit.metric} to compare with.` };
  const size = limit.relative
    ? found.production === 0
      ? found.regression > 0
        ? Infinity
        : 0
      : found.regression / Math.abs(found.production)
    : found.regression;
  const moved = `${limit.metric} ${formatMetric(found.production)} → ${formatMetric(found.candidate)}`;
  const shown = limit.relative ? `${formatMetric(size * 100)} %` : formatMetric(size);
  return size > limit.max + 1e-12
    ? { rule, status: 'fail', reason: `${moved}: regressed by ${shown}, more than ${allowed}.` }
    : { rule, status: 'pass', reason: `${moved}: regression ${shown}, within ${allowed}.` };
}

function branchRule(evidence: EvidenceSet, wanted: string): RuleOutcome {
  const rule = `trainedFromBranch: ${wanted}`;
  const register = evidence.latest['register-model'];
  const tags = isObject(register?.details['tags']) ? register!.details['tags'] : {};
  const branch =
    evidence.latest.train?.run['branch'] ??
    (typeof tags['ci.branch'] === 'string' ? tags['ci.branch'] : undefined) ??
    register?.run['branch'];
  if (!branch)
    return { rule, status: 'fail', reason: 'no evidence says which branch the model was trained from.' };
  const short = (name: string) => name.replace(/^refs\/heads\//, '');
  return short(branch) === short(wanted)
    ? { rule, status: 'pass', reason: `trained from ${branch}.` }
    : { rule, status: 'fail', reason: `trained from ${branch}, not ${wanted}.` };
}

function numbers(value: unknown): Record<string, number> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}
