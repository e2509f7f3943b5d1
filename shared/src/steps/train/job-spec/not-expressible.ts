/**
 * Job types of the Azure ML CLI v2 that no stable api-version of the Machine Learning REST API expresses: the train
 * step sends every job at a stable version (2025-12-01), so it refuses these with what to do instead.
 */
import { describe } from '../../../yaml/problems';

/** The CLI's type and the (preview) api-version it needs. */
const PREVIEW_ONLY: Readonly<Record<string, string>> = {
  // azure-ai-ml sends it as a private-preview command job (entities/_job/import_job.py, v2022_02_01_preview).
  import: '2022-02-01-preview (private preview)',
  // Only preview versions have the DataTransfer node and component types.
  data_transfer: 'a preview api-version (DataTransfer is in no stable one)',
  // JobType of stable 2025-12-01 (mfe.json): AutoML, Command, Sweep, Pipeline, Spark; no FineTuningJob or
  // DistillationJob definition (the folder's examples of them describe no model). Preview versions have them.
  finetuning: '2024-01-01-preview or later, a preview api-version (FineTuning is in no stable JobType)',
  distillation: '2025-01-01-preview or later, a preview api-version (Distillation is in no stable JobType)',
};

/** The refusal for a job or step type no stable api-version expresses; undefined for any other value. */
export function notExpressible(written: unknown, what: 'Job' | 'Step' = 'Job'): string | undefined {
  const type = typeof written === 'string' ? written.toLowerCase() : undefined;
  const found = type !== undefined ? PREVIEW_ONLY[type] : undefined;
  if (!found) return undefined;
  return (
    `${what} type ${describe(written)} cannot be sent by the train step: no stable Azure ML api-version ` +
    `expresses it (it needs ${found}; the step sends jobs at the stable 2025-12-01); submit it with the ` +
    `Azure ML CLI (az ml job create -f <file>) instead`
  );
}
