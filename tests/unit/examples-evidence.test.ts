/**
 * The example pipelines' evidence flow, on both hosts: every stage (job) that runs one of our steps publishes its
 * evidence folder even when it fails, the gate downloads what earlier stages publish (names match) and reads it, its
 * page is published, and the test stage runs the steps in the order the gate relies on. Each check is shown to fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from '../harness/runtimes';

type Host = 'azure-pipelines' | 'github';
interface Step {
  readonly ours?: string; // our step's id (train, deploy, ..., release-gate)
  readonly publish?: { readonly artifact: string; readonly path: string; readonly condition: string };
  readonly download?: { readonly artifact: string; readonly path: string };
  readonly id?: string;
  readonly inputs: Record<string, unknown>;
  readonly condition: string;
}
interface Unit {
  readonly name: string;
  readonly after: readonly string[];
  readonly steps: readonly Step[];
}

const files: Record<Host, string> = {
  'azure-pipelines': 'examples/azure-pipelines.yml',
  github: 'examples/github/weather-mlops.yml',
};
const evidenceFolder: Record<Host, string> = {
  'azure-pipelines': '$(Agent.TempDirectory)/azureml-evidence',
  github: '${{ runner.temp }}/azureml-evidence',
};
const ourTasks: Record<string, string> = {
  AzureMLTrain: 'train',
  AzureMLRegisterModel: 'register-model',
  AzureMLDeploy: 'deploy',
  AzureMLSmokeTest: 'smoke-test',
  AzureMLDriftCheck: 'drift-check',
  AzureMLReleaseGate: 'release-gate',
};
const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

type Raw = Record<string, unknown>;

function azureStep(raw: Raw): Step {
  const inputs = (raw.inputs ?? {}) as Raw;
  const condition = String(raw.condition ?? '');
  const task = String(raw.task ?? '');
  const base = { inputs, condition, ...(raw.name ? { id: String(raw.name) } : {}) };
  if (task === 'PublishPipelineArtifact@1')
    return {
      ...base,
      publish: { artifact: String(inputs.artifact), path: String(inputs.targetPath), condition },
    };
  if (task === 'DownloadPipelineArtifact@2')
    return { ...base, download: { artifact: String(inputs.artifactName), path: String(inputs.targetPath) } };
  const ours = ourTasks[task.replace(/@1$/, '')];
  return { ...base, ...(ours ? { ours } : {}) };
}

function githubStep(raw: Raw): Step {
  const inputs = (raw.with ?? {}) as Raw;
  const condition = String(raw.if ?? '');
  const uses = String(raw.uses ?? '');
  const base = { inputs, condition, ...(raw.id ? { id: String(raw.id) } : {}) };
  if (uses === 'actions/upload-artifact@v4')
    return { ...base, publish: { artifact: String(inputs.name), path: String(inputs.path), condition } };
  if (uses === 'actions/download-artifact@v4')
    return { ...base, download: { artifact: String(inputs.name), path: String(inputs.path) } };
  const ours = /\/actions\/([a-z-]+)@v1$/.exec(uses)?.[1];
  return { ...base, ...(ours ? { ours } : {}) };
}

/** The stages (Azure DevOps; one job each) or jobs (GitHub) of a pipeline, with what they wait for. */
function unitsOf(host: Host, text: string): Unit[] {
  const document = load(text) as Raw;
  if (host === 'github')
    return Object.entries(document.jobs as Record<string, Raw>).map(([name, job]) => ({
      name,
      after: list(job.needs),
      steps: (job.steps as Raw[]).map(githubStep),
    }));
  return (document.stages as Raw[]).map((stage) => {
    const [job] = stage.jobs as Raw[];
    const steps = (job!.steps ??
      ((job!.strategy as Raw).runOnce as Raw & { deploy: Raw }).deploy.steps) as Raw[];
    return { name: String(stage.stage), after: list(stage.dependsOn), steps: steps.map(azureStep) };
  });
}

