/**
 * Workspace containment (#14, point 2): every path a step reads or writes, given as an input or written inside a
 * file it reads, stays inside the host's folders (GitHub: GITHUB_WORKSPACE, RUNNER_TEMP; Azure DevOps:
 * BUILD_SOURCESDIRECTORY, PIPELINE_WORKSPACE, AGENT_TEMPDIRECTORY) or a folder `allowedPaths` names. Symlinks count
 * by where they point. Each probe runs the built bundles as both hosts, each in a workspace of its own.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/emulator';
import { describeEmulator } from '../../../emulator/start';
import { emulatorSignIn } from '../../harness/emulator-run';
import { runStepAs, type Host, type HostRun } from '../../harness/host-run';
import { startScoringServer, type ScoringServer } from '../../servers/scoring-servers';
import { countCanaryHits, newCanary } from '../canary';
import { defineArea, isUnexpectedError, type ProbeResult } from '../probe';

interface Context {
  readonly emulator: Emulator;
  readonly azure: ReturnType<typeof describeEmulator>;
  readonly server: ScoringServer;
  /** A folder outside every allowed root (not under the OS temp folder nor the repository). */
  readonly outside: string;
  readonly scratch: string;
}

const hosts: readonly Host[] = ['azure-pipelines', 'github'];
const CANARY = newCanary('zq');
const outsideWords = /outside the allowed folders/;

