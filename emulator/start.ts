/**
 * Starts the emulator and serves until SIGINT/SIGTERM: `bin/azureml-emulator.js` (`npm run -s emulator`, the
 * `azureml-emulator` bin) or `tsx emulator/start.ts`. Prints ONE JSON line: URLs, ids, `env` (what any bundled step needs: `NODE_EXTRA_CA_CERTS`,
 * `AZUREML_STEPS_ARM_ENDPOINT`, `AZUREML_STEPS_AUTHORITY_HOST`, `AZUREML_STEPS_BLOB_ENDPOINT`) and working
 * sample credentials per host
 * (`azureDevOps.env`: a ServicePrincipal service connection; `azureDevOps.workloadIdentity.env`: a
 * WorkloadIdentityFederation one with `SYSTEM_OIDCREQUESTURI`; `github.env`: `INPUT_CREDS`; `github.oidc.env`:
 * `ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN`).
 */
import { startEmulator, type Emulator } from './emulator';
import { MissingPrerequisiteError } from './prerequisites';
import { seedWorkspace, SeedError, type Seeded } from './seed/apply-seed';
import { azureRmServiceConnection } from './service-connections';

/** What `npm run emulator` prints: endpoints, CA, the custom-cloud environment and sample credentials per host. */
export function describeEmulator(emulator: Emulator) {
  const env = {
    NODE_EXTRA_CA_CERTS: emulator.caPath,
    AZUREML_STEPS_ARM_ENDPOINT: emulator.armUrl,
    AZUREML_STEPS_AUTHORITY_HOST: emulator.authorityHost,
    // Azurite is path-style: the account is the first path segment, not a host name.
    AZUREML_STEPS_BLOB_ENDPOINT: `${new URL(emulator.blob.blobUrl).origin}/{account}`,
  };
  const servicePrincipal = azureRmServiceConnection(emulator, 'ServicePrincipal', {
    authenticationType: 'spnKey',
    serviceprincipalid: emulator.clientId,
    serviceprincipalkey: emulator.clientSecret,
    tenantid: emulator.tenantId,
  });
  const ado = emulator.oidc.azureDevOps();
  const gh = emulator.oidc.github();
  return {
    armUrl: emulator.armUrl,
    authorityHost: emulator.authorityHost,
    caPath: emulator.caPath,
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    subscriptionId: emulator.subscriptionId,
    resourceGroup: emulator.resourceGroup,
    workspaceName: emulator.workspaceName,
    env,
    azureDevOps: {
      serviceConnectionId: servicePrincipal.id,
      env: servicePrincipal.env,
      workloadIdentity: { serviceConnectionId: ado.serviceConnectionId, subject: ado.subject, env: ado.env },
    },
    github: {
      env: {
        INPUT_CREDS: JSON.stringify({
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
          subscriptionId: emulator.subscriptionId,
          tenantId: emulator.tenantId,
        }),
      },
      oidc: { clientId: emulator.clientId, tenantId: emulator.tenantId, subject: gh.subject, env: gh.env },
    },
    managedIdentity: {
      env: emulator.managedIdentity.env,
      clientId: emulator.managedIdentity.systemAssigned.clientId,
      objectId: emulator.managedIdentity.systemAssigned.objectId,
    },
  };
}

/** `--seed <file>` (or `--seed=<file>`): the seed file to create the workspace's contents from. */
export function seedArgument(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((a) => a === '--seed' || a.startsWith('--seed='));
  if (at < 0) return undefined;
  const value = argv[at]!.startsWith('--seed=') ? argv[at]!.slice('--seed='.length) : argv[at + 1];
  if (!value) throw new Error('--seed needs a file: npm run emulator -- --seed team.yml');
  return value;
}

/**
 * Serves until SIGINT/SIGTERM, then stops what it started (Azurite, scoring servers, job processes) and removes its
 * certificates and temp folders before exiting. A seed problem is reported as its message (file:line), exit 1.
 */
export function serveFromCommandLine(argv: readonly string[]): void {
  serve(argv).catch((error: unknown) => {
    // A seed problem is the user's file (its message names file:line), a missing program the machine's: the
    // message is the answer, not a stack.
    const text =
      error instanceof SeedError || error instanceof MissingPrerequisiteError
        ? error.message
        : ((error as Error).stack ?? String(error));
    process.stderr.write(`${text}\n`);
    process.exit(1);
  });
}

async function serve(argv: readonly string[]): Promise<void> {
  const seedFile = seedArgument(argv);
  const emulator = await startEmulator();
  // The sample managed identity may use the workspace too, and jobs have a compute to run on.
  emulator.rbac.grant(emulator.managedIdentity.systemAssigned.objectId);
  emulator.assets.addAmlCompute(emulator.workspaceId, 'cpu-cluster');
  let seeded: Seeded | undefined;
  try {
    seeded = seedFile ? await seedWorkspace(emulator, seedFile) : undefined;
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const description = {
    ...describeEmulator(emulator),
    computeName: 'cpu-cluster',
    ...(seeded ? { seeded } : {}),
  };
  process.stdout.write(`${JSON.stringify(description)}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`the emulator did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) serveFromCommandLine(process.argv.slice(2));
