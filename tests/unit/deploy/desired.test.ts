import type { DeploymentSettings } from '../../../shared/src/steps/deploy/config';
import {
  deploymentBody,
  describeDifferences,
  differences,
  endpointBody,
  keepEndpoint,
  SPEC_TAG,
} from '../../../shared/src/steps/deploy/desired';
import {
  aciGroupBody,
  groupBaseUrl,
  sameGroup,
  INFERENCE_IMAGE,
} from '../../../shared/src/steps/deploy/aci-group';
import { modelLocation, sasMinutes } from '../../../shared/src/steps/deploy/aci';

const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w';
const settings: DeploymentSettings = {
  name: 'blue',
  model: { kind: 'version', name: 'rain', version: '3', text: 'azureml:rain:3' },
  scoringScript: 'score.py',
  instanceType: 'Standard_DS3_v2',
  instanceCount: 2,
  environmentVariables: { LOG_LEVEL: 'info' },
  tags: { team: 'weather' },
  properties: {},
  requestSettings: { requestTimeoutMs: 1500, maxConcurrentRequestsPerInstance: 4 },
  livenessProbe: { initialDelay: 30, failureThreshold: 3 },
  scaleSettings: { type: 'target_utilization', minInstances: 1, maxInstances: 4, pollingInterval: 10 },
  resources: { requests: { cpu: '500m', memory: '1Gi' } },
};
const ids = {
  modelId: `${ws}/models/rain/versions/3`,
  codeId: `${ws}/codes/0a1b/versions/1`,
  environmentId: `${ws}/environments/CliV2AnonymousEnvironment/versions/9f`,
};

describe('the deployment body', () => {
  it('maps the YAML settings to the REST shape', () => {
    const body = deploymentBody(settings, 'kubernetes', 'westeurope', ids);
    expect(body).toEqual({
      location: 'westeurope',
      sku: { name: 'Default', capacity: 2 },
      tags: { team: 'weather', [SPEC_TAG]: expect.stringMatching(/^[0-9a-f]{16}$/) },
      properties: {
        endpointComputeType: 'Kubernetes',
        model: ids.modelId,
        codeConfiguration: { codeId: ids.codeId, scoringScript: 'score.py' },
        environmentId: ids.environmentId,
        instanceType: 'Standard_DS3_v2',
        environmentVariables: { LOG_LEVEL: 'info' },
        requestSettings: { requestTimeout: 'PT1.5S', maxConcurrentRequestsPerInstance: 4 },
        livenessProbe: { initialDelay: 'PT30S', failureThreshold: 3 },
        scaleSettings: {
          scaleType: 'TargetUtilization',
          minInstances: 1,
          maxInstances: 4,
          pollingInterval: 'PT10S',
        },
        containerResourceRequirements: { containerResourceRequests: { cpu: '500m', memory: '1Gi' } },
      },
    });
    expect(deploymentBody(settings, 'managed', 'westeurope', ids).properties).not.toHaveProperty(
      'containerResourceRequirements',
    );
  });

  it('finds nothing to change in what the service returns for it, and names what changed', () => {
    const body = deploymentBody(settings, 'managed', 'westeurope', ids);
    // What Azure ML returns: ids in other case, defaults filled in, read-only fields.
    const existing = JSON.parse(JSON.stringify(body).replace('/resourceGroups/', '/resourcegroups/'));
    existing.properties.provisioningState = 'Succeeded';
    existing.properties.readinessProbe = { period: 'PT10S' };
    existing.properties.requestSettings.maxQueueWait = 'PT0.5S';
    existing.properties.requestSettings.requestTimeout = 'PT1.500S';
    expect(differences({ properties: body.properties, sku: body.sku, tags: body.tags }, existing)).toEqual(
      [],
    );

    const next = deploymentBody(
      {
        ...settings,
        model: { kind: 'version', name: 'rain', version: '4', text: 'azureml:rain:4' },
        environmentVariables: {},
      },
      'managed',
      'westeurope',
      { ...ids, modelId: `${ws}/models/rain/versions/4` },
    );
    const found = differences({ properties: next.properties, sku: next.sku, tags: next.tags }, existing);
    expect(describeDifferences(found.filter((d) => d.path !== `tags.${SPEC_TAG}`))).toEqual([
      `properties.model: ${existing.properties.model} → ${ws}/models/rain/versions/4`,
    ]);
    // The removed environment variable is not compared field by field, but the spec hash tells it changed.
    expect(found.some((d) => d.path === `tags.${SPEC_TAG}`)).toBe(true);
  });

  it('compares environment variables as a whole', () => {
    expect(
      differences({ environmentVariables: { A: '1' } }, { environmentVariables: { A: '1', B: '2' } }),
    ).toHaveLength(1);
    expect(differences({ environmentVariables: { A: '1' } }, { environmentVariables: { A: '1' } })).toEqual(
      [],
    );
  });
});

