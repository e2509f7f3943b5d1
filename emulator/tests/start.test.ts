/**
 * `npm run -s emulator` (bin/azureml-emulator.js, emulator/start.ts): exactly one JSON line on stdout, working
 * credentials; SIGTERM to the process started stops everything below it and removes the certificates.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ClientSecretCredential } from '@azure/identity';
import { descendantsOf, stillRunning, type ProcessStamp } from './process-tree';

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

/** Waits (bounded) for the processes to end; returns those still running. */
async function survivors(processes: readonly ProcessStamp[]): Promise<ProcessStamp[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (!processes.some(stillRunning)) return [];
    await sleep(50);
  }
  return processes.filter(stillRunning);
}

it('prints exactly one JSON line with env and sample credentials, serves, and SIGTERM stops all it started', async () => {
  const root = join(__dirname, '..', '..');
  // The documented way: npm (silent), which runs the bin launcher in place of its shell.
  const child = spawn('npm', ['run', '-s', 'emulator'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const check = () => {
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`the emulator exited (${String(code)}) before printing`)));
  });
  let started: ProcessStamp[] = [];
  let caPath = '';
  try {
    const info = JSON.parse(await firstLine) as Described;
    caPath = info.caPath;
    started = descendantsOf(child.pid!);
    // npm's process, the emulator's node and Azurite at least.
    expect(started.length).toBeGreaterThanOrEqual(2);
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
  expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  expect(await survivors(started)).toEqual([]);
  expect(existsSync(dirname(caPath))).toBe(false);
});
