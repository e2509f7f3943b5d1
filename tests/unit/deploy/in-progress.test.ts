import {
  cleanupCommand,
  describeMinutes,
  inProgress,
  pollEveryMs,
  waitWhileInProgress,
} from '../../../shared/src/steps/deploy/actions/in-progress';
import type { DeploymentBody } from '../../../shared/src/steps/deploy/desired';
import type { OnlineEndpoints } from '../../../shared/src/steps/deploy/online';
import type { LoggerPort } from '../../../shared/src/platform/ports';

const logger = { info: () => undefined } as unknown as LoggerPort;
const where = { endpoint: 'rain', name: 'blue' };

/** A deployment read back in the given states, one per read (the last one repeated). */
function reads(states: (string | undefined)[]) {
  let at = 0;
  const endpoints = {
    deployment: async () => {
      const state = states[Math.min(at++, states.length - 1)];
      return state === undefined
        ? undefined
        : ({ properties: { provisioningState: state } } as DeploymentBody);
    },
  } as unknown as OnlineEndpoints;
  return { endpoints, count: () => at };
}

describe('deployment operations in progress', () => {
  it('knows the states whose operation still runs', () => {
    expect(['Creating', 'updating', 'Deleting'].map(inProgress)).toEqual([true, true, true]);
    expect(['Succeeded', 'Failed', 'Canceled', undefined].map(inProgress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('polls every 10 s, more often for a short wait, never faster than 0.1 s', () => {
    expect(pollEveryMs(30 * 60_000)).toBe(10_000);
    expect(pollEveryMs(10_000)).toBe(200);
    expect(pollEveryMs(1_000)).toBe(100);
  });

  it('says minutes as minutes, and under a minute as seconds', () => {
    expect(describeMinutes(30)).toBe('30 minute(s)');
    expect(describeMinutes(1)).toBe('1 minute(s)');
    expect(describeMinutes(0.005)).toBe('0.3 s');
    expect(describeMinutes(0.5)).toBe('30 s');
  });

  it('names the clean-up command with every name filled in', () => {
    const workspace = { resourceGroup: 'rg', workspaceName: 'ws', subscriptionId: 'sub' };
    expect(cleanupCommand({ endpoint: 'rain', deployment: 'blue' }, workspace)).toBe(
      'az ml online-deployment delete --name blue --endpoint-name rain --resource-group rg --workspace-name ws --subscription sub --yes',
    );
    expect(cleanupCommand({ endpoint: 'rain' }, workspace)).toBe(
      'az ml online-endpoint delete --name rain --resource-group rg --workspace-name ws --subscription sub --yes',
    );
  });

  it('reads until the operation has ended', async () => {
    const { endpoints, count } = reads(['Creating', 'Creating', 'Succeeded']);
    const signal = new AbortController().signal;
    const after = await waitWhileInProgress(endpoints, where, 5_000, { signal, logger });
    expect(after?.properties.provisioningState).toBe('Succeeded');
    expect(count()).toBe(3);
  });

  it('returns nothing when a delete ended (the deployment is gone)', async () => {
    const { endpoints } = reads(['Deleting', undefined]);
    const signal = new AbortController().signal;
    await expect(waitWhileInProgress(endpoints, where, 5_000, { signal, logger })).resolves.toBeUndefined();
  });

  it('stops at its bound with the deployment still in progress', async () => {
    const { endpoints } = reads(['Creating']);
    const signal = new AbortController().signal;
    const started = Date.now();
    const after = await waitWhileInProgress(endpoints, where, 300, { signal, logger });
    expect(after?.properties.provisioningState).toBe('Creating');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops when the run is cancelled', async () => {
    const { endpoints } = reads(['Creating']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      waitWhileInProgress(endpoints, where, 60_000, { signal: controller.signal, logger }),
    ).rejects.toThrow();
  });
});
