/**
 * The evidence page's model: what the approver must see, built from the evidence records. Pure; fields that the
 * earlier steps may not write (yet) are read when present: drift `baseline`/`current` per feature and
 * `description` per feature and `timeRange`, register-model `regressions`, smoke `target`/`startedAt`, deploy
 * `description` (a dry run of the production deploy says what approving will do).
 */
import path from 'node:path';
import { isObject, type EvidenceEntry, type EvidenceSet } from './evidence-set';
import type { MetricComparison, Verdict } from './judge';
import type { ReleasePolicy } from './policy';
import { formatMetric, textOf } from './words';

export const pageSchema = 'azureml-pipeline-steps/release-evidence/v1';

export interface ModelFacts {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly studioUrl?: string;
}

export interface ReleasePage {
  readonly schema: typeof pageSchema;
  readonly generatedAt: string;
  readonly verdict: Verdict;
  readonly model: ModelFacts | null;
  readonly lineage: {
    readonly commit?: string;
    readonly repository?: string;
    readonly branch?: string;
    readonly runUrl?: string;
    readonly trainingJob?: string;
    readonly dataAssets: readonly { input: string; asset: string; contentHash?: string }[];
  };
  readonly metrics: readonly (MetricComparison & { readonly flagged: boolean })[];
  readonly registerGate: { readonly verdict: string; readonly reason: string } | null;
  readonly smoke: SmokeFacts | null;
  readonly drift: DriftFacts | null;
  /** What approving will do, in words; null when no evidence says. */
  readonly onApproval: string | null;
  readonly evidence: readonly { step: string; result: string; file: string; finishedAt: string }[];
  /** The policy file's name, or `defaults`. */
  readonly policy: string;
}

export interface SmokeFacts {
  readonly passed: boolean;
  readonly target: string;
  readonly testedAt: string;
  readonly cases: readonly { name: string; result: string }[];
  readonly latency: string;
}

export interface DriftFacts {
  readonly status: string;
  readonly currentTimeRange: string | null;
  readonly features: readonly { name: string; status: string; critical: boolean; words: string }[];
}

/** Builds the page model. */
export function buildPage(
  evidence: EvidenceSet,
  policy: ReleasePolicy,
  verdict: Verdict,
  metrics: readonly MetricComparison[],
  model: ModelFacts | null,
): ReleasePage {
  const { latest } = evidence;
  const flaggedNames = flagged(verdict, latest['register-model']);
  return {
    schema: pageSchema,
    generatedAt: new Date().toISOString(),
    verdict,
    model,
    lineage: lineageOf(evidence),
    metrics: metrics.map((m) => ({
      ...m,
      flagged: flaggedNames.has(m.metric) || (m.regression !== null && m.regression > 0),
    })),
    registerGate: gateOf(latest['register-model']),
    smoke: latest['smoke-test'] ? smokeOf(latest['smoke-test']) : null,
    drift: latest['drift-check'] ? driftOf(latest['drift-check']) : null,
    onApproval: approvalOf(latest.deploy),
    evidence: evidence.records.map((r) => ({
      step: r.step,
      result: r.result,
      file: path.basename(r.file),
      finishedAt: r.finishedAt,
    })),
    policy: policy.file ? path.basename(policy.file) : 'defaults',
  };
}

/** Metrics a failed rule names, and those register-model's (optional) `regressions` lists. */
function flagged(verdict: Verdict, register: EvidenceEntry | undefined): Set<string> {
  const names = new Set<string>();
  for (const rule of verdict.rules)
    if (rule.status === 'fail' && rule.rule.startsWith('maxMetricRegression: '))
      names.add(rule.rule.slice('maxMetricRegression: '.length).split(' ')[0]!);
  const regressions = register?.details['regressions'];
  if (Array.isArray(regressions)) {
    for (const r of regressions) {
      if (typeof r === 'string') names.add(r);
      else if (isObject(r) && typeof r['metric'] === 'string') names.add(r['metric']);
    }
  } else if (isObject(regressions)) {
    for (const name of Object.keys(regressions)) names.add(name);
  }
  return names;
}

function lineageOf({ latest }: EvidenceSet): ReleasePage['lineage'] {
  const register = latest['register-model'];
  const train = latest.train;
  const run = train?.run ?? register?.run ?? {};
  const source = isObject(register?.details['source']) ? register!.details['source'] : {};
  const job = isObject(source['job']) ? source['job'] : {};
  const assets = isObject(job['dataAssets']) ? job['dataAssets'] : {};
  const hashes = isObject(job['dataHashes']) ? job['dataHashes'] : {};
  const jobName = textOf(job['name']) ?? textOf(train?.details['jobName']);
  const pick = (key: string) => (run[key] ? { [key]: run[key] } : {});
  return {
    ...pick('commit'),
    ...pick('repository'),
    ...pick('branch'),
    ...pick('runUrl'),
    ...(jobName ? { trainingJob: jobName } : {}),
    dataAssets: Object.entries(assets).map(([input, asset]) => ({
      input,
      asset: String(asset),
      ...(typeof hashes[input] === 'string' ? { contentHash: hashes[input] } : {}),
    })),
  };
}

