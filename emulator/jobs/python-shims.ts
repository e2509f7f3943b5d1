import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The interpreter `python3` names on this machine, resolved once: where PATH starts with a version manager's shim
 * (pyenv's is a chain of shell scripts), every start through it costs a few hundred ms of CPU, and a job or a
 * sweep trial starts Python several times. Falls back to `python3` (looked up on PATH at each start).
 */
function resolvePython(): Promise<string> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', 'import sys; print(sys.executable)'], (error, stdout) => {
      const path = String(stdout).trim();
      resolve(!error && path.startsWith('/') ? path : 'python3');
    });
  });
}

/**
 * Writes `python` (Debian images have python3 only; Azure ML images, and the commands people write, say `python`)
 * and, once the interpreter is known, `python3` into `binDir`, first on the jobs' PATH: both start that interpreter.
 */
export async function writePythonShims(binDir: string): Promise<void> {
  const python = await resolvePython();
  // Unresolved, `python3` stays PATH's own (a shim of that name in binDir would find itself).
  const names = python === 'python3' ? ['python'] : ['python', 'python3'];
  const target = python === 'python3' ? python : `'${python.replace(/'/g, `'\\''`)}'`;
  for (const name of names) {
    await writeFile(join(binDir, name), `#!/bin/sh\nexec ${target} "$@"\n`);
    await chmod(join(binDir, name), 0o755);
  }
}
