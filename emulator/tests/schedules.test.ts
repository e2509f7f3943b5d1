/**
 * Schedules (model monitors) on the emulator as the REST API answers them at 2025-12-01: PUT and DELETE are
 * long-running, GET and the paged, filtered list read what is stored, and a body that breaks the monitor models is
 * refused with Azure ML's UserError naming each field. One emulator; each test uses schedules of its own names.
 */
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredential, requestJson, requestWithHeaders } from './test-clients';

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ timeFactor: 0.0001 });
  token = (await emulatorCredential(emulator).getToken('https://management.azure.com/.default')).token;
}, 60_000);

afterAll(async () => {
  await emulator?.close();
});

const url = (name: string, apiVersion = '2025-12-01') =>
  `${emulator.armUrl}${emulator.workspaceId}/schedules/${name}?api-version=${apiVersion}`;

/** A CreateMonitor schedule body with one data drift signal. */
function monitorBody(overrides: { signal?: Record<string, unknown>; isEnabled?: boolean } = {}) {
  return {
    properties: {
      displayName: 'drift',
      tags: { owner: 'test' },
      ...(overrides.isEnabled === undefined ? {} : { isEnabled: overrides.isEnabled }),
      trigger: {
        triggerType: 'Recurrence',
        frequency: 'Day',
        interval: 1,
        schedule: { hours: [3], minutes: [0] },
      },
      action: {
        actionType: 'CreateMonitor',
        monitorDefinition: {
          computeConfiguration: {
            computeType: 'ServerlessSpark',
            computeIdentity: { computeIdentityType: 'AmlToken' },
            instanceType: 'standard_e4s_v3',
            runtimeVersion: '3.4',
          },
          monitoringTarget: { taskType: 'Classification', deploymentId: 'd', modelId: 'm' },
          signals: {
            drift: {
              signalType: 'DataDrift',
              productionData: {
                inputDataType: 'Rolling',
                jobInputType: 'uri_folder',
                uri: 'azureml:inputs:1',
                windowOffset: 'P0D',
                windowSize: 'P7D',
              },
              referenceData: { inputDataType: 'Fixed', jobInputType: 'uri_folder', uri: 'azureml:train:1' },
              metricThresholds: [
                { dataType: 'Numerical', metric: 'PopulationStabilityIndex', threshold: { value: 0.2 } },
              ],
              ...overrides.signal,
            },
          },
        },
      },
    },
  };
}

/** PUTs a schedule and follows its operation to the end. */
async function putSchedule(name: string, body: unknown): Promise<void> {
  const put = await requestWithHeaders(emulator, 'PUT', url(name), { token, body });
  expect([200, 201]).toContain(put.status);
  await settle(String(put.headers['azure-asyncoperation']));
}

