/**
 * Checks a GitHub workflow as GitHub does: its own workflow parser (@actions/workflow-parser) for the grammar, then
 * each step that uses one of our actions against the inputs of its generated actions/<id>/action.yml (the parser
 * does not read actions' metadata; the runner would only warn about an unexpected input and run on).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { formatLocation } from '../../shared/src/step/errors';
import { parseYaml, type DocumentPath } from '../../shared/src/yaml/load-yaml';
import { closest } from '../../shared/src/yaml/problems';
import { repoRoot } from './runtimes';

interface ActionInput {
  required?: boolean;
  default?: unknown;
}

/** `owner/repo/actions/<id>@ref` or `./actions/<id>`: one of ours. */
const OURS = /^(?:[\w.-]+\/[\w.-]+|\.)\/actions\/([a-z-]+)(?:@[\w.-]+)?$/;

function actionInputs(id: string): Record<string, ActionInput> {
  const metadata = load(readFileSync(join(repoRoot, 'actions', id, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, ActionInput>;
  };
  return metadata.inputs ?? {};
}

function usesSteps(
  node: unknown,
  path: DocumentPath = [],
): Array<{ step: Record<string, unknown>; path: DocumentPath }> {
  if (Array.isArray(node)) return node.flatMap((item, index) => usesSteps(item, [...path, index]));
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const self = typeof record.uses === 'string' ? [{ step: record, path }] : [];
  return [...self, ...Object.entries(record).flatMap(([key, value]) => usesSteps(value, [...path, key]))];
}

/** The `with:` problems of a step using one of our actions (input names compare case-insensitively, as on GitHub). */
function withProblems(
  step: Record<string, unknown>,
  id: string,
  at: (path: DocumentPath) => string,
): string[] {
  const inputs = actionInputs(id);
  const names = Object.keys(inputs);
  const given = step.with && typeof step.with === 'object' ? Object.keys(step.with) : [];
  const known = (name: string) => names.find((input) => input.toLowerCase() === name.toLowerCase());
  const unknown = given
    .filter((name) => !known(name))
    .map((name) => {
      const hint = closest(name, names);
      const suggestion = hint ? ` (did you mean '${hint}'?)` : '';
      return `${at(['with', name])}: '${name}' is not an input of actions/${id}${suggestion}`;
    });
  const missing = names
    .filter((name) => inputs[name]!.required && inputs[name]!.default === undefined)
    .filter((name) => !given.some((key) => known(key) === name))
    .map((name) => `${at(['uses'])}: actions/${id} requires the input '${name}'`);
  return [...unknown, ...missing];
}

/** The problems of a workflow, each as `file:line:column: message`; empty when it is valid. */
export function githubWorkflowProblems(text: string, file: string): string[] {
  const parsed = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  const problems = parsed.context.errors.getErrors().map((error) => error.message);
  const document = parseYaml(text, file);
  for (const { step, path } of usesSteps(document.value)) {
    const id = OURS.exec(step.uses as string)?.[1];
    if (id === undefined) continue;
    problems.push(
      ...withProblems(step, id, (inner) => formatLocation(document.locate([...path, ...inner], 'key'))),
    );
  }
  return problems;
}
