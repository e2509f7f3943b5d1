import { InputErrors } from '../../../shared/src/step/errors';
import type { AciDeployConfig, OnlineDeployConfig } from '../../../shared/src/steps/deploy/config';
import { base, parse, parseError, workspace } from './helpers';

const score = { 'score/score.py': 'def init():\n    pass\n\ndef run(raw):\n    return []\n' };

describe('deploy inputs', () => {
  it('reads a managed deploy with its defaults', () => {
    const dir = workspace(score);
    const config = parse(
      {
        ...base,
        endpointName: 'rain-prod',
        deploymentName: 'blue',
        modelId: 'azureml:rain:3',
        codePath: 'score',
        scoringScript: 'score.py',
      },
      dir,
    ) as OnlineDeployConfig;
    expect(config).toMatchObject({
      action: 'deploy',
      target: 'managed',
      endpointName: 'rain-prod',
      timeoutMinutes: 30,
      rollbackOnFailure: true,
      timeoutGraceMinutes: 10,
      endpoint: { authMode: 'Key', tags: {}, properties: {} },
      deployment: {
        name: 'blue',
        model: { name: 'rain', version: '3', text: 'azureml:rain:3' },
        code: { kind: 'code', source: 'local', path: `${dir}/score` },
        scoringScript: 'score.py',
        instanceType: 'Standard_DS3_v2',
        instanceCount: 1,
      },
    });
    expect(config.trafficPercent).toBeUndefined();
    expect(config.kubernetes).toBeUndefined();
  });

  it('reads promote and reject, restoreTraffic as the previousTraffic output gives it or as name=percent', () => {
    const common = { ...base, endpointName: 'rain-prod', deploymentName: 'green' };
    expect(parse({ ...common, action: 'promote', keepPrevious: 'true' })).toMatchObject({
      action: 'promote',
      deploymentName: 'green',
      keepPrevious: true,
    });
    expect(parse({ ...common, action: 'reject' })).not.toHaveProperty('restoreTraffic');
    expect(parse({ ...common, action: 'reject', restoreTraffic: '{"blue":100,"green":0}' })).toMatchObject({
      action: 'reject',
      restoreTraffic: { blue: 100, green: 0 },
    });
    expect(parse({ ...common, action: 'reject', restoreTraffic: 'blue=70,red=30' })).toMatchObject({
      restoreTraffic: { blue: 70, red: 30 },
    });
    expect(parse({ ...common, action: 'reject', restoreTraffic: '{}' })).toMatchObject({
      restoreTraffic: {},
    });
  });

  it('reads set-traffic and delete-deployment', () => {
    expect(
      parse({ ...base, endpointName: 'rain-prod', action: 'set-traffic', traffic: 'blue=0,green=100' }),
    ).toMatchObject({
      action: 'set-traffic',
      traffic: { blue: 0, green: 100 },
    });
    expect(
      parse({ ...base, endpointName: 'rain-prod', action: 'delete-deployment', deploymentName: 'blue' }),
    ).toMatchObject({
      action: 'delete-deployment',
      deploymentName: 'blue',
    });
    expect(
      parse({ ...base, endpointName: 'rain-test', action: 'delete-deployment', target: 'aci' }),
    ).toMatchObject({
      action: 'delete-deployment',
      target: 'aci',
    });
  });

  it('reads an aci deploy', () => {
    const dir = workspace(score);
    const config = parse(
      {
        ...base,
        target: 'aci',
        endpointName: 'rain-test-17',
        modelId: 'azureml:rain:3',
        codePath: 'score',
        scoringScript: 'score.py',
        aciDnsLabel: 'rain-test-17',
      },
      dir,
    ) as AciDeployConfig;
    expect(config).toMatchObject({
      target: 'aci',
      codePath: `${dir}/score`,
      scoringScript: 'score.py',
      cpu: 1,
      memoryGb: 1.5,
      dnsLabel: 'rain-test-17',
    });
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'kubernetes without compute',
      { target: 'kubernetes', deploymentName: 'green', modelId: 'azureml:rain:3' },
      "Input 'compute' is required for target kubernetes",
    ],
    [
      'attachCluster without aksCluster',
      {
        target: 'kubernetes',
        compute: 'k8s',
        attachCluster: 'true',
        deploymentName: 'green',
        modelId: 'azureml:rain:3',
      },
      "Input 'aksCluster' is required with 'attachCluster'",
    ],
    [
      'an aksCluster that is not a cluster id',
      {
        target: 'kubernetes',
        compute: 'k8s',
        aksCluster: 'aks-prod',
        deploymentName: 'green',
        modelId: 'azureml:rain:3',
      },
      "Input 'aksCluster' must be the AKS cluster's resource id",
    ],
    [
      'mirror traffic on kubernetes',
      {
        target: 'kubernetes',
        compute: 'k8s',
        mirrorPercent: '10',
        trafficPercent: '0',
        deploymentName: 'green',
        modelId: 'azureml:rain:3',
      },
      'Azure ML does not mirror traffic on Kubernetes online endpoints',
    ],
    [
      'a trafficPercent over 100',
      { trafficPercent: '120', deploymentName: 'green', modelId: 'azureml:rain:3' },
      "Input 'trafficPercent' must be at most 100, got '120'.",
    ],
    [
      'a trafficPercent under 0',
      { trafficPercent: '-1', deploymentName: 'green', modelId: 'azureml:rain:3' },
      "Input 'trafficPercent' must be at least 0, got '-1'.",
    ],
    [
      'live and mirrored traffic at once',
      { trafficPercent: '10', mirrorPercent: '10', deploymentName: 'green', modelId: 'azureml:rain:3' },
      'a deployment cannot get live and mirrored traffic at once',
    ],
    [
      'a modelId that is not azureml:name:version',
      { deploymentName: 'green', modelId: 'rain:3' },
      "Input 'modelId' must be azureml:<name>:<version>, azureml:<name>@latest, or azureml://registries/",
    ],
    [
      'a modelId with another label than @latest',
      { deploymentName: 'green', modelId: 'azureml:rain@prod' },
      "got 'azureml:rain@prod'",
    ],
    ['no model', { deploymentName: 'green' }, "Input 'modelId' is required to deploy"],
    [
      'no deployment name',
      { modelId: 'azureml:rain:3' },
      "Input 'deploymentName' is required to deploy to an online endpoint",
    ],
    [
      'a bad deployment name',
      { deploymentName: 'b', modelId: 'azureml:rain:3' },
      "Input 'deploymentName' must be a deployment name",
    ],
    [
      'traffic with action deploy',
      { deploymentName: 'green', modelId: 'azureml:rain:3', traffic: 'green=100' },
      "Input 'traffic' is for action set-traffic",
    ],
    [
      'set-traffic without traffic',
      { action: 'set-traffic' },
      "Input 'traffic' is required for action set-traffic",
    ],
    [
      'traffic not summing to 100',
      { action: 'set-traffic', traffic: 'blue=10,green=10' },
      'the shares sum to 20, not 100',
    ],
    [
      'delete-deployment without a name',
      { action: 'delete-deployment' },
      "Input 'deploymentName' is required for action delete-deployment",
    ],
    [
      'compute on a managed endpoint',
      { compute: 'k8s', deploymentName: 'green', modelId: 'azureml:rain:3' },
      "Input 'compute' is for target kubernetes",
    ],
    [
      'a bad environment',
      { deploymentName: 'green', modelId: 'azureml:rain:3', environment: 'sklearn' },
      "Input 'environment' must be azureml:<name>:<version>",
    ],
    [
      'a scoring script without code',
      { deploymentName: 'green', modelId: 'azureml:rain:3', scoringScript: 'score.py' },
      "Input 'codePath' is required with 'scoringScript'",
    ],
    [
      'traffic on aci',
      { target: 'aci', action: 'set-traffic', traffic: 'a=100' },
      'an ACI container group has no traffic split',
    ],
    [
      'promote without a deployment',
      { action: 'promote' },
      "Input 'deploymentName' is required for action promote",
    ],
    [
      'promote on aci',
      { target: 'aci', action: 'promote', deploymentName: 'green' },
      'Action promote is for online endpoints',
    ],
    [
      'a restoreTraffic that is not JSON',
      { action: 'reject', deploymentName: 'green', restoreTraffic: '{"blue":100' },
      "Input 'restoreTraffic' is not valid JSON",
    ],
    [
      'a restoreTraffic not summing to 100',
      { action: 'reject', deploymentName: 'green', restoreTraffic: '{"blue":60,"red":30}' },
      'the shares sum to 90, not 100',
    ],
    [
      'a restoreTraffic share that is not a whole percent',
      { action: 'reject', deploymentName: 'green', restoreTraffic: '{"blue":"100"}' },
      `the share of 'blue' must be a whole number from 0 to 100, got "100"`,
    ],
    [
      'restoreTraffic with action promote',
      { action: 'promote', deploymentName: 'green', restoreTraffic: '{"blue":100}' },
      "Input 'restoreTraffic' is for action reject",
    ],
    [
      'keepPrevious with action reject',
      { action: 'reject', deploymentName: 'green', keepPrevious: 'true' },
      "Input 'keepPrevious' is for action promote",
    ],
  ])('refuses %s, naming the input', (_what, values, message) => {
    expect(
      parseError({ ...base, endpointName: values.target === 'aci' ? 'rain-test' : 'rain-prod', ...values }),
    ).toContain(message);
  });

  it('reports every input problem at once', () => {
    let error: unknown;
    try {
      parse({
        ...base,
        endpointName: 'rain-prod',
        target: 'kubernetes',
        modelId: 'rain',
        mirrorPercent: '5',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as InputErrors).errors.map((e) => e.input).sort()).toEqual([
      'compute',
      'deploymentName',
      'mirrorPercent',
      'modelId',
    ]);
  });

  it('checks the scoring script is in the code folder, and the ACI names', () => {
    const dir = workspace(score);
    expect(
      parseError(
        {
          ...base,
          endpointName: 'rain-prod',
          deploymentName: 'blue',
          modelId: 'azureml:rain:3',
          codePath: 'score',
          scoringScript: 'main.py',
        },
        dir,
      ),
    ).toContain("Input 'scoringScript': 'main.py' is not a file in the code folder");
    // A script beside the code folder exists, but only the folder is uploaded.
    const besideDir = workspace({ ...score, 'beside.py': 'def init():\n    pass\n' });
    expect(
      parseError(
        {
          ...base,
          endpointName: 'rain-prod',
          deploymentName: 'blue',
          modelId: 'azureml:rain:3',
          codePath: 'score',
          scoringScript: '../beside.py',
        },
        besideDir,
      ),
    ).toContain("Input 'scoringScript': '../beside.py' leads out of the code folder");
    expect(
      parseError(
        {
          ...base,
          target: 'aci',
          endpointName: 'Rain_Test',
          modelId: 'azureml:rain:3',
          codePath: 'score',
          scoringScript: 'score.py',
        },
        dir,
      ),
    ).toContain("Input 'endpointName' names the ACI container group");
    expect(
      parseError({ ...base, target: 'aci', endpointName: 'rain-test', modelId: 'azureml:rain:3' }, dir),
    ).toContain("Input 'codePath' is required for target aci");
  });
});
