/** Applies `set` overrides to a parsed job YAML while keeping the positions of what the file wrote. */
import type { DocumentPath, LocatedDocument } from '../../../yaml/load-yaml';
import { closest, describe, type Problems } from '../../../yaml/problems';
import type { SetOverride } from './set-overrides';

/** A parsed YAML document that also knows which of its values an override set. */
export interface SpecDocument extends LocatedDocument {
  /** The override that set the value at `path` or one of its ancestors. */
  overrideAt(path: DocumentPath): SetOverride | undefined;
}

/** A document as read, without overrides. */
export function asSpecDocument(document: LocatedDocument): SpecDocument {
  return { ...document, locate: document.locate, overrideAt: () => undefined };
}

/**
 * Returns the document with the overrides applied (the original is left alone). Missing mappings on the way are
 * created, except pipeline steps: an override cannot invent a step, and cannot go through a scalar or a list end.
 */
export function applyOverrides(
  document: LocatedDocument,
  overrides: readonly SetOverride[],
  problems: Problems,
): SpecDocument {
  const plain = asSpecDocument(document);
  if (overrides.length === 0 || !isMapping(document.value)) return plain;
  const value = structuredClone(document.value) as Record<string, unknown>;
  const applied: SetOverride[] = [];
  for (const override of overrides) {
    const failure = applyOne(value, override);
    if (failure === undefined) applied.push(override);
    else {
      const path = override.path.slice(0, failure.depth);
      problems.at(
        plain,
        path,
        `Override '${override.path.join('.')}' (line ${override.line} of '${override.input}'): ${failure.message}`,
      );
    }
  }
  return {
    file: document.file,
    value,
    locate: document.locate,
    overrideAt(path) {
      for (let i = applied.length - 1; i >= 0; i--) {
        const candidate = applied[i]!;
        if (candidate.path.length <= path.length && candidate.path.every((s, j) => String(path[j]) === s))
          return candidate;
      }
      return undefined;
    },
  };
}

function applyOne(
  root: Record<string, unknown>,
  override: SetOverride,
): { depth: number; message: string } | undefined {
  let node: unknown = root;
  const { path } = override;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth]!;
    const last = depth === path.length - 1;
    const here = path.slice(0, depth).join('.') || 'the job';
    if (Array.isArray(node)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : -1;
      if (index < 0 || index >= node.length)
        return {
          depth,
          message: `'${here}' is a list of ${node.length}; '${segment}' is not one of its indexes`,
        };
      if (last) node[index] = override.value;
      else node = node[index];
      continue;
    }
    if (!isMapping(node)) return { depth, message: `'${here}' is ${describe(node)}, not a mapping` };
    if (!(segment in node)) {
      if (depth === 1 && path[0] === 'jobs' && root.type === 'pipeline') {
        const guess = closest(segment, Object.keys(node));
        return {
          depth,
          message: `the pipeline has no step '${segment}'${guess ? ` (did you mean '${guess}'?)` : ''}`,
        };
      }
    }
    if (!last && (node[segment] === undefined || node[segment] === null)) node[segment] = {};
    if (last) node[segment] = override.value;
    else node = node[segment];
  }
  return undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
