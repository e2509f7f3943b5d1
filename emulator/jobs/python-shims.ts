import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { python3Interpreter } from '../python-interpreter';
import { shellQuote } from '../shell-quote';

/**
 * Writes `python` (Debian images have python3 only; Azure ML images, and the commands people write, say `python`)
 * and, once the interpreter is known, `python3` into `binDir`, first on the jobs' PATH: both start that interpreter.
 */
export async function writePythonShims(binDir: string): Promise<void> {
  const python = await python3Interpreter();
  // Unresolved, `python3` stays PATH's own (a shim of that name in binDir would find itself).
  const names = python === 'python3' ? ['python'] : ['python', 'python3'];
  const target = shellQuote(python);
  for (const name of names) {
    await writeFile(join(binDir, name), `#!/bin/sh\nexec ${target} "$@"\n`);
    await chmod(join(binDir, name), 0o755);
  }
}
