/**
 * Long-running operations take time whether or not anyone polls (`arm/timing-profile.ts`): a resource nobody polls
 * still ends Succeeded once its profiled duration (× the time factor) has passed, not before; `Retry-After` is the
 * profile's, scaled and rounded up to whole seconds; the factor comes from the option, the environment winning;
 * a finished operation answers late polls for its scaled retention, then is forgotten.
 */
import { MIN_FINISHED_RETENTION_MS } from '../arm/operations';
import {
  DEFAULT_TIME_FACTOR,
  FINISHED_OPERATION_RETENTION_SECONDS,
  ML_RETRY_AFTER_SECONDS,
  operationTiming,
  retryAfterHeader,
  timeFactor,
  TIME_FACTOR_ENV,
} from '../arm/timing-profile';
import { startEmulator, type Emulator } from '../emulator';
import { requestWithHeaders } from './test-clients';

let emulator: Emulator;
let token: string;

const url = (path: string) => `${emulator.armUrl}${emulator.workspaceId}${path}?api-version=2022-10-01`;
const send = (method: string, path: string, body?: unknown) =>
  requestWithHeaders(emulator, method, url(path), { token, body });
const endpointBody = () => ({
  location: emulator.location,
  identity: { type: 'SystemAssigned' },
  properties: { authMode: 'Key' },
});
const state = (reply: { body: Record<string, unknown> }) =>
  (reply.body['properties'] as Record<string, unknown>)['provisioningState'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // 0.02: an endpoint takes 90 s × 0.02 = 1.8 s.
  emulator = await startEmulator({ timeFactor: 0.02 });
  token = emulator.aad.issueToken({ tenantId: emulator.tenantId, clientId: emulator.clientId });
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(() => {
  emulator.lro.timeFactor = 0.02;
});

describe('long-running operations on the wall clock', () => {
  it('a resource nobody polls ends Succeeded after its profiled duration, not before', async () => {
    const started = Date.now();
    const put = await send('PUT', '/onlineEndpoints/unpolled', endpointBody());
    expect(put.status).toBe(201);
    expect(state(put)).toBe('Creating');
    // Plain GETs of the resource (not the operation's status URL) before the duration: still Creating.
    await sleep(300);
    expect(state(await send('GET', '/onlineEndpoints/unpolled'))).toBe('Creating');
    const duration = operationTiming('create', 'onlineEndpoints').seconds * 0.02 * 1000;
    await sleep(Math.max(0, started + duration - Date.now() - 300));
    expect(state(await send('GET', '/onlineEndpoints/unpolled'))).toBe('Creating');
    // Nobody polled in between: the next read finds it done.
    await sleep(500);
    expect(state(await send('GET', '/onlineEndpoints/unpolled'))).toBe('Succeeded');
    // And its operation's first poll says Succeeded.
    const status = await requestWithHeaders(emulator, 'GET', String(put.headers['azure-asyncoperation']), {
      token,
    });
    expect(status.body['status']).toBe('Succeeded');
  });

  it('polling does not make it end sooner', async () => {
    const started = Date.now();
    const put = await send('PUT', '/onlineEndpoints/polled', endpointBody());
    const statusUrl = String(put.headers['azure-asyncoperation']);
    let status = 'InProgress';
    while (status === 'InProgress') {
      status = String((await requestWithHeaders(emulator, 'GET', statusUrl, { token })).body['status']);
      await sleep(20);
    }
    expect(status).toBe('Succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90 * 0.02 * 1000);
  });

  it('Retry-After is the profile value scaled, rounded up to whole seconds; under 1 s it is 0', async () => {
    emulator.lro.timeFactor = 1;
    const slow = await send('PUT', '/onlineEndpoints/retry-slow', endpointBody());
    expect(slow.headers['retry-after']).toBe(String(ML_RETRY_AFTER_SECONDS));
    const status = await requestWithHeaders(emulator, 'GET', String(slow.headers['azure-asyncoperation']), {
      token,
    });
    expect(status.body['status']).toBe('InProgress');
    expect(status.headers['retry-after']).toBe(String(ML_RETRY_AFTER_SECONDS));
    emulator.lro.timeFactor = 0.15; // 10 s × 0.15 = 1.5 s → 2
    expect((await send('PUT', '/onlineEndpoints/retry-mid', endpointBody())).headers['retry-after']).toBe(
      '2',
    );
    emulator.lro.timeFactor = 0.001;
    expect((await send('PUT', '/onlineEndpoints/retry-fast', endpointBody())).headers['retry-after']).toBe(
      '0',
    );
  });

  it('the factor scales the duration: at factor 1 the endpoint is still Creating after a few seconds', async () => {
    emulator.lro.timeFactor = 1;
    await send('PUT', '/onlineEndpoints/realistic', endpointBody());
    await sleep(2500);
    expect(state(await send('GET', '/onlineEndpoints/realistic'))).toBe('Creating');
    // A deployment is timed as a deployment (minutes), an update as an update.
    const op = emulator.lro.runningOn(`${emulator.workspaceId}/onlineEndpoints/realistic`)!;
    expect(op.dueAt - Date.parse(op.startTime)).toBe(
      operationTiming('create', 'onlineEndpoints').seconds * 1000,
    );
  });

  it('planned failures and per-plan durations still apply', async () => {
    emulator.lro.plan({
      resourceType: 'onlineEndpoints',
      durationSeconds: 0.2,
      fail: { code: 'QuotaExceeded', message: 'No quota.' },
    });
    const put = await send('PUT', '/onlineEndpoints/failing', endpointBody());
    expect(state(await send('GET', '/onlineEndpoints/failing'))).toBe('Creating');
    await sleep(400);
    expect(state(await send('GET', '/onlineEndpoints/failing'))).toBe('Failed');
    const status = await requestWithHeaders(emulator, 'GET', String(put.headers['azure-asyncoperation']), {
      token,
    });
    expect(status.body).toMatchObject({ status: 'Failed', error: { code: 'QuotaExceeded' } });
  });

  it('keeps a finished operation for its scaled retention (at least a minute) for late polls, then forgets it', async () => {
    const retentionAtFactor1 = FINISHED_OPERATION_RETENTION_SECONDS * 1000;
    const poll = (statusUrl: string) => requestWithHeaders(emulator, 'GET', statusUrl, { token });
    const finishedOperation = async (name: string) => {
      emulator.lro.plan({ resourceType: 'onlineEndpoints', durationSeconds: 0 });
      const put = await send('PUT', `/onlineEndpoints/${name}`, endpointBody());
      const statusUrl = String(put.headers['azure-asyncoperation']);
      expect((await poll(statusUrl)).body['status']).toBe('Succeeded');
      return { statusUrl, finishedAt: Date.now() };
    };
    // At factor 0.02 the scaled retention (18 s) is under the floor: kept a minute.
    const fast = await finishedOperation('retained-fast');
    // At factor 1: kept the profile's retention.
    emulator.lro.timeFactor = 1;
    const slow = await finishedOperation('retained-slow');
    // advanceAll(now) checks the operations as if at `now` (each request calls it with the real time).
    emulator.lro.advanceAll(fast.finishedAt + MIN_FINISHED_RETENTION_MS - 1_000);
    expect((await poll(fast.statusUrl)).body['status']).toBe('Succeeded');
    const known = emulator.lro.size;
    emulator.lro.advanceAll(fast.finishedAt + MIN_FINISHED_RETENTION_MS + 1_000);
    expect(emulator.lro.size).toBeLessThan(known);
    const gone = await poll(fast.statusUrl);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'NotFound' } });
    expect((await poll(slow.statusUrl)).body['status']).toBe('Succeeded');
    emulator.lro.advanceAll(slow.finishedAt + retentionAtFactor1 - 1_000);
    expect((await poll(slow.statusUrl)).body['status']).toBe('Succeeded');
    emulator.lro.advanceAll(slow.finishedAt + retentionAtFactor1 + 1_000);
    expect((await poll(slow.statusUrl)).status).toBe(404);
    // The resources themselves stay.
    expect(state(await send('GET', '/onlineEndpoints/retained-fast'))).toBe('Succeeded');
  });
});

