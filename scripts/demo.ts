/**
 * `npm run demo`: the whole flow of examples/ (train → register → deploy to a test target → smoke test → drift
 * check → approval → blue/green to production on AKS), each step the bundled task or action run exactly as the
 * Azure Pipelines agent or the GitHub runner runs it, against the embedded Azure emulator, which trains the model
 * for real and serves it for real. The build and test stages run as Azure Pipelines tasks, production as GitHub
 * Actions (the same steps run on either host). Ends with the evidence a production approver reads.
 */
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { describeEmulator } from '../emulator/start';
import { runOnEmulator } from '../tests/harness/emulator-run';
import { runStepAs, type Host, type HostRun } from '../tests/harness/host-run';
import { repoRoot } from '../tests/harness/runtimes';
import { stepManifests } from '../shared/src/steps/manifests';

const weather = (path: string) => join(repoRoot, 'examples/weather', path);
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const indent = (text: string, by = '    ') =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/** Long logs (a training job's) keep their head and tail. */
function shortened(log: string, keep = 25): string {
  const lines = log.split('\n').filter((line) => line.trim());
  if (lines.length <= keep * 2) return lines.join('\n');
  return [...lines.slice(0, keep), `... (${lines.length - keep * 2} lines) ...`, ...lines.slice(-keep)].join(
    '\n',
  );
}

const secretOutputs = new Set(
  stepManifests.flatMap((manifest) => manifest.outputs.filter((o) => o.secret).map((o) => o.name)),
);

interface Step {
  readonly title: string;
  readonly host: Host;
  readonly step: string;
  readonly inputs: Record<string, string>;
  readonly expect?: HostRun['result'];
  /** Print only a line (set-up that is not part of the pipeline). */
  readonly quiet?: boolean;
}

class Flow {
  readonly summaries: string[] = [];
  unexpected = 0;
  private readonly azure: ReturnType<typeof describeEmulator>;

  constructor(private readonly emulator: Emulator) {
    this.azure = describeEmulator(emulator);
  }

  async run(step: Step): Promise<HostRun> {
    const manifest = stepManifests.find((m) => m.id === step.step)!;
    const hostName = step.host === 'azure-pipelines' ? `${manifest.taskName}@1` : `actions/${step.step}`;
    const needsAzure = !(
      manifest.id === 'drift-check' ||
      (manifest.id === 'smoke-test' && !step.inputs.endpointName)
    );
    const task = {
      task: `${manifest.taskName}V1`,
      action: step.step,
      inputs: step.inputs,
      timeoutMs: 600_000,
    };
    const run = needsAzure
      ? await runOnEmulator(step.host, this.azure, task)
      : await runStepAs(step.host, { ...task, extraEnv: this.azure.env });
    const expected = step.expect ?? 'Succeeded';
    if (run.result !== expected) this.unexpected++;
    this.checkNoLeak(step.title, run);
    const outputs = Object.fromEntries(
      Object.entries(run.outputs).map(([k, v]) => [k, secretOutputs.has(k) ? '*** (secret output)' : v]),
    );
    if (step.quiet) {
      console.log(
        `  ${step.title}: ${run.result}${run.result === expected ? '' : ` (expected ${expected})`}`,
      );
      if (run.result !== expected) console.log(indent(run.errors.join('\n')));
      return run;
    }
    console.log(
      bold(
        `\n▶ ${step.host === 'azure-pipelines' ? 'Azure Pipelines' : 'GitHub Actions'}: ${hostName} — ${step.title}\n`,
      ),
    );
    console.log(indent(shortened(run.raw.displayedLog)));
    console.log(`  outputs: ${JSON.stringify(outputs)}`);
    console.log(`  result: ${run.result}${run.result === expected ? '' : `  ✘ expected ${expected}`}`);
    this.summaries.push(run.summary);
    return run;
  }

  /** No client secret or endpoint key anywhere a person or a log could see it. */
  private checkNoLeak(title: string, run: HostRun): void {
    const keys = this.emulator.store
      .all()
      .flatMap((resource) => Object.values((resource.secrets['keys'] as Record<string, string>) ?? {}));
    const secrets = [this.azure.clientSecret, ...keys].filter((s) => typeof s === 'string' && s.length > 8);
    const leaked = secrets.filter((secret) => run.everythingPrinted.includes(secret));
    if (leaked.length > 0) throw new Error(`${title}: a secret leaked into what the host shows`);
  }
}

