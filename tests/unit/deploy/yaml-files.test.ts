import path from 'node:path';
import type { OnlineDeployConfig } from '../../../shared/src/steps/deploy/config';
import { loadDeploymentFile } from '../../../shared/src/steps/deploy/spec/deployment-file';
import { loadEndpointFile } from '../../../shared/src/steps/deploy/spec/endpoint-file';
import { base, parse, problems, workspace } from './helpers';

const endpointYaml = `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json
name: rain-prod
auth_mode: aml_token
description: Rain in four hours
tags:
  team: weather
traffic:
  blue: 100
`;

const deploymentYaml = `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
endpoint_name: rain-prod
model: azureml:rain:2
code_configuration:
  code: ../score
  scoring_script: score.py
environment:
  image: mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest
instance_type: Standard_DS2_v2
instance_count: 2
environment_variables:
  LOG_LEVEL: debug
request_settings:
  request_timeout_ms: 3000
  max_concurrent_requests_per_instance: 2
liveness_probe:
  initial_delay: 10
  period: 5
scale_settings:
  type: default
`;

describe('endpoint and deployment YAML', () => {
  it('reads both files, and explicit inputs override them', () => {
    const dir = workspace({
      'ml/endpoint.yml': endpointYaml,
      'ml/blue.yml': deploymentYaml,
      'score/score.py': 'def init(): pass\ndef run(raw): return []\n',
    });
    const fromFiles = parse(
      { ...base, endpointName: 'rain-prod', endpointFile: 'ml/endpoint.yml', deploymentFile: 'ml/blue.yml' },
      dir,
    ) as OnlineDeployConfig;
    expect(fromFiles.endpoint).toEqual({
      authMode: 'AMLToken',
      description: 'Rain in four hours',
      tags: { team: 'weather' },
      properties: {},
    });
    expect(fromFiles.deployment).toMatchObject({
      name: 'blue',
      model: { text: 'azureml:rain:2' },
      code: { kind: 'code', source: 'local', path: path.join(dir, 'score') },
      scoringScript: 'score.py',
      environment: {
        kind: 'environment',
        source: 'inline',
        image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
      },
      instanceType: 'Standard_DS2_v2',
      instanceCount: 2,
      environmentVariables: { LOG_LEVEL: 'debug' },
      requestSettings: { requestTimeoutMs: 3000, maxConcurrentRequestsPerInstance: 2 },
      livenessProbe: { initialDelay: 10, period: 5 },
      scaleSettings: { type: 'default' },
    });
    expect(fromFiles.warnings).toEqual([
      expect.stringMatching(/endpoint\.yml:7:1: 'traffic' is ignored: the step sets traffic itself/),
    ]);

    const overridden = parse(
      {
        ...base,
        endpointName: 'rain-prod',
        endpointFile: 'ml/endpoint.yml',
        deploymentFile: 'ml/blue.yml',
        authMode: 'key',
        deploymentName: 'green',
        modelId: 'azureml:rain:3',
        instanceType: 'Standard_F4s_v2',
        instanceCount: '3',
        environment: 'azureml:weather-env@latest',
      },
      dir,
    ) as OnlineDeployConfig;
    expect(overridden.endpoint.authMode).toBe('Key');
    expect(overridden.deployment).toMatchObject({
      name: 'green',
      model: { text: 'azureml:rain:3' },
      instanceType: 'Standard_F4s_v2',
      instanceCount: 3,
      environment: {
        kind: 'environment',
        source: 'workspace',
        asset: { name: 'weather-env', label: 'latest' },
      },
    });
  });

  it('reports every problem of a deployment YAML at its file:line:column', () => {
    const dir = workspace({
      'blue.yml': `name: blue
model:
  path: ./model
code_configuration:
  code: ./missing
  scoring_script: score.py
instance_count: 0
request_settings:
  request_timout_ms: 3000
scale_settings:
  type: automatic
egress_public_network_access: open
`,
    });
    expect(problems(path.join(dir, 'blue.yml'), loadDeploymentFile)).toEqual([
      {
        message: expect.stringMatching(/^'model\.path': '\.\/model' does not exist \(looked for /),
        line: 3,
        column: 9,
      },
      {
        message: expect.stringMatching(
          /^'code_configuration\.code': the code path '\.\/missing' does not exist/,
        ),
        line: 5,
        column: 9,
      },
      { message: "'instance_count' must be a whole number of at least 1, got 0", line: 7, column: 17 },
      {
        message:
          "Unknown key 'request_timout_ms' in the request settings (did you mean 'request_timeout_ms'?)",
        line: 9,
        column: 3,
      },
      {
        message: "'scale_settings.type' must be one of default, target_utilization; got 'automatic'",
        line: 11,
        column: 9,
      },
      {
        message: "'egress_public_network_access' must be one of enabled, disabled; got 'open'",
        line: 12,
        column: 31,
      },
    ]);
  });

  it('reports endpoint YAML problems and syntax errors with their position', () => {
    const dir = workspace({
      'endpoint.yml': 'name: rain-prod\nauth_mode: token\nidentity:\n  type: user_assigned\n',
      'broken.yml': 'name: rain-prod\nauth_mode: [key\n',
      'list.yml': '- name: rain-prod\n',
    });
    expect(problems(path.join(dir, 'endpoint.yml'), loadEndpointFile)).toEqual([
      { message: "'auth_mode' must be one of key, aml_token, aad_token; got 'token'", line: 2, column: 12 },
      { message: "'identity' of type user_assigned needs 'user_assigned_identities'", line: 4, column: 3 },
    ]);
    const [syntax] = problems(path.join(dir, 'broken.yml'), loadEndpointFile);
    expect(syntax?.message).toMatch(/broken\.yml is not valid YAML/);
    expect(syntax?.line).toBe(3);
    expect(problems(path.join(dir, 'list.yml'), loadEndpointFile)).toEqual([
      { message: 'The endpoint YAML must be a mapping (an online endpoint), got a list', line: 1, column: 1 },
    ]);
  });

  it('refuses a deployment YAML whose type contradicts the target', () => {
    const dir = workspace({ 'k8s.yml': 'name: green\ntype: kubernetes\nmodel: azureml:rain:3\n' });
    expect(() => parse({ ...base, endpointName: 'rain-prod', deploymentFile: 'k8s.yml' }, dir)).toThrow(
      /k8s\.yml:2:7: the deployment YAML is of type kubernetes but 'target' is managed: make them agree\./,
    );
  });
});
