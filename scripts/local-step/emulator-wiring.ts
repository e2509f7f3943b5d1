import { localSpellings } from '../../shared/src/platform/local-inputs';
import type { StepManifest } from '../../shared/src/step/manifest';
import type { EmulatorDescription } from './emulator-process';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables that point a step at the emulator: its endpoints and CA, its service principal as `INPUT_CREDS`
 * (the other sign-in inputs blanked, so that an env file cannot bring them back), and its resource group and
 * workspace unless the run names them.
 */
export function emulatorWiring(
  description: EmulatorDescription,
  manifest: StepManifest,
  env: Env,
): Record<string, string> {
  const wiring: Record<string, string> = { ...description.env };
  const names = new Set(manifest.inputs.map((input) => input.name));
  if (names.has('creds')) {
    for (const name of ['clientId', 'tenantId', 'subscriptionId', 'creds'])
      for (const spelling of localSpellings(name)) wiring[spelling] = '';
    wiring.INPUT_CREDS = description.github.env.INPUT_CREDS;
  }
  const given = (name: string) => localSpellings(name).some((spelling) => env[spelling]);
  if (names.has('resourceGroup') && !given('resourceGroup'))
    wiring.INPUT_RESOURCE_GROUP = description.resourceGroup;
  if (names.has('workspaceName') && !given('workspaceName'))
    wiring.INPUT_WORKSPACE_NAME = description.workspaceName;
  return wiring;
}
