import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { withLocation } from '../step/errors';
import { localVariableName } from '../step/manifest';
import { cloudOverrideFrom, retryOverrideFrom, type Platform } from './ports';

/**
 * Runs a step on a developer's machine: inputs from the environment or an .env file, outputs printed
 * (secrets as ***) and the summary written to a markdown file.
 */
export function localPlatform(options: { envFile?: string; env?: NodeJS.ProcessEnv } = {}): Platform {
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  if (options.envFile) Object.assign(env, parseEnv(readFileSync(options.envFile, 'utf8')));
  else if (existsSync('.env')) Object.assign(env, parseEnv(readFileSync('.env', 'utf8')));
  const masked: string[] = [];
  const hide = (text: string) => masked.reduce((result, secret) => result.split(secret).join('***'), text);
  // Not a fixed folder of the machine's temp folder: the run's evidence and summaries stay beside the work (the
  // release gate reads the earlier steps' evidence there), in a folder git ignores and the user may remove.
  const tempDir = env.RUNNER_TEMP || join(process.cwd(), '.local-run');
  const state = new Map<string, string>();
  const debug = env.AZUREML_STEPS_DEBUG === 'true';
  return {
    inputs: { get: (name) => env[localVariableName(name)] || undefined },
    outputs: {
      set: (name, value) => console.log(`output ${name} = ${hide(value)}`),
      setSecret: (name) => console.log(`output ${name} = *** (secret)`),
    },
    logger: {
      info: (message) => console.log(hide(message)),
      debug: (message) => debug && console.log(`debug: ${hide(message)}`),
      // The message may already start with its location (describeError words it so for every host).
      warning: (message, location) => console.warn(`warning: ${hide(withLocation(message, location))}`),
      error: (message, location) => console.error(`error: ${hide(withLocation(message, location))}`),
      startGroup: (title) => console.log(`▶ ${title}`),
      endGroup: () => undefined,
      mask: (secret) => masked.push(secret),
      isDebug: debug,
    },
    summary: {
      async publish(markdown) {
        mkdirSync(tempDir, { recursive: true });
        const path = join(tempDir, `summary-${Date.now()}.md`);
        writeFileSync(path, markdown);
        console.log(`summary written to ${path}`);
      },
    },
    state: { get: (name) => state.get(name), set: (name, value) => void state.set(name, value) },
    environment: {
      host: 'local',
      workspaceDir: process.cwd(),
      tempDir,
      allowedRoots: [process.cwd(), tmpdir(), tempDir],
    },
    identity: { cloudOverride: cloudOverrideFrom(env), retryOverride: retryOverrideFrom(env) },
    result: {
      complete: (result) => {
        console.log(`result: ${result}`);
        if (result === 'failed' || result === 'cancelled') process.exitCode = 1;
      },
    },
  };
}
