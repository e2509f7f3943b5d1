/**
 * Online deployment operations cannot be cancelled: a deployment that is Creating, Updating or Deleting stays so
 * until Azure ends the operation, and any write to it meanwhile answers 409 Conflict. So deploy waits for such an
 * operation instead of writing (a re-run after a timeout), waits a grace period after its own timeout before rolling
 * back, and when the operation still runs then, names the command that cleans up once it ends.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoggerPort } from '../../../platform/ports';
import type { DeploymentBody } from '../desired';
import type { OnlineEndpoints } from '../online';

const IN_PROGRESS = new Set(['creating', 'updating', 'deleting']);

/** A provisioning state whose operation is still running (a write now would get 409 Conflict). */
export function inProgress(state: string | undefined): boolean {
  return state !== undefined && IN_PROGRESS.has(state.toLowerCase());
}

/**
 * How often to read the deployment while waiting for its operation: every 10 s (Azure ML's smallest Retry-After),
 * or a fiftieth of the wait when that is shorter (at least 0.1 s), so a short wait is not overshot.
 */
export function pollEveryMs(boundMs: number): number {
  return Math.min(10_000, Math.max(100, boundMs / 50));
}

/** Minutes as the messages say them: `30 minute(s)`, or seconds under a minute (`18 s`). */
export function describeMinutes(minutes: number): string {
  if (minutes >= 1) return `${minutes} minute(s)`;
  return `${Math.round(minutes * 600) / 10} s`;
}

/**
 * Reads the deployment until its operation has ended or `boundMs` has passed; returns it as last read (undefined
 * when it is gone: a delete ended). Cancellation (`signal`) throws as every wait does.
 */
export async function waitWhileInProgress(
  endpoints: OnlineEndpoints,
  where: { endpoint: string; name: string },
  boundMs: number,
  options: { signal: AbortSignal; logger: LoggerPort; now?: () => number },
): Promise<DeploymentBody | undefined> {
  const now = options.now ?? Date.now;
  const until = now() + boundMs;
  const every = pollEveryMs(boundMs);
  let current = await endpoints.deployment(where.endpoint, where.name);
  let lastLog = now();
  while (current && inProgress(current.properties.provisioningState) && now() < until) {
    await delay(Math.min(every, Math.max(0, until - now())), undefined, { signal: options.signal });
    current = await endpoints.deployment(where.endpoint, where.name);
    if (now() - lastLog >= 30_000) {
      lastLog = now();
      options.logger.info(
        `Deployment '${where.name}' is still ${current?.properties.provisioningState ?? 'gone'}.`,
      );
    }
  }
  return current;
}

/** The Azure CLI command that deletes what this run left half-done, every name filled in. */
export function cleanupCommand(
  what: { endpoint: string; deployment?: string },
  workspace: { resourceGroup: string; workspaceName: string; subscriptionId: string },
): string {
  const scope = `--resource-group ${workspace.resourceGroup} --workspace-name ${workspace.workspaceName} --subscription ${workspace.subscriptionId} --yes`;
  return what.deployment === undefined
    ? `az ml online-endpoint delete --name ${what.endpoint} ${scope}`
    : `az ml online-deployment delete --name ${what.deployment} --endpoint-name ${what.endpoint} ${scope}`;
}
