import { checkNotConstant, runCases } from '../../../shared/src/smoke/run-cases';
import { validateCases } from '../../../shared/src/smoke/cases-file';
import type { ScoringResult } from '../../../shared/src/smoke/http-client';
import { parseYaml } from '../../../shared/src/yaml/load-yaml';

const plan = validateCases(
  parseYaml(
    [
      'cases:',
      '  - name: wet',
      '    request: {input_data: {columns: [Humidity], index: [0], data: [[95]]}}',
      '    expect: {assertions: [{path: "$[0]", equals: 1}]}',
      '  - name: dry',
      '    request: {input_data: {columns: [Humidity], index: [0], data: [[20]]}}',
      '    expect: {assertions: [{path: "$[0]", equals: 0}]}',
      '  - name: garbage',
      '    rawBody: "{nope"',
      '    reject: true',
      'notConstant: [wet, dry]',
    ].join('\n'),
    'cases.yml',
  ),
  '/tmp',
);

const answer = (status: number, body: unknown): ScoringResult => ({
  kind: 'answer',
  status,
  headers: {},
  body: JSON.stringify(body),
  durationMs: 1,
});

describe('runCases', () => {
  it('probes a valid case after a rejected payload and accepts a server that still serves, whatever it predicts', async () => {
    // A constant model: wrong for "wet", yet alive after the garbage payload.
    const send = async (smokeCase: { name: string; reject: boolean }) =>
      smokeCase.reject ? answer(400, { error: 'bad json' }) : answer(200, [0]);
    const outcomes = await runCases(plan, send);
    expect(outcomes.map((o) => [o.name, o.passed])).toEqual([
      ['wet', false],
      ['dry', true],
      ['garbage', true],
    ]);
  });

  it('fails the rejected case when the endpoint stops serving after it', async () => {
    let dead = false;
    const send = async (smokeCase: { reject: boolean }): Promise<ScoringResult> => {
      if (dead)
        return {
          kind: 'failure',
          code: 'ECONNREFUSED',
          message: 'connection refused (ECONNREFUSED)',
          durationMs: 1,
        };
      if (smokeCase.reject) {
        dead = true;
        return answer(500, 'crash');
      }
      return answer(200, [1]);
    };
    const garbage = (await runCases(plan, send)).find((o) => o.name === 'garbage')!;
    expect(garbage.passed).toBe(false);
    expect(garbage.failures[0]).toMatchObject({
      headline:
        "endpoint did not answer a valid request after the rejected payload (recovery probe with case 'wet')",
      actual: 'connection refused (ECONNREFUSED)',
    });
  });
});

describe('checkNotConstant', () => {
  it('fails a constant model even when its answers also failed their assertions', async () => {
    const outcomes = await runCases(plan, async (c) => (c.reject ? answer(400, 'no') : answer(200, [0])));
    expect(checkNotConstant(plan.notConstant, outcomes)).toMatchObject({ result: 'failed' });
  });

  it('passes when the answers differ', async () => {
    const outcomes = await runCases(plan, async (c) =>
      c.reject ? answer(400, 'no') : answer(200, c.name === 'wet' ? [1] : [0]),
    );
    expect(checkNotConstant(plan.notConstant, outcomes)).toEqual({
      name: 'not constant (wet, dry)',
      result: 'passed',
    });
  });

  it('is not judged when a case got no JSON answer at all', async () => {
    const outcomes = await runCases(plan, async (c) =>
      c.name === 'wet' ? answer(500, 'oops') : answer(c.reject ? 400 : 200, [0]),
    );
    expect(checkNotConstant(plan.notConstant, outcomes)).toMatchObject({
      result: 'skipped',
      reason: "not judged: case 'wet' has no valid answer",
    });
  });
});
