import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchFolder } from './scratch-folders';
import { baseEnvironment, spawnBundle, type ProcessResult } from './spawn-bundle';
import { nodeRuntimes, repoRoot, type NodeRuntime } from './runtimes';
import { checkSummaryNamesNoAgentPath } from './summary-paths';

export interface ServiceEndpoint {
  readonly url?: string;
  readonly scheme: string;
  readonly parameters: Record<string, string>;
  readonly data?: Record<string, string>;
}

export interface AgentRunOptions {
  /** Task folder name, e.g. `AzureMLSmokeTestV1`. */
  readonly task: string;
  /** Inputs as the user wrote them in azure-pipelines.yml (task.json defaults fill the rest, as the agent does). */
  readonly inputs: Record<string, string>;
  readonly endpoints?: Record<string, ServiceEndpoint>;
  /** Pipeline variables by their dotted names, e.g. `Build.SourceVersion`. */
  readonly variables?: Record<string, string>;
  readonly runtime?: NodeRuntime;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly extraEnv?: NodeJS.ProcessEnv;
  readonly onStart?: (child: import('node:child_process').ChildProcess) => void;
}

export interface LoggingCommand {
  readonly area: string;
  readonly event: string;
  readonly properties: Record<string, string>;
  readonly message: string;
}

export interface AgentRun extends ProcessResult {
  readonly commands: LoggingCommand[];
  /** Output variables set with isOutput=true, by name. */
  readonly outputs: Record<string, string>;
  /** Names of output variables marked secret. */
  readonly secretOutputs: string[];
  /** Values the task asked the agent to mask. */
  readonly masked: string[];
  readonly issues: {
    type: string;
    message: string;
    sourcepath?: string;
    linenumber?: string;
    columnnumber?: string;
  }[];
  /** Contents of the markdown files uploaded with task.uploadsummary. */
  readonly summaries: string[];
  /** The result of task.complete, or undefined when the task never reported one. */
  readonly result?: string;
  /** The log as the agent would display it: logging commands consumed, secrets replaced by ***. */
  readonly displayedLog: string;
  readonly tempDir: string;
}

/** `System.DefaultWorkingDirectory` -> `SYSTEM_DEFAULTWORKINGDIRECTORY`, as the agent exports variables. */
export const variableEnvName = (name: string) => name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase();

function unescapeValue(value: string): string {
  return value
    .replace(/%3B/g, ';')
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%5D/g, ']')
    .replace(/%AZP25/g, '%');
}

/** Parses `##vso[area.event k=v;k=v;]message` lines; other lines are left out. */
export function parseLoggingCommands(stdout: string): LoggingCommand[] {
  const commands: LoggingCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^##vso\[([a-z]+)\.([a-z]+)(?: ([^\]]*))?\](.*)$/i.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[3] ?? '').split(';')) {
      const at = pair.indexOf('=');
      if (at > 0) properties[pair.slice(0, at).trim()] = unescapeValue(pair.slice(at + 1));
    }
    commands.push({ area: match[1]!, event: match[2]!, properties, message: unescapeValue(match[4] ?? '') });
  }
  return commands;
}

/** Reads task.json: the handler target and input defaults, exactly what the agent reads. */
function readTask(task: string) {
  const folder = join(repoRoot, 'tasks', task);
  const json = JSON.parse(readFileSync(join(folder, 'task.json'), 'utf8')) as {
    inputs: { name: string; defaultValue?: string }[];
    execution: Record<string, { target: string }>;
  };
  return { folder, json };
}

