import path from 'node:path';
import { DataError, InputError, InputErrors } from '../../../shared/src/step/errors';
import { readInputs } from '../../../shared/src/step/inputs';
import { smokeTestManifest } from '../../../shared/src/steps/smoke-test/manifest';
import { smokeTestStep } from '../../../shared/src/steps/smoke-test/step';
import { FIXTURES, WEATHER, parseConfig, tempFiles } from './helpers';

const uri = 'http://127.0.0.1:5001/score';

function failure(values: Record<string, string | undefined>, workspaceDir = WEATHER): Error {
  try {
    parseConfig(values, workspaceDir);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parse to throw');
}

describe('smoke-test config', () => {
  it('reads the inputs with their defaults and resolves files against the workspace', () => {
    const config = parseConfig({
      scoringUri: uri,
      casesFile: 'smoke-cases.yml',
      junitFile: 'out/smoke.xml',
      authKey: 'the-key',
    });
    expect(config).toMatchObject({
      scoringUri: uri,
      authKey: 'the-key',
      readyTimeoutMs: 300_000,
      requestTimeoutMs: 60_000,
      latencyRequests: 20,
      concurrency: 1,
      junitFile: path.join(WEATHER, 'out/smoke.xml'),
      inputNames: { maxP95Ms: 'max-p95-ms', latencyRequests: 'latency-requests' },
    });
    expect(config.maxP95Ms).toBeUndefined();
    expect(config.deploymentName).toBeUndefined();
    expect(config.plan.source).toBe(path.join(WEATHER, 'smoke-cases.yml'));
    expect(config.plan.cases).toHaveLength(6);
  });

  it('takes the numbers given', () => {
    const config = parseConfig({
      scoringUri: uri,
      requestFile: 'requests/two-rows.json',
      readyTimeoutSeconds: '5',
      requestTimeoutSeconds: '2',
      latencyRequests: '0',
      concurrency: '8',
      maxP95Ms: '250.5',
      deploymentName: 'green',
    });
    expect(config).toMatchObject({
      readyTimeoutMs: 5000,
      requestTimeoutMs: 2000,
      latencyRequests: 0,
      concurrency: 8,
      maxP95Ms: 250.5,
      deploymentName: 'green',
    });
    expect(config.plan.cases.map((c) => c.name)).toEqual(['two-rows']);
  });

  it('needs a cases file or a request file, and names both', () => {
    const error = failure({ scoringUri: uri });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "Give either 'cases-file' (cases with expectations) or 'request-file' (one JSON request).",
    );
  });

  it('refuses both at once', () => {
    expect(
      failure({ scoringUri: uri, casesFile: 'smoke-cases.yml', requestFile: 'requests/two-rows.json' })
        .message,
    ).toMatch(/^Give 'cases-file' or 'request-file', not both/);
  });

  it('treats the workspace directory itself as "not given" (an empty filePath input on Azure Pipelines)', () => {
    const config = parseConfig({ scoringUri: uri, casesFile: '.', requestFile: 'requests/two-rows.json' });
    expect(config.plan.cases).toHaveLength(1);
  });

  it.each([
    [
      { scoringUri: 'not a url', requestFile: 'requests/two-rows.json' },
      'scoringUri',
      "Input 'scoring-uri' must be an http or https URL, got 'not a url'.",
    ],
    [
      { scoringUri: 'ftp://host/score', requestFile: 'requests/two-rows.json' },
      'scoringUri',
      "Input 'scoring-uri' must be an http or https URL, got 'ftp://host/score'.",
    ],
    [
      { scoringUri: 'https://user:pw@host/score', requestFile: 'requests/two-rows.json' },
      'scoringUri',
      "Input 'scoring-uri' must not carry credentials: pass the key in 'auth-key'.",
    ],
    [
      { scoringUri: uri, casesFile: 'nope.yml' },
      'casesFile',
      `Input 'cases-file': file 'nope.yml' not found (looked in ${WEATHER}).`,
    ],
    [
      { scoringUri: uri, requestFile: 'requests' },
      'requestFile',
      "Input 'request-file' is a directory, not a file: 'requests'.",
    ],
    [
      { scoringUri: uri, requestFile: 'requests/two-rows.json', junitFile: 'requests' },
      'junitFile',
      "Input 'junit-file' is a directory: give a file path such as smoke-test.xml.",
    ],
  ])('refuses %j', (values, input, message) => {
    const error = failure(values);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect(error.message).toBe(message);
  });

  it('reports several input problems together', () => {
    const error = failure({ scoringUri: 'nope', casesFile: 'missing.yml' });
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as InputErrors).errors.map((e) => e.input)).toEqual(['scoringUri', 'casesFile']);
  });

  it('passes on located problems of the cases file', () => {
    const dir = tempFiles({
      'cases.yml': 'cases:\n  - name: a\n    request: {}\n    expect: {status: 700}\n',
    });
    const error = failure({ scoringUri: uri, casesFile: 'cases.yml' }, dir);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location).toEqual({ file: path.join(dir, 'cases.yml'), line: 4, column: 22 });
  });

  it('uses the Azure DevOps input names there', () => {
    const { inputs } = readInputs(
      smokeTestManifest,
      { get: (name) => (name === 'scoringUri' ? uri : undefined) },
      'azure-pipelines',
    );
    expect(() => smokeTestStep.parse(inputs, { workspaceDir: FIXTURES })).toThrow(
      "Give either 'casesFile' (cases with expectations) or 'requestFile' (one JSON request).",
    );
  });
});