async function setUpProduction(emulator: Emulator, flow: Flow): Promise<void> {
  console.log(bold('\n▶ Set-up: the emulated workspace and what runs in production today\n'));
  emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
  const cluster = emulator.aks.createCluster({ name: 'aks-weather-prod' });
  if (cluster.id !== aksClusterId(emulator)) throw new Error(`unexpected cluster id ${cluster.id}`);
  emulator.kubernetesConfiguration.installExtension(cluster.id, {
    name: 'azureml',
    configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
  });
  console.log(
    `  workspace ${emulator.workspaceName}, compute cpu-cluster, AKS cluster aks-weather-prod with the Azure ML extension`,
  );
  const train = await flow.run({
    title: 'last month’s training run',
    host: 'azure-pipelines',
    step: 'train',
    inputs: { jobFile: weather('train-job.yml'), set: 'inputs.learning_rate=0.05', streamLogs: 'false' },
    quiet: true,
  });
  await flow.run({
    title: 'its model registered as rain-forecast:1',
    host: 'azure-pipelines',
    step: 'register-model',
    inputs: { modelName: 'rain-forecast', jobName: train.outputs.jobName ?? '', jobOutput: 'model' },
    quiet: true,
  });
  await flow.run({
    title: 'deployed to AKS as rain-prod/blue (100 %), attaching the cluster as aks-prod',
    host: 'azure-pipelines',
    step: 'deploy',
    inputs: {
      target: 'kubernetes',
      endpointName: 'rain-prod',
      deploymentName: 'blue',
      modelId: 'azureml:rain-forecast:1',
      codePath: weather('score'),
      scoringScript: 'score.py',
      compute: 'aks-prod',
      aksCluster: cluster.id,
      attachCluster: 'true',
    },
    quiet: true,
  });
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const flow = new Flow(emulator);
  try {
    await setUpProduction(emulator, flow);
    const ado: Host = 'azure-pipelines';
    const gh: Host = 'github';

    // Stage "build": train and register, gated on f1 against the model in production.
    const train = await flow.run({
      title: 'train the weather model on serverless compute',
      host: ado,
      step: 'train',
      inputs: { jobFile: weather('train-job-serverless.yml') },
    });
    const register = await flow.run({
      title: 'register it if it is at least as good as production (f1)',
      host: ado,
      step: 'register-model',
      inputs: {
        modelName: 'rain-forecast',
        jobName: train.outputs.jobName ?? '',
        jobOutput: 'model',
        compareMetric: 'f1',
        baseline: 'production',
        baselineEndpoint: 'rain-prod',
      },
    });
    const modelId = register.outputs.modelId ?? '';

    // Stage "test": a throw-away ACI deployment, smoke-tested, and the drift check.
    const test = await flow.run({
      title: `deploy ${modelId} to a test container (ACI)`,
      host: ado,
      step: 'deploy',
      inputs: {
        target: 'aci',
        endpointName: 'rain-test',
        modelId,
        codePath: weather('score'),
        scoringScript: 'score.py',
      },
    });
    await flow.run({
      title: 'smoke-test the test container',
      host: ado,
      step: 'smoke-test',
      inputs: {
        scoringUri: test.outputs.scoringUri ?? '',
        casesFile: weather('smoke-cases.yml'),
        latencyRequests: '50',
      },
    });
    await flow.run({
      title: 'compare training data with recent production inputs (reported, not blocking here)',
      host: ado,
      step: 'drift-check',
      inputs: {
        baselineData: weather('data/train.csv'),
        currentData: weather('data/recent.csv'),
        failOn: 'never',
      },
      expect: 'SucceededWithIssues',
    });
    await flow.run({
      title: 'remove the test container',
      host: ado,
      step: 'deploy',
      inputs: { action: 'delete-deployment', target: 'aci', endpointName: 'rain-test' },
    });

    console.log(
      bold('\n⏸ Approval: environment "weather-production" waits for a reviewer. What the reviewer reads:\n'),
    );
    console.log(indent(flow.summaries.join('\n\n'), '  │ '));
    console.log(bold('\n  (approved by the demo)\n'));

    // Stage "production", as GitHub Actions: green at 0 %, smoke-tested through the deployment header, then all traffic.
    const green = await flow.run({
      title: `deploy ${modelId} to AKS as rain-prod/green at 0 % traffic`,
      host: gh,
      step: 'deploy',
      inputs: {
        target: 'kubernetes',
        endpointName: 'rain-prod',
        deploymentName: 'green',
        modelId,
        codePath: weather('score'),
        scoringScript: 'score.py',
        compute: 'aks-prod',
        aksCluster: aksClusterId(emulator),
        trafficPercent: '0',
      },
    });
    await flow.run({
      title: 'smoke-test green through the azureml-model-deployment header',
      host: gh,
      step: 'smoke-test',
      inputs: {
        endpointName: 'rain-prod',
        deploymentName: 'green',
        casesFile: weather('smoke-cases.yml'),
        latencyRequests: '50',
      },
    });
    await flow.run({
      title: 'shift all traffic to green',
      host: gh,
      step: 'deploy',
      inputs: {
        action: 'set-traffic',
        target: 'kubernetes',
        endpointName: 'rain-prod',
        traffic: 'blue=0,green=100',
      },
    });
    await flow.run({
      title: 'remove blue',
      host: gh,
      step: 'deploy',
      inputs: {
        action: 'delete-deployment',
        target: 'kubernetes',
        endpointName: 'rain-prod',
        deploymentName: 'blue',
      },
    });
    if (green.outputs.previousTraffic) console.log(`\n  traffic before: ${green.outputs.previousTraffic}`);
  } finally {
    await emulator.close();
  }
  console.log(
    flow.unexpected === 0
      ? bold(
          '\n✔ demo finished: trained, registered through the gate, tested on ACI, drift reported, approved, blue/green to AKS; no secret showed.\n',
        )
      : bold(`\n✘ demo: ${flow.unexpected} step(s) did not end as expected\n`),
  );
  if (flow.unexpected > 0) process.exitCode = 1;
}

function aksClusterId(emulator: Emulator): string {
  return `${emulator.resourceGroupId}/providers/Microsoft.ContainerService/managedClusters/aks-weather-prod`;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
