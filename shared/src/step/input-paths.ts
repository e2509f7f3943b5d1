import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ParseContext } from './define';
import { containedPath } from './allowed-roots';
import { collectInputErrors, InputError } from './errors';
import type { InputNameOfType } from './input-types';
import type { StepInputs } from './inputs';
import type { StepManifest } from './manifest';

/** A file-path input of the manifest `M`. */
type PathInput<M extends StepManifest> = InputNameOfType<M, 'filePath'>;

/**
 * The path a file-path input names, resolved against the workspace; undefined when not given. Azure Pipelines
 * hands an empty filePath input over as the sources directory itself: that means "not given" too. A path outside
 * the allowed folders (step/allowed-roots.ts) is an InputError.
 */
export function givenPath<M extends StepManifest>(
  inputs: StepInputs<M>,
  name: PathInput<M>,
  context: ParseContext,
): string | undefined {
  const value = text(inputs, name);
  if (value === undefined) return undefined;
  const resolved = path.resolve(context.workspaceDir, value);
  if (resolved === path.resolve(context.workspaceDir)) return undefined;
  return containedPath(resolved, name, inputs.displayName(name));
}

/** An existing file named by an input, or undefined; a missing file or a directory is added to `errors`. */
export function existingFile<M extends StepManifest>(
  inputs: StepInputs<M>,
  name: PathInput<M>,
  context: ParseContext,
  errors: InputError[],
): string | undefined {
  let resolved: string | undefined;
  collectInputErrors(errors, () => (resolved = givenPath(inputs, name, context)));
  if (resolved === undefined) return undefined;
  const value = text(inputs, name)!;
  if (!existsSync(resolved)) {
    const where = path.isAbsolute(value) ? '' : ` (looked in ${context.workspaceDir})`;
    errors.push(
      new InputError(name, `Input '${inputs.displayName(name)}': file '${value}' not found${where}.`),
    );
    return undefined;
  }
  if (statSync(resolved).isDirectory()) {
    errors.push(
      new InputError(name, `Input '${inputs.displayName(name)}' is a directory, not a file: '${value}'.`),
    );
    return undefined;
  }
  return resolved;
}

/** The input's text, read through the manifest-independent view (a generic name's type is not resolved here). */
function text(inputs: StepInputs, name: string): string | undefined {
  return inputs.string(name);
}
