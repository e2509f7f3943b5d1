/**
 * What the classic editor does with a task.json, for tests: whether an input shows (`visibleRule`), and the list a
 * `dataSourceBinding` with an `endpointUrl` offers (the URL expanded for the connection, the answer picked by its
 * `resultSelector`, each item shaped by its `resultTemplate`).
 */

/** A visibleRule (`a = x && b != y`, or clauses joined by `||`) for the given input values. */
export function isVisible(rule: string | undefined, values: Readonly<Record<string, string>>): boolean {
  if (rule === undefined) return true;
  const any = rule.includes('||');
  const results = rule.split(any ? '||' : '&&').map((clause) => {
    const match = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(!=|=)\s*(.*?)\s*$/.exec(clause);
    if (!match) throw new Error(`clause '${clause}' is not 'input = value' or 'input != value'`);
    const [, name, operator, value] = match;
    const actual = values[name!] ?? '';
    return operator === '=' ? actual === value : actual !== value;
  });
  return any ? results.some(Boolean) : results.every(Boolean);
}

/** The connection and input values an endpointUrl is expanded with. */
export interface EditorContext {
  readonly endpoint: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, string>>;
}

/** `{{{endpoint.url}}}` and `$(input)` as the editor fills them; anything it could not fill is an error. */
export function expandEndpointUrl(template: string, context: EditorContext): string {
  return template
    .replace(/\{\{\{endpoint\.([A-Za-z]+)\}\}\}/g, (_all, key: string) => {
      const value = context.endpoint[key];
      if (value === undefined)
        throw new Error(`endpointUrl uses {{{endpoint.${key}}}}, which the connection has not`);
      return value;
    })
    .replace(/\$\(([A-Za-z][A-Za-z0-9_]*)\)/g, (_all, name: string) => {
      const value = context.inputs[name];
      if (value === undefined) throw new Error(`endpointUrl uses $(${name}), which is not given`);
      return encodeURIComponent(value);
    });
}

/** The pick list from an ARM answer: `jsonpath:$.<property>[*]`, then the `{{{field}}}` template, as Value. */
export function pickListOf(answer: unknown, resultSelector: string, resultTemplate: string): string[] {
  const path = /^jsonpath:\$\.([A-Za-z]+)\[\*\]$/.exec(resultSelector);
  if (!path) throw new Error(`resultSelector '${resultSelector}' is not 'jsonpath:$.<property>[*]'`);
  const items = (answer as Record<string, unknown>)[path[1]!];
  if (!Array.isArray(items)) throw new Error(`the answer has no array '${path[1]}'`);
  return items.map((item: Record<string, unknown>) => {
    const filled = resultTemplate.replace(/\{\{\{([A-Za-z.]+)\}\}\}/g, (_all, field: string) =>
      String(field.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], item)),
    );
    return (JSON.parse(filled) as { Value: string }).Value;
  });
}
