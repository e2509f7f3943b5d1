import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEnvironment, StepResult } from '../platform/ports';
import { redactDeep } from '../step/redactor';

export const evidenceSchema = 'azureml-pipeline-steps/evidence/v1';

/** The machine-readable record of one step run, for the approver and for audit. */
export interface EvidenceRecord {
  readonly schema: typeof evidenceSchema;
  readonly step: string;
  readonly task: string;
  readonly version: string;
  readonly host: RunEnvironment['host'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly result: StepResult;
  readonly message?: string;
  readonly run: {
    readonly runUrl?: string;
    readonly commit?: string;
    readonly repository?: string;
    readonly branch?: string;
    readonly triggeredBy?: string;
  };
  readonly inputs: Record<string, string | number | boolean>;
  readonly details: Record<string, unknown>;
}

/**
 * Writes the record as pretty JSON under `<dir>/azureml-evidence/` and returns its path. Every string is redacted
 * before JSON escapes it (a secret holding `"` or `\` would no longer match), and the text once more after.
 */
export function writeEvidence(dir: string, record: EvidenceRecord, redact: (text: string) => string): string {
  const folder = join(dir, 'azureml-evidence');
  mkdirSync(folder, { recursive: true });
  const stamp = record.startedAt.replace(/[-:]/g, '').replace('.', '');
  // The same step can run twice in one job (test and production deployments); never overwrite a record.
  for (let attempt = 1; ; attempt++) {
    const path = join(
      folder,
      `${record.step}-${stamp}-${process.pid}${attempt > 1 ? `-${attempt}` : ''}.json`,
    );
    try {
      writeFileSync(path, redact(JSON.stringify(redactDeep(record, redact), null, 2)) + '\n', { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
