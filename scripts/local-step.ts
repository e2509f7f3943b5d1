import { join } from 'node:path';
import { EnvFileError, loadLocalEnvFile } from '../shared/src/platform/local-env';
import { localPlatform } from '../shared/src/platform/local';
import { stepManifests } from '../shared/src/steps/manifests';
import { stepRunners } from '../shared/src/steps';
import { parseLocalStepArguments, usage } from './local-step/arguments';
import { EmulatorStartError } from './local-step/emulator-process';
import { runWithEmulator } from './local-step/with-emulator';

/** `npm run step -- <step-id> [--env-file <path>] [--emulator]`: runs a step on this machine (README, "Run a step on your machine"). */
async function main(argv: string[]): Promise<void> {
  const stepIds = Object.keys(stepRunners);
  const parsed = parseLocalStepArguments(argv, stepIds);
  if ('problem' in parsed) {
    console.error(`${parsed.problem}\n${usage(stepIds)}`);
    process.exitCode = 2;
    return;
  }
  try {
    loadLocalEnvFile(parsed.envFile);
  } catch (error) {
    if (!(error instanceof EnvFileError)) throw error;
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  const manifest = stepManifests.find((candidate) => candidate.id === parsed.stepId)!;
  if (parsed.emulator) {
    // The env file is in this process's environment now: the step's process inherits it.
    const stepCommand = [join(__dirname, '..', 'bin', 'local-step.js'), '--', parsed.stepId];
    process.exitCode = await runWithEmulator(manifest, stepCommand).catch((error: unknown) => {
      if (!(error instanceof EmulatorStartError)) throw error;
      console.error(`error: --emulator: ${error.message}`);
      return 1;
    });
    return;
  }
  await stepRunners[parsed.stepId]!(localPlatform({ manifest }));
}

// bin/local-step.js is given its arguments after a `--` (see there).
const argv = process.argv.slice(2);
void main(argv[0] === '--' ? argv.slice(1) : argv);
