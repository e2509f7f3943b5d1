import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { stepManifests } from '../../shared/src/steps/manifests';
import { nodeRuntimes, repoRoot } from '../harness/runtimes';
import { validateTaskJson } from '../harness/task-json-validation';
import { readZip } from '../harness/zip';
import { scratchFolder } from '../harness/scratch-folders';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('npm run package', () => {
  let vsix: Map<string, Buffer>;

  beforeAll(() => {
    execFileSync(
      nodeRuntimes[0]!.path,
      [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), join(repoRoot, 'scripts/package.ts')],
      {
        cwd: repoRoot,
        stdio: 'pipe',
      },
    );
    vsix = readZip(readFileSync(join(repoRoot, 'out', `azureml-pipeline-steps-${version}.vsix`)));
  }, 120_000);

  it('writes a .vsix whose manifest names the five tasks', () => {
    const manifest = JSON.parse(vsix.get('extension.vsomanifest')!.toString('utf8')) as {
      contributions: { type: string; properties: { name: string } }[];
    };
    expect(manifest.contributions.map((c) => [c.type, c.properties.name])).toEqual(
      stepManifests.map((m) => ['ms.vss-distributed-task.task', `tasks/${m.taskName}V1`]),
    );
    expect(vsix.get('extension.vsixmanifest')!.toString('utf8')).toContain(`Version="${version}"`);
    expect(vsix.has('images/icon.png')).toBe(true);
    expect(vsix.has('overview.md')).toBe(true);
  });

  it.each(stepManifests.map((m) => [m.taskName, m] as const))(
    'ships %s with a valid task.json, its bundle and icon',
    (_name, manifest) => {
      const folder = `tasks/${manifest.taskName}V1`;
      const names = [...vsix.keys()].filter((name) => name.startsWith(`${folder}/`)).sort();
      expect(names).toEqual(
        expect.arrayContaining([
          `${folder}/task.json`,
          `${folder}/dist/index.js`,
          `${folder}/dist/step.mjs`,
          `${folder}/dist/step.mjs.map`,
          `${folder}/icon.png`,
        ]),
      );
      expect(names.filter((name) => name.endsWith('.ts'))).toEqual([]);

      // Validate the packaged files exactly as shipped, from a copy on disk.
      const unpacked = scratchFolder('vsix-');
      for (const name of names) {
        mkdirSync(dirname(join(unpacked, name)), { recursive: true });
        writeFileSync(join(unpacked, name), vsix.get(name)!);
      }
      const task = JSON.parse(vsix.get(`${folder}/task.json`)!.toString('utf8')) as Record<
        string,
        unknown
      > & { id: string };
      expect(validateTaskJson(task, join(unpacked, folder))).toEqual([]);
      expect(task.id).toBe(manifest.taskId);
      expect(task.version).toEqual({
        Major: 1,
        Minor: Number(version.split('.')[1]),
        Patch: Number(version.split('.')[2]),
      });
    },
  );

  it('stages ready-to-publish actions: action.yml beside its bundle', () => {
    const actions = join(repoRoot, 'out', 'actions');
    expect(readdirSync(actions).sort()).toEqual(stepManifests.map((m) => m.id).sort());
    for (const manifest of stepManifests) {
      const action = load(readFileSync(join(actions, manifest.id, 'action.yml'), 'utf8')) as {
        runs: { main: string };
      };
      // The entry loads the bundle beside it (dist/index.js turns the compile cache on, then imports step.mjs,
      // whose chunks come with it).
      const entry = join(actions, manifest.id, action.runs.main);
      expect(readFileSync(entry, 'utf8')).toContain("import('./step.mjs')");
      const bundle = readFileSync(join(dirname(entry), 'step.mjs'), 'utf8');
      for (const [, chunk] of bundle.matchAll(/from\s*"\.\/([^"]+\.mjs)"/g))
        expect(readdirSync(dirname(entry))).toContain(chunk);
      expect(bundle.length).toBeGreaterThan(10_000);
    }
  });
});