/** Runs a built task the way the Azure Pipelines agent does and interprets what it printed. */
export async function runAsAzurePipelinesAgent(options: AgentRunOptions): Promise<AgentRun> {
  const { folder, json } = readTask(options.task);
  const handler = options.runtime?.name === 'node20' ? 'Node20_1' : 'Node24';
  const target = json.execution[handler]?.target;
  if (!target) throw new Error(`${options.task}/task.json has no ${handler} handler`);
  const script = join(folder, target);
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);

  const tempDir = scratchFolder('agent-');
  const workDir = options.cwd ?? join(tempDir, 's');
  mkdirSync(workDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...baseEnvironment(), ...options.extraEnv };
  const variables: Record<string, string> = {
    'Agent.TempDirectory': tempDir,
    'Agent.Version': '4.265.1',
    'System.DefaultWorkingDirectory': workDir,
    // The folders a step may use, as the agent sets them (sources inside the pipeline workspace, agent temp).
    'Build.SourcesDirectory': workDir,
    'Pipeline.Workspace': tempDir,
    'System.CollectionUri': 'https://dev.azure.com/contoso/',
    'System.TeamProject': 'weather',
    'Build.BuildId': '4242',
    'Build.SourceVersion': '0123456789abcdef0123456789abcdef01234567',
    'Build.Repository.Name': 'weather-ml',
    'Build.SourceBranch': 'refs/heads/main',
    'Build.RequestedFor': 'Ada Lovelace',
    ...options.variables,
  };
  for (const [name, value] of Object.entries(variables)) env[variableEnvName(name)] = value;
  for (const input of json.inputs) {
    const value = options.inputs[input.name] ?? input.defaultValue;
    if (value !== undefined) env[`INPUT_${input.name.toUpperCase()}`] = value;
  }
  // The tests' files are in the repository (examples/, tests/fixtures/), which a real pipeline checks out into its
  // sources directory, or in scratch folders of the OS temp folder: both are allowed unless the test names its own folders.
  // (The containment probes use paths outside both: /proc, /etc, /var/tmp.)
  if (json.inputs.some((input) => input.name === 'allowedPaths') && options.inputs.allowedPaths === undefined)
    env.INPUT_ALLOWEDPATHS = `${repoRoot}\n${tmpdir()}`;
  for (const [name, value] of Object.entries(options.inputs)) {
    if (!json.inputs.some((input) => input.name === name))
      throw new Error(`${options.task} has no input '${name}'`);
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  for (const [id, endpoint] of Object.entries(options.endpoints ?? {})) {
    if (endpoint.url) env[`ENDPOINT_URL_${id}`] = endpoint.url;
    env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ scheme: endpoint.scheme, parameters: endpoint.parameters });
    env[`ENDPOINT_AUTH_SCHEME_${id}`] = endpoint.scheme;
    for (const [key, value] of Object.entries(endpoint.parameters))
      env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
    for (const [key, value] of Object.entries(endpoint.data ?? {}))
      env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
  }

  const run = await spawnBundle({
    node: (options.runtime ?? nodeRuntimes[1]!).path,
    script,
    env,
    cwd: workDir,
    timeoutMs: options.timeoutMs,
    onStart: options.onStart,
  });
  const interpreted = interpret(run, tempDir);
  const errors = interpreted.issues.filter((issue) => issue.type === 'error').map((issue) => issue.message);
  for (const summary of interpreted.summaries)
    checkSummaryNamesNoAgentPath(summary, tempDir, workDir, errors);
  return interpreted;
}

function interpret(run: ProcessResult, tempDir: string): AgentRun {
  const commands = parseLoggingCommands(run.stdout);
  const outputs: Record<string, string> = {};
  const secretOutputs: string[] = [];
  const masked: string[] = [];
  const issues: AgentRun['issues'] = [];
  const summaries: string[] = [];
  let result: string | undefined;
  for (const command of commands) {
    const key = `${command.area}.${command.event}`;
    if (key === 'task.setvariable') {
      const name = command.properties.variable!;
      if (command.properties.isOutput === 'true') outputs[name] = command.message;
      if (command.properties.issecret === 'true') {
        secretOutputs.push(name);
        masked.push(command.message);
      }
    } else if (key === 'task.setsecret') {
      masked.push(command.message);
    } else if (key === 'task.logissue' || key === 'task.issue') {
      issues.push({ ...command.properties, type: command.properties.type ?? '', message: command.message });
    } else if (key === 'task.uploadsummary') {
      summaries.push(readFileSync(command.message, 'utf8'));
    } else if (key === 'task.complete') {
      result = command.properties.result;
    }
  }
  // The agent consumes logging commands and shows issues as `##[error]` / `##[warning]` lines.
  const displayedLog = run.stdout
    .split(/\r?\n/)
    .map((line) => {
      const issue = /^##vso\[task\.(logissue|issue) [^\]]*type=(error|warning)[^\]]*\](.*)$/.exec(line);
      return issue ? `##[${issue[2]}]${unescapeValue(issue[3]!)}` : line;
    })
    .filter((line) => !line.startsWith('##vso['))
    .map((line) =>
      masked.filter((s) => s.length > 0).reduce((text, secret) => text.split(secret).join('***'), line),
    )
    .join('\n');
  return {
    ...run,
    commands,
    outputs,
    secretOutputs,
    masked,
    issues,
    summaries,
    result,
    displayedLog,
    tempDir,
  };
}
