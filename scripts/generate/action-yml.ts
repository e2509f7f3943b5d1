import { dump } from 'js-yaml';
import type { StepManifest } from '../../shared/src/step/manifest';
import { inputsFor, kebabCase } from '../../shared/src/step/manifest';
import { generatedNotice, manifestSource, type ProjectInfo } from './project';
import { bundleTarget } from './task-json';

export const actionFolder = (manifest: StepManifest) => `actions/${manifest.id}`;

/** The GitHub action.yml of a step. */
export function renderActionYml(manifest: StepManifest, project: ProjectInfo): string {
  const action = {
    name: manifest.friendlyName,
    description: manifest.description,
    author: project.author,
    branding: { icon: manifest.branding.icon, color: manifest.branding.color },
    inputs: Object.fromEntries(
      inputsFor(manifest, 'github').map((input) => [
        kebabCase(input.name),
        {
          description: input.secret ? `${input.help} Pass it from a secret; it is masked.` : input.help,
          required: input.required ?? false,
          ...(input.default !== undefined ? { default: input.default } : {}),
        },
      ]),
    ),
    outputs: Object.fromEntries(
      manifest.outputs.map((output) => [
        kebabCase(output.name),
        { description: output.secret ? `${output.description} (masked)` : output.description },
      ]),
    ),
    runs: { using: 'node24', main: bundleTarget },
  };
  return `# ${generatedNotice(manifestSource(manifest.id))}\n${dump(action, { lineWidth: -1, noRefs: true })}`;
}
