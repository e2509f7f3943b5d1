/**
 * Local Azure stand-in for tests (docs/architecture.md): one HTTPS listener on 127.0.0.1 serving AAD (token endpoint)
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
import { AadEmulator, type AppEntry, type ManagedIdentity, type RegisteredApp } from './aad';
import { ArmEmulator, type RoleAssignment, type RoleName } from './arm/index';
import { ContainerInstanceEmulator } from './arm/container-instance';
import { ContainerServiceEmulator } from './arm/container-service';
import { KubernetesConfigurationEmulator } from './arm/kubernetes-configuration';
import { MachineLearningEmulator } from './arm/machine-learning';
import { MachineLearningAssetsEmulator } from './arm/ml-assets';
import { MachineLearningDatastoresEmulator } from './arm/ml-datastores';
import { MachineLearningSchedulesEmulator } from './arm/ml-schedules';
import { MachineLearningJobsEmulator } from './arm/ml-jobs';
import type { OperationManager } from './arm/operations';
import type { ResourceStore } from './arm/store';
import { createCertificates } from './certificates';
import { JobRunner } from './job-runner';
import { MlflowEmulator } from './mlflow';
import { OidcIssuers } from './oidc';
import { PullRequestsEmulator } from './pull-requests';
import { ScoringEmulator } from './scoring/index';
import { EmulatorServer, type Faults, type RecordedRequest } from './server';
import { startBlobStorage, type BlobStorage } from './storage';
import { addCuratedEnvironments } from './workspace/curated-environments';
import { checkPrerequisites } from './prerequisites';

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
  /**
   * Scales how long long-running operations and job queueing take (`arm/timing-profile.ts`; default 0.001, 1 is
   * Azure's pace). `AZUREML_EMULATOR_TIME_FACTOR` wins. Also settable later through `lro.timeFactor`.
   */
  timeFactor?: number;
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
  /** Datastores, code / environment / data / model assets, computes. */
  assets: MachineLearningAssetsEmulator;
  /**
   * Datastores (`workspaceblobstore`, `workspaceartifactstore` per workspace, their containers in Azurite).
   * After `ml.createWorkspace(...)`, `await datastores.ready()` before using its containers.
   */
  datastores: MachineLearningDatastoresEmulator;
  jobs: MachineLearningJobsEmulator;
  /** Schedules (model monitors): stored, listed and deleted as the schedules API does; nothing is triggered. */
  schedules: MachineLearningSchedulesEmulator;
  /** Runs the jobs PUT through ARM, locally (`job-runner.ts`; README "Running jobs"). */
  jobRunner: JobRunner;
  /** Microsoft.ContainerService managed clusters. */
  aks: ContainerServiceEmulator;
  /** Microsoft.KubernetesConfiguration extensions. */
  kubernetesConfiguration: KubernetesConfigurationEmulator;
  /** Microsoft.ContainerInstance container groups. */
  aci: ContainerInstanceEmulator;
  /**
   * Local scoring servers behind online deployments and inference container groups, HTTPS listeners behind
   * online endpoints (README "Scoring").
   */
  scoring: ScoringEmulator;
  /** Workspace discovery and MLflow tracking API. */
  mlflow: MlflowEmulator;
  /** Azurite blob service: the storage account behind each workspace's default datastore. */
  blob: BlobStorage;
  /** Registers another app registration in the emulator's AAD (certificates, federated credentials). */
  registerApp(app: RegisteredApp): AppEntry;
  /** Object id of the default app's service principal (the `oid` of its tokens). */
  objectId: string;
  /**
   * The GitHub issue comments API (`GITHUB_API_URL` = `pullRequests.gitHubApiUrl`) and the Azure Repos pull request
   * threads API (`${url}/devops/<org>/`): `pullRequests.gitHub({...})`, `pullRequests.azureRepos({...})` (README).
   */
  pullRequests: PullRequestsEmulator;
  /** CI hosts' OIDC issuers: `oidc.azureDevOps({...})`, `oidc.github({...})` (see `oidc.ts`). */
  oidc: OidcIssuers;
  /**
   * The managed identity endpoint (App Service, 2019-08-01): `env` = `{ IDENTITY_ENDPOINT, IDENTITY_HEADER }`;
   * `systemAssigned` is the identity answering requests without an id (no role assignment by default);
   * `register()` adds a user-assigned one.
   */
  managedIdentity: {
    endpoint: string;
    header: string;
    env: Record<string, string>;
    systemAssigned: ManagedIdentity;
    register(identity?: Partial<ManagedIdentity>): ManagedIdentity;
  };
  /**
   * Role assignments checked by ARM (403 `AuthorizationFailed`). The default app has Contributor on the resource
   * group. `grant(principal, scope = resource group id, role = 'Contributor')`, `revoke(principal, scope?)`.
   */
  rbac: {
    assignments: RoleAssignment[];
    grant(principalId: string, scope?: string, role?: RoleName): RoleAssignment;
    revoke(principalId: string, scope?: string): void;
  };
  /** ARM id of the default resource group. */
  resourceGroupId: string;
  /** Resource provider registration (`setRegistered('Microsoft.MachineLearningServices', false)` → 409 on writes). */
  providers: { setRegistered(namespace: string, registered: boolean): void };
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkPrerequisites();
  const certificates = createCertificates();
  const server = new EmulatorServer({ certPem: certificates.certPem, keyPem: certificates.keyPem });
  let blob: BlobStorage | undefined;
  try {
    blob = await startBlobStorage({ certPath: certificates.certPath, keyPath: certificates.keyPath });
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
      caPem: certificates.caPem,
    });
    const defaultApp = aad.registerApp({ tenantId, clientId, secret: clientSecret });
    aad.register(server);
    const systemAssigned = aad.registerManagedIdentity({ systemAssigned: true });
    const oidc = new OidcIssuers(server, aad, { tenantId, clientId, subscriptionId });
    oidc.register();
    const pullRequests = new PullRequestsEmulator(server);
    pullRequests.register();

    const arm = new ArmEmulator(server, aad, {
      tenantId,
      subscriptionId,
      resourceGroups: [resourceGroup],
      location,
      timeFactor: options.timeFactor,
    });
    arm.register();
    const assets = new MachineLearningAssetsEmulator(arm, { blob });
    const datastores = new MachineLearningDatastoresEmulator(arm, { blob, caPem: certificates.caPem });
    const ml = new MachineLearningEmulator(arm, (workspaceId) => {
      assets.seedWorkspace(workspaceId);
      addCuratedEnvironments(assets, workspaceId);
      datastores.seedWorkspace(workspaceId);
    });
    ml.register();
    datastores.register();
    assets.register();
    const jobs = new MachineLearningJobsEmulator(arm);
    jobs.register();
    const schedules = new MachineLearningSchedulesEmulator(arm);
    schedules.register();
    const aks = new ContainerServiceEmulator(arm);
    aks.register();
    const kubernetesConfiguration = new KubernetesConfigurationEmulator(arm);
    kubernetesConfiguration.register();
    const aci = new ContainerInstanceEmulator(arm);
    aci.register();
    const mlflow = new MlflowEmulator(server, aad, arm);
    mlflow.register();
    const workspace = ml.createWorkspace({ resourceGroup, name: workspaceName, serviceUrl: url });
    await datastores.ready();
    // Created last: nothing below can fail and leave its temp folder behind.
    const jobRunner = new JobRunner({ arm, jobs, mlflow, blob, caPem: certificates.caPem });
    jobRunner.attach();
    const { caPem, certPem, keyPem } = certificates;
    const scoring = new ScoringEmulator({ arm, ml, aci, aad, blob, caPem, certPem, keyPem });
    scoring.attach();
    const resourceGroupId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
    arm.rbac.grant(defaultApp.objectId, resourceGroupId, 'Contributor');
    const managedIdentityEndpoint = `${url}/msi/token`;

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
      assets,
      datastores,
      jobs,
      schedules,
      jobRunner,
      aks,
      kubernetesConfiguration,
      aci,
      scoring,
      mlflow,
      blob,
      registerApp: (app) => aad.registerApp(app),
      objectId: defaultApp.objectId,
      oidc,
      pullRequests,
      managedIdentity: {
        endpoint: managedIdentityEndpoint,
        header: aad.identityHeader,
        env: { IDENTITY_ENDPOINT: managedIdentityEndpoint, IDENTITY_HEADER: aad.identityHeader },
        systemAssigned,
        register: (identity) => aad.registerManagedIdentity({ systemAssigned: false, ...identity }),
      },
      rbac: {
        assignments: arm.rbac.assignments,
        grant: (principalId, scope = resourceGroupId, role = 'Contributor') =>
          arm.rbac.grant(principalId, scope, role),
        revoke: (principalId, scope) => arm.rbac.revoke(principalId, scope),
      },
      resourceGroupId,
      providers: {
        setRegistered: (namespace, registered) => arm.setProviderRegistered(namespace, registered),
      },
      close: async () => {
        await Promise.all([jobRunner.close(), scoring.close()]);
        await Promise.all([server.close(), blob?.close()]);
        certificates.dispose();
      },
    };
  } catch (error) {
    await Promise.all([server.close().catch(() => undefined), blob?.close().catch(() => undefined)]);
    certificates.dispose();
    throw error;
  }
}
