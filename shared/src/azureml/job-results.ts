import type { JobBase } from '@azure/arm-machinelearning';
import type { DatastoreContainer } from './datastore-blobs';
import { defaultJobOutputUri, jobArtifactPath } from './job-artifacts';
import { readFrom } from './azure-job-watch';

/** Output name → azureml:// path; outputs without a uri are where Azure ML writes them by default. */
export function jobOutputs(job: JobBase, jobName: string): Record<string, string> {
  const result: Record<string, string> = {};
  const declared = (job.properties as { outputs?: Record<string, unknown> }).outputs ?? {};
  for (const [name, output] of Object.entries(declared)) {
    const uri = (output as { uri?: string } | null)?.uri;
    result[name] = uri ?? defaultJobOutputUri(jobName, name);
  }
  return result;
}

/** The job's error as Azure ML recorded it in its artifacts (`error.json`), when there is one. */
export async function jobError(
  artifacts: DatastoreContainer,
  jobName: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const read = await readFrom(artifacts, jobArtifactPath(jobName, 'error.json'), 0, signal).catch(
    () => undefined,
  );
  if (!read?.text) return undefined;
  try {
    const parsed = JSON.parse(read.text) as { error?: { message?: string }; message?: string };
    return parsed.error?.message ?? parsed.message;
  } catch {
    return read.text.trim().split('\n')[0];
  }
}