describe('timing profile', () => {
  it('times kinds apart and falls back to a default', () => {
    expect(operationTiming('create', 'deployments').seconds).toBeGreaterThanOrEqual(300);
    expect(operationTiming('create', 'Deployments')).toEqual(operationTiming('create', 'deployments'));
    expect(operationTiming('update', 'deployments').seconds).toBeLessThan(
      operationTiming('create', 'deployments').seconds,
    );
    expect(operationTiming('create', 'unknownThings').retryAfterSeconds).toBe(15);
  });

  it('rounds Retry-After up to whole seconds, 0 under one second', () => {
    expect([0, 0.01, 0.99, 1, 1.2, 10, 14.5].map(retryAfterHeader)).toEqual([0, 0, 0, 1, 2, 10, 15]);
  });

  it('takes the factor from the environment, else the option, else the default', () => {
    expect(timeFactor(undefined, {})).toBe(DEFAULT_TIME_FACTOR);
    expect(timeFactor(0.5, {})).toBe(0.5);
    expect(timeFactor(0.5, { [TIME_FACTOR_ENV]: '1' })).toBe(1);
    expect(timeFactor(0.5, { [TIME_FACTOR_ENV]: ' ' })).toBe(0.5);
    expect(() => timeFactor(undefined, { [TIME_FACTOR_ENV]: 'fast' })).toThrow(TIME_FACTOR_ENV);
    expect(() => timeFactor(-1, {})).toThrow(/≥ 0/);
  });
});
