import type { describeEmulator } from '../../emulator/start';
import { runStepAs, type Host, type HostRun } from './host-run';

type EmulatorDescription = ReturnType<typeof describeEmulator>;

/** How each host signs in to the emulator: a service principal connection on Azure DevOps, `creds` on GitHub. */
export function emulatorSignIn(
  host: Host,
  description: EmulatorDescription,
): { inputs: Record<string, string>; env: Record<string, string> } {
  return host === 'azure-pipelines'
    ? {
        inputs: { azureSubscription: description.azureDevOps.serviceConnectionId },
        env: { ...description.env, ...description.azureDevOps.env },
      }
    : { inputs: { creds: description.github.env.INPUT_CREDS! }, env: description.env };
}

/** Runs a bundled step as `host` against the emulator's workspace, signed in as that host would be. */
export function runOnEmulator(
  host: Host,
  description: EmulatorDescription,
  step: {
    task: string;
    action: string;
    inputs: Record<string, string>;
    timeoutMs?: number;
    /** More of the run's environment (a pull request event, pipeline variables). */
    env?: Record<string, string>;
  },
): Promise<HostRun> {
  const access = emulatorSignIn(host, description);
  return runStepAs(host, {
    task: step.task,
    action: step.action,
    inputs: {
      ...access.inputs,
      resourceGroup: description.resourceGroup,
      workspaceName: description.workspaceName,
      ...step.inputs,
    },
    extraEnv: { ...access.env, ...step.env },
    timeoutMs: step.timeoutMs ?? 120_000,
  });
}

/**
 * How many requests the emulator received besides the sign-in (its `/{tenant}/...` routes): a step may ask for its
 * ARM token while it still reads its files (docs/decisions/0003), which creates nothing.
 */
export function callsBesideSignIn(emulator: {
  readonly tenantId: string;
  readonly requests: ReadonlyArray<{ readonly path: string }>;
}): number {
  return emulator.requests.filter((r) => !r.path.startsWith(`/${emulator.tenantId}/`)).length;
}
