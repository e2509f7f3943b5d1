/**
 * Microsoft.MachineLearningServices schedules (model monitors are schedules whose action is `CreateMonitor`), as
 * the REST spec describes them (`Schedules_CreateOrUpdate`, `_Get`, `_List`, `_Delete`): PUT and DELETE are
 * long-running operations, the list is paged (`$skip`) and filtered by `listViewType` (ScheduleListViewType:
 * EnabledOnly, the default, DisabledOnly or All). The body is checked against the api-version's models before the
 * handler runs (`validation/`, strict mode); nothing is triggered here (no monitoring job runs).
 */
import type { EmulatorRequest, EmulatorResponse } from '../server';
import type { ArmEmulator } from './index';
import { ML_NAMESPACE } from './machine-learning';
import { userError, workspaceIdOf } from './ml-assets';
import { pagedResponse } from './paging';
import {
  findParent,
  findResource,
  isObject,
  missingAncestor,
  properties,
  readPolled,
  startProvisioning,
  systemData,
  type Json,
  startDeleting,
} from './resource';
import type { StoredResource } from './store';

const SCHEDULES = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ML_NAMESPACE}/workspaces/{workspaceName}/schedules`;
const VIEWS = ['EnabledOnly', 'DisabledOnly', 'All'] as const;

export class MachineLearningSchedulesEmulator {
  /** Items per page of schedule lists. */
  pageSize = 100;

  constructor(private readonly arm: ArmEmulator) {}

  register(): void {
    const arm = this.arm;
    arm.route('GET', SCHEDULES, (req) => this.list(req));
    arm.route('GET', `${SCHEDULES}/{name}`, (req) => this.get(req));
    arm.route('PUT', `${SCHEDULES}/{name}`, (req) => this.put(req));
    arm.route('DELETE', `${SCHEDULES}/{name}`, (req) => this.delete(req));
  }

  /** Every stored schedule of a workspace (tests read them without a request). */
  schedules(workspaceId: string): StoredResource[] {
    return this.arm.store.children(workspaceId, 'schedules');
  }

  private scheduleId(req: EmulatorRequest): string {
    return `${workspaceIdOf(req)}/schedules/${req.params['name'] ?? ''}`;
  }

  private get(req: EmulatorRequest): EmulatorResponse {
    const schedule = findResource(this.arm, req, this.scheduleId(req));
    return 'status' in schedule ? schedule : readPolled(this.arm, schedule);
  }

  private list(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const asked = req.query.get('listViewType') ?? 'EnabledOnly';
    const view = VIEWS.find((v) => v.toLowerCase() === asked.toLowerCase());
    if (!view)
      return userError(
        this.arm,
        req,
        400,
        `Invalid listViewType '${asked}': expected one of ${VIEWS.join(', ')}.`,
        'BadArgument',
      );
    const items = this.schedules(workspace.id)
      .filter((s) => {
        const enabled = properties(s)['isEnabled'] !== false;
        return view === 'All' || enabled === (view === 'EnabledOnly');
      })
      .map((s) => s.body);
    return pagedResponse(req, items, this.pageSize);
  }

  private put(req: EmulatorRequest): EmulatorResponse {
    const workspace = findParent(this.arm, req, workspaceIdOf(req));
    if ('status' in workspace) return workspace;
    const id = this.scheduleId(req);
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const body = req.body;
    const input: Json = isObject(body) && isObject(body['properties']) ? body['properties'] : {};
    const existing = this.arm.store.get(id);
    const name = req.params['name'] ?? '';
    const resource: StoredResource = {
      id: existing?.id ?? id,
      secrets: existing?.secrets ?? {},
      body: {
        id: existing?.id ?? id,
        name,
        type: `${ML_NAMESPACE}/workspaces/schedules`,
        systemData: systemData(req, existing?.body['systemData']),
        properties: {
          ...input,
          // The service's defaults (Schedule: isEnabled true; TriggerBase: timeZone UTC).
          isEnabled: input['isEnabled'] ?? true,
          ...(isObject(input['trigger']) ? { trigger: { timeZone: 'UTC', ...input['trigger'] } } : {}),
          provisioningState: existing ? 'Updating' : 'Creating',
        },
      },
    };
    const op = startProvisioning(this.arm, resource, 'schedules');
    return this.arm.accepted(req, ML_NAMESPACE, op, resource.body, !existing);
  }

  private delete(req: EmulatorRequest): EmulatorResponse {
    const scope = this.arm.checkScope(req) ?? missingAncestor(this.arm, this.scheduleId(req));
    if (scope) return scope;
    return startDeleting(this.arm, req, ML_NAMESPACE, { id: this.scheduleId(req), type: 'schedules' });
  }
}