/** A fresh workspace (the run's GITHUB_WORKSPACE / sources directory) with the given files. */
function workspace(context: Context, host: Host, files: Record<string, string>): string {
  const dir = mkdtempSync(join(context.scratch, `${host}-`));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Whether a run was refused clearly: failed, naming the path, saying it is outside, naming the workspace root. */
function refused(run: HostRun, path: string, root: string, located = false): { ok: boolean; words: string } {
  const text = run.errors.join('\n');
  const named = text.includes(path) && outsideWords.test(text) && text.includes(realpathSync(root));
  const at = !located || run.locatedErrors.some((e) => e.line !== undefined && e.column !== undefined);
  const ok = !run.succeeded && named && at;
  const first = run.errors[0]?.split('\n')[0]?.slice(0, 90) ?? 'no error';
  return { ok, words: run.succeeded ? `${run.host}: accepted (succeeded)` : `${run.host}: ${first}` };
}

/** Both hosts concurrently; pass when both pass; observed lists each host's words. */
async function onBothHosts(
  perHost: (host: Host) => Promise<{ ok: boolean; words: string; runs: HostRun[] }>,
  extra: () => { ok: boolean; words?: string } = () => ({ ok: true }),
): Promise<ProbeResult> {
  const results = await Promise.all(
    hosts.map((host) =>
      perHost(host).catch((error: unknown) => ({
        ok: false,
        words: `${host}: harness refused the run (${(error as Error).message.slice(0, 80)})`,
        runs: [] as HostRun[],
      })),
    ),
  );
  const after = extra();
  const runs = results.flatMap((r) => r.runs);
  const printed = runs.map((r) => [r.everythingPrinted, JSON.stringify(r.outputs)].join('\n')).join('\n');
  return {
    observed: [...results.map((r) => r.words), ...(after.words ? [after.words] : [])].join('; '),
    pass: results.every((r) => r.ok) && after.ok,
    canaryHits: countCanaryHits(printed, [CANARY]),
    unexpectedError: runs.some((r) => r.errors.some(isUnexpectedError)),
  };
}

const smoke = (host: Host, cwd: string, inputs: Record<string, string>) =>
  runStepAs(host, {
    task: 'AzureMLSmokeTestV1',
    action: 'smoke-test',
    inputs: { readyTimeoutSeconds: '5', ...inputs },
    cwd,
    timeoutMs: 20_000,
  });

/** A step against the emulator, signed in as `host` signs in, with `dir` as the run's workspace. */
function onEmulatorIn(
  context: Context,
  host: Host,
  dir: string,
  step: { task: string; action: string; inputs: Record<string, string> },
): Promise<HostRun> {
  const access = emulatorSignIn(host, context.azure);
  const { resourceGroup, workspaceName } = context.azure;
  return runStepAs(host, {
    ...step,
    inputs: { ...access.inputs, resourceGroup, workspaceName, ...step.inputs },
    extraEnv: access.env,
    cwd: dir,
    timeoutMs: 15_000,
  });
}

const drift = (host: Host, cwd: string, inputs: Record<string, string>) =>
  runStepAs(host, { task: 'AzureMLDriftCheckV1', action: 'drift-check', inputs, cwd, timeoutMs: 20_000 });

/** A cases file with one valid case and one reject case whose body is `requestFile`. */
const casesNaming = (requestFile: string) =>
  [
    'cases:',
    '  - name: valid',
    '    request: {data: [[1, 2]]}',
    '  - name: hostile',
    `    requestFile: ${requestFile}`,
    '    reject: true',
    '',
  ].join('\n');

/** A smoke-test whose reject case names `requestFile`: refused before any request reaches the scoring server. */
async function smokeRefuses(context: Context, requestFile: string, setUp?: (dir: string) => void) {
  const before = context.server.requests;
  return onBothHosts(
    async (host) => {
      const dir = workspace(context, host, { 'cases.yml': casesNaming(requestFile) });
      setUp?.(dir);
      const run = await smoke(host, dir, {
        scoringUri: context.server.scoringUri,
        authKey: CANARY,
        casesFile: 'cases.yml',
      });
      const shown = requestFile.startsWith('/') ? requestFile : join(dir, requestFile);
      return { ...refused(run, shown, dir, true), runs: [run] };
    },
    () => {
      const sent = context.server.requests - before;
      return { ok: sent === 0, words: `scoring server got ${sent} request(s)` };
    },
  );
}

const csv = 'temperature,city\n12.5,Paris\n14,Oslo\n9.5,Lima\n11,Pune\n';

export const area = defineArea<Context>({
  name: 'containment',
  async start() {
    const [emulator, server] = await Promise.all([startEmulator(), startScoringServer('constant')]);
    emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
    // /var/tmp is neither the OS temp folder (os.tmpdir()) nor under the repository: outside every root.
    const outside = mkdtempSync(join('/var/tmp', 'containment-outside-'));
    writeFileSync(join(outside, 'current.csv'), csv);
    writeFileSync(join(outside, 'secret.json'), JSON.stringify({ data: [[CANARY]] }));
    const scratch = mkdtempSync(join(tmpdir(), 'containment-'));
    return { emulator, azure: describeEmulator(emulator), server, outside, scratch };
  },
  async stop(context) {
    await Promise.all([context.emulator.close(), context.server.close()]);
    rmSync(context.outside, { recursive: true, force: true });
    rmSync(context.scratch, { recursive: true, force: true });
  },
  probes: [
    {
      id: 'containment/request-file-environ',
      kind: 'leak',
      title: 'smoke-test case with requestFile: /proc/self/environ',
      expected: 'refused at cases.yml:line:column naming the roots; the scoring server sees nothing',
      boundMs: 20_000,
      run: (context) => smokeRefuses(context, '/proc/self/environ'),
    },
    {
      id: 'containment/request-file-symlink',
      kind: 'leak',
      title: 'smoke-test requestFile: a symlink in the workspace pointing outside it',
      expected: 'refused (the link is resolved before the check); the scoring server sees nothing',
      boundMs: 20_000,
      run: (context) =>
        smokeRefuses(context, 'request.json', (dir) =>
          symlinkSync(join(context.outside, 'secret.json'), join(dir, 'request.json')),
        ),
    },
    {
      id: 'containment/train-code-root',
      kind: 'bad-input',
      title: 'train job YAML with code: /',
      expected: 'refused at job.yml:line:column before anything is hashed or uploaded',
      boundMs: 25_000,
      run: (context) =>
        onBothHosts(async (host) => {
          const dir = workspace(context, host, {
            'job.yml': [
              'command: python train.py',
              'code: /',
              'environment: azureml:AzureML-sklearn-1.5@latest',
              'compute: azureml:cpu-cluster',
              '',
            ].join('\n'),
          });
          const run = await onEmulatorIn(context, host, dir, {
            task: 'AzureMLTrainV1',
            action: 'train',
            inputs: { jobFile: 'job.yml', dryRun: 'true' },
          });
          return { ...refused(run, "'/'", dir, true), runs: [run] };
        }),
    },
    {
      id: 'containment/model-path-etc-ssl',
      kind: 'bad-input',
      title: 'register-model modelPath: /etc/ssl',
      expected: 'refused naming modelPath, the path and the roots; nothing registered',
      boundMs: 20_000,
      run: (context) =>
        onBothHosts(async (host) => {
          const dir = workspace(context, host, {});
          const run = await onEmulatorIn(context, host, dir, {
            task: 'AzureMLRegisterModelV1',
            action: 'register-model',
            inputs: { modelName: `contained-${host}`, modelPath: '/etc/ssl', dryRun: 'true' },
          });
          const outcome = refused(run, '/etc/ssl', dir);
          // The emulator's workspace runs are not in `dir`: the roots named are the run's own, so check the words.
          const ok =
            !run.succeeded &&
            run.errors.join('\n').includes('/etc/ssl') &&
            outsideWords.test(run.errors.join('\n'));
          return {
            ok: ok && /modelPath|model-path|Model path/i.test(run.errors.join('\n')),
            words: outcome.words,
            runs: [run],
          };
        }),
    },
    {
      id: 'containment/drift-data-outside',
      kind: 'bad-input',
      title: 'drift-check currentData in a folder outside the workspace',
      expected: 'refused naming currentData, the path and the roots',
      boundMs: 20_000,
      run: (context) =>
        onBothHosts(async (host) => {
          const dir = workspace(context, host, { 'baseline.csv': csv });
          const current = join(context.outside, 'current.csv');
          const run = await drift(host, dir, { baselineData: 'baseline.csv', currentData: current });
          const outcome = refused(run, current, dir);
          return {
            ...outcome,
            ok: outcome.ok && /currentData|current-data|Current data/.test(run.errors.join('\n')),
            runs: [run],
          };
        }),
    },
    {
      id: 'containment/allowed-paths-accepted',
      kind: 'bad-input',
      title: 'drift-check currentData outside the workspace, its folder listed in allowedPaths',
      expected: 'accepted: the check runs and passes',
      boundMs: 20_000,
      run: (context) =>
        onBothHosts(async (host) => {
          const dir = workspace(context, host, { 'baseline.csv': csv });
          const run = await drift(host, dir, {
            baselineData: 'baseline.csv',
            currentData: join(context.outside, 'current.csv'),
            allowedPaths: `${context.outside}\n`,
          });
          // Four rows make a small sample: the check may pass with a warning (SucceededWithIssues); it must run and give a verdict.
          const ran = run.result !== 'Failed' && run.outputs.driftStatus !== undefined;
          const words = ran
            ? `${host}: accepted (drift ${run.outputs.driftStatus})`
            : `${host}: ${run.errors[0]?.slice(0, 90) ?? run.result}`;
          return { ok: ran, words, runs: [run] };
        }),
    },
  ],
});
