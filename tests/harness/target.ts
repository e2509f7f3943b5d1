/**
 * Where the bundle scenarios run: the emulator (always) or a real Azure ML workspace (`AZUREML_STEPS_LIVE=1` and a
 * service principal's sign-in variables, see CONTRIBUTING.md "Running the scenarios against Azure"). Both give the
 * same things: each host's sign-in inputs, the workspace, names unique to the run, a registry of what the run
 * created, and a clean-up that deletes it through the real SDKs with the target's own credential.
 */
import { randomBytes } from 'node:crypto';
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import type { Emulator } from '../../emulator/emulator';
import { azureRmServiceConnection } from '../../emulator/service-connections';
import { describeEmulator } from '../../emulator/start';
import { emulatorCredential } from '../../emulator/tests/test-clients';
import { containerInstanceApiVersion, machineLearningApiVersion } from '../../shared/src/azure/arm-clients';
import { azureClouds } from '../../shared/src/azure/cloud';
import { terminalStatuses } from '../../shared/src/azureml/follow-job';
import { emulatorSignIn } from './emulator-run';
import { runStepAs, type Host, type HostRun } from './host-run';

export type SignInMethod = 'secret' | 'oidc';

/** What a host needs to sign in: its inputs (service connection, creds, client id) and environment. */
export interface SignIn {
  readonly inputs: Record<string, string>;
  readonly env: Record<string, string>;
}

/** Something a run created, deleted (or archived, or cancelled) by `cleanUp`. */
export type CreatedResource =
  | { readonly kind: 'job'; readonly name: string }
  | { readonly kind: 'endpoint'; readonly name: string }
  | { readonly kind: 'aciGroup'; readonly name: string }
  /** A compute the run attached (an AKS cluster as Kubernetes compute): detached, the cluster left alone. */
  | { readonly kind: 'compute'; readonly name: string }
  | { readonly kind: AssetVersionKind; readonly name: string; readonly version: string };

/** Asset versions a run creates: models it registers, and the code, environments and components jobs upload. */
export type AssetVersionKind = 'modelVersion' | 'codeVersion' | 'environmentVersion' | 'componentVersion';
export type VersionedAsset = 'models' | 'codes' | 'environments' | 'components';
const assetOf: Record<AssetVersionKind, VersionedAsset> = {
  modelVersion: 'models',
  codeVersion: 'codes',
  environmentVersion: 'environments',
  componentVersion: 'components',
};
const assetWord: Record<AssetVersionKind, string> = {
  modelVersion: 'model',
  codeVersion: 'code',
  environmentVersion: 'environment',
  componentVersion: 'component',
};
const isVersion = (r: CreatedResource): r is Extract<CreatedResource, { version: string }> =>
  r.kind in assetOf;

export interface CleanUpReport {
  /** What was done, e.g. `deleted online endpoint rain-t1a2b3c` or `archived model version rain-t1a2b3c:1`. */
  readonly done: string[];
  /** Everything that could not be cleaned up, each with the reason; the rest was still tried. */
  readonly errors: { readonly resource: string; readonly message: string }[];
}

/** How clean-up reaches Azure; `sdkCleanUpOperations` is the real one, tests give fakes. */
export interface CleanUpOperations {
  /** Cancels the job when it has not finished; `finished` when it had. */
  cancelJob(name: string): Promise<'canceled' | 'finished'>;
  /** Deletes the online endpoint; its deployments go with it. */
  deleteEndpoint(name: string): Promise<void>;
  deleteAciGroup(name: string): Promise<void>;
  /** Detaches the compute from the workspace (`underlyingResourceAction=Detach`). */
  detachCompute(name: string): Promise<void>;
  /** Deletes the asset version, or archives it when Azure refuses to delete it (e.g. it is in use). */
  deleteOrArchiveVersion(
    asset: VersionedAsset,
    name: string,
    version: string,
  ): Promise<'deleted' | 'archived'>;
}

