/**
 * ARM long-running operations in the three styles clients must handle:
 *  - `azure-async-operation`: the write answers 201/202 with an `Azure-AsyncOperation` header pointing at an
 *    operation status resource (`{"status":"InProgress"|"Succeeded"|"Failed","error"?}`);
 *  - `location`: the write answers 202 with a `Location` header; polling it gives 202 while running, then the
 *    result (200 with the resource for PUT, 204 otherwise) or the error;
 *  - `provisioning-state`: the PUT answers 201 with `properties.provisioningState: Creating|Updating`; the client
 *    polls the resource itself until `Succeeded`/`Failed`. (DELETE/POST cannot be polled that way: they complete
 *    synchronously in this style.)
 * Every operation completes after `polls` in-progress observations (default 1). All polling responses carry
 * `Retry-After` (default 0).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../server';

export type LroStyle = 'azure-async-operation' | 'location' | 'provisioning-state';

export interface LroSettings {
  style: LroStyle;
  /** In-progress observations before the operation completes. */
  polls: number;
  retryAfterSeconds: number;
}

/** A one-shot override for the next matching operation. */
export interface LroPlan extends Partial<LroSettings> {
  /** Resource type segment, e.g. `onlineEndpoints` or `deployments` (case-insensitive); any when omitted. */
  resourceType?: string;
  /** `PUT`, `DELETE` or `POST`; any when omitted. */
  method?: string;
  /** Make the operation fail with this error (status is used for the `location` style's final poll). */
  fail?: { code: string; message: string; status?: number };
}

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed';

export interface Operation {
  id: string;
  resourceId: string;
  resourceType: string;
  method: string;
  settings: LroSettings;
  status: OperationStatus;
  remainingPolls: number;
  error?: { code: string; message: string };
  failStatus: number;
  startTime: string;
  endTime?: string;
  /** Side effects on success; returns the result served by a `location` poll. */
  onSucceeded: () => EmulatorResponse;
  /** Side effects on failure. */
  onFailed: () => void;
  result?: EmulatorResponse;
}

export interface StartOperation {
  resourceId: string;
  resourceType: string;
  method: string;
  onSucceeded: () => EmulatorResponse;
  onFailed: () => void;
}

const DEFAULTS: Record<string, Partial<LroSettings>> = {
  // What Azure ML does: PUT answers with Azure-AsyncOperation, DELETE and POST actions with Location.
  PUT: { style: 'azure-async-operation' },
  DELETE: { style: 'location' },
  POST: { style: 'location' },
};

export class OperationManager {
  private readonly operations = new Map<string, Operation>();
  private readonly plans: LroPlan[] = [];
  /** Defaults for every operation (overridden per resource type by `typeDefaults`, then by plans). */
  defaults: Partial<LroSettings> = {};
  /** Per lower-cased resource type, e.g. `{ onlineendpoints: { style: 'location' } }`. */
  readonly typeDefaults = new Map<string, Partial<LroSettings>>();

  /** Queues a one-shot override for the next operation that matches it. */
  plan(plan: LroPlan): void {
    this.plans.push(plan);
  }

  setTypeDefaults(resourceType: string, settings: Partial<LroSettings>): void {
    this.typeDefaults.set(resourceType.toLowerCase(), settings);
  }

  clearPlans(): void {
    this.plans.length = 0;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id.toLowerCase());
  }

  /** The operation still running on a resource (or on its parent), if any. */
  runningOn(resourceId: string): Operation | undefined {
    const id = resourceId.toLowerCase();
    for (const op of this.operations.values()) {
      if (op.status !== 'InProgress') continue;
      const target = op.resourceId.toLowerCase();
      if (target === id || id.startsWith(`${target}/`)) return op;
    }
    return undefined;
  }

  start(args: StartOperation): Operation {
    const planIndex = this.plans.findIndex(
      (p) =>
        (p.resourceType === undefined || p.resourceType.toLowerCase() === args.resourceType.toLowerCase()) &&
        (p.method === undefined || p.method.toUpperCase() === args.method),
    );
    const plan = planIndex >= 0 ? this.plans.splice(planIndex, 1)[0] : undefined;
    const settings: LroSettings = {
      style: 'azure-async-operation',
      polls: 1,
      retryAfterSeconds: 0,
      ...DEFAULTS[args.method],
      ...this.defaults,
      ...this.typeDefaults.get(args.resourceType.toLowerCase()),
      ...stripUndefined({
        style: plan?.style,
        polls: plan?.polls,
        retryAfterSeconds: plan?.retryAfterSeconds,
      }),
    };
    const op: Operation = {
      id: randomUUID(),
      ...args,
      settings,
      status: 'InProgress',
      remainingPolls: settings.polls,
      failStatus: plan?.fail?.status ?? 400,
      startTime: new Date().toISOString(),
    };
    if (plan?.fail) op.error = { code: plan.fail.code, message: plan.fail.message };
    this.operations.set(op.id.toLowerCase(), op);
    return op;
  }

  /** Completes the operation now (success or planned failure). */
  complete(op: Operation): void {
    if (op.status !== 'InProgress') return;
    op.endTime = new Date().toISOString();
    if (op.error) {
      op.status = 'Failed';
      op.onFailed();
    } else {
      op.status = 'Succeeded';
      op.result = op.onSucceeded();
    }
  }

  /** One poll: advances the operation, completing it after its in-progress observations are used up. */
  observe(op: Operation): void {
    if (op.status !== 'InProgress') return;
    if (op.remainingPolls > 0) op.remainingPolls -= 1;
    else this.complete(op);
  }

  retryAfter(op: Operation): Record<string, string> {
    return { 'retry-after': String(op.settings.retryAfterSeconds) };
  }

  /** The `Azure-AsyncOperation` status body. */
  statusBody(op: Operation, statusUrlPath: string): Record<string, unknown> {
    return {
      id: statusUrlPath,
      name: op.id,
      status: op.status,
      startTime: op.startTime,
      ...(op.endTime ? { endTime: op.endTime } : {}),
      ...(op.status === 'Failed' && op.error ? { error: op.error } : {}),
    };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
