import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { azureCliSession } from '../../emulator/azure-cli';
import { createClientCertificate } from '../../emulator/certificates';
import { describeEmulator } from '../../emulator/start';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { azureRmServiceConnection } from '../../emulator/service-connections';
import { runAsAzurePipelinesAgent } from '../harness/azure-pipelines-agent';
import { runAsGitHubRunner } from '../harness/github-runner';
import { withoutSecretCarriers, type Host, type HostRun } from '../harness/host-run';
import { repoRoot } from '../harness/runtimes';
import { describeOnTargets, emulatorOnly, emulatorTarget } from '../harness/target';
import { startScoringServer, type ScoringServer } from '../servers/scoring-servers';
import { scratchFolder } from '../harness/scratch-folders';

/** The smoke-test step finds an endpoint by name through ARM (scoring URI and key) and tests it, on both hosts. */
const casesFile = join(repoRoot, 'examples/weather/smoke-cases.yml');
let emulator: Emulator;
/** The emulator's sample sign-in per host, as `npm run emulator` prints it (made once: it registers credentials). */
let description: ReturnType<typeof describeEmulator>;
let model: ScoringServer;
let tokenModel: ScoringServer;
const primaryKey = 'ek-primary-5c1d9e7a2b';

function seedEndpoint(name: string, authMode: 'Key' | 'AMLToken', scoringUri: string): void {
  const id = `${emulator.workspaceId}/onlineEndpoints/${name}`;
  emulator.store.set({
    id,
    secrets: { keys: { primaryKey, secondaryKey: 'ek-secondary-unused' } },
    body: {
      id,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      properties: { authMode, scoringUri, traffic: { blue: 100 }, provisioningState: 'Succeeded' },
    },
  });
}

beforeAll(async () => {
  emulator = await startEmulator();
  description = describeEmulator(emulator);
  model = await startScoringServer('correct', { key: primaryKey });
  seedEndpoint('rain-prod', 'Key', model.scoringUri);
});
afterAll(async () => Promise.all([model.close(), tokenModel?.close(), emulator.close()]));

const leaks = (texts: string[], secrets: string[]) =>
  secrets.filter((secret) => texts.some((t) => t.includes(secret)));
