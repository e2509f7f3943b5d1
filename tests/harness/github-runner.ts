import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { scratchFolder } from './scratch-folders';
import { baseEnvironment, spawnBundle, type ProcessResult } from './spawn-bundle';
import { nodeRuntimes, repoRoot, type NodeRuntime } from './runtimes';
import { checkSummaryNamesNoAgentPath } from './summary-paths';

export interface RunnerRunOptions {
  /** Action folder name, e.g. `smoke-test`. */
  readonly action: string;
  /** `with:` inputs as the user wrote them (action.yml defaults fill the rest, as the runner does). */
  readonly inputs: Record<string, string>;
  readonly runtime?: NodeRuntime;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly extraEnv?: NodeJS.ProcessEnv;
  readonly onStart?: (child: import('node:child_process').ChildProcess) => void;
}

export interface WorkflowCommand {
  readonly command: string;
  readonly properties: Record<string, string>;
  readonly message: string;
}

export interface RunnerRun extends ProcessResult {
  readonly commands: WorkflowCommand[];
  readonly outputs: Record<string, string>;
  readonly masked: string[];
  readonly annotations: { level: string; message: string; file?: string; line?: string; col?: string }[];
  readonly summary: string;
  readonly env: string;
  /** The log as the runner would display it: commands consumed, masked values replaced by ***. */
  readonly displayedLog: string;
  readonly tempDir: string;
}

const unescapeData = (value: string) =>
  value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (value: string) => unescapeData(value).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** Parses `::command key=value,key=value::message` lines. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',')) {
      const at = pair.indexOf('=');
      if (at > 0) properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    commands.push({ command: match[1]!, properties, message: unescapeData(match[3] ?? '') });
  }
  return commands;
}

/** Reads a GITHUB_OUTPUT-style file: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name}`);
      values[name!] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

/** Runs a built action the way the GitHub runner does and interprets what it printed and wrote. */
export async function runAsGitHubRunner(options: RunnerRunOptions): Promise<RunnerRun> {
  const folder = join(repoRoot, 'actions', options.action);
  const action = load(readFileSync(join(folder, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; main: string };
  };
  const script = join(folder, action.runs.main);
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);

  const tempDir = scratchFolder('runner-');
  const workspace = options.cwd ?? join(tempDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(tempDir, 'output'),
    GITHUB_ENV: join(tempDir, 'env'),
    GITHUB_STATE: join(tempDir, 'state'),
    GITHUB_PATH: join(tempDir, 'path'),
    GITHUB_STEP_SUMMARY: join(tempDir, 'step_summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: NodeJS.ProcessEnv = {
    ...baseEnvironment(),
    // What the run is for (a push by default); extraEnv may say otherwise (a pull_request event).
    GITHUB_REPOSITORY: 'contoso/weather-ml',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '89abcdef0123456789abcdef0123456789abcdef',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKFLOW: 'ml',
    ...options.extraEnv,
    ...files,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: join(tempDir, 'runner_temp'),
    GITHUB_WORKSPACE: workspace,
  };
  mkdirSync(env.RUNNER_TEMP!, { recursive: true });
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    const value = options.inputs[name] ?? spec.default;
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value;
  }
  // The tests' files are in the repository (examples/, tests/fixtures/), which a real job checks out into its
  // workspace, or in scratch folders of the OS temp folder: both are allowed unless the test names its own folders.
  // (The containment probes use paths outside both: /proc, /etc, /var/tmp.)
  if ('allowed-paths' in (action.inputs ?? {}) && options.inputs['allowed-paths'] === undefined)
    env['INPUT_ALLOWED-PATHS'] = `${repoRoot}\n${tmpdir()}`;
  for (const name of Object.keys(options.inputs)) {
    if (!(name in (action.inputs ?? {}))) throw new Error(`actions/${options.action} has no input '${name}'`);
  }

  const run = await spawnBundle({
    node: (options.runtime ?? nodeRuntimes[1]!).path,
    script,
    env,
    cwd: workspace,
    timeoutMs: options.timeoutMs,
    onStart: options.onStart,
  });
  const commands = parseWorkflowCommands(run.stdout);
  const masked = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  const annotations = commands
    .filter((c) => ['error', 'warning', 'notice'].includes(c.command))
    .map((c) => ({ level: c.command, message: c.message, ...c.properties }));
  const displayedLog = run.stdout
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('::add-mask::'))
    .map((line) => masked.reduce((text, secret) => text.split(secret).join('***'), line))
    .join('\n');
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
  checkSummaryNamesNoAgentPath(
    summary,
    env.RUNNER_TEMP!,
    undefined,
    annotations.filter((a) => a.level === 'error').map((a) => a.message),
  );
  return {
    ...run,
    commands,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    masked,
    annotations,
    summary,
    env: readFileSync(files.GITHUB_ENV, 'utf8'),
    displayedLog,
    tempDir,
  };
}
