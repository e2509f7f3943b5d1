import { armJsonRequest } from '../../azure/arm-raw';
import type { JobKind } from '../../azureml/job-metrics';
import type { WorkspaceSession } from '../../azureml/workspace-session';
import { AzureError } from '../../step/errors';
import { defaultJobOutputUri } from '../../azureml/job-artifacts';

/** What the step needs of a job: how it ended, its outputs, and the data it read (lineage). */
export interface JobFacts {
  readonly name: string;
  readonly status: string;
  readonly kind: JobKind;
  readonly experimentName?: string;
  /** Output name → its type and storage URI (where Azure ML put it when the job named no path). */
  readonly outputs: Readonly<Record<string, { readonly type?: string; readonly uri: string }>>;
  /** Input (`<step>.<input>` in a pipeline) → `<name>:<version>` of the registered data asset it read. */
  readonly dataAssets: Readonly<Record<string, string>>;
  /** Input → the URI it read, for every data input (assets included). */
  readonly dataInputs: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Reads a job as raw JSON (the pinned SDK's deserializer drops the `uri` of job inputs and outputs, see
 * arm-raw.ts); undefined when the workspace has no such job.
 */
export async function readJob(session: WorkspaceSession, jobName: string): Promise<JobFacts | undefined> {
  try {
    const body = await session.call(`Reading job '${jobName}'`, (o) =>
      armJsonRequest(
        session.ml,
        session.access.cloud.armEndpoint,
        'GET',
        `${session.workspaceId}/jobs/${encodeURIComponent(jobName)}`,
        undefined,
        o,
      ),
    );
    return jobFacts(jobName, body);
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 404) return undefined;
    throw error;
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The facts of a job from its ARM body (`properties`: jobType, status, inputs, outputs, jobs, objective). */
export function jobFacts(jobName: string, body: Record<string, unknown>): JobFacts {
  const props = record(body['properties']);
  const outputs: Record<string, { type?: string; uri: string }> = {};
  for (const [name, output] of Object.entries(record(props['outputs']))) {
    const declared = record(output);
    const type = string(declared['jobOutputType']) ?? string(declared['job_output_type']);
    outputs[name] = {
      ...(type ? { type } : {}),
      uri: string(declared['uri']) ?? defaultJobOutputUri(jobName, name),
    };
  }
  const dataInputs: Record<string, string> = {};
  const dataAssets: Record<string, string> = {};
  const readInputs = (inputs: unknown, prefix: string) => {
    for (const [name, input] of Object.entries(record(inputs))) {
      const uri = string(record(input)['uri']) ?? string(record(input)['path']);
      if (!uri) continue;
      dataInputs[`${prefix}${name}`] = uri;
      const asset = dataAssetVersion(uri);
      if (asset) dataAssets[`${prefix}${name}`] = asset;
    }
  };
  readInputs(props['inputs'], '');
  for (const [step, node] of Object.entries(record(props['jobs'])))
    readInputs(record(node)['inputs'], `${step}.`);
  const tags = Object.fromEntries(
    Object.entries(record(props['tags'])).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const experimentName = string(props['experimentName']);
  return {
    name: jobName,
    status: string(props['status']) ?? 'Unknown',
    kind: jobKind(props),
    ...(experimentName ? { experimentName } : {}),
    outputs,
    dataAssets,
    dataInputs,
    tags,
  };
}

function jobKind(props: Record<string, unknown>): JobKind {
  const type = (string(props['jobType']) ?? '').toLowerCase();
  if (type === 'pipeline') return { type: 'pipeline' };
  if (type === 'sweep') {
    const objective = record(props['objective']);
    const primaryMetric = string(objective['primaryMetric']);
    const goal = (string(objective['goal']) ?? '').toLowerCase();
    if (primaryMetric && (goal === 'maximize' || goal === 'minimize'))
      return { type: 'sweep', objective: { primaryMetric, goal } };
  }
  return { type: 'command' };
}

/**
 * `<name>:<version>` of a data asset reference as jobs carry it: `azureml:<ARM id>`, an `azureml://locations/...`
 * or registry id, `azureml:<name>:<version>`, `azureml:<name>@latest`; undefined for storage paths.
 */
export function dataAssetVersion(uri: string): string | undefined {
  const long = /\/data\/([^/]+)\/versions\/([^/]+)\/?$/i.exec(uri);
  if (long && /^(azureml:|\/subscriptions\/)/i.test(uri)) return `${long[1]}:${long[2]}`;
  const short = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]*)(?::([A-Za-z0-9_.-]+)|@(latest))$/.exec(uri);
  if (short) return short[2] ? `${short[1]}:${short[2]}` : `${short[1]}@latest`;
  return undefined;
}