emulatorOnly('smoke-test by endpoint name', 'the endpoint is seeded in its store', () => {
  it('signs in with an Azure DevOps service principal connection and tests the endpoint', async () => {
    const run = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: {
        azureSubscription: description.azureDevOps.serviceConnectionId,
        resourceGroup: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        endpointName: 'rain-prod',
        casesFile,
        latencyRequests: '5',
      },
      extraEnv: { ...description.env, ...description.azureDevOps.env },
    });
    expect(run.issues.filter((i) => i.type === 'error')).toEqual([]);
    expect(run.result).toBe('Succeeded');
    expect(run.outputs).toMatchObject({ passed: 'true', casesPassed: '6' });
    const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8'));
    expect(evidence.details.target).toMatchObject({
      endpointName: 'rain-prod',
      uri: expect.stringMatching(/^https?:\/\/[^?]+\/score$/),
    });
    expect(
      emulator.received(
        'POST',
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}/onlineEndpoints/rain-prod/listKeys`,
      ).length,
    ).toBe(1);
    expect(
      leaks(
        [withoutSecretCarriers(run.stdout), run.stderr, ...run.summaries],
        [primaryKey, emulator.clientSecret],
      ),
    ).toEqual([]);
  });

  it('signs in with Azure DevOps workload identity federation', async () => {
    const ado = emulator.oidc.azureDevOps();
    const run = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: {
        azureSubscription: ado.serviceConnectionId,
        resourceGroup: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        endpointName: 'rain-prod',
        casesFile,
        latencyRequests: '0',
      },
      extraEnv: { ...description.env, ...ado.env },
    });
    expect(run.issues.filter((i) => i.type === 'error')).toEqual([]);
    expect(run.result).toBe('Succeeded');
    expect(
      leaks(
        [withoutSecretCarriers(run.stdout), run.stderr, ...run.summaries],
        [primaryKey, ado.systemAccessToken],
      ),
    ).toEqual([]);
  });

  it('signs in with GitHub creds, and with GitHub OIDC', async () => {
    const common = {
      'resource-group': emulator.resourceGroup,
      'workspace-name': emulator.workspaceName,
      'endpoint-name': 'rain-prod',
      'cases-file': casesFile,
      'latency-requests': '0',
    };
    const withCreds = await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: { ...common, creds: description.github.env.INPUT_CREDS! },
      extraEnv: description.env,
    });
    expect(withCreds.annotations).toEqual([]);
    expect(withCreds.exitCode).toBe(0);
    expect(
      leaks(
        [withoutSecretCarriers(withCreds.stdout), withCreds.stderr, withCreds.summary],
        [primaryKey, emulator.clientSecret],
      ),
    ).toEqual([]);

    const gh = emulator.oidc.github({ repository: 'contoso/weather-ml', ref: 'refs/heads/main' });
    const withOidc = await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: {
        ...common,
        'client-id': emulator.clientId,
        'tenant-id': emulator.tenantId,
        'subscription-id': emulator.subscriptionId,
      },
      extraEnv: { ...description.env, ...gh.env },
    });
    expect(withOidc.annotations).toEqual([]);
    expect(withOidc.exitCode).toBe(0);
  });

  it('uses an Azure ML token for an aml_token endpoint, and never prints it', async () => {
    tokenModel = await startScoringServer('correct');
    seedEndpoint('rain-token', 'AMLToken', tokenModel.scoringUri);
    const run = await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: {
        'resource-group': emulator.resourceGroup,
        'workspace-name': emulator.workspaceName,
        'endpoint-name': 'rain-token',
        'cases-file': casesFile,
        'latency-requests': '0',
        creds: description.github.env.INPUT_CREDS!,
      },
      extraEnv: description.env,
    });
    expect(run.annotations).toEqual([]);
    expect(run.exitCode).toBe(0);
    const issued = emulator.store.get(`${emulator.workspaceId}/onlineEndpoints/rain-token`)!.secrets[
      'tokens'
    ] as string[];
    expect(issued).toHaveLength(1);
    expect(leaks([withoutSecretCarriers(run.stdout), run.stderr, run.summary], issued)).toEqual([]);
  });

  it('fails with the fix named when the secret is wrong, without printing it', async () => {
    const wrong = 'wrong~secret~0123456789';
    const run = await runAsGitHubRunner({
      action: 'smoke-test',
      inputs: {
        'resource-group': emulator.resourceGroup,
        'workspace-name': emulator.workspaceName,
        'endpoint-name': 'rain-prod',
        'cases-file': casesFile,
        creds: JSON.stringify({
          clientId: emulator.clientId,
          clientSecret: wrong,
          tenantId: emulator.tenantId,
          subscriptionId: emulator.subscriptionId,
        }),
      },
      extraEnv: description.env,
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([expect.stringContaining('AADSTS7000215')]);
    expect(leaks([withoutSecretCarriers(run.stdout), run.stderr, run.summary], [wrong])).toEqual([]);
  });
});

const otherPaths = 'smoke-test by endpoint name: every other sign-in path, retries and refusals';
emulatorOnly(otherPaths, 'seeded endpoint, registered apps and identities, faults', () => {
  const adoInputs = (azureSubscription: string) => ({
    azureSubscription,
    resourceGroup: emulator.resourceGroup,
    workspaceName: emulator.workspaceName,
    endpointName: 'rain-prod',
    casesFile,
    latencyRequests: '0',
  });
  const githubInputs = {
    'resource-group': () => emulator.resourceGroup,
  };
  const endpointPath = () => `${emulator.workspaceId}/onlineEndpoints/rain-prod`;
  afterEach(() => emulator.faults.clear());

  it('signs in with an Azure DevOps service principal certificate, and never prints its private key', async () => {
    const certificate = createClientCertificate('weather-ml-deployer');
    const app = emulator.registerApp({
      tenantId: emulator.tenantId,
      clientId: randomUUID(),
      certificatePem: certificate.certPem,
    });
    emulator.rbac.grant(app.objectId);
    const connection = azureRmServiceConnection(emulator, 'ServicePrincipal', {
      authenticationType: 'spnCertificate',
      servicePrincipalId: app.clientId,
      servicePrincipalCertificate: certificate.pem,
      tenantId: emulator.tenantId,
    });
    const run = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: adoInputs(connection.id),
      extraEnv: { ...description.env, ...connection.env },
    });
    expect(run.issues.filter((i) => i.type === 'error')).toEqual([]);
    expect(run.result).toBe('Succeeded');
    const tokens = emulator.received('POST', `/${emulator.tenantId}/oauth2/v2.0/token`);
    const form = new URLSearchParams(String(tokens.at(-1)?.body));
    expect(form.get('client_id')).toBe(app.clientId);
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const keyLine = certificate.keyPem.split('\n')[1]!;
    expect(
      leaks([withoutSecretCarriers(run.stdout), run.stderr, ...run.summaries], [primaryKey, keyLine]),
    ).toEqual([]);
  });

  it("signs in with the agent's managed identity; an identity without a role fails naming the role assignment", async () => {
    const identity = emulator.managedIdentity.systemAssigned;
    emulator.rbac.grant(identity.objectId);
    const connection = azureRmServiceConnection(emulator, 'ManagedServiceIdentity', {
      tenantId: emulator.tenantId,
    });
    const env = { ...description.env, ...connection.env, ...emulator.managedIdentity.env };
    const run = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: adoInputs(connection.id),
      extraEnv: env,
    });
    expect(run.issues.filter((i) => i.type === 'error')).toEqual([]);
    expect(run.result).toBe('Succeeded');

    const userAssigned = emulator.managedIdentity.register();
    const roleless = azureRmServiceConnection(
      emulator,
      'ManagedServiceIdentity',
      { tenantId: emulator.tenantId },
      { msiClientId: userAssigned.clientId },
    );
    const before = emulator.received('GET', endpointPath()).length;
    const denied = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: adoInputs(roleless.id),
      extraEnv: { ...description.env, ...roleless.env, ...emulator.managedIdentity.env },
    });
    expect(denied.result).toBe('Failed');
    const errors = denied.issues.filter((i) => i.type === 'error').map((i) => i.message);
    expect(errors).toEqual([expect.stringContaining('AuthorizationFailed')]);
    expect(errors[0]).toContain(`az role assignment create --assignee ${userAssigned.objectId}`);
    // A permanent 403 is not retried.
    expect(emulator.received('GET', endpointPath()).length - before).toBe(1);
  });

  it('signs in with the Azure CLI session azure/login left; without one it says how to sign in', async () => {
    const session = azureCliSession(emulator);
    const signedOut = azureCliSession(emulator, { loggedIn: false });
    try {
      const inputs = {
        'resource-group': githubInputs['resource-group'](),
        'workspace-name': emulator.workspaceName,
        'endpoint-name': 'rain-prod',
        'cases-file': casesFile,
        'latency-requests': '0',
        'subscription-id': emulator.subscriptionId,
      };
      const run = await runAsGitHubRunner({
        action: 'smoke-test',
        inputs,
        extraEnv: { ...description.env, ...session.env },
      });
      expect(run.annotations).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(leaks([withoutSecretCarriers(run.stdout), run.stderr, run.summary], [primaryKey])).toEqual([]);

      const failed = await runAsGitHubRunner({
        action: 'smoke-test',
        inputs,
        extraEnv: { ...description.env, ...signedOut.env },
      });
      expect(failed.exitCode).toBe(1);
      expect(failed.annotations.map((a) => a.message)).toEqual([
        expect.stringMatching(/az login[\s\S]*azure\/login|azure\/login[\s\S]*az login|run azure\/login/),
      ]);
    } finally {
      session.dispose();
      signedOut.dispose();
    }
  });

  it('a federated credential whose subject does not match fails with AADSTS70021 and the subject the token carried', async () => {
    // The app trusts the connection's old name: the token's subject no longer matches.
    const unfederated = emulator.oidc.azureDevOps({
      connection: 'weather-ml-prod',
      federatedSubject: 'sc://contoso/weather-ml/weather-ml-old',
    });
    const env = unfederated.env;
    const run = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: adoInputs(unfederated.serviceConnectionId),
      extraEnv: { ...description.env, ...env },
    });
    expect(run.result).toBe('Failed');
    const [message] = run.issues.filter((i) => i.type === 'error').map((i) => i.message);
    expect(message).toContain('AADSTS70021');
    expect(message).toContain(unfederated.subject);
    expect(leaks([withoutSecretCarriers(run.stdout), run.stderr], [unfederated.systemAccessToken])).toEqual(
      [],
    );
  });

  it('rides out 429s, 503s and a dropped connection on the ARM routes it uses', async () => {
    const listKeys = `${endpointPath()}/listKeys`;
    const faults = [
      emulator.faults.add({
        method: 'GET',
        path: endpointPath(),
        times: 2,
        fault: { status: 429, retryAfterSeconds: 0 },
      }),
      emulator.faults.add({ method: 'GET', path: endpointPath(), fault: { reset: true } }),
      emulator.faults.add({ method: 'POST', path: listKeys, fault: { status: 503, retryAfterSeconds: 0 } }),
      emulator.faults.add({ method: 'POST', path: listKeys, fault: { status: 429, retryAfterSeconds: 1 } }),
    ];
    const run = await runAsAzurePipelinesAgent({
      task: 'AzureMLSmokeTestV1',
      inputs: adoInputs(description.azureDevOps.serviceConnectionId),
      extraEnv: { ...description.env, ...description.azureDevOps.env },
    });
    expect(run.issues.filter((i) => i.type === 'error')).toEqual([]);
    expect(run.result).toBe('Succeeded');
    expect(faults.map((f) => f.remaining)).toEqual([0, 0, 0, 0]);
  });
});

/**
 * The scenario that runs unchanged against Azure (AZUREML_STEPS_LIVE=1): the weather model registered from a local
 * folder, deployed to a managed online endpoint, smoke-tested by name from both hosts, and everything the run made
 * deleted. Names carry the run id; the last test proves nothing of the run is left.
 */
describeOnTargets(
  'register, deploy, smoke-test by endpoint name, clean up',
  async () => ({ target: emulatorTarget(emulator) }),
  (target, timeoutMs) => {
    const weather = join(repoRoot, 'examples/weather');
    let scratch: string;
    let deployedCases: string;
    let modelName: string;
    let endpointName: string;
    let modelId: string;
    const expectSucceeded = (run: HostRun) => {
      expect(run.errors).toEqual([]);
      expect(run.succeeded).toBe(true);
    };

    beforeAll(() => {
      scratch = scratchFolder('smoke-target-');
      execFileSync('python3', [
        join(weather, 'src/train.py'),
        '--data',
        join(weather, 'data'),
        '--model-dir',
        join(scratch, 'model'),
      ]);
      // A managed endpoint answers 424 when the model answers anything but 200 (see tests/bundle/deploy.test.ts).
      deployedCases = join(scratch, 'smoke-cases.yml');
      writeFileSync(
        deployedCases,
        readFileSync(join(weather, 'smoke-cases.yml'), 'utf8')
          .replace('status: [400, 422, 500]', 'status: [400, 422, 424, 500]')
          .replace(/: requests\//g, `: ${join(weather, 'requests')}/`),
      );
      modelName = target().uniqueName('rain-smoke');
      endpointName = target().uniqueName('rain-smoke');
    });

    it(
      'registers the weather model from a local folder as azure-pipelines',
      async () => {
        const run = await target().run('azure-pipelines', {
          task: 'AzureMLRegisterModelV1',
          action: 'register-model',
          inputs: { modelName, modelPath: join(scratch, 'model') },
        });
        if (run.outputs.modelVersion)
          target().track({ kind: 'modelVersion', name: modelName, version: run.outputs.modelVersion });
        expectSucceeded(run);
        expect(run.outputs).toMatchObject({ registered: 'true', modelName, modelVersion: '1' });
        modelId = run.outputs.modelId!;
      },
      timeoutMs,
    );

    it(
      'deploys it to a managed online endpoint as github',
      async () => {
        target().track({ kind: 'endpoint', name: endpointName });
        const run = await target().run('github', {
          task: 'AzureMLDeployV1',
          action: 'deploy',
          inputs: {
            endpointName,
            deploymentName: 'blue',
            modelId,
            codePath: join(weather, 'score'),
            scoringScript: 'score.py',
          },
        });
        expectSucceeded(run);
        expect(JSON.parse(run.outputs.traffic!)).toEqual({ blue: 100 });
      },
      timeoutMs,
    );

    it.each<Host>(['azure-pipelines', 'github'])(
      'smoke-tests the endpoint by name as %s',
      async (host) => {
        const run = await target().run(host, {
          task: 'AzureMLSmokeTestV1',
          action: 'smoke-test',
          inputs: { endpointName, casesFile: deployedCases, latencyRequests: '0' },
        });
        expectSucceeded(run);
        expect(run.outputs).toMatchObject({ passed: 'true', casesPassed: '6' });
      },
      timeoutMs,
    );

    it(
      'cleans up through the SDK: nothing the run created is left',
      async () => {
        expect(await target().leftovers()).toEqual([
          `online endpoint ${endpointName}`,
          `model version ${modelName}:1`,
        ]);
        const report = await target().cleanUp();
        expect(report.done).toEqual([
          `deleted online endpoint ${endpointName}`,
          expect.stringMatching(new RegExp(`^(deleted|archived) model version ${modelName}:1$`)),
        ]);
        expect(target().created).toEqual([]);
        expect(await target().leftovers()).toEqual([]);
      },
      timeoutMs,
    );
  },
);
