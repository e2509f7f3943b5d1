import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { stepManifests } from '../../shared/src/steps/manifests';
import { expandEndpointUrl, isVisible, pickListOf } from '../harness/classic-editor';
import { nodeRuntimes, repoRoot } from '../harness/runtimes';
import { validateTaskJson } from '../harness/task-json-validation';
import { readZip } from '../harness/zip';
import { scratchFolder } from '../harness/scratch-folders';
import { armRequest, serviceConnectionToken } from '../harness/service-connection';

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

  const taskOf = (taskName: string) =>
    JSON.parse(vsix.get(`tasks/${taskName}V1/task.json`)!.toString('utf8')) as PackagedTask;

  it('writes a .vsix whose manifest names every task', () => {
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

  it('ships drift-check with the Azure ML job’s code and environment, the environment kept out of the code', () => {
    const jobFiles = ['drift-engine.mjs', 'profile_partitions.py', 'environment/Dockerfile', '.amlignore'];
    const action = join(repoRoot, 'out', 'actions', 'drift-check', 'dist');
    for (const file of jobFiles) {
      expect([file, vsix.has(`tasks/AzureMLDriftCheckV1/dist/${file}`)]).toEqual([file, true]);
      expect([file, existsSync(join(action, file))]).toEqual([file, true]);
    }
    expect(vsix.get('tasks/AzureMLDriftCheckV1/dist/.amlignore')!.toString('utf8')).toBe('environment/\n');
    expect(readFileSync(join(action, '.amlignore'), 'utf8')).toBe('environment/\n');
  });

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

  describe('in the classic editor', () => {
    it('shows deploy the inputs of the chosen target and action only', () => {
      const deploy = taskOf('AzureMLDeploy');
      const shown = (values: Record<string, string>) =>
        deploy.inputs.filter((input) => isVisible(input.visibleRule, values)).map((input) => input.name);
      const aci = shown({ action: 'deploy', target: 'aci' });
      const kubernetes = shown({ action: 'deploy', target: 'kubernetes' });
      const managed = shown({ action: 'deploy', target: 'managed' });
      const aciOnly = ['aciCpu', 'aciMemoryGb', 'aciDnsLabel'];
      const kubernetesOnly = ['compute', 'aksCluster', 'attachCluster'];
      const onlineOnly = ['deploymentName', 'environment', 'instanceType', 'instanceCount', 'trafficPercent'];
      expect(aci).toEqual(expect.arrayContaining(aciOnly));
      expect(aci.filter((name) => [...kubernetesOnly, ...onlineOnly].includes(name))).toEqual([]);
      expect(kubernetes).toEqual(expect.arrayContaining([...kubernetesOnly, ...onlineOnly]));
      expect(kubernetes.filter((name) => aciOnly.includes(name))).toEqual([]);
      expect(managed).toEqual(expect.arrayContaining(onlineOnly));
      expect(managed.filter((name) => [...aciOnly, ...kubernetesOnly].includes(name))).toEqual([]);
      // Action-specific: the traffic split of set-traffic, the model and files of deploy.
      const setTraffic = shown({ action: 'set-traffic', target: 'managed' });
      expect(setTraffic).toContain('traffic');
      expect(setTraffic.filter((name) => ['modelId', 'deploymentFile', 'codePath'].includes(name))).toEqual(
        [],
      );
      expect(managed).not.toContain('traffic');
      // What applies everywhere stays.
      for (const names of [aci, kubernetes, managed, setTraffic])
        expect(names).toEqual(expect.arrayContaining(['azureSubscription', 'resourceGroup', 'endpointName']));
    });

    describe('lists through the service connection', () => {
      let emulator: Emulator;
      let token: string;

      beforeAll(async () => {
        emulator = await startEmulator();
        // A second workspace in the group, and one in another group the list must not show.
        const serviceUrl = new URL(emulator.armUrl).origin;
        emulator.ml.createWorkspace({
          resourceGroup: emulator.resourceGroup,
          name: 'mlw-second',
          serviceUrl,
        });
        emulator.ml.createWorkspace({ resourceGroup: 'rg-elsewhere', name: 'mlw-elsewhere', serviceUrl });
        await emulator.datastores.ready();
        // Signed in as the connection's service principal, as the editor calls ARM through it.
        token = await serviceConnectionToken(emulator);
      }, 60_000);

      afterAll(() => emulator?.close());

      const get = (url: string) => armRequest(emulator, url, token);

      const withWorkspace = stepManifests.filter((m) =>
        m.inputs.some((input) => input.name === 'workspaceName'),
      );

      it.each(withWorkspace.map((m) => [m.taskName] as const))(
        '%s: resource groups from the built-in source, workspaces of the chosen group from ARM',
        async (taskName) => {
          const task = taskOf(taskName);
          const connection = task.inputs.find((input) => input.type === 'connectedService:AzureRM')!;
          const binding = (target: string) => task.dataSourceBindings?.find((b) => b.target === target);
          for (const name of ['resourceGroup', 'workspaceName'])
            expect(task.inputs.find((input) => input.name === name)).toMatchObject({
              type: 'pickList',
              properties: { EditableOptions: 'True' },
            });
          expect(binding('resourceGroup')).toEqual({
            target: 'resourceGroup',
            endpointId: `$(${connection.name})`,
            dataSourceName: 'AzureResourceGroups',
          });
          const workspaces = binding('workspaceName')!;
          expect(workspaces.endpointId).toBe(`$(${connection.name})`);

          const url = expandEndpointUrl(workspaces.endpointUrl!, {
            endpoint: {
              url: `${emulator.armUrl.replace(/\/$/, '')}/`,
              subscriptionId: emulator.subscriptionId,
            },
            inputs: { resourceGroup: emulator.resourceGroup },
          });
          const answer = await get(url);
          expect(answer.status).toBe(200);
          const listed = pickListOf(
            JSON.parse(answer.body),
            workspaces.resultSelector!,
            workspaces.resultTemplate!,
          );
          expect(listed.sort()).toEqual([emulator.workspaceName, 'mlw-second'].sort());
        },
      );
    });

    it('gives each task its own icon', () => {
      const icons = stepManifests.map((m) => vsix.get(`tasks/${m.taskName}V1/icon.png`)!);
      for (const icon of icons) expect(icon.subarray(1, 4).toString()).toBe('PNG');
      expect(new Set(icons.map((icon) => icon.toString('base64'))).size).toBe(stepManifests.length);
    });
  });

  it('holds the overview with its pictures, the licence and the listing fields', () => {
    const overview = vsix.get('overview.md')!.toString('utf8');
    const pictures = [...overview.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]!);
    expect(pictures.length).toBeGreaterThanOrEqual(3);
    for (const picture of pictures) {
      expect(vsix.has(picture)).toBe(true);
      expect(vsix.get(picture)!.subarray(1, 4).toString()).toBe('PNG');
    }
    const listing = vsix.get('extension.vsixmanifest')!.toString('utf8');
    for (const picture of pictures) expect(listing).toContain(`Path="${picture}"`);
    expect(listing).toContain('Microsoft.VisualStudio.Services.Content.License');
    expect(overview).toMatch(/\[MIT licence\]\(https:\/\/[^)]+\/LICENSE\)/);
    expect(overview).toContain('- task: AzureMLTrain@1');
    expect(overview).toContain('uses: mlops-steps/azureml-pipeline-steps/actions/');
  });
});

interface PackagedTask {
  inputs: { name: string; type: string; visibleRule?: string; properties?: Record<string, string> }[];
  dataSourceBindings?: {
    target: string;
    endpointId: string;
    dataSourceName?: string;
    endpointUrl?: string;
    resultSelector?: string;
    resultTemplate?: string;
  }[];
}
