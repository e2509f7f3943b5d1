/** `emulator/start.ts` (`npm run emulator`): one JSON line, working credentials, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ClientSecretCredential } from '@azure/identity';

interface Described {
  armUrl: string;
  authorityHost: string;
  caPath: string;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  env: Record<string, string>;
  azureDevOps: { serviceConnectionId: string; env: Record<string, string> };
  github: { env: Record<string, string> };
}

it('prints one JSON line with env and sample credentials, serves, and exits on SIGTERM', async () => {
  const root = join(__dirname, '..', '..');
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'emulator', 'start.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`start.ts exited (${String(code)}) before printing`)));
  });
  try {
    const info = JSON.parse(await firstLine) as Described;
    expect(info.env).toEqual({
      NODE_EXTRA_CA_CERTS: info.caPath,
      AZUREML_STEPS_ARM_ENDPOINT: info.armUrl,
      AZUREML_STEPS_AUTHORITY_HOST: info.authorityHost,
      AZUREML_STEPS_BLOB_ENDPOINT: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/\{account\}$/),
    });
    const id = info.azureDevOps.serviceConnectionId;
    expect(info.azureDevOps.env[`ENDPOINT_AUTH_SCHEME_${id}`]).toBe('ServicePrincipal');
    const auth = JSON.parse(info.azureDevOps.env[`ENDPOINT_AUTH_${id}`] ?? '{}') as {
      parameters: { tenantid: string; serviceprincipalid: string; serviceprincipalkey: string };
    };
    const creds = JSON.parse(info.github.env['INPUT_CREDS'] ?? '{}') as { clientSecret: string };
    expect(creds.clientSecret).toBe(auth.parameters.serviceprincipalkey);

    const tlsOptions = { ca: readFileSync(info.caPath, 'utf8') };
    const credential = new ClientSecretCredential(
      auth.parameters.tenantid,
      auth.parameters.serviceprincipalid,
      auth.parameters.serviceprincipalkey,
      { authorityHost: info.authorityHost, disableInstanceDiscovery: true, tlsOptions },
    );
    const client = new AzureMachineLearningWorkspaces(credential, info.subscriptionId, {
      endpoint: info.armUrl,
      credentialScopes: ['https://management.azure.com/.default'],
      tlsOptions,
    });
    const ws = await client.workspaces.get(info.resourceGroup, info.workspaceName);
    expect(ws.name).toBe(info.workspaceName);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