export interface Target {
  readonly kind: 'emulator' | 'live';
  /** Lowercase letter then letters/digits: the suffix of every name this run makes. */
  readonly runId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  /** How long one step may take here (a managed deployment takes minutes in Azure, seconds in the emulator). */
  readonly stepTimeoutMs: number;
  /** `base-<runId>`, a valid endpoint name (at most 32 characters, lowercase letters, digits and hyphens). */
  uniqueName(base: string): string;
  signIn(host: Host, method?: SignInMethod): SignIn;
  /** Runs a bundled step as `host`, signed in, with the workspace's resource group and name as inputs. */
  run(host: Host, step: TargetStep): Promise<HostRun>;
  /** Registers something the run created (before creating it, so a failed creation is cleaned up too). */
  track(resource: CreatedResource): void;
  /**
   * Registers a job the run submitted, and the code, environment and component versions it refers to in the
   * workspace (uploaded or registered for it by the train step; content-hashed, so maybe shared with other runs:
   * clean-up deletes them or, when Azure refuses, archives them, and archived versions stay usable by id).
   */
  trackJob(name: string): Promise<void>;
  /** What is registered and not yet cleaned up. */
  readonly created: readonly CreatedResource[];
  /**
   * Cleans up everything registered: cancels unfinished jobs, deletes endpoints (with their deployments) and ACI
   * groups, deletes or archives model and code versions. Tries everything, then throws one error listing what
   * failed (those stay registered for another try); returns the report when all went.
   */
  cleanUp(): Promise<CleanUpReport>;
  /**
   * What this run created that is still there: endpoints, ACI groups and model versions by suffix, the active
   * (not archived) code, environment and component versions it tracked, and its jobs that have not finished.
   */
  leftovers(): Promise<string[]>;
  readonly ml: AzureMachineLearningWorkspaces;
  readonly aci: ContainerInstanceManagementClient;
}

export interface TargetStep {
  readonly task: string;
  readonly action: string;
  readonly inputs: Record<string, string>;
  readonly timeoutMs?: number;
  readonly signIn?: SignInMethod;
}

/** A fresh run id: a letter and six base-36 characters (7 characters; 36^6 runs before a clash is likely). */
export function newRunId(): string {
  const n = randomBytes(5).readUIntBE(0, 5) % 36 ** 6;
  return `t${n.toString(36).padStart(6, '0')}`;
}

/**
 * `base-<runId>` within Azure's tightest name rules among what the scenarios create (online endpoint: 3 to 32
 * characters, lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen). The base is
 * lowercased, other characters become hyphens, and it is shortened to fit; the run id is never cut.
 */
export function uniqueName(base: string, runId: string, maxLength = 32): string {
  if (!/^[a-z][a-z0-9]*$/.test(runId))
    throw new Error(`Run id '${runId}' must be a letter then letters/digits.`);
  const room = maxLength - runId.length - 1;
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, Math.max(room, 0))
    .replace(/-+$/, '');
  if (cleaned === '')
    throw new Error(`'${base}' leaves no name (it needs a letter, and room before -${runId}).`);
  return `${cleaned}-${runId}`;
}

const describeResource = (r: CreatedResource) =>
  isVersion(r)
    ? `${assetWord[r.kind]} version ${r.name}:${r.version}`
    : `${{ job: 'job', endpoint: 'online endpoint', aciGroup: 'container group', compute: 'compute' }[r.kind]} ${r.name}`;

/** Jobs first (they may be writing what others use), then endpoints, ACI groups, then asset versions. */
const cleanUpOrder: CreatedResource['kind'][] = [
  'job',
  'endpoint',
  'aciGroup',
  'compute',
  'modelVersion',
  'componentVersion',
  'environmentVersion',
  'codeVersion',
];

async function cleanUpOne(resource: CreatedResource, ops: CleanUpOperations): Promise<string> {
  const what = describeResource(resource);
  switch (resource.kind) {
    case 'job':
      return (await ops.cancelJob(resource.name)) === 'canceled'
        ? `cancelled ${what}`
        : `${what} had finished`;
    case 'endpoint':
      await ops.deleteEndpoint(resource.name);
      return `deleted ${what}`;
    case 'aciGroup':
      await ops.deleteAciGroup(resource.name);
      return `deleted ${what}`;
    case 'compute':
      await ops.detachCompute(resource.name);
      return `detached ${what}`;
    default: {
      const asset = assetOf[resource.kind];
      return `${await ops.deleteOrArchiveVersion(asset, resource.name, resource.version)} ${what}`;
    }
  }
}

/**
 * Cleans up `resources` in `cleanUpOrder`, one failure not stopping the rest: every error is collected with the
 * resource it concerns. Returns the report and what is left to clean up (the resources that failed).
 */
