import type { StepManifest } from '../../shared/src/step/manifest';
import { kebabCase } from '../../shared/src/step/manifest';
import { describeAppliesWhen } from './visible-rule';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown tables of a step's inputs and outputs, with both hosts' names. */
export function renderReadmeTables(manifest: StepManifest): string {
  const inputRows = manifest.inputs.map((input) => {
    const ado = !input.hosts || input.hosts.includes('azure-pipelines') ? `\`${input.name}\`` : '';
    const gh = !input.hosts || input.hosts.includes('github') ? `\`${kebabCase(input.name)}\`` : '';
    const extra = [
      input.secret ? '**secret**' : '',
      input.options ? `one of ${input.options.map((o) => `\`${o}\``).join(', ')}` : '',
      input.appliesWhen ? `applies when ${describeAppliesWhen(input)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const description = extra ? `${input.help} (${extra})` : input.help;
    const fallback = input.default !== undefined ? `\`${input.default}\`` : '';
    return `| ${ado} | ${gh} | ${input.required ? 'yes' : ''} | ${fallback} | ${cell(description)} |`;
  });
  const outputRows = manifest.outputs.map(
    (output) =>
      `| \`${output.name}\` | \`${kebabCase(output.name)}\` | ${cell(output.description)}${output.secret ? ' **secret**' : ''} |`,
  );
  return [
    `Inputs of \`${manifest.taskName}@1\` / \`actions/${manifest.id}\`:`,
    '',
    '| Azure DevOps | GitHub | Required | Default | Description |',
    '|---|---|---|---|---|',
    ...inputRows,
    '',
    'Outputs:',
    '',
    '| Azure DevOps | GitHub | Description |',
    '|---|---|---|',
    ...outputRows,
  ].join('\n');
}

export const beginMarker = (id: string) => `<!-- BEGIN GENERATED ${id} (npm run generate) -->`;
export const endMarker = (id: string) => `<!-- END GENERATED ${id} -->`;

/** Replaces the text between a step's markers in the README; errors when the markers are missing. */
export function replaceGeneratedSection(readme: string, id: string, content: string): string {
  const begin = beginMarker(id);
  const end = endMarker(id);
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md lacks the markers "${begin}" ... "${end}"`);
  return `${readme.slice(0, start + begin.length)}\n${content}\n${readme.slice(stop)}`;
}
