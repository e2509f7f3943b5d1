import type { WorkspaceRef } from '../azureml/workspace-session';
import type { StepContext } from '../step/define';

/**
 * Loads the sign-in (@azure/identity, without the ARM SDKs) and starts the ARM token request, so that it goes out
 * while the step's Azure SDK chunk loads (docs/decisions/0003, "Start-up").
 */
export async function signInEarly(ref: WorkspaceRef, context: StepContext): Promise<void> {
  (await import('../azureml/sign-in')).signInEarly(ref, context);
}
