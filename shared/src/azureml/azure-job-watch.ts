import { RestError } from '@azure/core-rest-pipeline';
import type { DatastoreContainer } from './datastore-blobs';
import { jobArtifactPath } from './job-artifacts';
import type { MlflowTrackingClient } from './mlflow-metrics';
import type { WorkspaceSession } from './workspace-session';
import type { JobWatch } from './follow-job';

/** Follows a job through ARM (status), MLflow (child runs) and the artifact store (logs). */
export function azureJobWatch(
  session: WorkspaceSession,
  jobName: string,
  artifacts: DatastoreContainer,
  /** Where child jobs are found (pipeline steps, sweep trials); undefined for a job that has none. */
  children: MlflowTrackingClient | undefined,
  signal: AbortSignal,
): JobWatch {
  const { ml, resourceGroup, workspaceName } = session;
  return {
    status: async () => {
      const job = await session.call(`Reading job '${jobName}'`, (options) =>
        ml.jobs.get(resourceGroup, workspaceName, jobName, options),
      );
      return job.properties.status ?? 'Unknown';
    },
    children: async () => {
      if (!children) return [];
      const runs = await children.searchChildRuns(jobName, signal);
      return runs.map((run) => run.runId);
    },
    readLog: (name, offset) =>
      readFrom(artifacts, jobArtifactPath(name, 'user_logs/std_log.txt'), offset, signal),
    cancel: async () => {
      // The run may be cancelled already: this call must not carry its aborted signal. Not awaited to the end:
      // the host gives a cancelled step seconds, and Azure ML finishes the cancellation on its own.
      await session.call(`Cancelling job '${jobName}'`, () =>
        ml.jobs.beginCancel(resourceGroup, workspaceName, jobName),
      );
    },
  };
}

/** The text of a blob from byte `offset`, or undefined while the blob does not exist. */
export async function readFrom(
  artifacts: DatastoreContainer,
  blobName: string,
  offset: number,
  signal?: AbortSignal,
): Promise<{ text: string; nextOffset: number } | undefined> {
  const blob = artifacts.container.getBlobClient(blobName);
  try {
    const { contentLength = 0 } = await blob.getProperties({ abortSignal: signal });
    if (contentLength <= offset) return { text: '', nextOffset: offset };
    const buffer = await blob.downloadToBuffer(offset, contentLength - offset, { abortSignal: signal });
    // Cut at the last complete UTF-8 character so a multi-byte character split by the writer is not mangled.
    const end = completeUtf8Length(buffer);
    return { text: buffer.subarray(0, end).toString('utf8'), nextOffset: offset + end };
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}

function completeUtf8Length(buffer: Buffer): number {
  let i = buffer.length - 1;
  let continuation = 0;
  while (i >= 0 && (buffer[i]! & 0xc0) === 0x80 && continuation < 3) {
    i--;
    continuation++;
  }
  if (i < 0) return buffer.length;
  const lead = buffer[i]!;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needed > continuation ? i : buffer.length;
}
