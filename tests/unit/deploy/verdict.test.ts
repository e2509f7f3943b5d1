import { describeVerdict, releaseVerdict } from '../../../shared/src/azureml/release-verdict';
import type { AciDeployConfig, OnlineDeployConfig } from '../../../shared/src/steps/deploy/config';
import { evaluateSuccessCriteria } from '../../harness/ado-success-criteria';
import { base, parse, parseError, workspace } from './helpers';

const score = { 'score/score.py': 'def init():\n    pass\n\ndef run(raw):\n    return []\n' };
const online = {
  ...base,
  endpointName: 'rain-prod',
  deploymentName: 'blue',
  codePath: 'score',
  scoringScript: 'score.py',
};

describe('the release verdict tags', () => {
  it.each([
    [{ 'release.verdict': 'pass', 'release.evidence': 'sha256:ab' }, true, "'release.verdict' = 'pass'"],
    [{ 'release.verdict': 'fail' }, false, "'release.verdict' = 'fail'"],
    [{ 'release.verdict': 'PASS' }, false, "'release.verdict' = 'PASS'"],
    [{ 'release.verdict': '' }, false, "'release.verdict' = ''"],
    [{ 'release.verdict': null }, false, "no 'release.verdict' tag"],
    [{ other: 'pass' }, false, "no 'release.verdict' tag"],
    [undefined, false, "no 'release.verdict' tag"],
  ])('%j: passed %s, described as %s', (tags, passed, described) => {
    const found = releaseVerdict(tags);
    expect(found.passed).toBe(passed);
    expect(describeVerdict(found)).toBe(described);
  });

  it('reads the evidence digest and link', () => {
    expect(
      releaseVerdict({
        'release.verdict': 'pass',
        'release.evidence': 'sha256:ab',
        'release.evidenceLink': 'https://x',
      }),
    ).toEqual({ verdict: 'pass', evidence: 'sha256:ab', evidenceLink: 'https://x', passed: true });
  });
});

describe('deploy input requireVerdict', () => {
  it('is off by default and read for both targets', () => {
    const dir = workspace(score);
    expect((parse({ ...online, modelId: 'azureml:rain:3' }, dir) as OnlineDeployConfig).requireVerdict).toBe(
      false,
    );
    const on = parse({ ...online, modelId: 'azureml:rain@latest', requireVerdict: 'true' }, dir);
    expect((on as OnlineDeployConfig).requireVerdict).toBe(true);
    const aci = parse(
      { ...online, target: 'aci', deploymentName: '', modelId: 'azureml:rain:3', requireVerdict: 'true' },
      dir,
    ) as AciDeployConfig;
    expect(aci.requireVerdict).toBe(true);
  });

  it('refuses a registry model: the verdict is on a workspace version', () => {
    const dir = workspace(score);
    const message = parseError(
      { ...online, modelId: 'azureml://registries/shared/models/rain/versions/4', requireVerdict: 'true' },
      dir,
    );
    expect(message).toContain(
      "Input 'requireVerdict' is on, and the model is a registry model (azureml://registries/shared/models/rain/versions/4): the release verdict is recorded on a workspace model version",
    );
    // Off, the same model is taken.
    expect(() =>
      parse({ ...online, modelId: 'azureml://registries/shared/models/rain/versions/4' }, dir),
    ).not.toThrow();
  });

  it('refuses an inline model of the deployment YAML: this run would register it, unjudged', () => {
    const dir = workspace({
      ...score,
      'model/model.json': '{}\n',
      'blue.yml': 'name: blue\nendpoint_name: rain-prod\nmodel:\n  name: rain\n  path: ./model\n',
    });
    const values = { ...online, deploymentName: '', endpointName: '', deploymentFile: 'blue.yml' };
    expect(parseError({ ...values, requireVerdict: 'true' }, dir)).toMatch(
      /Input 'requireVerdict' is on, and the deployment YAML's model is an inline model rain .*: the step would register a new version, which no release verdict covers\. Register it first \(register-model\), judge it \(release-gate\)/,
    );
    expect(() => parse(values, dir)).not.toThrow();
  });

  it('is refused for the actions that deploy no model', () => {
    expect(
      parseError({
        ...base,
        endpointName: 'rain-prod',
        action: 'set-traffic',
        traffic: 'blue=100',
        requireVerdict: 'true',
      }),
    ).toContain("Input 'requireVerdict'");
  });
});

describe('the success criterion evaluator of the Azure DevOps check (test harness)', () => {
  const root = { value: [{ properties: { tags: { 'release.verdict': 'pass', "it's": 'x' } } }] };
  it.each([
    ["eq(root['value'][0]['properties']['tags']['release.verdict'], 'pass')", true],
    ["eq(root['value'][0]['properties']['tags']['release.verdict'], 'PASS')", true],
    ["eq(root['value'][0]['properties']['tags']['release.verdict'], 'fail')", false],
    ["eq(root['value'][1]['properties']['tags']['release.verdict'], 'pass')", false],
    ["eq(root['missing']['deeper'], null)", true],
    ["and(eq(root['value'][0]['properties']['tags']['it''s'], 'x'), ne(1, 2))", true],
    ['or(eq(1, 2), not(true))', false],
    ['or(eq(1, 2), not(false))', true],
  ])('%s is %s', (expression, expected) => {
    expect(evaluateSuccessCriteria(expression, root)).toBe(expected);
  });

  it('refuses what it does not know', () => {
    expect(() => evaluateSuccessCriteria("contains(root['a'], 'b')", root)).toThrow(
      "unknown function 'contains'",
    );
    expect(() => evaluateSuccessCriteria("eq(root['a'], 'b'", root)).toThrow("expected ')'");
  });
});
