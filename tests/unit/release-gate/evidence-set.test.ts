import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvidence } from '../../../shared/src/steps/release-gate/evidence-set';
import { loadPolicy } from '../../../shared/src/steps/release-gate/policy';
import { scratchFolder } from '../../harness/scratch-folders';

const input = { name: 'evidence', shown: 'evidence' };
const record = (step: string, finishedAt: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: 'azureml-pipeline-steps/evidence/v1',
    step,
    result: 'succeeded',
    startedAt: finishedAt,
    finishedAt,
    run: {},
    inputs: {},
    details: {},
    ...extra,
  });

describe('readEvidence', () => {
  const root = scratchFolder('gate-evidence-');
  mkdirSync(join(root, 'a/b'), { recursive: true });
  writeFileSync(join(root, 'a/smoke-1.json'), record('smoke-test', '2026-12-01T10:00:00Z'));
  writeFileSync(join(root, 'a/b/smoke-2.json'), record('smoke-test', '2026-12-01T11:00:00Z'));
  writeFileSync(join(root, 'a/b/drift-report.json'), '{"features": []}');
  writeFileSync(join(root, 'a/b/notes.json'), 'not json');

  it('finds the records in nested folders, passes over other JSON, and keeps the latest per step', () => {
    const set = readEvidence([root], input);
    expect(set.records.map((r) => r.step)).toEqual(['smoke-test', 'smoke-test']);
    expect(set.latest['smoke-test']?.file).toBe(join(root, 'a/b/smoke-2.json'));
  });

  it('refuses a file named directly that is not evidence, naming it', () => {
    const file = join(root, 'a/b/drift-report.json');
    expect(() => readEvidence([file], input)).toThrow(`${file} is not step evidence`);
  });

  it('refuses an incomplete record, and one of a step the gate does not read, naming the file', () => {
    const bad = scratchFolder('gate-evidence-bad-');
    writeFileSync(join(bad, 'x.json'), record('deploy', '2026-12-01T10:00:00Z', { details: 'oops' }));
    expect(() => readEvidence([bad], input)).toThrow(`${join(bad, 'x.json')}: deploy evidence is incomplete`);
    writeFileSync(join(bad, 'x.json'), record('score', '2026-12-01T10:00:00Z'));
    expect(() => readEvidence([bad], input)).toThrow(
      'evidence of step "score", which the release gate does not read',
    );
  });
});

describe('loadPolicy', () => {
  it('reports every problem at its file:line:column', () => {
    const file = join(scratchFolder('gate-policy-'), 'policy.yml');
    writeFileSync(
      file,
      'driftNotFailedOn: some\nmaxMetricRegression:\n  f1: -1\n  recall: { max: 2%, better: up }\nrequireEvidence: [smoke]\n',
    );
    let message = '';
    try {
      loadPolicy(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/policy\.yml:1:19: 'driftNotFailedOn' must be one of critical, all, none/),
      expect.stringMatching(/policy\.yml:3:7: 'maxMetricRegression\.f1' must be a regression allowed/),
      expect.stringMatching(
        /policy\.yml:4:30: 'maxMetricRegression\.recall\.better' must be one of higher, lower/,
      ),
      expect.stringMatching(/policy\.yml:5:19: 'requireEvidence\[0\]' must be one of train, register-model/),
    ]);
  });

  it('reads limits absolute and relative, with the defaults for the rest', () => {
    const file = join(scratchFolder('gate-policy-'), 'policy.yml');
    writeFileSync(
      file,
      'maxMetricRegression:\n  f1: 0.01\n  recall: 2.5%\n  rmse: { max: 0.5, better: lower }\n',
    );
    expect(loadPolicy(file)).toMatchObject({
      registerGatePassed: true,
      driftNotFailedOn: 'critical',
      requireEvidence: ['register-model', 'smoke-test'],
      maxMetricRegression: [
        { metric: 'f1', max: 0.01, relative: false },
        { metric: 'recall', max: 0.025, relative: true },
        { metric: 'rmse', max: 0.5, relative: false, higherIsBetter: false },
      ],
    });
  });
});
