import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { scratchFolder } from '../harness/scratch-folders';
import { baseEnvironment, spawnBundle } from '../harness/spawn-bundle';
import { nodeRuntimes, repoRoot } from '../harness/runtimes';
import { startScoringServer, type ScoringServer } from '../servers/scoring-servers';

const key = 'sk-local-9a8b7c6d5e4f';
const runLocal = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = scratchFolder('local-')) =>
  spawnBundle({
    node: nodeRuntimes[0]!.path,
    script: join(repoRoot, 'bin/local-step.js'),
    // As `npm run step --` passes them.
    args: ['--', ...args],
    env: { ...baseEnvironment(), ...env },
    cwd,
  });

describe('npm run step (the local host)', () => {
  let model: ScoringServer;
  beforeAll(async () => (model = await startScoringServer('correct', { key })));
  afterAll(() => model.close());

  it('runs the smoke test from an .env file and prints outputs with the key hidden', async () => {
    const envFile = join(scratchFolder('env-'), '.env');
    writeFileSync(
      envFile,
      [
        `INPUT_SCORING_URI=${model.scoringUri}`,
        `INPUT_AUTH_KEY=${key}`,
        `INPUT_CASES_FILE=${join(repoRoot, 'examples/weather/smoke-cases.yml')}`,
        // Run from a temp folder: the examples are outside the current folder, so they are named as allowed.
        `INPUT_ALLOWED_PATHS=${join(repoRoot, 'examples')}`,
        'INPUT_LATENCY_REQUESTS=5',
        '',
      ].join('\n'),
    );
    const cwd = scratchFolder('local-');
    const run = await runLocal(['smoke-test', '--env-file', envFile], {}, cwd);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('output passed = true');
    // The run's temp folder is the ignored .local-run/ of the current folder, not a fixed folder of /tmp.
    const summary = /^summary written to (.*\.md)$/m.exec(run.stdout)?.[1];
    expect(summary?.startsWith(join(cwd, '.local-run', 'summary-'))).toBe(true);
    expect(existsSync(summary!)).toBe(true);
    expect(existsSync(join(cwd, '.local-run', 'azureml-evidence'))).toBe(true);
    expect(run.stdout).toContain('result: succeeded');
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  it('fails with the input named as the local host knows it', async () => {
    const run = await runLocal(['smoke-test'], { INPUT_REQUEST_FILE: 'x.json' });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      "error: 2 inputs are invalid:\n- Input 'INPUT_SCORING_URI' or 'INPUT_ENDPOINT_NAME' is required: the endpoint to test.\n- Input 'INPUT_REQUEST_FILE': file 'x.json' not found",
    );
  });

  it("reads the Azure Pipelines agent's and the GitHub runner's spellings, and names the closest input to a misspelt one", async () => {
    const run = await runLocal(['smoke-test'], {
      'INPUT_SCORING-URI': model.scoringUri,
      INPUT_AUTHKEY: key,
      'INPUT_CASES-FILE': join(repoRoot, 'examples/weather/smoke-cases.yml'),
      INPUT_ALLOWED_PATHS: join(repoRoot, 'examples'),
      INPUT_LATENCY_REQUESTS: '5',
      INPUT_CONCURENCY: '2',
    });
    expect(run.stderr).toContain(
      'warning: INPUT_CONCURENCY is not an input of smoke-test and is ignored: did you mean INPUT_CONCURRENCY?',
    );
    expect(run.stdout).toContain('output passed = true');
    expect(run.exitCode).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  it('says which env file is missing', async () => {
    const run = await runLocal(['smoke-test', '--env-file', 'missing.env']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^error: --env-file missing\.env: no such file \(.*\/missing\.env\)\. /m);
    expect(run.stderr).not.toContain('ENOENT');
  });

  it('lists the steps when the id is unknown', async () => {
    const run = await runLocal(['nope']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'usage: npm run step -- <train|register-model|deploy|smoke-test|drift-check|release-gate>',
    );
  });
});

/** True once nothing listens at the URL's port any more. */
const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

it("--emulator: a train dry run against the emulator with only the step's own inputs", async () => {
  const temp = scratchFolder('local-emulator-');
  const run = await runLocal(['train', '--emulator'], {
    INPUT_JOB_FILE: join(repoRoot, 'examples/weather/train-job.yml'),
    INPUT_ALLOWED_PATHS: join(repoRoot, 'examples'),
    INPUT_DRY_RUN: 'true',
    RUNNER_TEMP: temp,
  });
  expect(run.stderr).not.toContain('error');
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain("with a secret ('INPUT_CREDS')");
  expect(run.stdout).toMatch(/^▶ Request that would be sent: PUT \.\.\.\/workspaces\/mlw-emulator\/jobs\//m);
  expect(run.stdout).toContain('output jobStatus = NotSubmitted');
  expect(run.stdout).toContain('result: succeeded');
  const armUrl = /^emulator: (https:\/\/127\.0\.0\.1:\d+),/m.exec(run.stdout)?.[1];
  expect(armUrl).toBeDefined();
  // Stopped afterwards.
  expect(await refused(armUrl!)).toBe(true);
});
