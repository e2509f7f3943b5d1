import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stepManifests } from '../../shared/src/steps/manifests';
import { actionFolder, renderActionYml } from './action-yml';
import { actionEntryPath, renderActionEntry, renderTaskEntry, taskEntryPath } from './entries';
import { readProjectInfo, repoRoot } from './project';
import { renderReadmeTables, replaceGeneratedSection } from './readme-tables';
import { renderTaskJson, taskFolder } from './task-json';
import { renderVssExtension } from './vss-extension';

/** Every generated file: path relative to the repository root -> expected content. */
export function generatedFiles(root = repoRoot): Map<string, string> {
  const project = readProjectInfo(root);
  const files = new Map<string, string>();
  let readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const manifest of stepManifests) {
    files.set(`${taskFolder(manifest)}/task.json`, renderTaskJson(manifest, project));
    files.set(taskEntryPath(manifest), renderTaskEntry(manifest));
    files.set(`${actionFolder(manifest)}/action.yml`, renderActionYml(manifest, project));
    files.set(actionEntryPath(manifest), renderActionEntry(manifest));
    readme = replaceGeneratedSection(readme, manifest.id, renderReadmeTables(manifest));
  }
  files.set('vss-extension.json', renderVssExtension(stepManifests, project));
  files.set('README.md', readme);
  return files;
}

/** Paths whose content on disk differs from what the manifests generate. */
export function staleFiles(root = repoRoot): string[] {
  const stale: string[] = [];
  for (const [path, content] of generatedFiles(root)) {
    const full = join(root, path);
    if (!existsSync(full) || readFileSync(full, 'utf8') !== content) stale.push(path);
  }
  return stale;
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      console.error(
        `Generated files are stale; run \`npm run generate\` and commit:\n${stale.map((p) => `  ${p}`).join('\n')}`,
      );
      process.exit(1);
    }
    console.log('Generated files are current.');
    return;
  }
  for (const [path, content] of generatedFiles()) {
    const full = join(repoRoot, path);
    mkdirSync(dirname(full), { recursive: true });
    if (!existsSync(full) || readFileSync(full, 'utf8') !== content) {
      writeFileSync(full, content);
      console.log(`wrote ${path}`);
    }
  }
}

if (require.main === module) main();
