/**
 * `npm run demo`: the smoke-test step, bundled, run exactly as the Azure Pipelines agent and the GitHub runner
 * run it, against a local scoring server for the weather model; then once against a broken model, to show what a
 * failing check looks like. Prints what each host would show. Later issues extend it to the whole flow.
 */
import { join } from 'node:path';
import { runAsAzurePipelinesAgent, type AgentRun } from '../tests/harness/azure-pipelines-agent';
import { runAsGitHubRunner, type RunnerRun } from '../tests/harness/github-runner';
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

const showAgent = (run: AgentRun) =>
  show({
    log: run.displayedLog,
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

async function main(): Promise<void> {
  const model = await startScoringServer('correct', { key: endpointKey });
  const broken = await startScoringServer('constant', { key: endpointKey });
  let unexpected = 0;
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
          '\n✔ demo finished: the healthy model passed on both hosts, the broken one was caught, the key never showed.\n',
        )
      : bold(`\n✘ demo: ${unexpected} run(s) did not end as expected\n`),
  );
  if (unexpected > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
