/**
 * The command of a job as Azure ML runs it: `${{inputs.x}}` / `${{outputs.y}}` replaced by local paths (or a
 * literal input's value), `${{search_space.p}}` by a sweep trial's sampled value, and `$[[...]]` optional
 * segments kept only when every input/output they mention is given.
 */
import { JobFailure } from './job-handle';

export type ReferenceKind = 'inputs' | 'outputs' | 'search_space';

export interface CommandBindings {
  inputs: Readonly<Record<string, string>>;
  outputs: Readonly<Record<string, string>>;
}

const REFERENCE = /\$\{\{\s*(inputs|outputs|search_space)\.([A-Za-z0-9_.-]+?)\s*\}\}/g;
const OPTIONAL = /\$\[\[([\s\S]*?)\]\]/g;

/** Every `${{kind.name}}` in `text`. */
export function references(text: string): { kind: ReferenceKind; name: string }[] {
  return [...text.matchAll(REFERENCE)].map((m) => ({ kind: m[1] as ReferenceKind, name: m[2] ?? '' }));
}

/** Replaces `${{search_space.<p>}}` (a sweep trial's command); other references are left for the trial. */
export function substituteSearchSpace(command: string, values: Readonly<Record<string, string>>): string {
  return command.replace(REFERENCE, (whole, kind: string, name: string) => {
    if (kind !== 'search_space') return whole;
    const value = values[name];
    if (value === undefined) {
      throw new JobFailure(
        `The trial command references \${{search_space.${name}}}, which the search space does not define.`,
      );
    }
    return value;
  });
}

/** The command to run; throws a JobFailure naming references outside `$[[...]]` that nothing binds. */
export function renderCommand(command: string, bindings: CommandBindings): string {
  const bound = (kind: string, name: string): string | undefined =>
    kind === 'inputs' ? bindings.inputs[name] : kind === 'outputs' ? bindings.outputs[name] : undefined;
  const withOptionals = command.replace(OPTIONAL, (_whole, inner: string) =>
    references(inner).every((r) => bound(r.kind, r.name) !== undefined) ? inner : '',
  );
  const missing = new Set<string>();
  const rendered = withOptionals.replace(REFERENCE, (whole, kind: string, name: string) => {
    const value = bound(kind, name);
    if (value === undefined) missing.add(`\${{${kind}.${name}}}`);
    return value ?? whole;
  });
  if (missing.size > 0) {
    throw new JobFailure(
      `The command references ${[...missing].join(', ')}, which the job does not bind: give the input ` +
        '(or output), or put the reference in an optional $[[...]] segment.',
    );
  }
  return rendered;
}
