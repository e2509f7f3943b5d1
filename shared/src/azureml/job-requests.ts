import type { JobBase } from '@azure/arm-machinelearning';
import { armJsonRequest } from '../azure/arm-raw';
import type { WorkspaceSession } from './workspace-session';

// Raw ARM requests, not ml.jobs.createOrUpdate / ml.jobs.get: the SDK's serializer and deserializer drop the uri
// of every data input and output (see arm-raw.ts).

/**
 * The api-version train sends jobs at: the newest stable Machine Learning version, whose job models carry output
 * mode Direct, queue settings (serverless job tiers), Spark and AutoML jobs. The SDK's models are of 2022-10-01,
 * so these requests go through the session's JSON transport, which keeps their api-version. See
 * docs/decisions/0016-job-api-version.md.
 */
export const JOB_API_VERSION = '2025-12-01';

/** PUT .../jobs/{jobName}: submits the job. */
export function putJob(session: WorkspaceSession, jobName: string, body: JobBase): Promise<JobBase> {
  return jobRequest(session, `Submitting job '${jobName}'`, 'PUT', jobName, body);
}

/** GET .../jobs/{jobName}, outputs' uris included. */
export function getJob(session: WorkspaceSession, jobName: string): Promise<JobBase> {
  return jobRequest(session, `Reading job '${jobName}'`, 'GET', jobName, undefined);
}

async function jobRequest(
  session: WorkspaceSession,
  operation: string,
  method: 'PUT' | 'GET',
  jobName: string,
  body: JobBase | undefined,
): Promise<JobBase> {
  const path = `${session.workspaceId}/jobs/${jobName}`;
  return (await session.call(operation, (o) =>
    armJsonRequest(session.armJson, session.access.cloud.armEndpoint, method, path, body, {
      ...o,
      apiVersion: JOB_API_VERSION,
    }),
  )) as unknown as JobBase;
}

/** The job's page in Azure ML studio: the one the service gives, else the usual link. */
export function studioLink(job: JobBase, session: WorkspaceSession, jobName: string): string {
  const fromService = job.properties.services?.['Studio']?.endpoint;
  if (fromService) return fromService;
  return `https://ml.azure.com/runs/${encodeURIComponent(jobName)}?wsid=${encodeURIComponent(session.workspaceId)}`;
}
