import { spawn } from 'node:child_process';
import type { StepManifest } from '../../shared/src/step/manifest';
import { startEmulatorProcess } from './emulator-process';
import { emulatorWiring } from './emulator-wiring';

/**
 * `--emulator`: starts the emulator, runs the step in a child process wired to it (node trusts a CA only from
 * process start), stops the emulator whatever the step did, and returns the step's exit code.
 */
export async function runWithEmulator(
  manifest: StepManifest,
  stepCommand: readonly string[],
): Promise<number> {
  const emulator = await startEmulatorProcess();
  try {
    const { description } = emulator;
    console.log(
      `emulator: ${description.armUrl}, signing in as its service principal; workspace ${description.resourceGroup}/${description.workspaceName} unless the inputs name another`,
    );
    const child = spawn(process.execPath, stepCommand, {
      stdio: 'inherit',
      env: { ...process.env, ...emulatorWiring(description, manifest, process.env) },
    });
    // The step cancels on these itself; forwarded for a kill that names only this process.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      });
    } finally {
      process.off('SIGINT', forward).off('SIGTERM', forward);
    }
  } finally {
    await emulator.stop();
  }
}