async function settle(operationUrl: string): Promise<void> {
  for (;;) {
    const poll = await requestJson(emulator, 'GET', operationUrl, { token });
    if (poll.body['status'] !== 'InProgress') {
      expect(poll.body['status']).toBe('Succeeded');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a monitor schedule is created as a long-running PUT, then read back with the service defaults', async () => {
  const put = await requestWithHeaders(emulator, 'PUT', url('created'), { token, body: monitorBody() });
  expect(put.status).toBe(201);
  expect(put.headers['azure-asyncoperation']).toMatch(/mfeOperationsStatus/);
  expect((put.body['properties'] as Record<string, unknown>)['provisioningState']).toBe('Creating');
  await settle(String(put.headers['azure-asyncoperation']));
  const got = await requestJson(emulator, 'GET', url('created'), { token });
  expect(got.status).toBe(200);
  const props = got.body['properties'] as Record<string, unknown>;
  expect(props['provisioningState']).toBe('Succeeded');
  expect(props['isEnabled']).toBe(true);
  expect(props['trigger']).toMatchObject({ timeZone: 'UTC', frequency: 'Day' });
  expect(got.body['type']).toBe('Microsoft.MachineLearningServices/workspaces/schedules');
  expect(got.body['systemData']).toMatchObject({
    createdAt: expect.any(String),
    lastModifiedAt: expect.any(String),
  });

  const again = await requestWithHeaders(emulator, 'PUT', url('created'), { token, body: monitorBody() });
  expect(again.status).toBe(200);
  await settle(String(again.headers['azure-asyncoperation']));
});

test('a monitor body that breaks the 2025-12-01 models is refused with each field named', async () => {
  const body = monitorBody({
    signal: {
      metricThresholds: [{ dataType: 'Numerical', metric: 'PearsonsChiSquaredTest' }],
      referenceData: { inputDataType: 'Fixed', jobInputType: 'uri_folder' },
    },
  });
  const refused = await requestJson(emulator, 'PUT', url('refused'), { token, body });
  expect(refused.status).toBe(400);
  const error = refused.body['error'] as { code: string; details: { target: string; message: string }[] };
  expect(error.code).toBe('UserError');
  const targets = error.details.map((d) => d.target);
  const signal = 'properties.action.monitorDefinition.signals.drift';
  expect(targets).toEqual(
    expect.arrayContaining([`${signal}.metricThresholds[0].metric`, `${signal}.referenceData.uri`]),
  );
  const missingTrigger = await requestJson(emulator, 'PUT', url('refused'), {
    token,
    body: { properties: { action: monitorBody().properties.action } },
  });
  expect(missingTrigger.status).toBe(400);
  expect(JSON.stringify(missingTrigger.body)).toContain('properties.trigger: is required');
  expect((await requestJson(emulator, 'GET', url('refused'), { token })).status).toBe(404);
});

test('2022-10-01 knows no CreateMonitor action', async () => {
  const refused = await requestJson(emulator, 'PUT', url('old', '2022-10-01'), {
    token,
    body: monitorBody(),
  });
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toContain("'CreateMonitor' is not one of");
});

test('the list is paged and filtered by listViewType; a DELETE is long-running and a second one answers 204', async () => {
  await putSchedule('list-a', monitorBody());
  await putSchedule('list-b', monitorBody({ isEnabled: false }));
  emulator.schedules.pageSize = 1;
  try {
    const names: string[] = [];
    let next: string | undefined =
      `${emulator.armUrl}${emulator.workspaceId}/schedules?api-version=2025-12-01&listViewType=All`;
    while (next) {
      const page = await requestJson(emulator, 'GET', next, { token });
      expect(page.status).toBe(200);
      const value = page.body['value'] as { name: string }[];
      expect(value.length).toBeLessThanOrEqual(1);
      names.push(...value.map((s) => s.name));
      next = page.body['nextLink'] as string | undefined;
    }
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b']));
  } finally {
    emulator.schedules.pageSize = 100;
  }
  const listed = async (view: string) =>
    (
      (
        await requestJson(
          emulator,
          'GET',
          `${emulator.armUrl}${emulator.workspaceId}/schedules?api-version=2025-12-01&listViewType=${view}`,
          { token },
        )
      ).body['value'] as { name: string }[]
    ).map((s) => s.name);
  expect(await listed('DisabledOnly')).toEqual(['list-b']);
  expect(await listed('EnabledOnly')).not.toContain('list-b');
  expect(
    (
      await requestJson(
        emulator,
        'GET',
        `${emulator.armUrl}${emulator.workspaceId}/schedules?api-version=2025-12-01&listViewType=Some`,
        {
          token,
        },
      )
    ).status,
  ).toBe(400);

  const deleted = await requestWithHeaders(emulator, 'DELETE', url('list-a'), { token });
  expect(deleted.status).toBe(202);
  expect(deleted.headers['location']).toMatch(/mfeOperationResults/);
  // Until the operation ends the schedule is still there, Deleting.
  for (;;) {
    const got = await requestJson(emulator, 'GET', url('list-a'), { token });
    if (got.status === 404) break;
    expect((got.body['properties'] as Record<string, unknown>)['provisioningState']).toBe('Deleting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect((await requestJson(emulator, 'DELETE', url('list-a'), { token })).status).toBe(204);
});
