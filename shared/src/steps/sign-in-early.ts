import type { WorkspaceRef } from '../azureml/workspace-session';
import type { StepContext } from '../step/define';
import type { StepInputs } from '../step/inputs';
import { workspaceRef } from './workspace-inputs';

/**
 * Loads the sign-in (@azure/identity, without the ARM SDKs) and starts the ARM token request, so that it goes out
 * while the step's Azure SDK chunk loads (docs/decisions/0003, "Start-up"). `signal` (the run's by default) ends
 * the request.
 */
export async function signInEarly(
  ref: WorkspaceRef,
  context: StepContext,
  signal?: AbortSignal,
): Promise<void> {
  (await import('../azureml/sign-in')).signInEarly(ref, context, signal);
}

/**
 * A step's `startEarly` for a step whose manifest requires `resourceGroup` and `workspaceName`: the ARM token
 * request for that workspace goes out before the step parses its files (YAML), which then load and run while it
 * is in flight.
 */
export async function signInToWorkspaceEarly(
  inputs: StepInputs,
  context: StepContext,
  signal: AbortSignal,
): Promise<void> {
  await signInEarly(workspaceRef(inputs), context, signal);
}
