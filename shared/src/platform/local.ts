import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLocation } from '../step/errors';
import type { StepManifest } from '../step/manifest';
import { givenInputVariables, localInputValue, localInputWarnings } from './local-inputs';
import { localIdToken, localManagedIdentity } from './local-identity';
import { cloudOverrideFrom, retryOverrideFrom, type Platform } from './ports';

/**
 * Runs a step on a developer's machine: inputs from `INPUT_*` variables (any host's spelling; an env file is
 * loaded into the environment first, `loadLocalEnvFile`), outputs printed (secrets as ***) and the summary
 * written to a markdown file. Given the step's manifest, names no input of it are warned about.
 */
export function localPlatform(options: { env?: NodeJS.ProcessEnv; manifest?: StepManifest } = {}): Platform {
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  const given = givenInputVariables(env);
  const masked: string[] = [];
  const hide = (text: string) => masked.reduce((result, secret) => result.split(secret).join('***'), text);
  // Not a fixed folder of the machine's temp folder: the run's evidence and summaries stay beside the work (the
  // release gate reads the earlier steps' evidence there), in a folder git ignores and the user may remove.
  const tempDir = env.RUNNER_TEMP || join(process.cwd(), '.local-run');
  const state = new Map<string, string>();
  const debug = env.AZUREML_STEPS_DEBUG === 'true';
  // Variable names only: never a value.
  for (const warning of options.manifest ? localInputWarnings(options.manifest, given) : [])
    console.warn(`warning: ${warning}`);
  return {
    inputs: { get: (name) => localInputValue(given, name) },
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
    identity: {
      idToken: localIdToken(env),
      managedIdentity: localManagedIdentity(env),
      cloudOverride: cloudOverrideFrom(env),
      retryOverride: retryOverrideFrom(env),
    },
    result: {
      complete: (result) => {
        console.log(`result: ${result}`);
        if (result === 'failed' || result === 'cancelled') process.exitCode = 1;
      },
    },
  };
}
