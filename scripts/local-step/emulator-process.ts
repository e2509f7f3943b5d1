import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { describeEmulator } from '../../emulator/start';

/** The emulator's one JSON line (emulator/start.ts). */
export type EmulatorDescription = ReturnType<typeof describeEmulator>;

/** The emulator stopped before printing its line (its own message is on stderr). */
export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
}

export interface EmulatorProcess {
  readonly description: EmulatorDescription;
  /** SIGTERM, then resolves once it has stopped all it started and removed its certificates. */
  stop(): Promise<void>;
}

const launcher = join(__dirname, '..', '..', 'bin', 'azureml-emulator.js');

/** Starts the emulator in its own process (its CA must be trusted from the step's process start). */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [launcher], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the emulator exited (${String(code)}) before it was ready`)),
    );
  });
  return { description: JSON.parse(line) as EmulatorDescription, stop: () => stop(child, exited) };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
