import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** `--env-file` names a file that is not there (or not a file). */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
}

/**
 * Adds an env file's variables to this process's environment, as `node --env-file` and dotenv do: a variable
 * already set in the environment wins. The file is `envFile` when given (it must exist), else `./.env` when there.
 * Returns the file read. In the process environment, the Azure SDKs see them too (AZURE_CONFIG_DIR, IDENTITY_*).
 */
export function loadLocalEnvFile(envFile: string | undefined, cwd = process.cwd()): string | undefined {
  const path = resolve(cwd, envFile ?? '.env');
  if (envFile === undefined && !existsSync(path)) return undefined;
  if (!existsSync(path) || !statSync(path).isFile())
    throw new EnvFileError(
      `--env-file ${envFile}: ${existsSync(path) ? 'is not a file' : 'no such file'} (${path}). Give the file holding the step's INPUT_* variables, or leave --env-file out to use the environment (and ./.env when there).`,
    );
  process.loadEnvFile(path);
  return path;
}
