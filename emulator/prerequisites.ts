/**
 * What the emulator needs besides Node, checked before it starts (the emulator, the demo and the tests' global
 * set-up), so that a missing program is one message that says how to install it rather than a failure deep inside
 * a job or a TLS set-up.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export const MINIMUM_NODE_MAJOR = 20;

interface Program {
  /** The command, or the path an environment variable names. */
  readonly command: string;
  readonly neededFor: string;
  readonly debian: string;
  readonly macos: string;
}

export class MissingPrerequisiteError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`The Azure emulator cannot start:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'MissingPrerequisiteError';
  }
}

function programs(env: NodeJS.ProcessEnv): Program[] {
  return [
    {
      command: 'python3',
      neededFor: 'it runs Azure ML jobs and scoring servers (standard library only)',
      debian: 'apt-get install python3',
      macos: 'brew install python',
    },
    {
      command: env['OPENSSL'] || 'openssl',
      neededFor: 'it makes its TLS certificates',
      debian: 'apt-get install openssl',
      macos: 'brew install openssl',
    },
  ];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isAbsolute(command)) return isExecutable(command) ? command : undefined;
  for (const folder of (env['PATH'] ?? '').split(delimiter)) {
    if (folder && isExecutable(join(folder, command))) return join(folder, command);
  }
  return undefined;
}

/** The missing prerequisites, each with what needs it and how to install it; none when all are there. */
export function missingPrerequisites(
  env: NodeJS.ProcessEnv = process.env,
  nodeVersion: string = process.versions.node,
): string[] {
  const missing: string[] = [];
  const major = Number(nodeVersion.split('.')[0]);
  if (major < MINIMUM_NODE_MAJOR)
    missing.push(
      `Node ${MINIMUM_NODE_MAJOR} or newer is needed (this is Node ${nodeVersion}): install it from your package manager or nodejs.org (Debian: apt-get install nodejs; macOS: brew install node@${MINIMUM_NODE_MAJOR}).`,
    );
  for (const program of programs(env)) {
    if (!findOnPath(program.command, env))
      missing.push(
        `${program.command} is not on PATH: ${program.neededFor}. Install it (Debian: ${program.debian}; macOS: ${program.macos}).`,
      );
  }
  return missing;
}

let checked = false;

/** Throws MissingPrerequisiteError naming every missing program; looks once per process (PATH lookups only). */
export function checkPrerequisites(env: NodeJS.ProcessEnv = process.env): void {
  if (checked) return;
  const missing = missingPrerequisites(env);
  if (missing.length > 0) throw new MissingPrerequisiteError(missing);
  checked = true;
}
