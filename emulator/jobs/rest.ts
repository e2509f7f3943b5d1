/**
 * Reading job bodies as clients send them: the REST API uses camelCase (`jobInputType`), while the CLI and
 * azure-ai-ml send pipeline nodes as snake_case dictionaries (`job_input_type`). Readers accept both.
 */
import { isObject, type Json } from '../arm/resource';

/** The first of `keys` present (not null/undefined) in `obj`. */
export function field(obj: Json, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = obj[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

export function stringField(obj: Json, ...keys: string[]): string | undefined {
  const value = field(obj, ...keys);
  return typeof value === 'string' ? value : undefined;
}

export function objectField(obj: Json, ...keys: string[]): Json {
  const value = field(obj, ...keys);
  return isObject(value) ? value : {};
}

export function numberField(obj: Json, ...keys: string[]): number | undefined {
  const value = field(obj, ...keys);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** A dictionary of objects (inputs, outputs, jobs), skipping null entries. */
export function entriesOf(value: unknown): [string, Json][] {
  if (!isObject(value)) return [];
  return Object.entries(value).filter((e): e is [string, Json] => isObject(e[1]));
}

/** ISO 8601 duration (`PT1H30M`, `P1DT2S`, `PT0.5S`) or plain seconds, in milliseconds; undefined if invalid. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      value.trim(),
    );
  if (!m || value.trim().toUpperCase() === 'P' || /T$/i.test(value.trim())) return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  return ((d * 24 + h) * 60 + min) * 60_000 + s * 1000;
}
