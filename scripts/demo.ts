/**
 * `npm run demo`: the bundled steps, run exactly as the Azure Pipelines agent and the GitHub runner run them,
 * against the embedded Azure emulator: the train step trains the weather model (examples/weather) as a real job and
 * the register-model step registers its output, gated on its f1; then the smoke-test step checks a local scoring
 * server for the weather model on both hosts, and once a broken model, to show what a failing check looks like.
 * Prints what each host would show.
 */
import { join } from 'node:path';
import { startEmulator } from '../tests/emulator/emulator';
import { describeEmulator } from '../tests/emulator/start';
import { runAsAzurePipelinesAgent, type AgentRun } from '../tests/harness/azure-pipelines-agent';
import { runAsGitHubRunner, type RunnerRun } from '../tests/harness/github-runner';
import { withoutSecretCarriers } from '../tests/harness/host-run';
import { repoRoot } from '../tests/harness/runtimes';
import { startScoringServer } from '../tests/servers/scoring-servers';

const casesFile = join(repoRoot, 'examples/weather/smoke-cases.yml');
const endpointKey = `demo-${Math.random().toString(36).slice(2)}-key`;
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** What a host shows of a run: the log with commands consumed and secrets masked, outputs, result, summary. */
function show(run: { log: string; outputs: Record<string, string>; result: string; summary: string }): void {
  console.log(
    indent(
      run.log
        .split('\n')
        .filter((line) => line.trim())
        .join('\n'),
    ),
  );
  console.log(`  outputs: ${JSON.stringify(run.outputs)}`);
  console.log(`  result: ${run.result}`);
  console.log('  summary:');
  console.log(indent(run.summary));
}

/** Long logs (a training job's) keep their head and tail. */
function shortened(log: string, keep = 40): string {
  const lines = log.split('\n').filter((line) => line.trim());
  if (lines.length <= keep * 2) return lines.join('\n');
  return [...lines.slice(0, keep), `... (${lines.length - keep * 2} lines) ...`, ...lines.slice(-keep)].join(
    '\n',
  );
}

const showAgent = (run: AgentRun) =>
  show({
    log: shortened(run.displayedLog),
    outputs: run.outputs,
    result: run.result ?? 'none reported',
    summary: run.summaries.join('\n'),
  });
const showRunner = (run: RunnerRun) =>
  show({
    log: run.displayedLog,
    outputs: run.outputs,
    result: `exit code ${run.exitCode}`,
    summary: run.summary,
  });

function assertNoLeak(name: string, texts: string[]): void {
  if (texts.some((text) => text.includes(endpointKey)))
    throw new Error(`${name}: the endpoint key leaked into the output`);
}

/**
 * Trains the weather model with the bundled train step and registers it with the register-model step, as two tasks
 * of one Azure Pipelines job, on one emulator (the registration reads the training job, its output and metrics).
 * Returns how many runs did not end as expected.
 */
async function trainAndRegister(): Promise<number> {
  const emulator = await startEmulator();
  try {
    emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
    const azure = describeEmulator(emulator);
    const signIn = {
      azureSubscription: azure.azureDevOps.serviceConnectionId,
      resourceGroup: azure.resourceGroup,
      workspaceName: azure.workspaceName,
    };
    const extraEnv = { ...azure.env, ...azure.azureDevOps.env };
    const leaked = (run: AgentRun) =>
      withoutSecretCarriers(run.stdout).includes(azure.clientSecret) ||
      run.summaries.some((s) => s.includes(azure.clientSecret));

    console.log(
      bold('\n▶ Azure Pipelines: AzureMLTrain@1 with examples/weather/train-job.yml (emulated Azure ML)\n'),
    );
    const train = await runAsAzurePipelinesAgent({
      task: 'AzureMLTrainV1',
      inputs: { ...signIn, jobFile: join(repoRoot, 'examples/weather/train-job.yml') },
      extraEnv,
      timeoutMs: 300_000,
    });
    showAgent(train);
    if (leaked(train)) throw new Error('Azure Pipelines: the client secret leaked into the output');
    if (train.result !== 'Succeeded' || !train.outputs.jobName) return 2;

    console.log(
      bold(
        `\n▶ Azure Pipelines: AzureMLRegisterModel@1 with the output 'model' of job ${train.outputs.jobName}, gated on f1\n`,
      ),
    );
    const register = await runAsAzurePipelinesAgent({
      task: 'AzureMLRegisterModelV1',
      inputs: {
        ...signIn,
        modelName: 'rain-forecast',
        jobName: train.outputs.jobName,
        jobOutput: 'model',
        compareMetric: 'f1',
        baseline: 'latest',
      },
      extraEnv,
      timeoutMs: 120_000,
    });
    showAgent(register);
    if (leaked(register)) throw new Error('Azure Pipelines: the client secret leaked into the output');
    return register.result === 'Succeeded' && register.outputs.modelId === 'azureml:rain-forecast:1' ? 0 : 1;
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  let unexpected = await trainAndRegister();
  const model = await startScoringServer('correct', { key: endpointKey });
  const broken = await startScoringServer('constant', { key: endpointKey });
  try {
    console.log(bold(`\n▶ Azure Pipelines: AzureMLSmokeTest@1 against ${model.scoringUri}\n`));
    const ado = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: {
        scoringUri: model.scoringUri,
        authKey: endpointKey,
        deploymentName: 'green',
        casesFile,
        latencyRequests: '50',
        concurrency: '4',
      },
    });
    showAgent(ado);
    assertNoLeak('Azure Pipelines', [
      ado.displayedLog,
      ado.stderr,
      ...ado.summaries,
      JSON.stringify(ado.outputs),
    ]);
    if (ado.result !== 'Succeeded') unexpected++;

    console.log(bold(`\n▶ GitHub Actions: actions/smoke-test against ${model.scoringUri}\n`));
    const gh = await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: {
        'scoring-uri': model.scoringUri,
        'auth-key': endpointKey,
        'deployment-name': 'green',
        'cases-file': casesFile,
        'latency-requests': '50',
        concurrency: '4',
      },
    });
    showRunner(gh);
    assertNoLeak('GitHub', [gh.displayedLog, gh.stderr, gh.summary, JSON.stringify(gh.outputs)]);
    if (gh.exitCode !== 0) unexpected++;

    console.log(
      bold(
        `\n▶ GitHub Actions: actions/smoke-test against a model that always answers the same (expected to fail)\n`,
      ),
    );
    const bad = await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: { 'scoring-uri': broken.scoringUri, 'auth-key': endpointKey, 'cases-file': casesFile },
    });
    showRunner(bad);
    assertNoLeak('GitHub (broken model)', [bad.displayedLog, bad.stderr, bad.summary]);
    if (bad.exitCode !== 1) unexpected++;
  } finally {
    await Promise.all([model.close(), broken.close()]);
  }
  console.log(
    unexpected === 0
      ? bold(
          '\n✔ demo finished: the weather model was trained and registered, the healthy model passed on both hosts, the broken one was caught, no secret showed.\n',
        )
      : bold(`\n✘ demo: ${unexpected} run(s) did not end as expected\n`),
  );
  if (unexpected > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
