import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { generatedFiles, staleFiles } from '../../../scripts/generate';
import { stepManifests } from '../../../shared/src/steps/manifests';
import { inputsFor, kebabCase } from '../../../shared/src/step/manifest';
import { repoRoot } from '../../harness/runtimes';
import { validateTaskJson } from '../../harness/task-json-validation';

describe('generated files', () => {
  it('are current (run `npm run generate` and commit when this fails)', () => {
    expect(staleFiles()).toEqual([]);
  });

  it('cover every step on both hosts', () => {
    const paths = [...generatedFiles().keys()];
    for (const manifest of stepManifests) {
      expect(paths).toEqual(
        expect.arrayContaining([
          `tasks/${manifest.taskName}V1/task.json`,
          `actions/${manifest.id}/action.yml`,
        ]),
      );
    }
  });
});

describe.each(stepManifests.map((m) => [m.id, m] as const))('%s', (_id, manifest) => {
  const taskDir = join(repoRoot, 'tasks', `${manifest.taskName}V1`);
  const task = JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8')) as Record<string, unknown> & {
    inputs: { name: string; type: string }[];
    outputVariables: { name: string }[];
  };
  const action = load(readFileSync(join(repoRoot, 'actions', manifest.id, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    runs: { using: string; main: string };
  };

  it('has a task.json the agent accepts (tfx only warns)', () => {
    expect(validateTaskJson(task, taskDir)).toEqual([]);
  });

  it('offers the same inputs and outputs on both hosts, camelCase and kebab-case', () => {
    expect(task.inputs.map((i) => i.name)).toEqual(inputsFor(manifest, 'azure-pipelines').map((i) => i.name));
    expect(Object.keys(action.inputs)).toEqual(inputsFor(manifest, 'github').map((i) => kebabCase(i.name)));
    expect(task.outputVariables.map((o) => o.name)).toEqual(manifest.outputs.map((o) => o.name));
    expect(Object.keys(action.outputs)).toEqual(manifest.outputs.map((o) => kebabCase(o.name)));
  });

  it('runs on node24 on GitHub', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('signs in through an AzureRM service connection when it calls Azure', () => {
    const connection = task.inputs.find((input) => input.name === 'azureSubscription');
    if (manifest.inputs.some((input) => input.type === 'azureConnection'))
      expect(connection?.type).toBe('connectedService:AzureRM');
    else expect(connection).toBeUndefined();
  });
});

describe('validateTaskJson', () => {
  it('reports what the agent would refuse', () => {
    const problems = validateTaskJson(
      {
        id: 'not-a-guid',
        name: 'Bad Name',
        friendlyName: 'x'.repeat(41),
        description: 'd',
        category: 'Deploy',
        version: { Major: 1, Minor: 0, Patch: 0 },
        instanceNameFormat: 'x',
        groups: [],
        inputs: [
          { name: 'a', type: 'pickList', label: 'A', options: { x: 'x' }, defaultValue: 'y' },
          { name: 'A', type: 'weird', label: 'A', groupName: 'missing' },
        ],
        execution: { Node16: { target: 'index.js' } },
      },
      '/nonexistent',
    );
    expect(problems).toEqual([
      'id is not a GUID',
      "name 'Bad Name' must match ^[A-Za-z0-9-]+$",
      'friendlyName must be 1-40 characters, is 41',
      "input 'a' defaults to 'y', which is not one of its options",
      "input 'A' is declared twice (names are case-insensitive)",
      "input 'A' has unknown type 'weird'",
      "input 'A' names unknown group 'missing'",
      'execution lacks the Node20_1 handler',
      'execution lacks the Node24 handler',
      'deprecated handler Node16',
    ]);
  });
});

describe('validateTaskJson on visibleRule', () => {
  it('refuses rules naming unknown inputs or options, and rules mixing && and ||', () => {
    const task = (visibleRule: string) => ({
      inputs: [
        {
          name: 'action',
          type: 'pickList',
          label: 'Action',
          options: { deploy: 'deploy', delete: 'delete' },
        },
        { name: 'model', type: 'string', label: 'Model', visibleRule },
      ],
    });
    const problems = (rule: string) =>
      validateTaskJson(task(rule), '/nonexistent').filter((problem) => problem.includes('visibleRule'));
    expect(problems('action = deploy')).toEqual([]);
    expect(problems('action != delete && action != deploy')).toEqual([]);
    expect(problems('target = aci')).toEqual(["input 'model' visibleRule names unknown input 'target'"]);
    expect(problems('action = aci')).toEqual([
      "input 'model' visibleRule compares 'action' with 'aci', which is not one of its options",
    ]);
    expect(problems('action = deploy && action != delete || model = x')).toEqual([
      "input 'model' visibleRule 'action = deploy && action != delete || model = x' mixes && and ||",
    ]);
    expect(problems('action')).toEqual([
      "input 'model' visibleRule clause 'action' is not 'input operator value'",
    ]);
  });
});

describe('validateTaskJson on dataSourceBindings', () => {
  const connection = { name: 'azureSubscription', type: 'connectedService:AzureRM', label: 'Connection' };
  const listed = (properties?: Record<string, string>) => ({
    name: 'workspaceName',
    type: 'pickList',
    label: 'Workspace',
    ...(properties ? { properties } : {}),
  });
  const problems = (inputs: Record<string, unknown>[], binding: Record<string, string>) =>
    validateTaskJson({ inputs, dataSourceBindings: [binding] }, '/nonexistent').filter(
      (problem) => problem.includes('dataSourceBinding') || problem.includes('workspaceName'),
    );
  const good = {
    target: 'workspaceName',
    endpointId: '$(azureSubscription)',
    endpointUrl: '{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}/x',
    resultSelector: 'jsonpath:$.value[*]',
  };

  it('accepts an editable pickList without options that a binding through the connection fills', () => {
    expect(problems([connection, listed({ EditableOptions: 'True' })], good)).toEqual([]);
  });

  it('refuses a binding that names no connection, no source, an unknown input, or a list not editable', () => {
    expect(problems([connection, listed()], good)).toEqual([
      "input 'workspaceName' is filled by a data source but not editable (variables could not be given)",
    ]);
    expect(
      problems([connection, listed({ EditableOptions: 'True' })], {
        target: 'workspaceName',
        endpointId: '$(workspaceName)',
        endpointUrl: 'https://x/$(resourceGroup)',
      }),
    ).toEqual([
      "dataSourceBinding of 'workspaceName' has endpointId '$(workspaceName)', not a connection input",
      "dataSourceBinding of 'workspaceName' has an endpointUrl without a jsonpath resultSelector",
      "dataSourceBinding of 'workspaceName' uses $(resourceGroup), not an input",
    ]);
    expect(problems([connection], { target: 'workspaceName', endpointId: '$(azureSubscription)' })).toEqual([
      "dataSourceBinding targets unknown input 'workspaceName'",
      "dataSourceBinding of 'workspaceName' has neither dataSourceName nor endpointUrl",
    ]);
  });
});
