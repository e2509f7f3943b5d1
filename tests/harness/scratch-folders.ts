import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Scratch folders of the harness (a run's agent or runner folders): a test reads them after the run, so they are
 * removed when the test file ends (tests/harness/remove-scratch-folders.ts) or when the demo ends.
 */
const created = new Set<string>();

export function scratchFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  created.add(folder);
  return folder;
}

export function removeScratchFolders(): void {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
  created.clear();
}
