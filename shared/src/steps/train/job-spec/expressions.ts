/** `${{...}}` expressions in commands and pipeline bindings, and the checks that they name real things. */
import { closest } from '../../../yaml/problems';
import type { Node } from '../../../yaml/read-node';

export interface Expression {
  /** The text between the braces, trimmed: `inputs.learning_rate`. */
  readonly body: string;
  /** Inside an optional `$[[...]]` block, where an input may be left out. */
  readonly optional: boolean;
}

/** Every `${{...}}` in a string, in order. */
export function expressions(value: string): Expression[] {
  const optionalRanges: [number, number][] = [];
  for (const match of value.matchAll(/\$\[\[([\s\S]*?)\]\]/g))
    optionalRanges.push([match.index, match.index + match[0].length]);
  return [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => ({
    body: match[1]!.trim(),
    optional: optionalRanges.some(([start, end]) => match.index >= start && match.index < end),
  }));
}

/** What a command may refer to: the names declared where it runs. */
export interface CommandScope {
  /** "the job", "step 'train'", "component 'train'". */
  readonly owner: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Sweep jobs: the search-space parameters. */
  readonly searchSpace?: readonly string[];
  /** Jobs may name undeclared inputs inside `$[[...]]` (they are left out); components must declare them. */
  readonly optionalMayBeUndeclared: boolean;
}

/** Reports every `${{...}}` of a command that names nothing the scope declares, at the `command` key (block scalars start a line later). */
export function checkCommand(node: Node, command: string, scope: CommandScope): void {
  const kinds = scope.searchSpace ? 'inputs, outputs or search_space' : 'inputs or outputs';
  for (const expression of expressions(command)) {
    const match = /^(inputs|outputs|search_space)\.([A-Za-z0-9_.-]+)$/.exec(expression.body);
    if (!match || (match[1] === 'search_space' && !scope.searchSpace)) {
      node.error(
        `'${node.label}' uses \${{${expression.body}}}, which does not name ${kinds} of ${scope.owner}`,
        'key',
      );
      continue;
    }
    const [, kind, name] = match as unknown as [string, 'inputs' | 'outputs' | 'search_space', string];
    const declared =
      kind === 'inputs' ? scope.inputs : kind === 'outputs' ? scope.outputs : scope.searchSpace!;
    if (declared.includes(name)) continue;
    if (kind === 'inputs' && expression.optional && scope.optionalMayBeUndeclared) continue;
    node.error(
      `'${node.label}' uses \${{${kind}.${name}}} but ${scope.owner} ${declares(kind, name, declared)}`,
      'key',
    );
  }
}

/** "declares no input 'x' (did you mean 'y'?)" */
export function declares(
  kind: 'inputs' | 'outputs' | 'search_space' | 'steps',
  name: string,
  declared: readonly string[],
): string {
  const noun = { inputs: 'input', outputs: 'output', search_space: 'search_space parameter', steps: 'step' }[
    kind
  ];
  const guess = closest(name, declared);
  const has = kind === 'steps' ? 'has' : 'declares';
  return `${has} no ${noun} '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}`;
}
