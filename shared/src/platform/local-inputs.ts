import { closest } from '../yaml/problems';
import { inputsFor, kebabCase, localVariableName, type StepManifest } from '../step/manifest';

/**
 * The variables that give an input on this machine, in the order they are looked up: our own spelling
 * (`INPUT_BASELINE_DATA`), the Azure Pipelines agent's (`INPUT_BASELINEDATA`) and the GitHub runner's
 * (`INPUT_BASELINE-DATA`), so that variables copied from either host work here too.
 */
export function localSpellings(name: string): string[] {
  const spellings = [
    localVariableName(name),
    `INPUT_${name.toUpperCase()}`,
    `INPUT_${kebabCase(name).toUpperCase()}`,
  ];
  return [...new Set(spellings)];
}

/** The `INPUT_*` variables given, by their upper-case name (the hosts upper-case them too). */
export function givenInputVariables(
  env: Readonly<Record<string, string | undefined>>,
): ReadonlyMap<string, { readonly variable: string; readonly value: string }> {
  const given = new Map<string, { variable: string; value: string }>();
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || !variable.toUpperCase().startsWith('INPUT_')) continue;
    given.set(variable.toUpperCase(), { variable, value });
  }
  return given;
}

/** An input's value: the first of its spellings given with a value. */
export function localInputValue(
  given: ReturnType<typeof givenInputVariables>,
  name: string,
): string | undefined {
  for (const spelling of localSpellings(name)) {
    const value = given.get(spelling)?.value;
    if (value) return value;
  }
  return undefined;
}

/**
 * What is wrong with the `INPUT_*` variables for this step, as warnings: a name that is no input here (with the
 * closest one, any spelling), an Azure DevOps-only input (how to sign in here instead), an input given twice with
 * different values.
 */
export function localInputWarnings(
  manifest: StepManifest,
  given: ReturnType<typeof givenInputVariables>,
): string[] {
  const offered = inputsFor(manifest, 'github');
  const spellingOf = new Map<string, string>();
  for (const input of offered)
    for (const spelling of localSpellings(input.name)) spellingOf.set(spelling, input.name);
  const azureDevOpsOnly = new Map<string, string>();
  for (const input of manifest.inputs.filter((spec) => !offered.includes(spec)))
    for (const spelling of localSpellings(input.name)) azureDevOpsOnly.set(spelling, input.name);

  const warnings: string[] = [];
  for (const [upper, { variable }] of given) {
    if (spellingOf.has(upper)) continue;
    if (azureDevOpsOnly.has(upper)) {
      warnings.push(
        `${variable} is ignored: '${azureDevOpsOnly.get(upper)!}' is an Azure DevOps input. Here sign in with INPUT_CREDS, INPUT_CLIENT_ID + INPUT_TENANT_ID + INPUT_SUBSCRIPTION_ID (OIDC), a managed identity or an Azure CLI session (az login) with INPUT_SUBSCRIPTION_ID.`,
      );
      continue;
    }
    const suggestion = closest(upper, [...spellingOf.keys()]);
    warnings.push(
      suggestion
        ? `${variable} is not an input of ${manifest.id} and is ignored: did you mean ${suggestion}?`
        : `${variable} is not an input of ${manifest.id} and is ignored (its inputs: ${offered.map((input) => localSpellings(input.name)[0]).join(', ')}).`,
    );
  }
  for (const input of offered) {
    const values = localSpellings(input.name)
      .map((spelling) => given.get(spelling))
      .filter((entry) => entry !== undefined && entry.value !== '');
    if (new Set(values.map((entry) => entry!.value)).size > 1)
      warnings.push(
        `${values.map((entry) => entry!.variable).join(' and ')} give '${input.name}' different values: ${values[0]!.variable} is used.`,
      );
  }
  return warnings;
}
