/**
 * The `MLmodel` file at the root of an MLflow model folder: YAML whose `flavors` mapping says how the model can be
 * loaded (`python_function`, `sklearn`, ...). A model version's `flavors` (FlavorData: name → string settings) are
 * read from it, so an MLflow model registers with the flavors its folder declares.
 */
import { load } from 'js-yaml';
import { DataError } from '../step/errors';

/** Flavor name → its settings, as the model version's `flavors` carry them (`FlavorData.data`). */
export type ModelFlavors = Record<string, Record<string, string>>;

/** A setting as a string: text as it is, numbers and booleans written out, anything nested as JSON. */
function settingText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value ?? null);
}

/**
 * The flavors an `MLmodel` file declares (`where` names the file in messages). A file that is not YAML, or whose
 * `flavors` is not a mapping of mappings, is refused: it is not an MLflow model Azure ML could serve.
 */
export function mlmodelFlavors(text: string, where: string): ModelFlavors {
  let parsed: unknown;
  try {
    parsed = load(text);
  } catch (error) {
    throw new DataError(
      `${where} is not valid YAML (${(error as Error).message.split('\n')[0]}): an MLflow model's MLmodel file is YAML with a 'flavors' mapping.`,
    );
  }
  const flavors = (parsed as { flavors?: unknown } | null)?.flavors;
  const isMapping = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMapping(parsed) || !isMapping(flavors))
    throw new DataError(
      `${where} has no 'flavors' mapping: an MLflow model's MLmodel file names the flavors it can be loaded as (python_function, sklearn, ...).`,
    );
  const result: ModelFlavors = {};
  for (const [name, settings] of Object.entries(flavors)) {
    if (settings !== null && !isMapping(settings))
      throw new DataError(`${where}: flavor '${name}' must be a mapping of its settings.`);
    result[name] = Object.fromEntries(
      Object.entries(settings ?? {}).map(([key, value]) => [key, settingText(value)]),
    );
  }
  return result;
}
