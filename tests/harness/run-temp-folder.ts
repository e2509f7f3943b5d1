/**
 * The test run's own temp folder: the global set-up points TMPDIR (and so os.tmpdir() of jest, its workers, the
 * bundles, the emulator, Azurite, Python and Chromium) at a fresh folder, and the global teardown removes it, so a
 * test run leaves nothing in the machine's temp folder. Before removing it the teardown looks at what is left: the
 * folders our own code makes (harness, emulator, steps) must be gone by then, as each test file removes what it made.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_FOLDER_VARIABLE = 'AZUREML_STEPS_TEST_TMPDIR';
const RUN_FOLDER_PREFIX = 'azureml-test-';

/** The names our own code gives its temp folders (mkdtemp prefixes and fixed names). */
export const OWN_PREFIXES = [
  'agent-',
  'runner-',
  'memory-platform-',
  'azureml-',
  'azure-emulator-',
  'azure-cli-',
  'aml-jobs-',
  'aml-scoring-',
];

export function startRunTempFolder(env: NodeJS.ProcessEnv = process.env): string {
  const folder = mkdtempSync(join(tmpdir(), RUN_FOLDER_PREFIX));
  env[RUN_FOLDER_VARIABLE] = folder;
  env['TMPDIR'] = folder;
  return folder;
}

/** Removes the run's temp folder; returns the entries our own code left in it (an empty list when clean). */
export function endRunTempFolder(env: NodeJS.ProcessEnv = process.env): { own: string[]; others: string[] } {
  const folder = env[RUN_FOLDER_VARIABLE];
  if (!folder) return { own: [], others: [] };
  const left = readdirSync(folder);
  rmSync(folder, { recursive: true, force: true });
  const isOwn = (name: string) => OWN_PREFIXES.some((prefix) => name.startsWith(prefix));
  return { own: left.filter(isOwn), others: left.filter((name) => !isOwn(name)) };
}
