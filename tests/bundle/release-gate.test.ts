import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { seedCompletedJob } from '../harness/emulator-jobs';
import { runOnEmulator } from '../harness/emulator-run';
import { datastoreContainer } from '../harness/emulator-model';
import { artifactsPageOf, runStepAs, type Host, type HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { countCanaryHits, newCanary } from '../reliability/canary';
import { startScoringServer, type ScoringServer } from '../servers/scoring-servers';
import { scratchFolder } from '../harness/scratch-folders';

/**
 * The bundled release-gate step, as both hosts run it, against the emulator. Its evidence is written by the real
 * earlier steps, run once in beforeAll where cheap: register-model (a seeded job with its MLflow metrics, gated on
 * f1 against the latest version), smoke-test (against a local scoring server) and drift-check (on small local
 * CSVs, like with like and with humidity, a critical feature, drifted). Each case copies the records it needs
 * into its own folders.
 */
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;
let scratch: string;
let server: ScoringServer;
const signInSecret = newCanary('gate');
const model = 'gate-rain';
const record: Record<string, string> = {};

const hosts = ['azure-pipelines', 'github'] as const;

beforeAll(async () => {
  emulator = await startEmulator({ clientSecret: signInSecret });
  description = describeEmulator(emulator);
  scratch = scratchFolder('release-gate-');
  server = await startScoringServer('correct');
  await datastoreContainer(emulator).getBlockBlobClient('gate/model/model.json').upload('{}', 2);
  seedVersion('1', seedJob({ f1: 0.84, recall: 0.72 }));
  const [registered, refused, smoke, smokeFailed, driftSame, driftMoved] = await Promise.all([
    register({ f1: 0.85, recall: 0.7 }, model),
    register({ f1: 0.8, recall: 0.8 }, model, true),
    smokeRun(server.scoringUri),
    smokeRun(server.scoringUri, 'wrong-cases.yml'),
    driftRun(false),
    driftRun(true),
  ]);
  // Version 2 is the one register-model registered; 3 is tagged by the passing release on Azure Pipelines; 4 and
  // 5 by the pull request runs (GitHub, Azure Pipelines).
  for (const version of ['3', '4', '5']) seedVersion(version, 'gate-job-1');
  Object.assign(record, {
    registered: evidenceOf(registered, true),
    refused: evidenceOf(refused, false),
    smoke: evidenceOf(smoke, true),
    smokeFailed: evidenceOf(smokeFailed, false),
    driftSame: evidenceOf(driftSame, true),
    driftMoved: evidenceOf(driftMoved, true),
  });
}, 90_000);
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

function evidenceOf(run: HostRun, succeeded: boolean): string {
  if (run.succeeded !== succeeded) throw new Error(`fixture run: ${run.errors.join('\n')}`);
  return run.outputs.evidencePath!;
}

let seeded = 0;
/** A completed job whose output is the seeded model folder, with its metrics in MLflow (nothing runs). */
function seedJob(metrics: Record<string, number>): string {
  const name = `gate-job-${++seeded}`;
  return seedCompletedJob(emulator, { name, experimentName: 'gate', modelPath: 'gate/model/', metrics });
}

function seedVersion(version: string, jobName: string, name = model): void {
  emulator.assets.addAssetVersion(emulator.workspaceId, 'models', name, version, {
    modelUri: 'azureml://datastores/workspaceblobstore/paths/gate/model/',
    modelType: 'custom_model',
    jobName,
  });
}

function register(metrics: Record<string, number>, name: string, refused = false): Promise<HostRun> {
  const modelName = refused ? `${name}-refused` : name;
  if (refused) seedVersion('1', seedJob({ f1: 0.84, recall: 0.72 }), modelName);
  return runOnEmulator('github', description, {
    task: 'AzureMLRegisterModelV1',
    action: 'register-model',
    inputs: {
      modelName,
      jobName: seedJob(metrics),
      jobOutput: 'model',
      compareMetric: 'f1',
      baseline: 'latest',
    },
  });
}

function smokeRun(scoringUri: string, cases = 'smoke-cases.yml'): Promise<HostRun> {
  let casesFile = join(repoRoot, 'examples/weather', cases);
  if (cases !== 'smoke-cases.yml') {
    // The example's cases with one expectation the correct model does not meet.
    casesFile = join(scratch, cases);
    writeFileSync(
      casesFile,
      readFileSync(join(repoRoot, 'examples/weather/smoke-cases.yml'), 'utf8').replace(
        /status: 200/,
        'status: 201',
      ),
    );
  }
  return runStepAs('github', {
    task: 'AzureMLSmokeTestV1',
    action: 'smoke-test',
    inputs: {
      scoringUri,
      casesFile,
      latencyRequests: '5',
      allowedPaths: `${scratch}\n${join(repoRoot, 'examples/weather')}`,
    },
  });
}

/** Weather-like CSVs: the current side like the baseline, or with humidity 20 points higher. */
function driftRun(drifted: boolean): Promise<HostRun> {
  const rows = (shift: number, seed: number) =>
    [
      'humidity,pressure,city',
      ...Array.from({ length: 200 }, (_, i) => {
        const x = ((i * 37 + seed) % 200) / 200;
        return `${(60 + 30 * x + shift).toFixed(1)},${(1000 + 20 * x).toFixed(1)},${['Paris', 'Oslo'][i % 2]}`;
      }),
    ].join('\n');
  const folder = mkdtempSync(join(scratch, 'drift-'));
  writeFileSync(join(folder, 'baseline.csv'), rows(0, 1));
  writeFileSync(join(folder, 'current.csv'), rows(drifted ? 20 : 0, 7));
  return runStepAs('github', {
    task: 'AzureMLDriftCheckV1',
    action: 'drift-check',
    inputs: {
      baselineData: join(folder, 'baseline.csv'),
      currentData: join(folder, 'current.csv'),
      criticalFeatures: 'humidity',
      failOn: 'never',
      outputDir: join(folder, 'report'),
      allowedPaths: scratch,
    },
  });
}

let cases = 0;
/** Copies the named records into fresh folders (one per record, as downloaded artifacts are); returns them. */
function evidenceFolders(...names: string[]): string {
  const base = join(scratch, `case-${++cases}`);
  return names
    .map((name) => {
      const folder = join(base, name, 'azureml-evidence');
      mkdirSync(folder, { recursive: true });
      copyFileSync(record[name]!, join(folder, basename(record[name]!)));
      return join(base, name);
    })
    .join('\n');
}

function policy(text: string): string {
  const file = join(scratch, `policy-${++cases}.yml`);
  writeFileSync(file, text);
  return file;
}

function gate(host: Host, inputs: Record<string, string>, env?: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, description, {
    task: 'AzureMLReleaseGateV1',
    action: 'release-gate',
    inputs: { allowedPaths: scratch, pageFolder: join(scratch, `page-${++cases}`), ...inputs },
    env,
  });
}

