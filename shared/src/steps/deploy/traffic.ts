/**
 * Traffic arithmetic of an online endpoint, pure: parsing `blue=0,green=100`, giving a new deployment its share,
 * mirror traffic, comparing splits. Azure ML wants whole percentages that sum to 100 (or all 0: no live traffic).
 */
import { InputError } from '../../step/errors';
import { DEPLOYMENT_NAME } from './names';

/** Deployment name → percent of live (or mirrored) traffic. */
export type Traffic = Readonly<Record<string, number>>;

/**
 * The `traffic` input of `set-traffic`: `name=percent` items separated by commas, spaces or new lines. Every
 * percent is a whole number 0..100, every name once, and they sum to 100. Throws an InputError naming the input.
 */
export function parseTraffic(text: string, input: string): Traffic {
  const items = text
    .split(/[\s,;]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  const problems: string[] = [];
  const result: Record<string, number> = {};
  for (const item of items) {
    const match = /^([^=:]+)[=:](.*)$/.exec(item);
    if (!match) {
      problems.push(`'${item}' is not name=percent`);
      continue;
    }
    const name = match[1]!.trim();
    const value = match[2]!.trim().replace(/%$/, '');
    if (!DEPLOYMENT_NAME.test(name)) {
      problems.push(`'${name}' is not a deployment name (3 to 32 letters, digits and -, a letter first)`);
      continue;
    }
    if (Object.keys(result).some((known) => known.toLowerCase() === name.toLowerCase())) {
      problems.push(`'${name}' is given twice`);
      continue;
    }
    if (!/^\d+$/.test(value) || Number(value) > 100) {
      problems.push(`the share of '${name}' must be a whole number from 0 to 100, got '${match[2]!.trim()}'`);
      continue;
    }
    result[name] = Number(value);
  }
  if (items.length === 0) problems.push('it names no deployment');
  const total = Object.values(result).reduce((sum, value) => sum + value, 0);
  if (problems.length === 0 && total !== 100) {
    problems.push(`the shares sum to ${total}, not 100 (${describeTraffic(result)})`);
  }
  if (problems.length > 0) {
    throw new InputError(
      input,
      `Input '${input}' must look like 'blue=0,green=100' (shares summing to 100): ${problems.join('; ')}.`,
    );
  }
  return result;
}

/** What giving a deployment its share does, or why it cannot be done. */
export type TrafficPlan = { readonly traffic: Traffic } | { readonly problem: string };

/**
 * The split after `deployment` gets `percent`: the other deployments share the remaining `100 - percent` in the
 * proportions they have now (whole percentages by largest remainder; ties go to the larger current share, then
 * by name), so `blue=80,green=20` + `red` at 10 gives `blue=72,green=18,red=10`. When the others have no traffic
 * there is nothing to scale: only 0 (all stay at 0) or 100 are possible. `current` lists only deployments that
 * exist (a stale entry of a deleted deployment must not get a share).
 */
export function giveShare(current: Traffic, deployment: string, percent: number): TrafficPlan {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    return { problem: `a share must be a whole number from 0 to 100, got ${percent}` };
  }
  const others = Object.entries(current).filter(([name]) => name !== deployment);
  const rest = 100 - percent;
  const othersTotal = others.reduce((sum, [, value]) => sum + value, 0);
  if (othersTotal === 0 && rest > 0 && percent > 0) {
    return {
      problem:
        others.length === 0
          ? `'${deployment}' is the endpoint's only deployment: it can get 100 % or 0 %, not ${percent} %`
          : `the other deployments (${others.map(([name]) => name).join(', ')}) have no traffic to share the remaining ${rest} % in proportion: give '${deployment}' 100 % or 0 %, or set the split with action set-traffic`,
    };
  }
  const scaled = others.map(([name, value]) => {
    const exact = othersTotal === 0 ? 0 : (value * rest) / othersTotal;
    return { name, value, share: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = rest - scaled.reduce((sum, item) => sum + item.share, 0);
  if (othersTotal > 0) {
    const order = [...scaled].sort(
      (a, b) => b.remainder - a.remainder || b.value - a.value || a.name.localeCompare(b.name),
    );
    for (const item of order) {
      if (left <= 0) break;
      item.share++;
      left--;
    }
  }
  const traffic: Record<string, number> = {};
  for (const item of scaled) traffic[item.name] = item.share;
  traffic[deployment] = percent;
  return { traffic: sortedTraffic(traffic) };
}

/**
 * The share a deployment gets when `trafficPercent` is not given: 100 when the endpoint has no other deployment
 * with traffic (its first deployment), its current share when it already exists (an update keeps its traffic),
 * and 0 for a new one next to live ones (blue/green: test it through the deployment header, then shift traffic).
 */
export function defaultShare(current: Traffic, deployment: string): number {
  const othersTotal = Object.entries(current)
    .filter(([name]) => name !== deployment)
    .reduce((sum, [, value]) => sum + value, 0);
  if (othersTotal === 0) return 100;
  return current[deployment] ?? 0;
}

/**
 * A `set-traffic` split applied to the deployments that exist: the named ones get their shares, every other one
 * 0. Returns the new split and the deployments that lost traffic without being named (worth a log line).
 */
export function applySplit(
  current: Traffic,
  existing: readonly string[],
  split: Traffic,
): { traffic: Traffic; zeroed: string[] } {
  const traffic: Record<string, number> = {};
  const zeroed: string[] = [];
  for (const name of existing) {
    const given = lookup(split, name);
    traffic[name] = given ?? 0;
    if (given === undefined && (current[name] ?? 0) > 0) zeroed.push(name);
  }
  return { traffic: sortedTraffic(traffic), zeroed };
}

/**
 * Mirror traffic after a deploy: `mirrorPercent` given sets (or with 0 removes) the deployment's mirror share;
 * not given keeps the current mirror, except that a deployment receiving live traffic stops being mirrored
 * (Azure ML refuses both at once). At most 50 % may be mirrored in all.
 */
export function mirrorAfter(
  current: Traffic,
  deployment: string,
  mirrorPercent: number | undefined,
  live: Traffic,
): TrafficPlan {
  const mirror: Record<string, number> = { ...current };
  if (mirrorPercent !== undefined) {
    if (mirrorPercent > 0 && (live[deployment] ?? 0) > 0) {
      return {
        problem: `'${deployment}' cannot get live traffic (${live[deployment]} %) and mirrored traffic (${mirrorPercent} %) at once: give it trafficPercent 0 to mirror traffic to it`,
      };
    }
    if (mirrorPercent > 0) mirror[deployment] = mirrorPercent;
    else delete mirror[deployment];
  }
  for (const name of Object.keys(mirror))
    if ((live[name] ?? 0) > 0 || mirror[name] === 0) delete mirror[name];
  const total = Object.values(mirror).reduce((sum, value) => sum + value, 0);
  if (total > 50) {
    return {
      problem: `mirrored traffic would sum to ${total} % (${describeTraffic(mirror)}): at most 50 % can be mirrored`,
    };
  }
  return { traffic: sortedTraffic(mirror) };
}

/** Equal splits: a deployment missing from one counts as 0 there. */
export function sameTraffic(a: Traffic, b: Traffic): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => (a[name] ?? 0) === (b[name] ?? 0));
}

/** `blue 90 %, green 10 %` (or `none`), for logs and summaries. */
export function describeTraffic(traffic: Traffic): string {
  const entries = Object.entries(traffic);
  return entries.length === 0 ? 'none' : entries.map(([name, value]) => `${name} ${value} %`).join(', ');
}

/** The split as the `traffic` / `previousTraffic` outputs carry it: JSON, names sorted. */
export function trafficJson(traffic: Traffic): string {
  return JSON.stringify(sortedTraffic(traffic));
}

/** The traffic of the deployments that exist (an endpoint may still list a deleted one at 0 %). */
export function onlyExisting(traffic: Traffic, existing: readonly string[]): Traffic {
  const result: Record<string, number> = {};
  for (const name of existing) {
    const value = lookup(traffic, name);
    if (value !== undefined) result[name] = value;
  }
  return sortedTraffic(result);
}

/** The live split over every deployment that exists, 0 for those the endpoint does not list (the outputs' form). */
export function everyDeployment(traffic: Traffic, existing: readonly string[]): Traffic {
  return sortedTraffic(Object.fromEntries(existing.map((name) => [name, lookup(traffic, name) ?? 0])));
}

function lookup(traffic: Traffic, name: string): number | undefined {
  if (traffic[name] !== undefined) return traffic[name];
  const key = Object.keys(traffic).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : traffic[key];
}

function sortedTraffic(traffic: Record<string, number>): Traffic {
  return Object.fromEntries(Object.entries(traffic).sort(([a], [b]) => a.localeCompare(b)));
}
