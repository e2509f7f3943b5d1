import { commentBody, commentMarker, MAX_COMMENT_CHARS } from '../../../shared/src/release/pr-comment';
import { renderComment } from '../../../shared/src/steps/release-gate/comment';
import { pageSchema, type ReleasePage } from '../../../shared/src/steps/release-gate/page-model';

/** A page as buildPage makes it, with `n` metrics, failed rules and drifted features, each text `long` long. */
function page(n: number, long: number): ReleasePage {
  const text = (i: number) => `${i} ${'x'.repeat(long)}`;
  return {
    schema: pageSchema,
    generatedAt: '2026-12-07T10:00:00Z',
    verdict: {
      verdict: 'fail',
      rules: Array.from({ length: n }, (_, i) => ({ rule: `rule-${i}`, status: 'fail', reason: text(i) })),
    },
    model: {
      id: 'azureml:rain:3',
      name: 'rain',
      version: '3',
      studioUrl: 'https://ml.azure.com/model/rain:3',
    },
    lineage: { dataAssets: [] },
    metrics: Array.from({ length: n }, (_, i) => ({
      metric: `m${i}`,
      candidate: 0.5,
      production: 0.6,
      higherIsBetter: true,
      regression: 0.1,
      flagged: true,
    })),
    registerGate: { verdict: 'passed', reason: text(0) },
    smoke: {
      passed: true,
      target: text(0),
      testedAt: 'now',
      cases: [{ name: 'a', result: 'passed' }],
      latency: '1 ms',
    },
    drift: {
      status: 'fail',
      currentTimeRange: null,
      features: Array.from({ length: n }, (_, i) => ({
        name: text(i),
        status: 'fail',
        critical: false,
        words: '',
      })),
    },
    onApproval: null,
    evidence: [],
    policy: 'policy.yml',
  };
}

describe('renderComment', () => {
  it('says the verdict, the failed rules, the metrics with regressions marked, smoke and drift, and the artifact', () => {
    const body = renderComment(page(2, 3), 'release-evidence', {
      runUrl: 'https://dev.azure.com/c/p/_build/results?buildId=1',
      artifactsUrl: 'https://dev.azure.com/c/p/_build/results?buildId=1&view=artifacts',
    });
    expect(body.split('\n')).toEqual(
      expect.arrayContaining([
        '### ❌ Release gate: FAIL for [azureml:rain:3](https://ml.azure.com/model/rain:3)',
        '- **rule-1**: 1 xxx',
        '| m0 | 0.5 | 0.6 | higher | ⚠️ 0.1 |',
        '**Smoke test:** passed, 1 of 1 cases passed against 0 xxx; latency 1 ms.',
        '**Drift:** fail: 2 of 2 features moved: 0 xxx (fail), 1 xxx (fail).',
        "The full page: `release-evidence.html` in the `release-evidence` artifact ([the run's artifacts](https://dev.azure.com/c/p/_build/results?buildId=1&view=artifacts)). [This run](https://dev.azure.com/c/p/_build/results?buildId=1).",
      ]),
    );
  });

  it('stays within a comment by leaving out whole rows and lines, saying how many', () => {
    const body = renderComment(page(500, 5_000), 'release-evidence');
    expect(body.length).toBeLessThan(MAX_COMMENT_CHARS / 2);
    expect(body).toContain('…and 480 more failed rules (see the full page).');
    expect(body).toContain('…and 470 more metrics (see the full page).');
    expect(body).toContain(' and 490 more.');
    expect(body.endsWith('The full page: `release-evidence.html` in the `release-evidence` artifact.')).toBe(
      true,
    );
    // Its marker in front, it is sent whole.
    expect(commentBody(commentMarker('rain'), body)).toBe(`${commentMarker('rain')}\n${body}`);
  });
});