/** What is wrong with the pipeline's evidence flow (empty when nothing). */
function evidenceProblems(host: Host, text: string): string[] {
  const problems: string[] = [];
  const units = unitsOf(host, text);
  const published = new Map<string, string>(); // artifact -> unit
  for (const unit of units)
    for (const step of unit.steps) if (step.publish) published.set(step.publish.artifact, unit.name);
  for (const unit of units) {
    const steps = unit.steps;
    for (const step of steps)
      if (step.publish && !/\balways\(\)/.test(step.publish.condition))
        problems.push(`${unit.name}: artifact ${step.publish.artifact} is not published when the job fails`);
    const lastOurs = steps.findLastIndex((s) => s.ours);
    if (lastOurs < 0) continue;
    const evidence = steps.findIndex((s) => s.publish?.path === evidenceFolder[host]);
    if (evidence < lastOurs)
      problems.push(`${unit.name}: does not publish its evidence folder after its steps`);
    const gateAt = steps.findIndex((s) => s.ours === 'release-gate');
    const downloads = steps.filter((s) => s.download);
    if (gateAt < 0) {
      if (downloads.length > 0) problems.push(`${unit.name}: downloads evidence no gate reads`);
      continue;
    }
    const gate = steps[gateAt]!;
    const read = String(gate.inputs.evidence ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (!read.includes(evidenceFolder[host]))
      problems.push(`${unit.name}: the gate does not read this job's evidence`);
    for (const from of units.filter((u) => unit.after.includes(u.name))) {
      const theirs = from.steps.find((s) => s.publish?.path === evidenceFolder[host])?.publish?.artifact;
      const download =
        theirs === undefined ? undefined : downloads.find((s) => s.download!.artifact === theirs);
      if (!download || steps.indexOf(download) > gateAt)
        problems.push(
          `${unit.name}: does not download ${theirs ?? `${from.name}'s evidence`} before the gate`,
        );
      else if (!read.includes(download.download!.path))
        problems.push(`${unit.name}: the gate does not read the downloaded ${theirs}`);
    }
    for (const { download } of downloads)
      if (
        published.get(download!.artifact) === undefined ||
        !unit.after.includes(published.get(download!.artifact)!)
      )
        problems.push(`${unit.name}: downloads ${download!.artifact}, which no earlier stage publishes`);
    const page =
      host === 'github' ? `\${{ steps.${gate.id}.outputs.page-folder }}` : `$(${gate.id}.pageFolder)`;
    if (!steps.some((s, at) => at > gateAt && s.publish?.path === page))
      problems.push(`${unit.name}: the gate's page folder is not published`);
  }
  return problems;
}

/** The test stage's steps of ours, in order, with the inputs the gate's verdict depends on. */
function testSequence(host: Host, text: string): string[] {
  const unit = unitsOf(host, text).find((u) => u.name === 'test')!;
  const input = (step: Step, name: string, kebab: string) =>
    String(step.inputs[host === 'github' ? kebab : name] ?? '');
  return unit.steps
    .filter((s) => s.ours)
    .map((s) => {
      if (s.ours === 'deploy')
        return `deploy ${input(s, 'action', 'action') || 'deploy'} ${input(s, 'target', 'target')}${input(s, 'dryRun', 'dry-run') === 'true' ? ' dry-run' : ''}`;
      if (s.ours === 'drift-check') return `drift-check failOn=${input(s, 'failOn', 'fail-on')}`;
      if (s.ours === 'release-gate') return `release-gate ${input(s, 'policyFile', 'policy-file')}`;
      return s.ours!;
    });
}

/** The production stage's steps of ours, in order, with the action and the condition they run under. */
function productionSequence(host: Host, text: string): string[] {
  const unit = unitsOf(host, text).find((u) => u.name === 'production')!;
  return unit.steps
    .filter((s) => s.ours)
    .map((s) => {
      const action = s.ours === 'deploy' ? ` ${String(s.inputs.action ?? 'deploy')}` : '';
      return `${s.ours}${action}${s.condition ? ` if ${s.condition}` : ''}`;
    });
}

/** Steps that are neither ours, nor checkout, nor an artifact or test-result task: inline scripts and the like. */
function foreignSteps(host: Host, text: string): string[] {
  const document = load(text) as Raw;
  const allowed =
    host === 'github'
      ? /^actions\/(checkout|upload-artifact|download-artifact)@v4$|\/actions\/[a-z-]+@v1$/
      : /^(PublishPipelineArtifact@1|DownloadPipelineArtifact@2|PublishTestResults@2|AzureML[A-Za-z]+@1)$/;
  const found: string[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, where));
    if (!node || typeof node !== 'object') return;
    const record = node as Raw;
    if (Array.isArray(record.steps))
      for (const step of record.steps as Raw[]) {
        const kind = String(step.uses ?? step.task ?? (step.checkout ? 'checkout' : ''));
        if (
          !(kind === 'checkout' || allowed.test(kind)) ||
          ['script', 'bash', 'pwsh', 'powershell', 'run'].some((k) => k in step)
        )
          found.push(`${where}: ${JSON.stringify(step).slice(0, 80)}`);
      }
    for (const [key, value] of Object.entries(record)) if (key !== 'steps') visit(value, `${where}/${key}`);
  };
  visit(document, '');
  return found;
}

