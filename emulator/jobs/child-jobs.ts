/**
 * Child jobs (pipeline steps, sweep trials) as real jobs of the workspace: stored like a PUT would store them
 * (GET and list show them), but not announced through `jobs.onCreated`: their parent runs them.
 */
import { ML_NAMESPACE } from '../arm/machine-learning';
import { isObject, properties, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';
import { workspaceIdOfJob, type RunnerContext } from './context';

export interface ChildJobSpec {
  name: string;
  displayName: string;
  /** 1-based position among the parent's children (orders job lists). */
  index: number;
  /** The child's properties: `jobType: 'Command'`, `command`, `codeId`, `environmentId`, `inputs`, ... */
  properties: Json;
  /** Added to the child's `properties.properties` (e.g. `azureml.pipelinerunid`). */
  runProperties?: Record<string, string>;
}

/** Stores the child job (`NotStarted`) under the parent's workspace, in the parent's experiment. */
export function createChildJob(
  ctx: RunnerContext,
  parent: StoredResource,
  spec: ChildJobSpec,
): StoredResource {
  const parentProps = properties(parent);
  const workspaceId = workspaceIdOfJob(parent);
  const workspace = ctx.arm.store.get(workspaceId);
  const wsProps = workspace ? properties(workspace) : {};
  const id = `${workspaceId}/jobs/${spec.name}`;
  const now = new Date().toISOString();
  const createdBy = isObject(parent.body['systemData']) ? parent.body['systemData']['createdBy'] : undefined;
  const parentSeq = typeof parent.secrets['seq'] === 'number' ? parent.secrets['seq'] : 0;
  const userProps = isObject(spec.properties['properties']) ? spec.properties['properties'] : {};
  const input: Json = {
    ...spec.properties,
    displayName: spec.displayName,
    experimentName: parentProps['experimentName'] ?? 'Default',
    properties: { ...userProps, ...spec.runProperties },
  };
  const job = ctx.arm.store.set({
    id,
    // Just after the parent in "newest first" lists, before jobs submitted later.
    secrets: {
      seq: parentSeq + Math.min(spec.index, 999) / 1000,
      input: structuredClone(input),
      statusHistory: [],
    },
    body: {
      id,
      name: spec.name,
      type: `${ML_NAMESPACE}/workspaces/jobs`,
      systemData: {
        createdAt: now,
        createdBy: createdBy ?? 'emulator',
        createdByType: 'Application',
        lastModifiedAt: now,
        lastModifiedBy: createdBy ?? 'emulator',
        lastModifiedByType: 'Application',
      },
      properties: {
        ...input,
        tags: isObject(input['tags']) ? input['tags'] : {},
        isArchived: false,
        status: 'NotStarted',
        services: {
          Studio: {
            jobServiceType: 'Studio',
            endpoint: `https://ml.azure.com/runs/${spec.name}?wsid=${workspaceId}&tid=${ctx.arm.options.tenantId}`,
          },
          Tracking: { jobServiceType: 'Tracking', endpoint: wsProps['mlFlowTrackingUri'] },
        },
      },
    },
  });
  ctx.jobs.setStatus(job.id, 'NotStarted');
  return job;
}