describe('the endpoint body', () => {
  it('carries the settings, the compute, the traffic and the mirror', () => {
    expect(
      endpointBody(
        { authMode: 'Key', tags: {}, properties: {}, description: 'rain' },
        'westeurope',
        `${ws}/computes/k8s`,
        { blue: 100 },
        { green: 10 },
      ),
    ).toEqual({
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      properties: {
        authMode: 'Key',
        description: 'rain',
        compute: `${ws}/computes/k8s`,
        traffic: { blue: 100 },
        mirrorTraffic: { green: 10 },
      },
    });
  });

  it('keeps what it does not manage when only traffic changes', () => {
    const existing = {
      location: 'westeurope',
      tags: { owner: 'ops' },
      identity: {
        type: 'UserAssigned',
        userAssignedIdentities: { '/subscriptions/s/id': { principalId: 'p' } },
      },
      properties: {
        authMode: 'AMLToken',
        description: 'set in the portal',
        traffic: { blue: 100 },
        scoringUri: 'https://x/score',
        provisioningState: 'Succeeded',
      },
    };
    expect(keepEndpoint(existing, { blue: 0, green: 100 }, {})).toEqual({
      location: 'westeurope',
      tags: { owner: 'ops' },
      identity: { type: 'UserAssigned', userAssignedIdentities: { '/subscriptions/s/id': {} } },
      properties: {
        authMode: 'AMLToken',
        description: 'set in the portal',
        traffic: { blue: 0, green: 100 },
        mirrorTraffic: {},
      },
    });
  });
});

describe('the ACI container group', () => {
  const spec = {
    location: 'westeurope',
    modelId: 'azureml:rain:3',
    codeHash: 'ab'.repeat(32),
    scoringScript: 'score.py',
    modelFolder: 'rain',
    model: {
      url: 'https://acct.blob.core.windows.net/c?sv=1&sig=secret1',
      prefix: 'azureml/job/model_output/',
    },
    code: { url: 'https://acct.blob.core.windows.net/c?sv=1&sig=secret2', prefix: 'LocalUpload/abab/score' },
    environmentVariables: { LOG_LEVEL: 'info' },
    cpu: 1,
    memoryGb: 1.5,
  };

  it('runs the inference image with an init container that gets the SAS URLs as secure values', () => {
    const group = aciGroupBody(spec);
    expect(group.containers).toEqual([
      expect.objectContaining({
        name: 'inference',
        image: INFERENCE_IMAGE,
        resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
        ports: [{ port: 5001, protocol: 'TCP' }],
        environmentVariables: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'AZUREML_ENTRY_SCRIPT', value: 'score.py' },
          { name: 'AZUREML_MODEL_DIR', value: '/var/azureml-models/rain' },
          { name: 'AML_APP_ROOT', value: '/var/azureml-app' },
        ],
      }),
    ]);
    expect(group.initContainers?.[0]?.environmentVariables).toEqual([
      { name: 'AZUREML_MODEL_SAS_URL', secureValue: spec.model.url },
      { name: 'AZUREML_MODEL_PREFIX', value: spec.model.prefix },
      { name: 'AZUREML_SOURCE_SAS_URL', secureValue: spec.code.url },
      { name: 'AZUREML_SOURCE_PREFIX', value: spec.code.prefix },
      { name: 'MODEL_DEST', value: '/var/azureml-models/rain' },
      { name: 'SOURCE_DEST', value: '/var/azureml-app' },
    ]);
    expect(JSON.stringify(group.tags)).not.toContain('secret');
    expect(group.ipAddress).toEqual({ type: 'Public', ports: [{ port: 5001, protocol: 'TCP' }] });
  });

  it('is the same group when model, code and settings are, whatever the SAS', () => {
    const group = aciGroupBody(spec);
    const again = aciGroupBody({ ...spec, model: { ...spec.model, url: 'https://other?sig=new' } });
    expect(sameGroup(again, group)).toBe(true);
    expect(sameGroup(aciGroupBody({ ...spec, modelId: 'azureml:rain:4' }), group)).toBe(false);
    expect(sameGroup(aciGroupBody({ ...spec, cpu: 2 }), group)).toBe(false);
    expect(sameGroup(group, undefined)).toBe(false);
  });

  it('answers on the IP, or the FQDN when a DNS label was asked for', () => {
    expect(
      groupBaseUrl({
        containers: [],
        osType: 'Linux',
        ipAddress: { type: 'Public', ip: '20.1.2.3', ports: [{ port: 5001 }] },
      }),
    ).toBe('http://20.1.2.3:5001');
    expect(
      groupBaseUrl({
        containers: [],
        osType: 'Linux',
        ipAddress: {
          type: 'Public',
          ip: '20.1.2.3',
          dnsNameLabel: 'rain',
          fqdn: 'rain.westeurope.azurecontainer.io',
          ports: [{ port: 5001 }],
        },
      }),
    ).toBe('http://rain.westeurope.azurecontainer.io:5001');
  });

  it('finds the model in a datastore from its modelUri', () => {
    expect(
      modelLocation('azureml://datastores/workspaceblobstore/paths/azureml/job-1/model_output/'),
    ).toEqual({
      datastore: 'workspaceblobstore',
      path: 'azureml/job-1/model_output/',
    });
    expect(
      modelLocation(
        'azureml://subscriptions/s/resourcegroups/rg/workspaces/w/datastores/workspaceblobstore/paths/models/rain.json',
      ),
    ).toEqual({ datastore: 'workspaceblobstore', path: 'models/rain.json' });
    expect(
      modelLocation(
        'https://acct.blob.core.windows.net/azureml-blobstore-1/models/rain',
        'https://acct.blob.core.windows.net/azureml-blobstore-1',
      ),
    ).toEqual({
      path: 'models/rain',
    });
    expect(modelLocation('azureml://registries/azureml/models/x/versions/1')).toBeUndefined();
    expect(sasMinutes(30)).toBe(60);
    expect(sasMinutes(90)).toBe(180);
    expect(sasMinutes(600)).toBe(720);
  });
});