const page = (run: HostRun) =>
  JSON.parse(readFileSync(join(run.outputs.pageFolder!, 'release-evidence.json'), 'utf8'));
const ruleOf = (run: HostRun, prefix: string) =>
  (page(run).verdict.rules as { rule: string; status: string; reason: string }[]).find((r) =>
    r.rule.startsWith(prefix),
  );
const versionTags = (version: string, name = model) =>
  (
    emulator.store.get(`${emulator.workspaceId}/models/${name}/versions/${version}`)!.body['properties'] as {
      tags: Record<string, string>;
    }
  ).tags;

describe('release-gate', () => {
  it.concurrent.each(hosts)(
    'as %s: passes a release that meets the policy, writes the page and tags the model version',
    async (host) => {
      const version = host === 'github' ? '2' : '3';
      // A push or CI run, with a token that could comment on a pull request of the repository.
      const notForPr = pullRequest(host, { forPullRequest: false });
      const run = await gate(
        host,
        {
          ...notForPr.inputs,
          evidence: evidenceFolders('registered', 'smoke', 'driftSame'),
          ...(host === 'github' ? {} : { modelId: `${model}:3` }),
          policyFile: policy('maxMetricRegression:\n  recall: 5%\ntrainedFromBranch: refs/heads/main\n'),
        },
        notForPr.env,
      );
      expect(run.errors).toEqual([]);
      expect(run.warnings).toEqual([]);
      expect(notForPr.comments()).toEqual([]);
      expect(run.summary).not.toMatch(/pull request/i);
      expect(run.succeeded).toBe(true);
      expect(run.outputs.verdict).toBe('pass');
      const json = readFileSync(join(run.outputs.pageFolder!, 'release-evidence.json'));
      const { createHash } = await import('node:crypto');
      expect(run.outputs.evidenceDigest).toBe(createHash('sha256').update(json).digest('hex'));
      const written = page(run);
      expect(written.model.id).toBe(`azureml:${model}:${version}`);
      expect(written.model.studioUrl).toMatch(/^https:\/\/ml\.azure\.com\/model\//);
      expect(written.metrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ metric: 'recall', candidate: 0.7, production: 0.72 }),
        ]),
      );
      expect(written.verdict.rules.every((r: { status: string }) => r.status !== 'fail')).toBe(true);
      const tags = versionTags(version);
      expect(tags['release.verdict']).toBe('pass');
      expect(tags['release.evidence']).toBe(`sha256:${run.outputs.evidenceDigest}`);
      expect(tags['release.evidenceLink']).toMatch(/^https:\/\//);
      expect(run.summary).toContain('Verdict: PASS');
      expect(run.summary).not.toContain(scratch);
      const artifacts = artifactsPageOf[host];
      // The page folder's name is the artifact's (the pipeline publishes the folder under its name).
      const folder = basename(run.outputs.pageFolder!);
      expect(run.summary).toContain(
        `The full page: \`release-evidence.html\` in the \`${folder}\` artifact ([the run's artifacts](${artifacts})).`,
      );
    },
  );

  it.concurrent.each(hosts)(
    'as %s: blocks a release whose critical feature drifted, and shows no secret the evidence held',
    async (host) => {
      // Evidence carrying the sign-in secret (a step that leaked it): the gate registered it, so it is redacted.
      const folders = evidenceFolders('registered', 'smoke', 'driftMoved');
      const file = join(folders.split('\n')[2]!, 'azureml-evidence', basename(record.driftMoved!));
      const leaked = JSON.parse(readFileSync(file, 'utf8'));
      leaked.details.features[0].notes = [`seen ${signInSecret}`];
      writeFileSync(file, JSON.stringify(leaked));
      const run = await gate(host, { evidence: folders, modelId: `azureml:${model}:1` });
      expect(run.succeeded).toBe(false);
      expect(run.outputs.verdict).toBe('fail');
      expect(ruleOf(run, 'driftNotFailedOn')).toMatchObject({
        status: 'fail',
        reason: 'drift failed on humidity.',
      });
      expect(run.errors.join('\n')).toContain('Release blocked by the policy: driftNotFailedOn: critical');
      expect(versionTags('1')['release.verdict']).toBe('fail');
      const files = ['json', 'md', 'html'].map((ext) =>
        readFileSync(join(run.outputs.pageFolder!, `release-evidence.${ext}`), 'utf8'),
      );
      expect(files[2]).toContain('humidity (critical)');
      // Drift in words, from drift-check's own evidence: what moved and by how much.
      expect(files[2]).toMatch(
        /humidity: mean 74\.9 → 94\.9, .*wasserstein_normalized 2\.31 &gt; 0\.1 \(fail\)/,
      );
      expect(files[2]).toContain('seen ***');
      expect(countCanaryHits([...files, run.everythingPrinted].join('\n'), [signInSecret])).toBe(0);
    },
  );

  it.concurrent.each([
    [
      'azure-pipelines',
      'maxMetricRegression: recall',
      'maxMetricRegression: { recall: 0.01 }',
      ['registered', 'smoke', 'driftSame'],
    ],
    ['github', 'registerGatePassed', '', ['refused', 'smoke', 'driftSame']],
    ['azure-pipelines', 'smokePassed', '', ['registered', 'smokeFailed', 'driftSame']],
    [
      'github',
      'driftNotFailedOn: pressure, humidity',
      'driftNotFailedOn: [pressure, humidity]',
      ['registered', 'smoke', 'driftMoved'],
    ],
    [
      'azure-pipelines',
      'trainedFromBranch',
      'trainedFromBranch: refs/heads/release',
      ['registered', 'smoke', 'driftSame'],
    ],
    [
      'github',
      'requireEvidence: train',
      'requireEvidence: [register-model, train]',
      ['registered', 'smoke', 'driftSame'],
    ],
  ] as const)('as %s: fails on rule %s alone', async (host, rule, text, records) => {
    const run = await gate(host, {
      evidence: evidenceFolders(...records),
      modelId: `azureml:${model}:1`,
      ...(text ? { policyFile: policy(text + '\n') } : {}),
    });
    expect(run.outputs.verdict).toBe('fail');
    const failed = page(run).verdict.rules.filter((r: { status: string }) => r.status === 'fail');
    expect(failed.map((r: { rule: string }) => r.rule)).toEqual([
      expect.stringMatching(new RegExp('^' + rule)),
    ]);
  });

  it.concurrent.each(hosts)('as %s: refuses a misspelt policy key at its file:line:column', async (host) => {
    const file = policy('smokePassed: true\nregisterGatePased: false\n');
    const run = await gate(host, { evidence: evidenceFolders('registered'), policyFile: file });
    expect(run.succeeded).toBe(false);
    expect(run.locatedErrors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          "Unknown key 'registerGatePased' in the release policy (did you mean 'registerGatePassed'?)",
        ),
        file,
        line: '2',
        column: '1',
      }),
    ]);
  });
});

