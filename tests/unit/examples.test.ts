import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { stepManifests } from '../../shared/src/steps/manifests';
import { inputsFor, kebabCase } from '../../shared/src/step/manifest';
import { repoRoot } from '../harness/runtimes';

type Step = {
  task?: string;
  uses?: string;
  inputs?: Record<string, unknown>;
  with?: Record<string, unknown>;
};

/** Every step of a pipeline document, wherever it is nested (stages, jobs, deployment strategies). */
function stepsOf(node: unknown): Step[] {
  if (Array.isArray(node)) return node.flatMap(stepsOf);
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const self = typeof record.task === 'string' || typeof record.uses === 'string' ? [record as Step] : [];
    return [...self, ...Object.values(record).flatMap(stepsOf)];
  }
  return [];
}

describe('examples', () => {
  it('use only inputs the Azure DevOps tasks declare, and every required one', () => {
    const document = load(readFileSync(join(repoRoot, 'examples/azure-pipelines.yml'), 'utf8'));
    const ours = stepsOf(document).filter((step) => /^AzureML\w+@1$/.test(step.task ?? ''));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const step of ours) {
      const manifest = stepManifests.find((m) => `${m.taskName}@1` === step.task);
      expect(manifest).toBeDefined();
      const known = inputsFor(manifest!, 'azure-pipelines');
      const given = Object.keys(step.inputs ?? {});
      expect(given.filter((name) => !known.some((input) => input.name === name))).toEqual([]);
      const missing = known
        .filter((input) => input.required && !given.includes(input.name))
        .map((input) => input.name);
      expect({ task: step.task, missing }).toEqual({ task: step.task, missing: [] });
    }
  });

  it('use only inputs the GitHub actions declare, and every required one', () => {
    const document = load(readFileSync(join(repoRoot, 'examples/github/weather-mlops.yml'), 'utf8'));
    const ours = stepsOf(document).filter((step) => /\/actions\/[a-z-]+@v1$/.test(step.uses ?? ''));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const step of ours) {
      const id = /\/actions\/([a-z-]+)@v1$/.exec(step.uses!)![1];
      const manifest = stepManifests.find((m) => m.id === id);
      expect(manifest).toBeDefined();
      const known = inputsFor(manifest!, 'github').map((input) => ({
        ...input,
        name: kebabCase(input.name),
      }));
      const given = Object.keys(step.with ?? {});
      expect(given.filter((name) => !known.some((input) => input.name === name))).toEqual([]);
      const missing = known
        .filter((input) => input.required && !given.includes(input.name))
        .map((input) => input.name);
      expect({ uses: step.uses, missing }).toEqual({ uses: step.uses, missing: [] });
    }
  });
});
