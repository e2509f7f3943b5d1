import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readInputs } from '../../../shared/src/step/inputs';
import { InputError, InputErrors } from '../../../shared/src/step/errors';
import type { HostKind } from '../../../shared/src/step/manifest';
import {
  parseRegisterModelConfig,
  type RegisterModelConfig,
} from '../../../shared/src/steps/register-model/config';
import { registerModelManifest } from '../../../shared/src/steps/register-model/manifest';
import { scratchFolder } from '../../harness/scratch-folders';

/** A scratch folder with the given files (`path` → text). */
export function scratch(files: Record<string, string> = {}): string {
  const root = scratchFolder('register-model-unit-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const workspace = { resourceGroup: 'rg-ml', workspaceName: 'mlw-weather' };

/** Parses inputs as the host would hand them over (GitHub by default: kebab-case names in messages). */
export function parse(
  values: Record<string, string>,
  workspaceDir = process.cwd(),
  host: HostKind = 'github',
): RegisterModelConfig {
  const { inputs, errors } = readInputs(
    registerModelManifest,
    {
      get: (name) =>
        ({ ...workspace, ...(host === 'azure-pipelines' ? { azureSubscription: 'c' } : {}), ...values })[
          name
        ],
    },
    host,
  );
  if (errors.length) throw new InputErrors(errors);
  return parseRegisterModelConfig(inputs, { workspaceDir });
}

/** The messages of what parsing threw (one InputError, several, or a located DataError). */
export function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.message);
    if (error instanceof InputError) return [error.message];
    if (error instanceof Error) return [error.message];
  }
  throw new Error('expected the inputs to be rejected');
}