/**
 * A pull request of each host in the emulator, and what a run for it gets: the environment the runner or agent
 * sets, the inputs (GitHub: the workflow token, as the runner evaluates `${{ github.token }}`), the token, and the
 * pull request's comments as the emulator holds them.
 */
interface PullRequestRun {
  token: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  comments(): string[];
}

function pullRequest(
  host: Host,
  options: { mayComment?: boolean; forPullRequest?: boolean } = {},
): PullRequestRun {
  const { mayComment = true, forPullRequest = true } = options;
  if (host === 'github') {
    const pr = emulator.pullRequests.gitHub({ permissions: { pullRequests: mayComment ? 'write' : 'read' } });
    const eventPath = join(scratch, `event-${++cases}.json`);
    writeFileSync(eventPath, JSON.stringify(forPullRequest ? pr.event : { ref: 'refs/heads/main' }));
    return {
      token: pr.token,
      inputs: { githubToken: pr.token },
      env: forPullRequest
        ? { ...pr.env, GITHUB_EVENT_PATH: eventPath, GITHUB_REF: `refs/pull/${pr.number}/merge` }
        : { ...pr.env, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath },
      comments: () => emulator.pullRequests.gitHubComments(pr.repository, pr.number).map((c) => c.body),
    };
  }
  // The agent's own `System.TeamProject` of host-run; SYSTEM_ACCESSTOKEN is not mapped: the step uses the job's
  // SystemVssConnection, which every task gets.
  const pr = emulator.pullRequests.azureRepos({ project: 'weather', canContribute: mayComment });
  const env = Object.fromEntries(Object.entries(pr.env).filter(([name]) => name !== 'SYSTEM_ACCESSTOKEN'));
  if (!forPullRequest) {
    delete env.SYSTEM_PULLREQUEST_PULLREQUESTID;
    env.BUILD_REASON = 'IndividualCI';
  }
  return {
    token: pr.systemAccessToken,
    inputs: {},
    env,
    comments: () => emulator.pullRequests.azureReposThreads(pr).map((t) => t.comments[0]!.content),
  };
}

