/**
 * ARM long-running operations in the three styles clients must handle:
 *  - `azure-async-operation`: the write answers 201/202 with an `Azure-AsyncOperation` header pointing at an
 *    operation status resource (`{"status":"InProgress"|"Succeeded"|"Failed","error"?}`);
 *  - `location`: the write answers 202 with a `Location` header; polling it gives 202 while running, then the
 *    result (200 with the resource for PUT, 204 otherwise) or the error;
 *  - `provisioning-state`: the PUT answers 201 with `properties.provisioningState: Creating|Updating`; the client
 *    polls the resource itself until `Succeeded`/`Failed`. (DELETE/POST cannot be polled that way: they complete
 *    synchronously in this style.)
 * An operation takes wall-clock time whether or not anyone polls it: it completes once its duration has passed
 * (the timing profile's, `timing-profile.ts`, scaled by `timeFactor`; or `durationSeconds`), checked whenever the
 * emulator reads it (every ARM request, every poll), and not before the work given to `waitFor` has settled, nor
 * before `polls` in-progress observations (a test knob, default 0). All polling responses carry `Retry-After`:
 * the profile's, scaled (or `retryAfterSeconds`); at least 1 after 3 s of waiting for work.
 * A finished operation still answers its status URL for `FINISHED_OPERATION_RETENTION_SECONDS` × the factor (at
 * least `MIN_FINISHED_RETENTION_MS`), as ARM keeps an operation's status for a while; then it is forgotten (404).
 * Each request checks only the operations in progress and the front of the finished ones (oldest first).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../server';
import {
  FINISHED_OPERATION_RETENTION_SECONDS,
  operationTiming,
  retryAfterHeader,
  timeFactor,
  type OperationKind,
  type OperationTiming,
} from './timing-profile';

export type LroStyle = 'azure-async-operation' | 'location' | 'provisioning-state';

export interface LroSettings {
  style: LroStyle;
  /** In-progress observations the operation shows at least, whatever its duration (a test knob; default 0). */
  polls: number;
  /** `Retry-After`, in seconds, as sent (default: the profile's, scaled by the time factor). */
  retryAfterSeconds?: number;
  /** How long the operation takes, in seconds (default: the profile's, scaled by the time factor). */
  durationSeconds?: number;
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
  /** When (epoch ms) its duration has passed. */
  dueAt: number;
  /** `Retry-After` it sends, in seconds. */
  retryAfterSeconds: number;
  endTime?: string;
  /** How long (ms) it is kept once finished (the factor's at its start). */
  retentionMs: number;
  /** When (epoch ms) a finished operation is forgotten. */
  forgetAt?: number;
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
  /** A PUT that updates an existing resource (timed as an update, not a creation). */
  update?: boolean;
  onSucceeded: () => EmulatorResponse;
  onFailed: () => void;
}

/** How long an operation waiting for work keeps the configured Retry-After before answering at least 1 s. */
const WAITING_FAST_POLL_MS = 3000;
/** A finished operation is kept at least this long (ms of wall-clock time), whatever the time factor. */
export const MIN_FINISHED_RETENTION_MS = 60_000;

const DEFAULTS: Record<string, Partial<LroSettings>> = {
  // What Azure ML does: PUT answers with Azure-AsyncOperation, DELETE and POST actions with Location.
  PUT: { style: 'azure-async-operation' },
  DELETE: { style: 'location' },
  POST: { style: 'location' },
};

export class OperationManager {
  /** Every operation not yet forgotten, by lower-cased id. */
  private readonly operations = new Map<string, Operation>();
  /** The operations in progress (insertion order). */
  private readonly running = new Set<Operation>();
  /** The finished operations, in the order of `forgetAt`. */
  private readonly finished: Operation[] = [];
  private readonly plans: LroPlan[] = [];
  /** Defaults for every operation (overridden per resource type by `typeDefaults`, then by plans). */
  defaults: Partial<LroSettings> = {};
  /** Per lower-cased resource type, e.g. `{ onlineendpoints: { style: 'location' } }`. */
  readonly typeDefaults = new Map<string, Partial<LroSettings>>();
  /** Scales the profile's durations and Retry-After values (read when an operation starts). */
  timeFactor: number;

