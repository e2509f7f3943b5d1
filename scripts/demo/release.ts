/**
 * One release as the example pipelines run it (examples/azure-pipelines.yml, examples/github/): the build stage
 * (train, register), the test stage (ACI deploy, smoke test, drift check, ACI delete, production dry run, release
 * gate), and, once approved, the production stage (blue/green on AKS). Each stage's evidence goes to its own
 * folder, as each stage publishes its evidence as an artifact that the gate's stage downloads.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Emulator } from '../../emulator/emulator';
import type { Host, HostRun } from '../../tests/harness/host-run';
import type { Flow, Step } from './flow';
import { weather } from './paths';
import { aksClusterId, productionEndpoint } from './production';

const ado: Host = 'azure-pipelines';
const gh: Host = 'github';

export interface ReleasePlan {
  /** Its folder: one sub-folder per stage's evidence, and the gate's page in `release-evidence`. */
  readonly folder: string;
  /** The production inputs the drift check compares with the same season of the training data. */
  readonly currentData: string;
  /** What the drift check and the gate end with. */
  readonly expectDrift: HostRun['result'];
  readonly expectGate: HostRun['result'];
}

export interface TestedRelease {
  readonly modelId: string;
  readonly gate: HostRun;
  readonly pageFolder: string;
  /** The rules the gate failed, with its reasons. */
  readonly failedRules: { rule: string; reason: string }[];
}

/** Runs a step and keeps its evidence in the stage's folder (the stage's artifact, downloaded). */
async function runKeeping(flow: Flow, stageFolder: string, step: Step): Promise<HostRun> {
  const run = await flow.run(step);
  const evidence = run.outputs.evidencePath;
  if (evidence) {
    const folder = join(stageFolder, 'azureml-evidence');
    mkdirSync(folder, { recursive: true });
    copyFileSync(evidence, join(folder, basename(evidence)));
  }
  return run;
}

/** The build and test stages, up to the release gate's verdict. */
export async function buildAndTest(flow: Flow, plan: ReleasePlan): Promise<TestedRelease> {
  const build = join(plan.folder, 'build');
  const test = join(plan.folder, 'test');

  // Stage "build": train and register, gated on f1 against the model in production.
  const train = await runKeeping(flow, build, {
    title: 'train the weather model on serverless compute',
    host: ado,
    step: 'train',
    inputs: { jobFile: weather('train-job-serverless.yml') },
  });
  const register = await runKeeping(flow, build, {
    title: 'register it if it is at least as good as production (f1)',
    host: ado,
    step: 'register-model',
    inputs: {
      modelName: 'rain-forecast',
      jobName: train.outputs.jobName ?? '',
      jobOutput: 'model',
      compareMetric: 'f1',
      baseline: 'production',
      baselineEndpoint: productionEndpoint,
    },
  });
  const modelId = register.outputs.modelId ?? '';

  // Stage "test": a throw-away ACI deployment, smoke-tested; the drift check; what production would get; the gate.
  const aci = await runKeeping(flow, test, {
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
  await runKeeping(flow, test, {
    title: 'smoke-test the test container',
    host: ado,
    step: 'smoke-test',
    inputs: {
      scoringUri: aci.outputs.scoringUri ?? '',
      casesFile: weather('smoke-cases.yml'),
      latencyRequests: '50',
    },
  });
  await runKeeping(flow, test, {
    title: `compare the training data's spring with production's last six weeks (${basename(plan.currentData)})`,
    host: ado,
    step: 'drift-check',
    inputs: {
      baselineData: weather('drift/spring-2023.csv'),
      currentData: plan.currentData,
      criticalFeatures: 'Humidity',
      thresholdsFile: weather('drift/thresholds.yml'),
      // The drift check reports; the release gate judges (its policy: no drift failure on a critical feature).
      failOn: 'never',
    },
    expect: plan.expectDrift,
  });
  await runKeeping(flow, test, {
    title: 'remove the test container',
    host: ado,
    step: 'deploy',
    inputs: { action: 'delete-deployment', target: 'aci', endpointName: 'rain-test' },
  });
  await runKeeping(flow, test, {
    title: `dry run of the production deployment: ${modelId} to ${productionEndpoint}/green at 0 %`,
    host: ado,
    step: 'deploy',
    inputs: { ...greenDeployment(flow.emulator, modelId), dryRun: 'true' },
  });
  const pageFolder = join(plan.folder, 'release-evidence');
  const gate = await flow.run({
    title: 'judge the evidence against examples/weather/release-policy.yml; write the page for the approver',
    host: ado,
    step: 'release-gate',
    inputs: {
      evidence: [build, test].join('\n'),
      policyFile: weather('release-policy.yml'),
      modelId,
      pageFolder,
    },
    expect: plan.expectGate,
  });
  return { modelId, gate, pageFolder, failedRules: failedRules(pageFolder) };
}

/**
 * The production stage after the approval, as the example pipelines run it: green at 0 %, smoke-tested through the
 * deployment header, then promoted (all traffic to green, blue deleted).
 */
export async function deployToProduction(flow: Flow, plan: ReleasePlan, modelId: string): Promise<void> {
  const production = join(plan.folder, 'production');
  await runKeeping(flow, production, {
    title: `deploy ${modelId} to AKS as ${productionEndpoint}/green at 0 % traffic, if its release verdict is pass`,
    host: gh,
    step: 'deploy',
    inputs: { ...greenDeployment(flow.emulator, modelId), requireVerdict: 'true' },
  });
  await runKeeping(flow, production, {
    title: 'smoke-test green through the azureml-model-deployment header',
    host: gh,
    step: 'smoke-test',
    inputs: {
      endpointName: productionEndpoint,
      deploymentName: 'green',
      casesFile: weather('smoke-cases.yml'),
      latencyRequests: '50',
    },
  });
  await runKeeping(flow, production, {
    title: 'promote green: all traffic to it, then blue (which served until now) deleted',
    host: gh,
    step: 'deploy',
    inputs: {
      action: 'promote',
      target: 'kubernetes',
      endpointName: productionEndpoint,
      deploymentName: 'green',
    },
  });
}

/** The production deployment both the dry run and the production stage describe. */
function greenDeployment(emulator: Emulator, modelId: string): Record<string, string> {
  return {
    target: 'kubernetes',
    endpointName: productionEndpoint,
    deploymentName: 'green',
    modelId,
    codePath: weather('score'),
    scoringScript: 'score.py',
    compute: 'aks-prod',
    aksCluster: aksClusterId(emulator),
    trafficPercent: '0',
  };
}

function failedRules(pageFolder: string): { rule: string; reason: string }[] {
  const page = JSON.parse(readFileSync(join(pageFolder, 'release-evidence.json'), 'utf8')) as {
    verdict: { rules: { rule: string; status: string; reason: string }[] };
  };
  return page.verdict.rules.filter((rule) => rule.status === 'fail');
}
