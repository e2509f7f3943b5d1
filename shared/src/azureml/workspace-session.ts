import type { AzureMachineLearningWorkspaces, Workspace } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
import type { StepContext } from '../step/define';
import {
  createArmJsonTransport,
  createMachineLearningClient,
  type ArmClientOptions,
  type ArmJsonTransport,
  type ArmTarget,
} from '../azure/arm-clients';
import type { AzureAccess, AzureSignInValues } from '../azure/auth-config';
import { callAzure, type AzureErrorContext } from '../azure/errors';
import { takeSignIn } from './sign-in';

/** The workspace a step works in, as its inputs name it. */
export interface WorkspaceRef {
  readonly resourceGroup: string;
  readonly workspaceName: string;
  readonly signIn: AzureSignInValues;
}

/** A signed-in session on one workspace: the credential, the ML client, and how to word errors about it. */
export interface WorkspaceSession {
  readonly access: AzureAccess;
  readonly credential: TokenCredential;
  readonly target: ArmTarget;
  readonly clientOptions: ArmClientOptions;
  readonly ml: AzureMachineLearningWorkspaces;
  /**
   * Raw JSON requests that carry an api-version of their own (jobs, online endpoints and deployments at versions
   * newer than the ML client's): same sign-in, made on first use.
   */
  readonly armJson: ArmJsonTransport;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  /** ARM id of the workspace. */
  readonly workspaceId: string;
  /** Runs one Azure call; a failure becomes an AzureError naming `operation` and the fix. */
  call<T>(operation: string, run: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T>;
  /** The error context for `operation` (for callAzure around calls that are not plain SDK calls). */
  about(operation: string): AzureErrorContext;
}

/** Signs in as the host configured it (every secret registered first) and opens the workspace's ARM client. */
export function openWorkspaceSession(
  ref: WorkspaceRef,
  step: string,
  context: StepContext,
): WorkspaceSession {
  const host = context.environment.host;
  const { access, credential, transport } = takeSignIn(ref, context);
  context.logger.info(`Signing in to Azure: ${access.description}`);
  const target = { cloud: access.cloud, subscriptionId: access.subscriptionId };
  const clientOptions = { ...transport, step, host };
  const ml = createMachineLearningClient(credential, target, clientOptions);
  const { resourceGroup, workspaceName } = ref;
  const workspaceId = `/subscriptions/${access.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspaceName}`;
  const about = (operation: string): AzureErrorContext => ({ operation, scope: workspaceId, host });
  let armJson: ArmJsonTransport | undefined;
  return {
    access,
    credential,
    target,
    clientOptions,
    ml,
    get armJson() {
      return (armJson ??= createArmJsonTransport(credential, target, clientOptions));
    },
    resourceGroup,
    workspaceName,
    workspaceId,
    about,
    call: (operation, run) => callAzure(about(operation), () => run({ abortSignal: context.signal })),
  };
}

/** Reads the session's workspace (its location, MLflow tracking URI and the rest). */
export function readWorkspace(session: WorkspaceSession): Promise<Workspace> {
  const { ml, resourceGroup: rg, workspaceName: ws } = session;
  return session.call(`Reading workspace '${rg}/${ws}'`, (o) => ml.workspaces.get(rg, ws, o));
}
