/**
 * The example pipelines against their hosts' schemas: the Azure Pipelines language service's schema (vendored, with
 * our tasks' entries from task.json) and GitHub's workflow parser (with our actions' inputs from action.yml). Each
 * check is shown to fail on a misspelt input of one of our steps inside the production (deployment) job, and on a
 * grammar error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { azurePipelineProblems, ourTaskEntries } from '../harness/azure-pipelines-schema';
import { githubWorkflowProblems } from '../harness/github-workflow-schema';
import { repoRoot } from '../harness/runtimes';

const examples = readdirSync(join(repoRoot, 'examples'), { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => join('examples', file));
const azureFiles = examples.filter((file) => /azure-pipelines[^/]*\.ya?ml$/.test(file));
const githubFiles = examples.filter((file) => file.startsWith(join('examples', 'github')));
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

/** The text with `from` replaced by `to` at its first occurrence after the line matching `after`. */
function misspell(text: string, after: RegExp, from: string, to: string): string {
  const start = text.search(after);
  expect(start).toBeGreaterThanOrEqual(0);
  const at = text.indexOf(from, start);
  expect(at).toBeGreaterThan(start);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const LOCATED = /^[^:]+:\d+:\d+: /;

describe('Azure Pipelines examples against the language service schema', () => {
  it('finds the examples and our tasks', () => {
    expect(azureFiles.length).toBeGreaterThanOrEqual(1);
    expect(ourTaskEntries().map(({ name }) => (name.enum as string[])[0])).toEqual(
      expect.arrayContaining(['AzureMLTrain@1', 'AzureMLDeploy@1', 'AzureMLSmokeTest@1']),
    );
  });

  it.each(azureFiles)('%s is valid', (file) => {
    expect(azurePipelineProblems(read(file), file)).toEqual([]);
  });

  it("refuses a misspelt input of our task inside the deployment job's strategy, naming it", () => {
    const file = 'examples/azure-pipelines.yml';
    const text = misspell(read(file), /^\s*- deployment:/m, 'endpointName:', 'endpointNmae:');
    const problems = azurePipelineProblems(text, file);
    expect(problems).toEqual([
      expect.stringMatching(
        /'endpointNmae' is not an input of AzureMLDeploy@1 \(did you mean 'endpointName'\?\)$/,
      ),
    ]);
    expect(problems[0]).toMatch(LOCATED);
    const line = Number(/:(\d+):/.exec(problems[0]!)![1]);
    expect(text.split('\n')[line - 1]).toContain('endpointNmae:');
  });

  it('refuses a grammar error (a misspelt key of the deployment job)', () => {
    const file = 'examples/azure-pipelines.yml';
    const text = misspell(read(file), /^\s*- deployment:/m, 'environment:', 'environmnt:');
    expect(azurePipelineProblems(text, file)).toEqual([
      expect.stringMatching(/unexpected key 'environmnt' \(did you mean 'environment'\?\)$/),
    ]);
  });

  it('refuses a value outside an input of ours enum, and a missing required input', () => {
    const file = 'examples/azure-pipelines.yml';
    const wrongTarget = misspell(read(file), /^\s*- deployment:/m, 'target: kubernetes', 'target: kubernets');
    expect(azurePipelineProblems(wrongTarget, file)).toEqual([
      expect.stringMatching(/input 'target' of AzureMLDeploy@1 must be one of managed, kubernetes, aci$/),
    ]);
    const noWorkspace = misspell(read(file), /^\s*- deployment:/m, 'workspaceName:', 'description:');
    expect(azurePipelineProblems(noWorkspace, file)).toEqual(
      expect.arrayContaining([expect.stringMatching(/AzureMLDeploy@1 requires the input 'workspaceName'$/)]),
    );
  });

  it('reads task and input names case-insensitively, as Azure DevOps does', () => {
    const file = 'examples/azure-pipelines.yml';
    let text = misspell(read(file), /^\s*- deployment:/m, 'task: AzureMLDeploy@1', 'task: azuremldeploy@1');
    text = misspell(text, /^\s*- deployment:/m, 'endpointName:', 'EndpointName:');
    expect(azurePipelineProblems(text, file)).toEqual([]);
  });
});

describe("GitHub workflow examples against GitHub's parser and our actions' inputs", () => {
  it('finds the examples', () => expect(githubFiles.length).toBeGreaterThanOrEqual(1));

  it.each(githubFiles)('%s is valid', (file) => {
    expect(githubWorkflowProblems(read(file), file)).toEqual([]);
  });

  it('refuses a misspelt `with:` key of our action inside the production job, naming it', () => {
    const file = 'examples/github/weather-mlops.yml';
    const text = misspell(read(file), /^ {2}production:/m, 'endpoint-name:', 'endpoint-nmae:');
    const problems = githubWorkflowProblems(text, file);
    expect(problems).toEqual([
      expect.stringMatching(
        /'endpoint-nmae' is not an input of actions\/deploy \(did you mean 'endpoint-name'\?\)$/,
      ),
    ]);
    const line = Number(/:(\d+):/.exec(problems[0]!)![1]);
    expect(text.split('\n')[line - 1]).toContain('endpoint-nmae:');
  });

  it('refuses a grammar error (a misspelt key of the production job)', () => {
    const file = 'examples/github/weather-mlops.yml';
    const text = misspell(read(file), /^ {2}production:/m, '\n    environment:', '\n    enviroment:');
    expect(githubWorkflowProblems(text, file)).toEqual([expect.stringContaining('enviroment')]);
  });
});

it('reads only files inside the repository', () => {
  for (const file of [...azureFiles, ...githubFiles])
    expect(relative(repoRoot, join(repoRoot, file))).toBe(file);
});
