import { startEmulator, type Emulator } from '../../emulator/emulator';

/**
 * Azure's timing profile at a tenth of the default factor (a ten-minute deployment takes 60 ms): long-running
 * operations still answer in progress first and are polled by Retry-After, in less wall time and with fewer polls.
 */
export const BRISK_TIME_FACTOR = 0.0001;
/** Pause between a job's early states (ms): they still all happen, in order. */
export const BRISK_JOB_PACE_MS = 10;

/**
 * An emulator for the bundle tests that check what the steps did, not how long Azure took: operations and jobs
 * run through every state at a brisker pace. (`AZUREML_EMULATOR_TIME_FACTOR` still wins, as for any emulator.)
 */
export async function startBriskEmulator(): Promise<Emulator> {
  const emulator = await startEmulator({ timeFactor: BRISK_TIME_FACTOR });
  emulator.jobRunner.paceMs = BRISK_JOB_PACE_MS;
  return emulator;
}