const pageFiles = (run: HostRun) =>
  ['json', 'md', 'html'].map((ext) =>
    readFileSync(join(run.outputs.pageFolder!, `release-evidence.${ext}`), 'utf8'),
  );

describe('release-gate on a pull request', () => {
  it.concurrent.each([
    ['github', '4'],
    ['azure-pipelines', '5'],
  ] as const)(
    'as %s: comments the verdict once, and updates that comment on the next run',
    async (host, version) => {
      const pr = pullRequest(host);
      const inputs = { ...pr.inputs, modelId: `${model}:${version}` };
      const blocked = await gate(
        host,
        { ...inputs, evidence: evidenceFolders('registered', 'smoke', 'driftMoved') },
        pr.env,
      );
      expect(blocked.outputs.verdict).toBe('fail');
      const [first] = pr.comments();
      expect(pr.comments()).toHaveLength(1);
      expect(first).toMatch(
        /^<!-- azureml-release-gate:gate-rain -->\n### ❌ Release gate: FAIL for \[azureml:gate-rain:/,
      );
      expect(first).toContain('- **driftNotFailedOn: critical**: drift failed on humidity.');
      expect(first).toMatch(/\| recall \| 0\.7 \| 0\.72 \| higher \| ⚠️ 0\.02 \|/);
      expect(first).toContain('**Smoke test:** passed, ');
      expect(first).toMatch(/\*\*Drift:\*\* \w+: \d of \d features moved: humidity \(fail, critical\)/);
      expect(first).toMatch(/`release-evidence.html` in the `page-\d+` artifact/);
      expect(first).not.toContain(scratch);
      expect(blocked.summary).toMatch(/Pull request .*: comment created/);

      const passed = await gate(
        host,
        { ...inputs, evidence: evidenceFolders('registered', 'smoke', 'driftSame') },
        pr.env,
      );
      expect(passed.errors).toEqual([]);
      expect(passed.outputs.verdict).toBe('pass');
      expect(pr.comments()).toEqual([expect.stringContaining('### ✅ Release gate: PASS for')]);
      expect(pr.comments()[0]).not.toContain('humidity (fail');
      expect(passed.summary).toMatch(/Pull request .*: comment updated/);
      for (const run of [blocked, passed])
        expect(
          countCanaryHits(
            [run.everythingPrinted, JSON.stringify(run.outputs), ...pageFiles(run), ...pr.comments()].join(
              '\n',
            ),
            [pr.token],
          ),
        ).toBe(0);
    },
  );

  it.concurrent.each(hosts)(
    'as %s: a token that may not comment gets a warning naming the permission; the verdict and tags stand',
    async (host) => {
      const pr = pullRequest(host, { mayComment: false });
      const run = await gate(
        host,
        { ...pr.inputs, evidence: evidenceFolders('registered', 'smoke', 'driftSame') },
        pr.env,
      );
      expect(run.succeeded).toBe(true);
      expect(run.outputs.verdict).toBe('pass');
      expect(versionTags('2')['release.verdict']).toBe('pass');
      expect(run.warnings).toEqual([
        expect.stringMatching(
          host === 'github' ? /403: .*'pull-requests: write'/ : /403: .*'Contribute to pull requests'/,
        ),
      ]);
      expect(run.summary).toContain('⚠️ No pull request comment:');
      expect(pr.comments()).toEqual([]);
    },
  );

  // The switch is the same code on both hosts; Azure Pipelines is where the token is there without any input.
  it('as azure-pipelines: with the comment turned off, comments nothing', async () => {
    const pr = pullRequest('azure-pipelines');
    const run = await gate(
      'azure-pipelines',
      { evidence: evidenceFolders('registered', 'smoke', 'driftSame'), pullRequestComment: 'false' },
      pr.env,
    );
    expect(run.outputs.verdict).toBe('pass');
    expect(run.warnings).toEqual([]);
    expect(run.summary).not.toMatch(/pull request/i);
    expect(pr.comments()).toEqual([]);
  });
});
