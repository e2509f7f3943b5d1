import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stepManifests } from '../shared/src/steps/manifests';
import { actionFolder } from './generate/action-yml';
import { readProjectInfo, repoRoot } from './generate/project';
import { taskFolder } from './generate/task-json';
import { extensionId } from './generate/vss-extension';

const out = join(repoRoot, 'out');

function copy(from: string, to: string): void {
  const source = join(repoRoot, from);
  if (!existsSync(source)) throw new Error(`${from} is missing: run npm run build (and npm run generate)`);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(source, to, { recursive: true });
}

/** Stages the Marketplace extension (only what the agent needs per task) and builds the .vsix with tfx. */
function packageExtension(version: string): string {
  const stage = join(out, 'extension');
  rmSync(stage, { recursive: true, force: true });
  copy('vss-extension.json', join(stage, 'vss-extension.json'));
  copy('images/icon.png', join(stage, 'images', 'icon.png'));
  copy('images/screenshots', join(stage, 'images', 'screenshots'));
  copy('docs/marketplace-overview.md', join(stage, 'overview.md'));
  copy('CHANGELOG.md', join(stage, 'CHANGELOG.md'));
  copy('LICENSE', join(stage, 'LICENSE'));
  for (const manifest of stepManifests) {
    const folder = taskFolder(manifest);
    copy(`${folder}/task.json`, join(stage, folder, 'task.json'));
    copy(`${folder}/dist`, join(stage, folder, 'dist'));
    // Each task its own icon (scripts/make-icon.py), so the classic editor's task list tells them apart.
    copy(`images/tasks/${manifest.id}.png`, join(stage, folder, 'icon.png'));
  }
  const vsix = join(out, `${extensionId}-${version}.vsix`);
  rmSync(vsix, { force: true });
  const tfx = join(repoRoot, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js');
  execFileSync(
    process.execPath,
    [
      tfx,
      'extension',
      'create',
      '--root',
      stage,
      '--manifest-globs',
      'vss-extension.json',
      '--output-path',
      vsix,
      '--no-prompt',
      '--no-color',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TFX_TRACE: '' } },
  );
  return vsix;
}

/** The actions as they are pushed to the release branch: action.yml beside its bundle. */
function packageActions(): string {
  const stage = join(out, 'actions');
  rmSync(stage, { recursive: true, force: true });
  for (const manifest of stepManifests) {
    const folder = actionFolder(manifest);
    copy(`${folder}/action.yml`, join(stage, manifest.id, 'action.yml'));
    copy(`${folder}/dist`, join(stage, manifest.id, 'dist'));
  }
  return stage;
}

if (require.main === module) {
  const { version } = readProjectInfo();
  const vsix = packageExtension(version);
  const actions = packageActions();
  console.log(`extension: ${vsix}\nactions:   ${actions}`);
}
