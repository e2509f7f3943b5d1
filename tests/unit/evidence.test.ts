import { readFileSync } from 'node:fs';
import { evidenceSchema, writeEvidence, type EvidenceRecord } from '../../shared/src/evidence/evidence-file';
import { composeStepSummary, maxSummaryBytes } from '../../shared/src/evidence/step-summary';
import { scratchFolder } from '../harness/scratch-folders';

const record: EvidenceRecord = {
  schema: evidenceSchema,
  step: 'smoke-test',
  task: 'AzureMLSmokeTest@1',
  version: '1.0.0',
  host: 'github',
  startedAt: '2026-11-22T00:10:00.123Z',
  finishedAt: '2026-11-22T00:10:01.000Z',
  durationMs: 877,
  result: 'succeeded',
  run: { commit: 'abc' },
  inputs: { authKey: '***' },
  details: { note: 'token sk-123 seen' },
};

describe('writeEvidence', () => {
  it('never overwrites an earlier record of the same step started in the same millisecond', () => {
    const dir = scratchFolder('evidence-');
    const first = writeEvidence(dir, record, (t) => t);
    const second = writeEvidence(dir, record, (t) => t);
    expect(second).not.toBe(first);
    expect(first).toMatch(/azureml-evidence\/smoke-test-20261122T001000123Z-\d+\.json$/);
    expect(JSON.parse(readFileSync(second, 'utf8'))).toEqual(record);
  });

  it('redacts the whole record before writing it', () => {
    const path = writeEvidence(scratchFolder('evidence-'), record, (t) => t.split('sk-123').join('***'));
    expect(readFileSync(path, 'utf8')).toContain('"note": "token *** seen"');
  });
});

describe('composeStepSummary', () => {
  it('heads the section with the step and its result, and quotes the reason of a failure', () => {
    expect(
      composeStepSummary('Azure ML smoke test', 'failed', ['table'], "case 'x' failed\nsecond line"),
    ).toBe("## Azure ML smoke test: ❌ failed\n\n> case 'x' failed\n> second line\n\ntable\n");
  });

  it('stays under the GitHub limit, cutting on a character boundary with a note', () => {
    const huge = composeStepSummary('S', 'succeeded', ['é'.repeat(maxSummaryBytes)]);
    expect(Buffer.byteLength(huge)).toBeLessThanOrEqual(maxSummaryBytes);
    expect(huge).toMatch(/é\n\n_\(summary truncated: see the evidence JSON for the full record\)_\n$/);
  });
});