export async function runCleanUp(
  resources: readonly CreatedResource[],
  ops: CleanUpOperations,
): Promise<CleanUpReport & { remaining: CreatedResource[] }> {
  const report = { done: [] as string[], errors: [] as CleanUpReport['errors'][number][] };
  const remaining: CreatedResource[] = [];
  const ordered = [...resources].sort((a, b) => cleanUpOrder.indexOf(a.kind) - cleanUpOrder.indexOf(b.kind));
  for (const resource of ordered) {
    try {
      report.done.push(await cleanUpOne(resource, ops));
    } catch (error) {
      report.errors.push({ resource: describeResource(resource), message: (error as Error).message });
      remaining.push(resource);
    }
  }
  return { ...report, remaining };
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const ignoreNotFound = (error: unknown) => {
  if (statusOf(error) !== 404) throw error;
};

interface Workspace {
  readonly resourceGroup: string;
  readonly workspaceName: string;
}

/** The SDK's operations on versions of `asset`, with the signatures they share. */
function versionOperations(ml: AzureMachineLearningWorkspaces, asset: VersionedAsset) {
  return {
    models: ml.modelVersions,
    codes: ml.codeVersions,
    environments: ml.environmentVersions,
    components: ml.componentVersions,
  }[asset] as unknown as {
    get(rg: string, ws: string, name: string, version: string): Promise<{ properties: object }>;
    delete(rg: string, ws: string, name: string, version: string): Promise<void>;
    createOrUpdate: unknown;
  };
}

/**
 * The workspace's code, environment and component versions a job refers to (a command job's code and environment,
 * a sweep's trial, a pipeline's components): what the train step uploaded or registered for it. Curated and
 * registry assets are not the workspace's, so not among them.
 */
export function jobAssetVersions(job: unknown): Extract<CreatedResource, { version: string }>[] {
  const kinds = {
    codes: 'codeVersion',
    environments: 'environmentVersion',
    components: 'componentVersion',
  } as const;
  const found = new Map<string, Extract<CreatedResource, { version: string }>>();
  const ids = /\/workspaces\/[^/"]+\/(codes|environments|components)\/([^/"]+)\/versions\/([^/"]+)/gi;
  for (const [, asset, name, version] of JSON.stringify(job).matchAll(ids)) {
    const kind = kinds[asset!.toLowerCase() as keyof typeof kinds];
    found.set(`${kind}/${name}/${version}`, { kind, name: name!, version: version! });
  }
  return [...found.values()];
}

/** Clean-up through @azure/arm-machinelearning and @azure/arm-containerinstance. */
export function sdkCleanUpOperations(
  ml: AzureMachineLearningWorkspaces,
  aci: ContainerInstanceManagementClient,
  { resourceGroup: rg, workspaceName: ws }: Workspace,
  updateIntervalInMs: number,
): CleanUpOperations {
  const poll = { updateIntervalInMs };
  const versions = (asset: VersionedAsset) => versionOperations(ml, asset);
  return {
    async cancelJob(name) {
      const job = await ml.jobs
        .get(rg, ws, name)
        .catch((error: unknown) => (ignoreNotFound(error), undefined));
      if (!job || terminalStatuses.has(job.properties.status ?? '')) return 'finished';
      await ml.jobs.beginCancelAndWait(rg, ws, name, poll);
      return 'canceled';
    },
    deleteEndpoint: (name) => ml.onlineEndpoints.beginDeleteAndWait(rg, ws, name, poll).catch(ignoreNotFound),
    deleteAciGroup: async (name) => {
      await aci.containerGroups.beginDeleteAndWait(rg, name, poll).catch(ignoreNotFound);
    },
    detachCompute: (name) =>
      ml.computeOperations.beginDeleteAndWait(rg, ws, name, 'Detach', poll).catch(ignoreNotFound),
    async deleteOrArchiveVersion(asset, name, version) {
      try {
        await versions(asset).delete(rg, ws, name, version);
        return 'deleted';
      } catch (error) {
        // Azure refuses to delete a version that is in use (409) or at all (400/405): archive it then.
        if (statusOf(error) === 404) return 'deleted';
        if (![400, 405, 409].includes(statusOf(error) ?? 0)) throw error;
      }
      const current = await versions(asset).get(rg, ws, name, version);
      const body = { ...current, properties: { ...current.properties, isArchived: true } };
      await (versions(asset).createOrUpdate as (...args: unknown[]) => Promise<unknown>)(
        rg,
        ws,
        name,
        version,
        body,
      );
      return 'archived';
    },
  };
}

/** Names ending in `-<runId>` among the workspace's online endpoints and computes, the group's ACI groups and models. */
async function leftoversBySuffix(
  ml: AzureMachineLearningWorkspaces,
  aci: ContainerInstanceManagementClient,
  { resourceGroup: rg, workspaceName: ws }: Workspace,
  runId: string,
): Promise<string[]> {
  const mine = (name?: string) => name?.endsWith(`-${runId}`) ?? false;
  const found: string[] = [];
  for await (const endpoint of ml.onlineEndpoints.list(rg, ws))
    if (mine(endpoint.name)) found.push(`online endpoint ${endpoint.name}`);
  for await (const group of aci.containerGroups.listByResourceGroup(rg))
    if (mine(group.name)) found.push(`container group ${group.name}`);
  for await (const compute of ml.computeOperations.list(rg, ws))
    if (mine(compute.name)) found.push(`compute ${compute.name}`);
  for await (const model of ml.modelContainers.list(rg, ws)) {
    if (!mine(model.name)) continue;
    for await (const version of ml.modelVersions.list(rg, ws, model.name!))
      if (!version.properties.isArchived) found.push(`model version ${model.name}:${version.name}`);
  }
  return found;
}

interface TargetSettings extends Workspace {
  readonly kind: Target['kind'];
  readonly subscriptionId: string;
  readonly credential: TokenCredential;
  readonly armOptions: { endpoint: string; credentialScopes: string[]; tlsOptions?: { ca: string } };
  readonly stepTimeoutMs: number;
  readonly pollMs: number;
  readonly signIn: (host: Host, method: SignInMethod) => SignIn;
}

function makeTarget(settings: TargetSettings, runId = newRunId()): Target {
  const ml = new AzureMachineLearningWorkspaces(settings.credential, settings.subscriptionId, {
    ...settings.armOptions,
    apiVersion: machineLearningApiVersion,
  });
  const aci = new ContainerInstanceManagementClient(settings.credential, settings.subscriptionId, {
    ...settings.armOptions,
    apiVersion: containerInstanceApiVersion,
  });
  let created: CreatedResource[] = [];
  const everTracked: CreatedResource[] = [];
  const ops = sdkCleanUpOperations(ml, aci, settings, settings.pollMs);
  const target: Target = {
    kind: settings.kind,
    runId,
    subscriptionId: settings.subscriptionId,
    resourceGroup: settings.resourceGroup,
    workspaceName: settings.workspaceName,
    stepTimeoutMs: settings.stepTimeoutMs,
    ml,
    aci,
    get created() {
      return created;
    },
    uniqueName: (base) => uniqueName(base, runId),
    signIn: (host, method = 'secret') => settings.signIn(host, method),
    run(host, step) {
      const access = settings.signIn(host, step.signIn ?? 'secret');
      return runStepAs(host, {
        task: step.task,
        action: step.action,
        inputs: {
          ...access.inputs,
          resourceGroup: settings.resourceGroup,
          workspaceName: settings.workspaceName,
          ...step.inputs,
        },
        extraEnv: access.env,
        timeoutMs: step.timeoutMs ?? settings.stepTimeoutMs,
      });
    },
    track(resource) {
      const same = (r: CreatedResource) => JSON.stringify(r) === JSON.stringify(resource);
      if (!created.some(same)) created.push(resource);
      if (!everTracked.some(same)) everTracked.push(resource);
    },
    async trackJob(name) {
      target.track({ kind: 'job', name });
      const job = await ml.jobs.get(settings.resourceGroup, settings.workspaceName, name);
      for (const version of jobAssetVersions(job)) target.track(version);
    },
    async cleanUp() {
      const { remaining, ...report } = await runCleanUp(created, ops);
      created = remaining;
      if (report.errors.length > 0)
        throw new Error(
          `Clean-up of run ${runId} left ${report.errors.length} resource(s):\n` +
            report.errors.map((e) => `- ${e.resource}: ${e.message}`).join('\n'),
        );
      return report;
    },
    async leftovers() {
      const found = await leftoversBySuffix(ml, aci, settings, runId);
      for (const job of everTracked.filter((r) => r.kind === 'job')) {
        const status = (await ml.jobs.get(settings.resourceGroup, settings.workspaceName, job.name))
          .properties.status;
        if (!terminalStatuses.has(status ?? '')) found.push(`job ${job.name} (${status})`);
      }
      for (const version of everTracked.filter(isVersion)) {
        if (version.kind === 'modelVersion') continue; // listed by suffix above
        const { resourceGroup: rg, workspaceName: ws } = settings;
        const current = await versionOperations(ml, assetOf[version.kind])
          .get(rg, ws, version.name, version.version)
          .catch((error: unknown) => (ignoreNotFound(error), undefined));
        if (current && !(current.properties as { isArchived?: boolean }).isArchived)
          found.push(describeResource(version));
      }
      return found;
    },
  };
  return target;
}

/** The emulator as a target: its sample service principal, OIDC and workspace, as `npm run emulator` prints. */
export function emulatorTarget(emulator: Emulator, runId?: string): Target {
  const description = describeEmulator(emulator);
  const signIn = (host: Host, method: SignInMethod): SignIn => {
    if (method === 'secret') return emulatorSignIn(host, description);
    if (host === 'azure-pipelines') {
      const connection = description.azureDevOps.workloadIdentity;
      return {
        inputs: { azureSubscription: connection.serviceConnectionId },
        env: { ...description.env, ...connection.env },
      };
    }
    const { clientId, tenantId, env } = description.github.oidc;
    return {
      inputs: { clientId, tenantId, subscriptionId: description.subscriptionId },
      env: { ...description.env, ...env },
    };
  };
  const settings: TargetSettings = {
    kind: 'emulator',
    subscriptionId: emulator.subscriptionId,
    resourceGroup: emulator.resourceGroup,
    workspaceName: emulator.workspaceName,
    credential: emulatorCredential(emulator),
    armOptions: emulator.armClientOptions,
    stepTimeoutMs: 120_000,
    pollMs: 100,
    signIn,
  };
  return makeTarget(settings, runId);
}

/** What `AZUREML_STEPS_LIVE=1` needs; CONTRIBUTING.md says what each is. */
export const liveVariables = [
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_SUBSCRIPTION_ID',
  'AZUREML_STEPS_RESOURCE_GROUP',
  'AZUREML_STEPS_WORKSPACE',
] as const;

export interface LiveSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  /** `AzureCloud` (default), `AzureUSGovernment` or `AzureChinaCloud`, from `AZUREML_STEPS_CLOUD`. */
  readonly cloud: string;
}

/**
 * The live settings when `AZUREML_STEPS_LIVE=1`, undefined otherwise; throws naming every missing variable (and an
 * unknown cloud) so a half-configured live run fails instead of quietly running nothing.
 */
export function liveSettings(env: NodeJS.ProcessEnv = process.env): LiveSettings | undefined {
  if (env['AZUREML_STEPS_LIVE'] !== '1') return undefined;
  const missing = liveVariables.filter((name) => !env[name]);
  const cloud = env['AZUREML_STEPS_CLOUD'] || 'AzureCloud';
  const problems = [
    ...(missing.length > 0 ? [`set ${missing.join(', ')}`] : []),
    ...(azureClouds[cloud]
      ? []
      : [`AZUREML_STEPS_CLOUD '${cloud}' is not one of ${Object.keys(azureClouds).join(', ')}`]),
  ];
  if (problems.length > 0)
    throw new Error(
      `AZUREML_STEPS_LIVE=1, but ${problems.join('; ')} (CONTRIBUTING.md, "Running the scenarios against Azure").`,
    );
  const value = (name: (typeof liveVariables)[number]) => env[name]!;
  return {
    tenantId: value('AZURE_TENANT_ID'),
    clientId: value('AZURE_CLIENT_ID'),
    clientSecret: value('AZURE_CLIENT_SECRET'),
    subscriptionId: value('AZURE_SUBSCRIPTION_ID'),
    resourceGroup: value('AZUREML_STEPS_RESOURCE_GROUP'),
    workspaceName: value('AZUREML_STEPS_WORKSPACE'),
    cloud,
  };
}

/**
 * A real workspace as a target, signed in as the service principal: an Azure Resource Manager service connection
 * (client secret) on Azure DevOps, `creds` on GitHub, or GitHub OIDC when the run has an ID token to offer
 * (`ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`, a GitHub workflow with `id-token: write` and a federated credential).
 */
export function liveTarget(live: LiveSettings, runId?: string, env: NodeJS.ProcessEnv = process.env): Target {
  const cloud = azureClouds[live.cloud]!;
  // GitHub's steps take the cloud from overrides only: outside the public cloud, say where ARM and Entra ID are.
  const cloudEnv: Record<string, string> =
    live.cloud === 'AzureCloud'
      ? {}
      : { AZUREML_STEPS_ARM_ENDPOINT: cloud.armEndpoint, AZUREML_STEPS_AUTHORITY_HOST: cloud.authorityHost };
  const signIn = (host: Host, method: SignInMethod): SignIn => {
    if (host === 'azure-pipelines') {
      if (method === 'oidc')
        throw new Error('Live runs sign in to Azure DevOps with the client secret only.');
      const connection = azureRmServiceConnection(
        { armUrl: cloud.armEndpoint, subscriptionId: live.subscriptionId },
        'ServicePrincipal',
        {
          authenticationType: 'spnKey',
          serviceprincipalid: live.clientId,
          serviceprincipalkey: live.clientSecret,
          tenantid: live.tenantId,
        },
        { environment: live.cloud, subscriptionName: 'azureml-steps live tests' },
      );
      return { inputs: { azureSubscription: connection.id }, env: connection.env };
    }
    if (method === 'secret') {
      const { clientId, clientSecret, subscriptionId, tenantId } = live;
      return {
        inputs: { creds: JSON.stringify({ clientId, clientSecret, subscriptionId, tenantId }) },
        env: cloudEnv,
      };
    }
    const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const token = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!url || !token) throw new Error('GitHub OIDC needs a workflow with `permissions: id-token: write`.');
    return {
      inputs: { clientId: live.clientId, tenantId: live.tenantId, subscriptionId: live.subscriptionId },
      env: { ...cloudEnv, ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token },
    };
  };
  const settings: TargetSettings = {
    kind: 'live',
    subscriptionId: live.subscriptionId,
    resourceGroup: live.resourceGroup,
    workspaceName: live.workspaceName,
    credential: new ClientSecretCredential(live.tenantId, live.clientId, live.clientSecret, {
      authorityHost: cloud.authorityHost,
    }),
    armOptions: { endpoint: cloud.armEndpoint, credentialScopes: [cloud.armScope] },
    // A managed deployment takes 5 to 15 minutes; the deploy step waits up to its timeoutMinutes (30).
    stepTimeoutMs: 40 * 60_000,
    pollMs: 10_000,
    signIn,
  };
  return makeTarget(settings, runId);
}