function gateOf(register: EvidenceEntry | undefined): ReleasePage['registerGate'] {
  const gate = register?.details['gate'];
  if (!isObject(gate)) return null;
  return { verdict: textOf(gate['verdict']) ?? 'unknown', reason: textOf(gate['reason']) ?? '' };
}

function smokeOf(smoke: EvidenceEntry): SmokeFacts {
  const d = smoke.details;
  const target = isObject(d['target'])
    ? Object.values(d['target']).map(textOf).filter(Boolean).join(' / ')
    : [textOf(d['deploymentName']), textOf(d['scoringUri'])].filter(Boolean).join(' at ');
  const latency = isObject(d['latency']) ? d['latency'] : {};
  const ms = (key: string) => (typeof latency[key] === 'number' ? `${formatMetric(latency[key])} ms` : '–');
  return {
    passed: d['passed'] === true,
    target: target || 'unknown',
    testedAt: textOf(d['testedAt']) ?? textOf(d['startedAt']) ?? smoke.finishedAt,
    cases: (Array.isArray(d['cases']) ? d['cases'] : [])
      .filter(isObject)
      .map((c) => ({ name: textOf(c['name']) ?? '?', result: textOf(c['result']) ?? '?' })),
    latency:
      latency['measured'] === true
        ? `p50 ${ms('p50Ms')}, p95 ${ms('p95Ms')}, p99 ${ms('p99Ms')} over ${textOf(latency['requests']) ?? '?'} requests` +
          (typeof latency['maxP95Ms'] === 'number' ? ` (p95 limit ${latency['maxP95Ms']} ms)` : '')
        : `not measured${textOf(latency['reason']) ? `: ${textOf(latency['reason'])}` : ''}`,
  };
}

function driftOf(drift: EvidenceEntry): DriftFacts {
  const d = drift.details;
  const written = d['currentTimeRange'] ?? d['timeRange'];
  const range = isObject(written) ? written : undefined;
  return {
    status: textOf(d['status']) ?? drift.result,
    currentTimeRange: range
      ? `${textOf(range['from']) ?? '?'} to ${textOf(range['to']) ?? '?'}${textOf(range['column']) ? ` (${textOf(range['column'])})` : ''}`
      : null,
    features: (Array.isArray(d['features']) ? d['features'] : []).filter(isObject).map((f) => ({
      name: textOf(f['name']) ?? '?',
      status: textOf(f['status']) ?? '?',
      critical: f['critical'] === true,
      words: featureWords(f),
    })),
  };
}

/** "Humidity: mean 80.4 → 88.4 %, distance 0.59 > 0.1", with what the evidence holds. */
function featureWords(f: Record<string, unknown>): string {
  // drift-check's own sentence ("humidity: mean 64.9 → 72.9, …; wasserstein_normalized 0.59 > 0.1 (fail)").
  const described = textOf(f['description']);
  const parts: string[] = [];
  const moved = textOf(f['change']);
  if (described) parts.push(described);
  else if (moved) parts.push(moved);
  else if (isObject(f['baseline']) && isObject(f['current'])) {
    const [b, c] = [f['baseline'], f['current']];
    for (const key of ['mean', 'top', 'share'])
      if (textOf(b[key]) !== undefined && textOf(c[key]) !== undefined)
        parts.push(
          `${key} ${textOf(b[key])} → ${textOf(c[key])}${textOf(f['unit']) ? ` ${textOf(f['unit'])}` : ''}`,
        );
  }
  const gate = isObject(f['gate']) ? f['gate'] : undefined;
  if (!described && gate && typeof gate['value'] === 'number' && typeof gate['threshold'] === 'number') {
    const over = gate['value'] > gate['threshold'];
    parts.push(
      `${textOf(gate['metric']) ?? 'distance'} ${formatMetric(gate['value'])} ${over ? '>' : '≤'} ${formatMetric(gate['threshold'])}`,
    );
  }
  const notes = Array.isArray(f['notes']) ? f['notes'].map(textOf).filter(Boolean) : [];
  return [...parts, ...notes].join(', ') || 'no figures in the evidence';
}

function approvalOf(deploy: EvidenceEntry | undefined): string | null {
  const stated = deploy?.details['onApproval'] ?? deploy?.details['description'];
  if (typeof stated === 'string') return stated;
  if (!isObject(stated)) return null;
  const traffic = isObject(stated['traffic'])
    ? Object.entries(stated['traffic'])
        .map(([name, value]) => `${name} ${String(value)} %`)
        .join(', ')
    : textOf(stated['traffic']);
  return [
    textOf(stated['deployment']) ? `deployment ${textOf(stated['deployment'])}` : undefined,
    textOf(stated['endpoint']) ? `on endpoint ${textOf(stated['endpoint'])}` : undefined,
    traffic ? `with traffic ${traffic}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}
