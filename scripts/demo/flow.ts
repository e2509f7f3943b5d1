/** How the demo runs one bundled step as its host runs it, prints it, and counts what did not end as expected. */
import { type Emulator } from '../../emulator/emulator';
import { describeEmulator } from '../../emulator/start';
import { runOnEmulator } from '../../tests/harness/emulator-run';
import { runStepAs, type Host, type HostRun } from '../../tests/harness/host-run';
import { stepManifests } from '../../shared/src/steps/manifests';

export const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
export const indent = (text: string, by = '    ') =>
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

export interface Step {
  readonly title: string;
  readonly host: Host;
  readonly step: string;
  readonly inputs: Record<string, string>;
  readonly expect?: HostRun['result'];
  /** Print only a line (set-up that is not part of the pipeline). */
  readonly quiet?: boolean;
}

export class Flow {
  unexpected = 0;
  private readonly azure: ReturnType<typeof describeEmulator>;

  constructor(readonly emulator: Emulator) {
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
