import path from 'node:path';
import { loadDeploymentFile } from '../../../shared/src/steps/deploy/spec/deployment-file';
import { loadEndpointFile } from '../../../shared/src/steps/deploy/spec/endpoint-file';
import { base, parse, parseError, problems, workspace } from './helpers';

const endpointYaml = [
  'name: rain',
  'auth_mode: aml_token',
  'traffic:',
  '  blue: 90',
  "  green: '10'",
  'mirror_traffic: { red: 5 }',
  'identity:',
  '  type: user_assigned',
  '  tenant_id: t',
  '  user_assigned_identities:',
  '    - { resource_id: /id/one, client_id: c }',
].join('\n');

describe('action endpoint: the online endpoint alone from the endpoint YAML', () => {
  it('takes the name, auth mode, identity and traffic from the file (read-only identity keys are warnings)', () => {
    const dir = workspace({ 'endpoint.yml': endpointYaml });
    const config = parse({ ...base, action: 'endpoint', endpointFile: 'endpoint.yml' }, dir);
    expect(config).toMatchObject({
      action: 'endpoint',
      endpointName: 'rain',
      endpoint: {
        authMode: 'AMLToken',
        identity: { type: 'UserAssigned', userAssignedIdentities: ['/id/one'] },
      },
      traffic: { shares: { blue: 90, green: 10 } },
      mirrorTraffic: { shares: { red: 5 } },
    });
    if (config.action !== 'endpoint') throw new Error('expected action endpoint');
    const file = path.join(dir, 'endpoint.yml');
    expect(config.traffic!.source).toBe(`'traffic' at ${file}:4:3`);
    expect(config.warnings).toEqual([
      `${file}:9:3: 'tenant_id' is ignored: Azure sets it`,
      `${file}:11:31: 'client_id' is ignored: Azure sets it`,
    ]);
  });

  it('the traffic input wins over the file', () => {
    const dir = workspace({ 'endpoint.yml': endpointYaml });
    const config = parse(
      { ...base, action: 'endpoint', endpointFile: 'endpoint.yml', traffic: 'blue=100' },
      dir,
    );
    expect(config).toMatchObject({ traffic: { shares: { blue: 100 }, source: "input 'traffic'" } });
  });

  it('refuses what is not the endpoint, aci, and bad shares at file:line:column', () => {
    const dir = workspace({
      'endpoint.yml': 'name: rain\ntraffic: { blue: 120 }\n',
      'k8s.yml': 'name: rain\ncompute: azureml:aks\nmirror_traffic: { blue: 10 }\n',
    });
    expect(
      parseError({ ...base, action: 'endpoint', endpointName: 'rain', deploymentName: 'blue' }, dir),
    ).toContain("Input 'deploymentName' is for actions deploy and delete-deployment");
    expect(parseError({ ...base, action: 'endpoint', endpointName: 'rain', target: 'aci' }, dir)).toContain(
      'Action endpoint is for online endpoints',
    );
    expect(parseError({ ...base, action: 'endpoint' }, dir)).toContain("Input 'endpointName' is required");
    expect(
      problems(path.join(dir, 'endpoint.yml'), (file) => loadEndpointFile(file, { traffic: 'read' })),
    ).toEqual([
      { message: "'traffic.blue' must be a whole percentage from 0 to 100, got 120", line: 2, column: 18 },
    ]);
    expect(
      parseError({ ...base, action: 'endpoint', target: 'kubernetes', endpointFile: 'k8s.yml' }, dir),
    ).toContain('does not mirror traffic on Kubernetes online endpoints');
  });

  it('action deploy still ignores the endpoint file traffic, with a warning', () => {
    const dir = workspace({ 'endpoint.yml': endpointYaml });
    const spec = loadEndpointFile(path.join(dir, 'endpoint.yml'));
    expect(spec.traffic).toBeUndefined();
    expect(spec.warnings[0]).toContain("'traffic' is ignored: the step sets traffic itself");
  });
});

describe('Kubernetes deployment resources: gpu, as the CLI takes it', () => {
  const deployment = (gpu: string) =>
    [
      'name: blue',
      'type: kubernetes',
      'model: azureml:rain:1',
      'resources:',
      '  requests: { cpu: "0.5", memory: 1Gi, ' + gpu + ' }',
    ].join('\n');

  it.each(['gpu: 1', 'nvidia.com/gpu: 1'])('reads %s', (gpu) => {
    const dir = workspace({ 'blue.yml': deployment(gpu) });
    expect(loadDeploymentFile(path.join(dir, 'blue.yml')).resources).toEqual({
      requests: { cpu: '0.5', memory: '1Gi', gpu: '1' },
    });
  });

  it('refuses both names at once', () => {
    const dir = workspace({ 'blue.yml': deployment('gpu: 1, nvidia.com/gpu: 1') });
    expect(problems(path.join(dir, 'blue.yml'), loadDeploymentFile)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("'gpu' and 'nvidia.com/gpu' are the same setting"),
      }),
    ]);
  });
});
