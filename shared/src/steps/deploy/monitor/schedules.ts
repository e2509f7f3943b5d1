/**
 * Azure ML schedules as raw JSON at api-version 2025-12-01 (the first stable version with model monitors, whose
 * `CreateMonitor` action @azure/arm-machinelearning 2.1.1's 2022-10-01 models lack: docs/decisions/0027), through
 * the SDK client's pipeline as deployments are sent. PUT and DELETE are long-running and followed to their end.
 */
import { armJsonRequest } from '../../../azure/arm-raw';
import { beginArmJsonOperation } from '../../../azure/arm-raw-operation';
import { pollingOptions, waitForOperation } from '../../../azure/arm-clients';
import { callAzure } from '../../../azure/errors';
import type { WorkspaceSession } from '../../../azureml/workspace-session';
import type { StepContext } from '../../../step/define';
import { orMissing } from '../online';

export const scheduleApiVersion = '2025-12-01';

export class Schedules {
  constructor(
    private readonly session: WorkspaceSession,
    private readonly context: StepContext,
  ) {}

  path(name: string): string {
    return `${this.session.workspaceId}/schedules/${name}`;
  }

  /** The schedule, or undefined when it does not exist. */
  get(name: string): Promise<Record<string, unknown> | undefined> {
    const { access } = this.session;
    return orMissing(() =>
      this.session.call(`Reading schedule '${name}'`, (o) =>
        armJsonRequest(this.session.armJson, access.cloud.armEndpoint, 'GET', this.path(name), undefined, {
          ...o,
          apiVersion: scheduleApiVersion,
        }),
      ),
    );
  }

  /** PUTs the schedule and waits for it. */
  put(name: string, body: unknown, what: string): Promise<unknown> {
    return this.write('PUT', name, body, what);
  }

  /** Deletes the schedule and waits for it. */
  delete(name: string, what: string): Promise<unknown> {
    return this.write('DELETE', name, undefined, what);
  }

  private async write(method: 'PUT' | 'DELETE', name: string, body: unknown, what: string) {
    const { access } = this.session;
    const operation = await this.session.call(what, (o) =>
      beginArmJsonOperation(this.session.armJson, access.cloud.armEndpoint, method, this.path(name), body, {
        ...o,
        apiVersion: scheduleApiVersion,
        ...pollingOptions(2_000),
      }),
    );
    return callAzure(this.session.about(what), () =>
      waitForOperation(operation, what, this.context.logger, { signal: this.context.signal }),
    );
  }
}
