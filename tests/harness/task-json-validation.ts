import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The task.json rules tfx only warns about and the agent enforces at run time. Returns the problems found. */
export function validateTaskJson(task: Record<string, unknown>, folder: string): string[] {
  const problems: string[] = [];
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text(task.id)))
    problems.push('id is not a GUID');
  if (!/^[A-Za-z0-9-]+$/.test(text(task.name)))
    problems.push(`name '${text(task.name)}' must match ^[A-Za-z0-9-]+$`);
  const friendlyName = text(task.friendlyName);
  if (friendlyName.length === 0 || friendlyName.length > 40)
    problems.push(`friendlyName must be 1-40 characters, is ${friendlyName.length}`);
  if (!text(task.description)) problems.push('description is empty');
  if (
    ![
      'Build',
      'Utility',
      'Test',
      'Package',
      'Deploy',
      'Azure Repos',
      'Azure Boards',
      'Azure Pipelines',
      'Azure Test Plans',
      'Azure Artifacts',
    ].includes(text(task.category))
  ) {
    problems.push(`category '${text(task.category)}' is not one the agent knows`);
  }
  const version = task.version as { Major?: unknown; Minor?: unknown; Patch?: unknown } | undefined;
  if (!version || ![version.Major, version.Minor, version.Patch].every((n) => Number.isInteger(n)))
    problems.push('version needs integer Major, Minor, Patch');
  if (!text(task.instanceNameFormat)) problems.push('instanceNameFormat is empty');

  const groups = new Set(((task.groups as { name: string }[] | undefined) ?? []).map((g) => g.name));
  const inputs = (task.inputs as TaskInput[] | undefined) ?? [];
  const names = new Set<string>();
  problems.push(...dataSourceBindingProblems(task, inputs));
  const bound = new Set(
    ((task.dataSourceBindings as { target?: string }[] | undefined) ?? []).map((binding) => binding.target),
  );
  const knownTypes =
    /^(string|multiLine|boolean|pickList|filePath|radio|secureFile|int|connectedService:[A-Za-z0-9]+)$/;
  for (const input of inputs) {
    const name = text(input.name);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
      problems.push(`input name '${name}' is not a valid identifier`);
    if (names.has(name.toLowerCase()))
      problems.push(`input '${name}' is declared twice (names are case-insensitive)`);
    names.add(name.toLowerCase());
    if (!knownTypes.test(text(input.type)))
      problems.push(`input '${name}' has unknown type '${text(input.type)}'`);
    if (!text(input.label)) problems.push(`input '${name}' has no label`);
    if (input.groupName !== undefined && !groups.has(text(input.groupName)))
      problems.push(`input '${name}' names unknown group '${text(input.groupName)}'`);
    // A pickList the editor fills through a service connection (a dataSourceBinding) has no options of its own.
    if (
      input.type === 'pickList' &&
      !bound.has(name) &&
      (typeof input.options !== 'object' || Object.keys(input.options ?? {}).length === 0)
    ) {
      problems.push(`pickList input '${name}' has no options`);
    }
    if (input.type === 'pickList' && bound.has(name) && input.properties?.EditableOptions !== 'True')
      problems.push(
        `input '${name}' is filled by a data source but not editable (variables could not be given)`,
      );
    if (
      input.type === 'pickList' &&
      input.defaultValue !== undefined &&
      !(text(input.defaultValue) in ((input.options as object) ?? {}))
    ) {
      problems.push(
        `input '${name}' defaults to '${text(input.defaultValue)}', which is not one of its options`,
      );
    }
    if (
      input.type === 'boolean' &&
      input.defaultValue !== undefined &&
      !['true', 'false'].includes(text(input.defaultValue))
    ) {
      problems.push(`boolean input '${name}' defaults to '${text(input.defaultValue)}'`);
    }
  }
  for (const input of inputs)
    if (input.visibleRule !== undefined)
      problems.push(...visibleRuleProblems(text(input.name), text(input.visibleRule), inputs));
  const outputs = (task.outputVariables as { name?: string }[] | undefined) ?? [];
  for (const output of outputs)
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(output.name ?? ''))
      problems.push(`output variable '${output.name}' is not a valid name`);

  const execution = (task.execution as Record<string, { target?: string }> | undefined) ?? {};
  for (const handler of ['Node20_1', 'Node24']) {
    const target = execution[handler]?.target;
    if (!target) problems.push(`execution lacks the ${handler} handler`);
    else if (!existsSync(join(folder, target)))
      problems.push(`${handler} target ${target} does not exist in ${folder}`);
  }
  for (const handler of Object.keys(execution)) {
    if (['Node', 'Node10', 'Node16'].includes(handler)) problems.push(`deprecated handler ${handler}`);
  }
  return problems;
}

