import type { InputSpec, StepManifest } from '../../shared/src/step/manifest';
import { inputsFor } from '../../shared/src/step/manifest';
import type { ProjectInfo } from './project';
import { dataSourceBindings } from './data-source-bindings';
import { visibleRule } from './visible-rule';

export const taskFolder = (manifest: StepManifest) => `tasks/${manifest.taskName}V1`;
export const bundleTarget = 'dist/index.js';

const adoType: Record<InputSpec['type'], string> = {
  string: 'string',
  multiLine: 'multiLine',
  boolean: 'boolean',
  integer: 'string',
  number: 'string',
  pickList: 'pickList',
  filePath: 'filePath',
  azureConnection: 'connectedService:AzureRM',
};

function taskInput(manifest: StepManifest, input: InputSpec): Record<string, unknown> {
  const rule = visibleRule(manifest, input);
  const help = input.secret
    ? `${input.help} Pass it as a secret variable, e.g. \`$(endpointKey)\`.`
    : input.help;
  return {
    name: input.name,
    // A listed input is a pickList the editor fills, still free text so that `$(variables)` work.
    type: input.pickFrom ? 'pickList' : adoType[input.type],
    label: input.label,
    ...(input.default !== undefined ? { defaultValue: input.default } : {}),
    required: input.required ?? false,
    helpMarkDown: help,
    ...(input.group ? { groupName: input.group } : {}),
    ...(input.options
      ? { options: Object.fromEntries(input.options.map((option) => [option, option])) }
      : {}),
    ...(input.pickFrom ? { properties: { EditableOptions: 'True' } } : {}),
    ...(rule ? { visibleRule: rule } : {}),
  };
}

/** The README section of a step (its heading is the step id). */
export function stepHelpUrl(manifest: StepManifest, project: ProjectInfo): string {
  return `${project.repositoryUrl}#${manifest.id}`;
}

/** The Azure DevOps task.json of a step. */
export function renderTaskJson(manifest: StepManifest, project: ProjectInfo): string {
  const [, minor, patch] = project.version.split('.').map(Number);
  const inputs = inputsFor(manifest, 'azure-pipelines');
  const bindings = dataSourceBindings(manifest, inputs);
  const helpUrl = stepHelpUrl(manifest, project);
  const task = {
    $schema: 'https://raw.githubusercontent.com/Microsoft/azure-pipelines-task-lib/master/tasks.schema.json',
    id: manifest.taskId,
    name: manifest.taskName,
    friendlyName: manifest.friendlyName,
    description: manifest.description,
    helpUrl,
    helpMarkDown: `${manifest.description} [Inputs, outputs and examples](${helpUrl})`,
    category: manifest.category,
    author: project.author,
    version: { Major: 1, Minor: minor ?? 0, Patch: patch ?? 0 },
    minimumAgentVersion: '3.232.1',
    instanceNameFormat: manifest.instanceNameFormat,
    groups: manifest.groups.map((group) => ({
      name: group.name,
      displayName: group.displayName,
      isExpanded: !group.collapsed,
    })),
    inputs: inputs.map((input) => taskInput(manifest, input)),
    ...(bindings.length > 0 ? { dataSourceBindings: bindings } : {}),
    outputVariables: manifest.outputs.map((output) => ({
      name: output.name,
      description: output.secret ? `${output.description} (secret)` : output.description,
    })),
    execution: {
      Node20_1: { target: bundleTarget, argumentFormat: '' },
      Node24: { target: bundleTarget, argumentFormat: '' },
    },
  };
  return JSON.stringify(task, null, 2) + '\n';
}
