/** Loads the scipy reference figures (tests/fixtures/drift/reference/stats.json, made by make_reference.py). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REFERENCE_DIR = path.join(__dirname, '../../../fixtures/drift/reference');

/** JSON numbers, with "Infinity", "-Infinity" and "NaN" as strings. */
export type RefNumber = number | 'Infinity' | '-Infinity' | 'NaN';

export function num(x: RefNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

export function loadReference<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(REFERENCE_DIR, file), 'utf8')) as T;
}

export interface LinspaceSpec {
  start: number;
  stop: number;
  num: number;
  power: number | null;
  scale: number | null;
  shift: number | null;
}

/** numpy.linspace then ** power, * scale, + shift, in numpy's operation order (bit-identical values). */
export function sample(spec: LinspaceSpec | RefNumber[]): Float64Array {
  if (Array.isArray(spec)) return Float64Array.from(spec.map(num));
  const out = new Float64Array(spec.num);
  const step = (spec.stop - spec.start) / (spec.num - 1);
  for (let i = 0; i < spec.num; i++) {
    let v = i === spec.num - 1 && spec.num > 1 ? spec.stop : i * step + spec.start;
    if (spec.power !== null) v = v ** spec.power;
    if (spec.scale !== null) v = v * spec.scale;
    if (spec.shift !== null) v = v + spec.shift;
    out[i] = v;
  }
  return out;
}

/** Worst relative error seen, reported at the end of a run. */
export const worst = { rel: 0, name: '' };

/** Relative error, with an absolute floor for values near zero. */
export function relError(actual: number, expected: number, absFloor = 0): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Infinity;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Infinity;
  const diff = Math.abs(actual - expected);
  if (diff <= absFloor) return 0;
  return expected === 0 ? diff : diff / Math.abs(expected);
}

export function expectClose(actual: number, expected: RefNumber, rel = 1e-9, name = '', absFloor = 0): void {
  const e = num(expected);
  const err = relError(actual, e, absFloor);
  if (err > worst.rel && Number.isFinite(err)) {
    worst.rel = err;
    worst.name = name;
  }
  if (!(err <= rel)) {
    throw new Error(
      `${name}: expected ${e}, got ${actual} (relative error ${err.toExponential(3)} > ${rel})`,
    );
  }
}
