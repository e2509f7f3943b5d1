import { execFile } from 'node:child_process';

let resolved: Promise<string> | undefined;

/**
 * The interpreter `python3` names on this machine, resolved once per process: where PATH starts with a version
 * manager's shim (pyenv's is a chain of shell scripts), every start through it costs a few hundred ms of CPU, and
 * jobs, sweep trials and scoring servers start Python often. `python3` (looked up on PATH at each start) when it
 * cannot be resolved.
 */
export function python3Interpreter(): Promise<string> {
  resolved ??= new Promise((resolve) => {
    execFile('python3', ['-c', 'import sys; print(sys.executable)'], (error, stdout) => {
      const path = String(stdout).trim();
      resolve(!error && path.startsWith('/') ? path : 'python3');
    });
  });
  return resolved;
}
