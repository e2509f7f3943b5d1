import { kebabCase } from '../../shared/src/step/manifest';
import { runAsAzurePipelinesAgent, type AgentRun } from './azure-pipelines-agent';
import { runAsGitHubRunner, type RunnerRun } from './github-runner';
import type { NodeRuntime } from './runtimes';

export type Host = 'azure-pipelines' | 'github';

/** One step run on either host, seen the same way: camelCase outputs, errors, warnings, summary. */
export interface HostRun {
  readonly host: Host;
  /** Azure DevOps result, or the GitHub runner's reading of the exit code and warning annotations. */
  readonly result: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
  /** Azure DevOps: result Succeeded; GitHub: exit code 0. */
  readonly succeeded: boolean;
  readonly outputs: Record<string, string>;
  readonly errors: string[];
  readonly warnings: string[];
  /** Errors with their file/line/column, as each host carries them. */
  readonly locatedErrors: { message: string; file?: string; line?: string; column?: string }[];
  readonly summary: string;
  /** Everything the process printed or wrote, minus the protocol lines whose job is to carry a secret to the host. */
  readonly everythingPrinted: string;
  readonly raw: AgentRun | RunnerRun;
}

export interface HostRunOptions {
  /** Task folder (`AzureMLSmokeTestV1`) and action folder (`smoke-test`) of the step. */
  readonly task: string;
  readonly action: string;
  /** Inputs by their manifest (camelCase) names; kebab-cased for GitHub. */
  readonly inputs: Record<string, string>;
  readonly runtime?: NodeRuntime;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly extraEnv?: NodeJS.ProcessEnv;
  /** Called with the step's process once it has been spawned. */
  readonly onStart?: (child: import('node:child_process').ChildProcess) => void;
}

/** The run's artifacts page each host harness's run variables give (summaries link files the step wrote there). */
export const artifactsPageOf: Record<Host, string> = {
  github: 'https://github.com/contoso/weather-ml/actions/runs/9876543210#artifacts',
  'azure-pipelines': 'https://dev.azure.com/contoso/weather/_build/results?buildId=4242&view=artifacts',
};

/** Lines whose purpose is to hand a secret to the host (mask commands, secret output variables). */
const carriesSecret = (line: string) =>
  line.startsWith('##vso[task.setsecret]') ||
  /^##vso\[task\.setvariable [^\]]*issecret=true/.test(line) ||
  line.startsWith('::add-mask::');

/** A run's stdout without the protocol lines that carry secrets to the host, for leak checks. */
export function withoutSecretCarriers(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !carriesSecret(line))
    .join('\n');
}

const camelCase = (name: string) => name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** Runs a built step as the given host would. */
export async function runStepAs(host: Host, options: HostRunOptions): Promise<HostRun> {
  const common = {
    runtime: options.runtime,
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    extraEnv: options.extraEnv,
    onStart: options.onStart,
  };
  if (host === 'azure-pipelines') {
    const run = await runAsAzurePipelinesAgent({ ...common, task: options.task, inputs: options.inputs });
    const issues = (type: string) => run.issues.filter((issue) => issue.type === type);
    return {
      host,
      result: (run.result ?? 'Failed') as HostRun['result'],
      succeeded: run.result === 'Succeeded',
      outputs: run.outputs,
      errors: issues('error').map((issue) => issue.message),
      warnings: issues('warning').map((issue) => issue.message),
      locatedErrors: issues('error').map((issue) => ({
        message: issue.message,
        ...(issue.sourcepath ? { file: issue.sourcepath } : {}),
        ...(issue.linenumber ? { line: issue.linenumber } : {}),
        ...(issue.columnnumber ? { column: issue.columnnumber } : {}),
      })),
      summary: run.summaries.join('\n'),
      everythingPrinted: [withoutSecretCarriers(run.stdout), run.stderr, ...run.summaries].join('\n'),
      raw: run,
    };
  }
  const inputs = Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [kebabCase(k), v]));
  const run = await runAsGitHubRunner({ ...common, action: options.action, inputs });
  const annotations = (level: string) => run.annotations.filter((a) => a.level === level);
  const warnings = annotations('warning').map((a) => a.message);
  return {
    host,
    result: run.exitCode !== 0 ? 'Failed' : warnings.length > 0 ? 'SucceededWithIssues' : 'Succeeded',
    succeeded: run.exitCode === 0,
    outputs: Object.fromEntries(Object.entries(run.outputs).map(([k, v]) => [camelCase(k), v])),
    errors: annotations('error').map((a) => a.message),
    warnings,
    locatedErrors: annotations('error').map((a) => ({
      message: a.message,
      ...(a.file ? { file: a.file } : {}),
      ...(a.line ? { line: a.line } : {}),
      ...(a.col ? { column: a.col } : {}),
    })),
    summary: run.summary,
    everythingPrinted: [withoutSecretCarriers(run.stdout), run.stderr, run.summary, run.env].join('\n'),
    raw: run,
  };
}
