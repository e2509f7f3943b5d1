import type { AzureSignInValues } from '../azure/auth-config';
import type { WorkspaceRef } from '../azureml/workspace-session';
import type { StepInputs } from '../step/inputs';

const signInInputs = ['azureSubscription', 'clientId', 'tenantId', 'subscriptionId', 'creds'] as const;

/** The sign-in inputs this host offers, as given (which ones are required is auth-config's business). */
export function signInValues(inputs: StepInputs): AzureSignInValues {
  const signIn: Record<string, string> = {};
  for (const name of signInInputs) {
    const value = inputs.has(name) ? inputs.string(name) : undefined;
    if (value !== undefined) signIn[name] = value;
  }
  return signIn;
}

/** The workspace of a step whose manifest requires `resourceGroup` and `workspaceName` (readInputs checked). */
export function workspaceRef(inputs: StepInputs): WorkspaceRef {
  return {
    resourceGroup: inputs.requiredString('resourceGroup'),
    workspaceName: inputs.requiredString('workspaceName'),
    signIn: signInValues(inputs),
  };
}
