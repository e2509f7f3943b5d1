import type { InputName } from './input-types';
import type { StepManifest } from './manifest';

/** An input that was given although its manifest `appliesWhen` does not hold, and the keys that do not. */
export interface NotApplying<M extends StepManifest = StepManifest> {
  readonly name: InputName<M>;
  /** The condition's keys (pickList inputs) whose value is not one the input applies to, in the condition's order. */
  readonly unmet: readonly string[];
}

/**
 * Inputs given (set to something other than their default) whose `appliesWhen` does not hold for the values of
 * the pickLists it names, in manifest order. `values` are the read inputs, defaults applied
 * (`StepInputs.publicValues()`).
 */
export function inputsNotApplying<M extends StepManifest>(
  manifest: M,
  values: Readonly<Record<string, string | boolean | number>>,
): NotApplying<M>[] {
  const found: NotApplying<M>[] = [];
  for (const spec of manifest.inputs) {
    if (!spec.appliesWhen || !(spec.name in values)) continue;
    if (spec.default !== undefined && String(values[spec.name]) === spec.default) continue;
    const unmet = Object.entries(spec.appliesWhen)
      .filter(([key, allowed]) => !allowed.includes(String(values[key] ?? '')))
      .map(([key]) => key);
    if (unmet.length > 0) found.push({ name: spec.name as InputName<M>, unmet });
  }
  return found;
}