type TaskInput = Record<string, unknown> & { properties?: Record<string, string> };

/**
 * What the editor needs of a dataSourceBinding: a target input, the connection input as `$(name)`, and either a
 * data source of the connection type or an ARM URL of the connection with a JSONPath selector.
 */
function dataSourceBindingProblems(task: Record<string, unknown>, inputs: TaskInput[]): string[] {
  const problems: string[] = [];
  const bindings = (task.dataSourceBindings as Record<string, string | undefined>[] | undefined) ?? [];
  for (const binding of bindings) {
    const target = inputs.find((input) => input.name === binding.target);
    if (!target) problems.push(`dataSourceBinding targets unknown input '${binding.target}'`);
    const endpoint = /^\$\(([A-Za-z][A-Za-z0-9_]*)\)$/.exec(binding.endpointId ?? '')?.[1];
    const connection = inputs.find((input) => input.name === endpoint);
    if (!connection || !String(connection.type).startsWith('connectedService:'))
      problems.push(
        `dataSourceBinding of '${binding.target}' has endpointId '${binding.endpointId}', not a connection input`,
      );
    if (!binding.dataSourceName && !binding.endpointUrl)
      problems.push(`dataSourceBinding of '${binding.target}' has neither dataSourceName nor endpointUrl`);
    if (binding.endpointUrl && !binding.resultSelector?.startsWith('jsonpath:'))
      problems.push(
        `dataSourceBinding of '${binding.target}' has an endpointUrl without a jsonpath resultSelector`,
      );
    for (const [, name] of (binding.endpointUrl ?? '').matchAll(/\$\(([^)]+)\)/g))
      if (!inputs.some((input) => input.name === name))
        problems.push(`dataSourceBinding of '${binding.target}' uses $(${name}), not an input`);
  }
  return problems;
}

/**
 * A visibleRule's clauses (`name = value`, `name != value`...) joined by `&&` or by `||`, never both: each names
 * another input, and a pickList's value is one of its options.
 */
function visibleRuleProblems(name: string, rule: string, inputs: Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  if (rule.includes('&&') && rule.includes('||'))
    problems.push(`input '${name}' visibleRule '${rule}' mixes && and ||`);
  for (const clause of rule.split(/&&|\|\|/).map((part) => part.trim())) {
    const match =
      /^([A-Za-z][A-Za-z0-9_]*) *(!=|<=|>=|=|<|>|Contains|StartsWith|EndsWith|NotContains|NotStartsWith|NotEndsWith) *(.*)$/.exec(
        clause,
      );
    if (!match) {
      problems.push(`input '${name}' visibleRule clause '${clause}' is not 'input operator value'`);
      continue;
    }
    const [, other, , value] = match;
    const target = inputs.find((input) => input.name === other);
    if (!target) problems.push(`input '${name}' visibleRule names unknown input '${other}'`);
    else if (target.type === 'boolean' && !['true', 'false'].includes(value!))
      problems.push(`input '${name}' visibleRule compares boolean '${other}' with '${value}'`);
    else if (target.type === 'pickList' && !(value! in ((target.options as object) ?? {})))
      problems.push(
        `input '${name}' visibleRule compares '${other}' with '${value}', which is not one of its options`,
      );
  }
  return problems;
}
