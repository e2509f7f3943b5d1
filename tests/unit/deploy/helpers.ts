import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../../shared/src/step/errors';
import { readInputs } from '../../../shared/src/step/inputs';
import { parseDeployConfig, type DeployConfig } from '../../../shared/src/steps/deploy/config';
import { deployManifest } from '../../../shared/src/steps/deploy/manifest';
import { YamlErrors } from '../../../shared/src/yaml/problems';
import { scratchFolder } from '../../harness/scratch-folders';

/** A workspace folder with the given files (relative path → content). */
export function workspace(files: Record<string, string> = {}): string {
  const dir = scratchFolder('deploy-unit-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The inputs every deploy needs, as the Azure DevOps host names them. */
export const base = { azureSubscription: 'ml-connection', resourceGroup: 'rg-ml', workspaceName: 'mlw' };

/** Parses the deploy inputs as Azure DevOps would give them; throws what parse throws (input errors included). */
export function parse(values: Record<string, string>, dir = workspace()): DeployConfig {
  const { inputs, errors } = readInputs(deployManifest, { get: (name) => values[name] }, 'azure-pipelines');
  if (errors.length > 0) throw errors[0];
  return parseDeployConfig(inputs, { workspaceDir: dir });
}

/** The message of what parse throws. */
export function parseError(values: Record<string, string>, dir?: string): string {
  try {
    parse(values, dir);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the inputs to be refused');
}

/** Every problem loading `file` reports, with its line and column. */
export function problems(
  file: string,
  load: (file: string) => unknown,
): { message: string; line?: number; column?: number }[] {
  try {
    load(file);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    const list = error instanceof YamlErrors ? error.errors : [error];
    return list.map((e) => ({ message: e.message, line: e.location?.line, column: e.location?.column }));
  }
  throw new Error('expected problems');
}