  constructor(options: { timeFactor?: number } = {}) {
    this.timeFactor = timeFactor(options.timeFactor);
  }

  /** The profile's timing of an operation, scaled by the time factor. */
  scaledTiming(kind: OperationKind, resourceType: string): OperationTiming {
    const timing = operationTiming(kind, resourceType);
    return {
      seconds: timing.seconds * this.timeFactor,
      retryAfterSeconds: timing.retryAfterSeconds * this.timeFactor,
    };
  }

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
    const op = this.operations.get(id.toLowerCase());
    if (op) this.advance(op);
    return op;
  }

  /**
   * Completes every operation whose time has come and forgets the finished ones past their retention (called
   * before each ARM request is handled).
   */
  advanceAll(now = Date.now()): void {
    for (const op of this.running) this.advance(op, now);
    while (this.finished.length > 0 && (this.finished[0]!.forgetAt ?? 0) <= now) {
      this.operations.delete(this.finished.shift()!.id.toLowerCase());
    }
  }

  /** How many operations are known (in progress or finished and not yet forgotten). */
  get size(): number {
    return this.operations.size;
  }

  /** Completes the operation if its duration has passed, its polls are used up and its work has settled. */
  advance(op: Operation, now = Date.now()): void {
    if (op.status !== 'InProgress' || op.remainingPolls > 0 || op.waitingSince !== undefined) return;
    if (now >= op.dueAt) this.complete(op);
  }

  /** The operation still running on a resource (or on its parent), if any. */
  runningOn(resourceId: string): Operation | undefined {
    const id = resourceId.toLowerCase();
    for (const op of this.running) {
      this.advance(op);
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
      polls: 0,
      ...DEFAULTS[args.method],
      ...this.defaults,
      ...this.typeDefaults.get(args.resourceType.toLowerCase()),
      ...stripUndefined({
        style: plan?.style,
        polls: plan?.polls,
        retryAfterSeconds: plan?.retryAfterSeconds,
        durationSeconds: plan?.durationSeconds,
      }),
    };
    const timing = this.scaledTiming(operationKind(args), args.resourceType);
    const started = Date.now();
    const op: Operation = {
      id: randomUUID(),
      ...args,
      settings,
      status: 'InProgress',
      remainingPolls: settings.polls,
      failStatus: plan?.fail?.status ?? 400,
      startTime: new Date(started).toISOString(),
      dueAt: started + (settings.durationSeconds ?? timing.seconds) * 1000,
      retryAfterSeconds: settings.retryAfterSeconds ?? retryAfterHeader(timing.retryAfterSeconds),
      retentionMs: Math.max(
        FINISHED_OPERATION_RETENTION_SECONDS * this.timeFactor * 1000,
        MIN_FINISHED_RETENTION_MS,
      ),
    };
    if (plan?.fail) op.error = { code: plan.fail.code, message: plan.fail.message };
    this.operations.set(op.id.toLowerCase(), op);
    this.running.add(op);
    return op;
  }

  /** Completes the operation now (success or planned failure). */
  complete(op: Operation): void {
    if (op.status !== 'InProgress') return;
    const now = Date.now();
    op.endTime = new Date(now).toISOString();
    op.forgetAt = now + op.retentionMs;
    this.running.delete(op);
    // Nearly always last (retentions differ only when the factor changed between starts).
    let at = this.finished.length;
    while (at > 0 && (this.finished[at - 1]!.forgetAt ?? 0) > op.forgetAt) at--;
    this.finished.splice(at, 0, op);
    if (op.error) {
      op.status = 'Failed';
      op.onFailed();
    } else {
      op.status = 'Succeeded';
      op.result = op.onSucceeded();
    }
  }

  /** One poll: uses up one of its in-progress observations, else completes it if its time has come. */
  observe(op: Operation): void {
    if (op.status !== 'InProgress') return;
    if (op.remainingPolls > 0) op.remainingPolls -= 1;
    else this.advance(op);
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
      'retry-after': String(slow ? Math.max(1, op.retryAfterSeconds) : op.retryAfterSeconds),
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

function operationKind(args: StartOperation): OperationKind {
  if (args.method === 'DELETE') return 'delete';
  if (args.method === 'POST') return 'post';
  return args.update ? 'update' : 'create';
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
