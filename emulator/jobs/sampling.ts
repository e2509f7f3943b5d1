/**
 * Sweep search spaces in the REST form azure-ai-ml sends (`SweepDistribution._to_rest_object`):
 * `["choice", [[v1, v2]]]`, `["randint", [upper]]`, `["uniform", [min, max]]`, `["quniform", [min, max, q]]`,
 * `["loguniform", [min, max]]` (exponents), `["qloguniform", [min, max, q]]`, `["normal", [mu, sigma]]`,
 * `["qnormal", [mu, sigma, q]]`, `["lognormal", ...]`, `["qlognormal", ...]`; the YAML form
 * (`{type: uniform, min_value, max_value}`) is accepted too. Random sampling is seeded; Bayesian is sampled as
 * Random; Grid enumerates choices.
 */
import { isObject } from '../arm/resource';
import { JobFailure } from './job-handle';

export type ParamValue = string | number | boolean | Record<string, unknown>;

interface Distribution {
  type: string;
  args: unknown[];
}

export type SamplingKind = 'random' | 'grid' | 'bayesian';

/** `seed` of Random sampling: the same seed gives the same trials. */
export function sampleTrials(
  space: Record<string, unknown>,
  kind: SamplingKind,
  count: number,
  seed: number,
): Record<string, ParamValue>[] {
  const params = Object.entries(space).map(([name, raw]) => [name, distribution(name, raw)] as const);
  if (kind === 'grid') return grid(params).slice(0, count);
  const random = mulberry32(seed);
  return Array.from({ length: count }, () =>
    Object.fromEntries(params.map(([name, d]) => [name, sample(d, random)])),
  );
}

/** How many trials a Grid sweep has (the product of the choices). */
export function gridSize(space: Record<string, unknown>): number {
  return grid(Object.entries(space).map(([name, raw]) => [name, distribution(name, raw)] as const)).length;
}

/** A sampled value as it goes into the command (`${{search_space.<p>}}`). */
export function formatValue(value: ParamValue): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function distribution(name: string, raw: unknown): Distribution {
  if (Array.isArray(raw) && typeof raw[0] === 'string' && Array.isArray(raw[1])) {
    const type = raw[0].toLowerCase();
    // Choice wraps its values in one more list.
    const args = type === 'choice' && Array.isArray(raw[1][0]) ? (raw[1][0] as unknown[]) : raw[1];
    return { type, args };
  }
  if (isObject(raw) && typeof raw['type'] === 'string') {
    const type = raw['type'].toLowerCase();
    const pick = (...keys: string[]) => keys.map((k) => raw[k]);
    const args: Record<string, unknown[]> = {
      choice: Array.isArray(raw['values']) ? raw['values'] : [],
      randint: pick('upper'),
      uniform: pick('min_value', 'max_value'),
      loguniform: pick('min_value', 'max_value'),
      quniform: pick('min_value', 'max_value', 'q'),
      qloguniform: pick('min_value', 'max_value', 'q'),
      normal: pick('mu', 'sigma'),
      lognormal: pick('mu', 'sigma'),
      qnormal: pick('mu', 'sigma', 'q'),
      qlognormal: pick('mu', 'sigma', 'q'),
    };
    if (args[type]) return { type, args: args[type] };
  }
  throw new JobFailure(
    `Search space parameter '${name}' is not a distribution the emulator knows: ${JSON.stringify(raw)}.`,
  );
}

function num(d: Distribution, i: number): number {
  const value = Number(d.args[i]);
  if (!Number.isFinite(value))
    throw new JobFailure(`A '${d.type}' distribution needs numbers: ${JSON.stringify(d.args)}.`);
  return value;
}

function sample(d: Distribution, random: () => number): ParamValue {
  const uniform = (min: number, max: number) => min + (max - min) * random();
  const normal = (mu: number, sigma: number) =>
    mu + sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const quantize = (value: number, q: number) => Math.round(value / q) * q;
  switch (d.type) {
    case 'choice': {
      if (d.args.length === 0) throw new JobFailure('A choice distribution needs at least one value.');
      return d.args[Math.floor(random() * d.args.length)] as ParamValue;
    }
    case 'randint':
      return Math.floor(random() * num(d, 0));
    case 'uniform':
      return uniform(num(d, 0), num(d, 1));
    case 'quniform':
      return quantize(uniform(num(d, 0), num(d, 1)), num(d, 2));
    case 'loguniform':
      return Math.exp(uniform(num(d, 0), num(d, 1)));
    case 'qloguniform':
      return quantize(Math.exp(uniform(num(d, 0), num(d, 1))), num(d, 2));
    case 'normal':
      return normal(num(d, 0), num(d, 1));
    case 'qnormal':
      return quantize(normal(num(d, 0), num(d, 1)), num(d, 2));
    case 'lognormal':
      return Math.exp(normal(num(d, 0), num(d, 1)));
    case 'qlognormal':
      return quantize(Math.exp(normal(num(d, 0), num(d, 1))), num(d, 2));
    default:
      throw new JobFailure(`Unknown distribution '${d.type}'.`);
  }
}

/** Every combination of the choices, the first parameter varying slowest. */
function grid(params: readonly (readonly [string, Distribution])[]): Record<string, ParamValue>[] {
  let combos: Record<string, ParamValue>[] = [{}];
  for (const [name, d] of params) {
    if (d.type !== 'choice') {
      throw new JobFailure(`Grid sampling supports choice parameters only; '${name}' is '${d.type}'.`);
    }
    combos = combos.flatMap((combo) => d.args.map((value) => ({ ...combo, [name]: value as ParamValue })));
  }
  return combos;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
