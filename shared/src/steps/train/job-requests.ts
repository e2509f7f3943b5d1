import { randomBytes } from 'node:crypto';
import type { JobBase } from '@azure/arm-machinelearning';
import { armJsonRequest } from '../../azure/arm-raw';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import type { JobSpec } from './job-spec';

// Raw ARM requests, not ml.jobs.createOrUpdate / ml.jobs.get: the SDK's serializer and deserializer drop the uri
// of every data input and output (see arm-raw.ts).

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
    armJsonRequest(session.ml, session.access.cloud.armEndpoint, method, path, body, o),
  )) as unknown as JobBase;
}

/** A name like the CLI's when the YAML gives none: readable, unique, valid for Azure ML (`[A-Za-z0-9_-]`). */
export function newJobName(spec: JobSpec, body: JobBase): string {
  const base = (body.properties.experimentName ?? spec.type)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 40);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${base}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The job's page in Azure ML studio: the one the service gives, else the usual link. */
export function studioLink(job: JobBase, session: WorkspaceSession, jobName: string): string {
  const fromService = job.properties.services?.['Studio']?.endpoint;
  if (fromService) return fromService;
  return `https://ml.azure.com/runs/${encodeURIComponent(jobName)}?wsid=${encodeURIComponent(session.workspaceId)}`;
}
