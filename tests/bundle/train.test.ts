import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { runAsGitHubRunner } from '../harness/github-runner';
import { callsBesideSignIn, runOnEmulator } from '../harness/emulator-run';
import type { Host, HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { describeOnTargets, emulatorOnly, emulatorTarget } from '../harness/target';
import { addDocsAssets } from '../harness/docs-assets';
import { startBriskEmulator } from '../harness/brisk-emulator';

/** The bundled train step, as both hosts run it, against the emulator that runs Azure ML jobs for real. */
const hosts: Host[] = ['azure-pipelines', 'github'];
const weatherJob = join(repoRoot, 'examples/weather/train-job.yml');
const fixtures = join(repoRoot, 'tests/fixtures/train-run');
const docsExamples = join(repoRoot, 'tests/fixtures/train');
let emulator: Emulator;
let description: ReturnType<typeof describeEmulator>;

beforeAll(async () => {
  // Every job state still happens and the scripts run for real, without Azure's minutes between states.
  emulator = await startBriskEmulator();
  description = describeEmulator(emulator);
  const ws = emulator.workspaceId;
  addDocsAssets(emulator);
  const folder = (path: string) => ({
    dataType: 'uri_folder',
    dataUri: `azureml://datastores/workspaceblobstore/paths/${path}/`,
  });
  emulator.assets.addAssetVersion(ws, 'data', 'cifar-10-example', '1', folder('cifar'));
  emulator.assets.addAssetVersion(ws, 'data', 'weather', '3', folder('weather'));
  emulator.assets.addAssetVersion(ws, 'components', 'evaluate_model', '3', {
    componentSpec: { name: 'evaluate_model', version: '3', type: 'command', command: 'python eval.py' },
  });
}, 60_000);
afterAll(() => emulator.close());

function train(host: Host, inputs: Record<string, string>): Promise<HostRun> {
  return runOnEmulator(host, description, { task: 'AzureMLTrainV1', action: 'train', inputs });
}

const jobPuts = () => emulator.received('PUT', /\/jobs\/[^/]+$/);
const codePuts = () => emulator.received('PUT', /\/codes\/[^/]+\/versions\/[^/]+$/);

/**
 * The weather model trained for real, as a command job from both hosts, a pipeline and a sweep; a failing job and
 * a timeout; on the emulator and, with AZUREML_STEPS_LIVE=1, in a real workspace (which needs a compute cluster
 * named `cpu-cluster`, as the example jobs say). Every job and what it uploaded is tracked, and cleaned up at the
 * end. What reads the emulator's request log is checked on the emulator only.
 */
describeOnTargets(
  'train: the weather model end to end, pipeline, sweep, failure, timeout; clean up',
  async () => ({ target: emulatorTarget(emulator) }),
  (target, timeoutMs) => {
    const trainOn = async (host: Host, inputs: Record<string, string>) => {
      const run = await target().run(host, { task: 'AzureMLTrainV1', action: 'train', inputs });
      if (run.outputs.jobName) await target().trackJob(run.outputs.jobName);
      return run;
    };
    const getJob = (name: string) =>
      target().ml.jobs.get(target().resourceGroup, target().workspaceName, name);
    const weatherJobs: string[] = [];
    const onEmulator = () => target().kind === 'emulator';

    it.each(hosts)(
      'trains it as %s: status, metrics, outputs, streamed log, summary, lineage',
      async (host) => {
        const run = await trainOn(host, { jobFile: weatherJob, tags: 'team=forecasting' });
        expect(run.errors).toEqual([]);
        expect(run.succeeded).toBe(true);
        const { jobName, jobStatus, studioUrl } = run.outputs;
        weatherJobs.push(jobName!);
        expect(jobStatus).toBe('Completed');
        expect(jobName).toMatch(/^weather-rain-\d{14}-[0-9a-f]{6}$/);
        expect(studioUrl).toContain(encodeURIComponent(jobName!));

        const metrics = JSON.parse(run.outputs.metrics!) as Record<string, number>;
        for (const name of ['accuracy', 'precision', 'recall', 'f1']) {
          expect(metrics[name]).toBeGreaterThan(0.3);
          expect(metrics[name]).toBeLessThanOrEqual(1);
        }
        expect(JSON.parse(run.outputs.jobOutputs!)).toEqual({
          model: `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/model/`,
        });
        // Status changes with their times, and the script's own output, streamed into the pipeline log. Which
        // states the 1 s polls catch depends on how fast the job runs: at least one before the end, then Completed.
        const statuses = [
          ...run.everythingPrinted.matchAll(
            new RegExp(`\\[\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\] Job '${jobName}' is (\\w+)\\.`, 'g'),
          ),
        ].map((m) => m[1]);
        expect(statuses.length).toBeGreaterThanOrEqual(2);
        expect(statuses.at(-1)).toBe('Completed');
        for (const before of statuses.slice(0, -1))
          expect([
            'NotStarted',
            'Queued',
            'Preparing',
            'Provisioning',
            'Starting',
            'Running',
            'Finalizing',
          ]).toContain(before);
        expect(run.everythingPrinted).toMatch(/epoch +1\/30 +train log loss/);
        expect(run.summary).toContain('### Metrics');
        expect(run.summary).toMatch(/\| f1 \| 0\.\d+ \|/);

        // The job's tags, read back through the SDK.
        const { tags } = (await getJob(jobName!)).properties;
        expect(tags).toMatchObject({ example: 'weather', team: 'forecasting', 'ci.host': host });
        const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8')) as Record<
          string,
          unknown
        >;
        expect(JSON.stringify(evidence)).toContain(jobName);
      },
      Math.max(timeoutMs, 150_000),
    );

    it(
      'uploaded the unchanged weather code once across both runs',
      async () => {
        expect(weatherJobs).toHaveLength(2);
        const codeIds = await Promise.all(
          weatherJobs.map(async (name) => ((await getJob(name)).properties as { codeId?: string }).codeId),
        );
        expect(codeIds[0]).toMatch(/\/codes\/[^/]+\/versions\/[^/]+$/);
        expect(codeIds[1]).toBe(codeIds[0]);
        if (onEmulator()) {
          // The request log: one upload of the code, and both jobs sent.
          expect(codePuts()).toHaveLength(1);
          expect(jobPuts().length).toBeGreaterThanOrEqual(2);
        }
      },
      timeoutMs,
    );

    it(
      'runs the weather pipeline: steps in order, each log streamed in its own group, metrics of the steps',
      async () => {
        const run = await trainOn('azure-pipelines', {
          jobFile: join(repoRoot, 'examples/weather/pipeline-job.yml'),
        });
        expect(run.errors).toEqual([]);
        expect(run.outputs.jobStatus).toBe('Completed');
        const metrics = JSON.parse(run.outputs.metrics!) as Record<string, number>;
        expect(metrics['f1']).toBeGreaterThan(0.3);
        const groups = [...run.everythingPrinted.matchAll(/##\[group\]Log of (\S+)/g)].map((m) => m[1]);
        expect(new Set(groups).size).toBe(2);
      },
      Math.max(timeoutMs, 150_000),
    );

    it(
      'runs the weather sweep: trials with sampled parameters, the best trial reported',
      async () => {
        const run = await trainOn('github', {
          jobFile: join(repoRoot, 'examples/weather/sweep-job.yml'),
          set: 'limits.max_total_trials=4',
        });
        expect(run.errors).toEqual([]);
        expect(run.outputs.jobStatus).toBe('Completed');
        expect(run.summary).toMatch(
          /\*\*Best trial:\*\* `[^`]+_\d+`: f1 = 0\.\d+ \(maximize\), with .*learning_rate=/,
        );
        expect(run.summary).toContain('best of 4 trial(s)');
        const metrics = JSON.parse(run.outputs.metrics!) as Record<string, number>;
        expect(metrics['f1']).toBeGreaterThan(0.3);
      },
      Math.max(timeoutMs, 200_000),
    );

    it(
      'a script that raises fails the step with the job error and the log tail',
      async () => {
        const run = await trainOn('github', { jobFile: join(fixtures, 'failing-job.yml') });
        expect(run.succeeded).toBe(false);
        expect(run.outputs.jobStatus).toBe('Failed');
        expect(run.errors).toHaveLength(1);
        expect(run.errors[0]).toContain('ended Failed');
        expect(run.errors[0]).toContain("ValueError: column 'Humidity' has 12 missing values");
        expect(run.summary).toContain('Last lines of the log');
        expect(run.summary).toContain('epoch 1: loss 0.693');
      },
      timeoutMs,
    );

    it(
      'a timeout cancels the job in Azure ML and says so',
      async () => {
        const run = await trainOn('azure-pipelines', {
          jobFile: join(fixtures, 'sleepy-job.yml'),
          // 1.2 s: the step has submitted the job and polled it at least once before the timeout passes.
          timeoutMinutes: '0.02',
        });
        expect(run.result).toBe('Failed');
        expect(run.errors.join('\n')).toContain('did not finish within the timeout');
        expect(run.warnings.join('\n')).toMatch(/was asked to cancel in Azure ML/);
        const jobName = run.outputs.jobName!;
        if (onEmulator())
          expect(emulator.received('POST', new RegExp(`/jobs/${jobName}/cancel$`))).toHaveLength(1);
        const status = async () => (await getJob(jobName)).properties.status;
        const pollMs = onEmulator() ? 100 : 1000;
        await expect(
          untilAsync(async () => (await status()) === 'Canceled', timeoutMs / 2, pollMs),
        ).resolves.toBe(true);
      },
      timeoutMs,
    );

    it(
      'names a compute that does not exist at its line, with the computes there, and creates nothing',
      async () => {
        const run = await trainOn('github', {
          jobFile: weatherJob,
          set: 'compute=azureml:no-such-cluster',
          dryRun: 'false',
        });
        expect(run.succeeded).toBe(false);
        expect(run.outputs.jobName ?? '').toBe('');
        expect(run.errors[0]).toMatch(
          /Compute 'no-such-cluster' was not found in workspace '[^']+' \(it has: .*cpu-cluster/,
        );
        expect(run.locatedErrors[0]).toMatchObject({ file: weatherJob });
      },
      timeoutMs,
    );

    it(
      'cleans up: every job finished, what they uploaded deleted or archived, nothing of the run left',
      async () => {
        const jobs = target().created.filter((r) => r.kind === 'job');
        expect(jobs).toHaveLength(6);
        const before = await target().leftovers();
        expect(before).toContainEqual(expect.stringMatching(/^code version /));
        expect(before.filter((l) => l.startsWith('job '))).toEqual([]);
        const report = await target().cleanUp();
        for (const job of jobs) expect(report.done).toContain(`job ${job.name} had finished`);
        expect(target().created).toEqual([]);
        expect(await target().leftovers()).toEqual([]);
      },
      timeoutMs,
    );
  },
);

emulatorOnly(
  'train: when the pipeline run is cancelled',
  'it sends SIGINT once the emulator request log shows the step following the job it submitted',
  () => {
    it('a cancelled pipeline run cancels the job', async () => {
      const before = jobPuts().length;
      const run = await runAsGitHubRunner({
        action: 'train',
        inputs: {
          creds: description.github.env.INPUT_CREDS!,
          'resource-group': emulator.resourceGroup,
          'workspace-name': emulator.workspaceName,
          'job-file': join(fixtures, 'sleepy-job.yml'),
        },
        extraEnv: description.env,
        onStart: (child) => {
          const timer = setInterval(() => {
            if (followedJob(before)) {
              clearInterval(timer);
              child.kill('SIGINT');
            }
          }, 50);
        },
      });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message).join('\n')).toMatch(/cancelled[\s\S]*asked to cancel/);
      const jobName = run.outputs['job-name']!;
      await expect(until(() => jobStatus(jobName) === 'Canceled')).resolves.toBe(true);
    }, 120_000);
  },
);

emulatorOnly(
  'train: dry run',
  'the docs examples refer to assets seeded in the emulator store; "creates nothing" is read from its request log',
  () => {
    it.each([
      ['command job with local code, data and a conda environment', 'command-basic/job.yml'],
      ['distributed command job on registered assets', 'command-distributed/job.yml'],
      ['sweep job', 'sweep/job.yml'],
      ['pipeline of inline steps', 'pipeline-inline/pipeline.yml'],
      ['pipeline of component files and a registered component', 'pipeline-components/pipeline.yml'],
    ])(
      'accepts the docs %s, prints the request and creates nothing',
      async (_, file) => {
        // ARM writes (sign-in token requests and reading datastore keys are not writes).
        const writes = () =>
          emulator.requests.filter(
            (r) => r.method !== 'GET' && r.path.startsWith('/subscriptions/') && !/listSecrets$/.test(r.path),
          ).length;
        const before = writes();
        const run = await train('github', { jobFile: join(docsExamples, file), dryRun: 'true' });
        expect(run.errors).toEqual([]);
        expect(run.succeeded).toBe(true);
        expect(run.outputs.jobStatus).toBe('NotSubmitted');
        expect(run.everythingPrinted).toMatch(/Request that would be sent: PUT .*\/jobs\//);
        expect(run.everythingPrinted).toContain('"jobType"');
        expect(writes()).toBe(before);
      },
      60_000,
    );

    it.each([
      ['typo-key.yml'],
      ['wrong-type.yml'],
      ['missing-command.yml'],
      ['unknown-input.yml'],
      ['missing-step-output.yml'],
      ['cycle.yml'],
      ['automl.yml'],
      ['broken-component-pipeline.yml'],
    ])(
      'rejects broken %s at its file:line:column, having asked Azure for nothing but the sign-in',
      async (file) => {
        const before = callsBesideSignIn(emulator);
        const run = await train('azure-pipelines', {
          jobFile: join(docsExamples, 'broken', file),
          dryRun: 'true',
        });
        expect(run.result).toBe('Failed');
        expect(run.locatedErrors.length).toBeGreaterThan(0);
        expect(run.locatedErrors[0]).toMatchObject({
          file: expect.stringMatching(/\.yml$/),
          line: expect.stringMatching(/^\d+$/),
        });
        expect(callsBesideSignIn(emulator)).toBe(before);
      },
      60_000,
    );
  },
);

/** Whether the step has submitted a job (the PUT after the first `puts`) and has read its status since. */
function followedJob(puts: number): boolean {
  const put = jobPuts()[puts];
  if (!put) return false;
  const after = emulator.requests.slice(emulator.requests.indexOf(put) + 1);
  return after.some((r) => r.method === 'GET' && r.path === put.path);
}

function jobStatus(jobName: string): unknown {
  const job = emulator.store.get(`${emulator.workspaceId}/jobs/${jobName}`);
  return (job?.body['properties'] as { status?: string } | undefined)?.status;
}

async function untilAsync(
  check: () => Promise<boolean>,
  timeoutMs: number,
  pollMs: number,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return check();
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}
