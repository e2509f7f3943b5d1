import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { stepManifests } from '../../shared/src/steps/manifests';
import { inputsFor, kebabCase, type HostKind, type StepManifest } from '../../shared/src/step/manifest';
import { repoRoot } from '../harness/runtimes';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

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

/** Inputs a step gives that its manifest does not declare, and required ones it leaves out. */
function mismatches(manifest: StepManifest, host: HostKind, given: string[]) {
  const known = inputsFor(manifest, host).map((input) => ({
    ...input,
    name: host === 'github' ? kebabCase(input.name) : input.name,
  }));
  return {
    unknown: given.filter((name) => !known.some((input) => input.name === name)),
    missing: known
      .filter((input) => input.required && !given.includes(input.name))
      .map((input) => input.name),
  };
}

describe('examples', () => {
  it("the GitHub workflow passes GitHub's own workflow parser", () => {
    const file = join(repoRoot, 'examples/github/weather-mlops.yml');
    const result = parseWorkflow(
      { name: file, content: readFileSync(file, 'utf8') },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  it("GitHub's parser does report a broken workflow (the check above can fail)", () => {
    const content = readFileSync(join(repoRoot, 'examples/github/weather-mlops.yml'), 'utf8').replace(
      /^jobs:/m,
      'jobz:',
    );
    const result = parseWorkflow({ name: 'broken.yml', content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });

  it('use only inputs the Azure DevOps tasks declare, and every required one', () => {
    const document = load(readFileSync(join(repoRoot, 'examples/azure-pipelines.yml'), 'utf8'));
    const ours = stepsOf(document).filter((step) => /^AzureML\w+@1$/.test(step.task ?? ''));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const step of ours) {
      const manifest = stepManifests.find((m) => `${m.taskName}@1` === step.task);
      expect(manifest).toBeDefined();
      const found = mismatches(manifest!, 'azure-pipelines', Object.keys(step.inputs ?? {}));
      expect({ task: step.task, ...found }).toEqual({ task: step.task, unknown: [], missing: [] });
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
      const found = mismatches(manifest!, 'github', Object.keys(step.with ?? {}));
      expect({ uses: step.uses, ...found }).toEqual({ uses: step.uses, unknown: [], missing: [] });
    }
  });
});
