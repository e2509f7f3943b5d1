/**
 * Local Azure stand-in for tests (DESIGN.md §6): one HTTPS listener on 127.0.0.1 serving AAD (token endpoint)
 * and ARM (Microsoft.MachineLearningServices), with a throw-away CA the clients trust.
 *
 *   const emulator = await startEmulator();
 *   const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret,
 *     { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true, tlsOptions: emulator.tlsOptions });
 *   const client = new AzureMachineLearningWorkspaces(credential, emulator.subscriptionId, emulator.armClientOptions);
 *   ...
 *   await emulator.close();
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AadEmulator, type RegisteredApp } from './aad';
import { ArmEmulator } from './arm/index';
import { MachineLearningEmulator } from './arm/machineLearning';
import type { OperationManager } from './arm/operations';
import type { ResourceStore } from './arm/store';
import { createCertificates } from './certificates';
import { EmulatorServer, type Faults, type RecordedRequest } from './server';

export interface EmulatorOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  workspaceName?: string;
  location?: string;
  /** `expires_in` of issued access tokens (default 3600). Also settable later through `aad.tokenLifetimeSeconds`. */
  tokenLifetimeSeconds?: number;
}

export interface Emulator {
  /** ARM base URL (`https://127.0.0.1:<port>`), for the clients' `endpoint` option. */
  armUrl: string;
  /** AAD authority host (same listener), for the credentials' `authorityHost` option. */
  authorityHost: string;
  caPath: string;
  caPem: string;
  /** `{ ca }` for the `tlsOptions` of SDK clients created in this process. */
  tlsOptions: { ca: string };
  /** Environment for child processes: `NODE_EXTRA_CA_CERTS`. */
  env: Record<string, string>;
  /** Options for `new AzureMachineLearningWorkspaces(credential, subscriptionId, options)`. */
  armClientOptions: { endpoint: string; credentialScopes: string[]; tlsOptions: { ca: string } };
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  location: string;
  /** ARM id of the ready workspace. */
  workspaceId: string;
  faults: Faults;
  /** Everything received, in order. */
  requests: RecordedRequest[];
  /** Received requests whose method matches and whose path matches `path` (RegExp, or case-insensitive equality). */
  received(method: string, path: RegExp | string): RecordedRequest[];
  aad: AadEmulator;
  arm: ArmEmulator;
  /** Long-running operation settings: `lro.plan({...})`, `lro.setTypeDefaults(type, {...})`, `lro.defaults`. */
  lro: OperationManager;
  store: ResourceStore;
  ml: MachineLearningEmulator;
  /** Registers another app registration in the emulator's AAD. */
  registerApp(app: RegisteredApp): void;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const certificates = createCertificates();
  const server = new EmulatorServer({ certPem: certificates.certPem, keyPem: certificates.keyPem });
  try {
    const url = await server.listen();
    const tenantId = options.tenantId ?? randomUUID();
    const clientId = options.clientId ?? randomUUID();
    const clientSecret = options.clientSecret ?? `emu~${randomBytes(18).toString('base64url')}`;
    const subscriptionId = options.subscriptionId ?? randomUUID();
    const resourceGroup = options.resourceGroup ?? 'rg-emulator';
    const workspaceName = options.workspaceName ?? 'mlw-emulator';
    const location = options.location ?? 'westeurope';

    const aad = new AadEmulator({
      tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      extraAudiences: [url],
    });
    aad.registerApp({ tenantId, clientId, secret: clientSecret });
    aad.register(server);

    const arm = new ArmEmulator(server, aad, {
      tenantId,
      subscriptionId,
      resourceGroups: [resourceGroup],
      location,
    });
    arm.register();
    const ml = new MachineLearningEmulator(arm);
    ml.register();
    const workspace = ml.createWorkspace({ resourceGroup, name: workspaceName, serviceUrl: url });

    const tlsOptions = { ca: certificates.caPem };
    return {
      armUrl: url,
      authorityHost: url,
      caPath: certificates.caPath,
      caPem: certificates.caPem,
      tlsOptions,
      env: { NODE_EXTRA_CA_CERTS: certificates.caPath },
      armClientOptions: {
        endpoint: url,
        credentialScopes: ['https://management.azure.com/.default'],
        tlsOptions,
      },
      tenantId,
      clientId,
      clientSecret,
      subscriptionId,
      resourceGroup,
      workspaceName,
      location,
      workspaceId: workspace.id,
      faults: server.faults,
      requests: server.requests,
      received: (method, path) =>
        server.requests.filter(
          (r) =>
            r.method === method.toUpperCase() &&
            (typeof path === 'string' ? r.path.toLowerCase() === path.toLowerCase() : path.test(r.path)),
        ),
      aad,
      arm,
      lro: arm.operations,
      store: arm.store,
      ml,
      registerApp: (app) => {
        aad.registerApp(app);
      },
      close: async () => {
        await server.close();
        certificates.dispose();
      },
    };
  } catch (error) {
    await server.close().catch(() => undefined);
    certificates.dispose();
    throw error;
  }
}