/** The title of the live half of a scenario: says, when skipped, why and how to run it. */
export function liveTitle(scenario: string, live: LiveSettings | undefined): string {
  return live
    ? `live (${live.workspaceName}): ${scenario}`
    : `skipped (live): ${scenario}; set AZUREML_STEPS_LIVE=1 and the variables in CONTRIBUTING.md to run it against Azure`;
}

/**
 * A scenario on the emulator, and the same against Azure when live settings are given (a skipped describe,
 * titled "skipped (live): ...", otherwise). `scenario` gets the target once `beforeAll` made it, and how long
 * one of its tests may take there.
 */
export function describeOnTargets(
  title: string,
  start: () => Promise<{ target: Target; stop?: () => Promise<void> }>,
  scenario: (target: () => Target, timeoutMs: number) => void,
  live: LiveSettings | undefined = liveSettings(),
): void {
  const define = (make: typeof start, timeoutMs: number) => () => {
    let started: Awaited<ReturnType<typeof start>> | undefined;
    beforeAll(async () => {
      started = await make();
    }, 60_000);
    // The safety net: whatever the scenario did not clean up itself (it failed half-way), then stop.
    afterAll(async () => {
      try {
        if (started) await started.target.cleanUp();
      } finally {
        await started?.stop?.();
      }
    }, 45 * 60_000);
    scenario(() => started!.target, timeoutMs);
  };
  describe(`emulator: ${title}`, define(start, 120_000));
  (live ? describe : describe.skip)(
    liveTitle(title, live),
    define(async () => ({ target: liveTarget(live!) }), 45 * 60_000),
  );
}

/** A describe for a scenario that needs the emulator's own features (seeding its store, faults): never live. */
export function emulatorOnly(title: string, reason: string, body: () => void): void {
  describe(`${title} [emulator only: ${reason}]`, body);
}
