/**
 * ARM long-running operations in the three styles clients must handle:
 *  - `azure-async-operation`: the write answers 201/202 with an `Azure-AsyncOperation` header pointing at an
 *    operation status resource (`{"status":"InProgress"|"Succeeded"|"Failed","error"?}`);
 *  - `location`: the write answers 202 with a `Location` header; polling it gives 202 while running, then the
 *    result (200 with the resource for PUT, 204 otherwise) or the error;
 *  - `provisioning-state`: the PUT answers 201 with `properties.provisioningState: Creating|Updating`; the client
 *    polls the resource itself until `Succeeded`/`Failed`. (DELETE/POST cannot be polled that way: they complete
 *    synchronously in this style.)
 * Every operation completes after `polls` in-progress observations (default 1), and not before the work given to
 * `waitFor` has settled. All polling responses carry `Retry-After` (default 0; at least 1 after 3 s of waiting
 * for work).
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
  /** Set by `waitFor` while the work the operation stands for has not finished: polls do not complete it. */
  waitingSince?: number;
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

/** How long an operation waiting for work keeps the configured Retry-After before answering at least 1 s. */
const WAITING_FAST_POLL_MS = 3000;

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
    else if (op.waitingSince === undefined) this.complete(op);
  }

  /**
   * Keeps the operation in progress until `work` settles (real work behind it, e.g. a scoring server starting);
   * an error it resolves to (or a rejection) fails the operation, unless a planned failure already will.
   */
  waitFor(op: Operation, work: Promise<{ code: string; message: string } | undefined>): void {
    op.waitingSince = Date.now();
    const settle = (error?: { code: string; message: string }) => {
      op.waitingSince = undefined;
      if (error && !op.error) op.error = error;
    };
    work.then(settle, (error: unknown) =>
      settle({
        code: 'InternalServerError',
        message: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  retryAfter(op: Operation): Record<string, string> {
    // Clients honour Retry-After: 0 by polling in a tight loop; past a few seconds of real work, slow them down.
    const slow = op.waitingSince !== undefined && Date.now() - op.waitingSince > WAITING_FAST_POLL_MS;
    return {
      'retry-after': String(
        slow ? Math.max(1, op.settings.retryAfterSeconds) : op.settings.retryAfterSeconds,
      ),
    };
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
