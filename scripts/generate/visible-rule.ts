import type { InputSpec, StepManifest } from '../../shared/src/step/manifest';

/**
 * An input's `appliesWhen` as an Azure DevOps `visibleRule`. A rule joins its clauses with `&&` or with `||`,
 * never both, and has no parentheses: so every key is one clause (`action = deploy`) or, when it allows several
 * values, one `!=` clause per option it does not allow (`target != aci`), all joined with `&&`. What cannot be
 * written so is an error.
 */
export function visibleRule(manifest: StepManifest, input: InputSpec): string | undefined {
  if (!input.appliesWhen) return undefined;
  const clauses = Object.entries(input.appliesWhen).flatMap(([key, allowed]) =>
    keyClauses(manifest, input, key, allowed),
  );
  if (clauses.length === 0) throw conditionError(manifest, input, 'has no key');
  return clauses.join(' && ');
}

function keyClauses(
  manifest: StepManifest,
  input: InputSpec,
  key: string,
  allowed: readonly string[],
): string[] {
  const condition = manifest.inputs.find((spec) => spec.name === key);
  const options = condition && conditionValues(condition);
  if (!condition || !options)
    throw conditionError(manifest, input, `names '${key}', which is not a pickList or boolean input`);
  const unknown = allowed.filter((value) => !options.includes(value));
  if (unknown.length > 0)
    throw conditionError(manifest, input, `gives '${key}' values it does not offer: ${unknown.join(', ')}`);
  if (allowed.length === 0) throw conditionError(manifest, input, `allows no value of '${key}'`);
  if (allowed.length === options.length)
    throw conditionError(manifest, input, `allows every value of '${key}': leave the key out`);
  if (allowed.length === 1) return [`${key} = ${allowed[0]}`];
  // `!=` over the other options also holds for an empty value: only a pickList that always has one will do.
  if (condition.default === undefined)
    throw conditionError(
      manifest,
      input,
      `allows several values of '${key}', which has no default: task.json cannot say so without parentheses`,
    );
  return options.filter((option) => !allowed.includes(option)).map((option) => `${key} != ${option}`);
}

/** The values a condition key can take: a pickList's options, a boolean's two. */
function conditionValues(condition: InputSpec): readonly string[] | undefined {
  if (condition.type === 'boolean') return ['true', 'false'];
  return condition.type === 'pickList' ? condition.options : undefined;
}

function conditionError(manifest: StepManifest, input: InputSpec, problem: string): Error {
  return new Error(`${manifest.id}: input '${input.name}' appliesWhen ${problem}.`);
}

/** `appliesWhen` for people: "`action` is `deploy` and `target` is `managed` or `kubernetes`". */
export function describeAppliesWhen(input: InputSpec): string | undefined {
  if (!input.appliesWhen) return undefined;
  return Object.entries(input.appliesWhen)
    .map(([key, allowed]) => `\`${key}\` is ${allowed.map((value) => `\`${value}\``).join(' or ')}`)
    .join(' and ');
}