const read = (host: Host) => readFileSync(join(repoRoot, files[host]), 'utf8');

describe.each(['azure-pipelines', 'github'] as const)('the %s example', (host) => {
  it("publishes every stage's evidence even on failure, and the gate reads what earlier stages publish", () => {
    expect(evidenceProblems(host, read(host))).toEqual([]);
    expect(unitsOf(host, read(host)).map((u) => u.name)).toEqual(['build', 'test', 'production']);
  });

  it('runs the test stage in the order the gate relies on, the drift check leaving the decision to the gate', () => {
    expect(testSequence(host, read(host))).toEqual([
      'deploy deploy aci',
      'smoke-test',
      'drift-check failOn=never',
      'deploy delete-deployment aci',
      'deploy deploy kubernetes dry-run',
      'release-gate examples/weather/release-policy.yml',
    ]);
  });

  it('promotes green in production, and rejects it when a step failed: no script computes the split', () => {
    const failed = host === 'github' ? 'failure()' : 'failed()';
    expect(productionSequence(host, read(host))).toEqual([
      'deploy deploy',
      'smoke-test',
      'deploy promote',
      `deploy reject if ${failed}`,
    ]);
  });

  it('holds no inline script, and the check finds one', () => {
    const text = read(host);
    expect(foreignSteps(host, text)).toEqual([]);
    const withScript =
      host === 'github'
        ? text.replace(
            '      - name: Promote green\n',
            '      - run: echo "split=blue=0"\n      - name: Promote green\n',
          )
        : text.replace(
            '                - task: AzureMLDeploy@1\n                  displayName: Promote green\n',
            '                - bash: echo split\n                - task: AzureMLDeploy@1\n                  displayName: Promote green\n',
          );
    expect(foreignSteps(host, withScript)).toHaveLength(1);
  });

  it('finds a publish that skips failures, a renamed artifact, and an unpublished page', () => {
    const text = read(host);
    const condition = host === 'github' ? 'if: always()' : 'condition: always()';
    const skipsFailures = text.replace(
      condition,
      host === 'github' ? 'if: success()' : 'condition: succeeded()',
    );
    expect(evidenceProblems(host, skipsFailures)).toEqual([
      'build: artifact evidence-build is not published when the job fails',
    ]);
    const renamed = text.replace(/(name|artifact): evidence-build\n/, '$1: evidence-train\n');
    expect(evidenceProblems(host, renamed)).toEqual([
      'test: does not download evidence-train before the gate',
      'test: downloads evidence-build, which no earlier stage publishes',
    ]);
    // The page publish then names the output of a step that is not the gate.
    const gateId = host === 'github' ? '        id: gate\n' : '            name: gate\n';
    expect(text).toContain(gateId);
    expect(evidenceProblems(host, text.replace(gateId, gateId.replace('gate', 'verdict')))).toEqual([
      "test: the gate's page folder is not published",
    ]);
  });
});
