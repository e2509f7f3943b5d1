import type { StepContext } from '../step/define';
import { resolveAzureAccess, type AzureAccess, type AzureSignInValues } from '../azure/auth-config';
import { createCredential, type StepCredential } from '../azure/credentials';
import type { AzureTransportOptions } from '../azure/pipeline-options';
import { RetryBudget, retrySettingsFrom } from '../azure/retry-policy';
import type { WorkspaceRef } from './workspace-session';

/** A workspace's sign-in as the host configured it: the access it resolved and the credential made from it. */
export interface SignIn {
  readonly access: AzureAccess;
  readonly credential: StepCredential;
  readonly transport: AzureTransportOptions;
}

/** Resolves the host's sign-in for `ref` (every secret registered first) and makes its credential. */
export function signIn(ref: WorkspaceRef, context: StepContext): SignIn {
  const addSecret = (secret: string) => context.addSecret(secret);
  const access = resolveAzureAccess(context.environment.host, ref.signIn, context.identity, addSecret);
  const transport = stepTransport(context);
  const credential = createCredential(access.auth, access.cloud, { ...transport, addSecret });
  return { access, credential, transport };
}

const early = new WeakMap<StepContext, { ref: WorkspaceRef; signIn: SignIn }>();

/**
 * Signs in and starts the ARM token request now, while the chunk with the Azure SDKs is still loading
 * (docs/decisions/0003, "Start-up"); the step's first session on `ref` takes this sign-in. A sign-in that cannot be
 * resolved is left for that session, which reports it where it did before. `signal` (the run's by default) ends
 * the request.
 */
export function signInEarly(
  ref: WorkspaceRef,
  context: StepContext,
  signal: AbortSignal = context.signal,
): void {
  let started: SignIn;
  try {
    started = signIn(ref, context);
  } catch {
    return;
  }
  started.credential.prefetch(started.access.cloud.armScope, signal);
  early.set(context, { ref, signIn: started });
}

/** The sign-in `signInEarly` started for the same workspace and sign-in inputs, once; a new one otherwise. */
export function takeSignIn(ref: WorkspaceRef, context: StepContext): SignIn {
  const started = early.get(context);
  if (!started || !sameWorkspace(started.ref, ref)) return signIn(ref, context);
  early.delete(context);
  return started.signIn;
}

function sameWorkspace(a: WorkspaceRef, b: WorkspaceRef): boolean {
  const names = new Set([...Object.keys(a.signIn), ...Object.keys(b.signIn)]) as Set<keyof AzureSignInValues>;
  return (
    a.resourceGroup === b.resourceGroup &&
    a.workspaceName === b.workspaceName &&
    [...names].every((name) => a.signIn[name] === b.signIn[name])
  );
}

const transports = new WeakMap<StepContext, AzureTransportOptions>();

/**
 * What every Azure client of one step shares: the per-request timeout and one retry budget, whose waits are logged
 * (limits from the host's retry variables: azure/retry-policy.ts).
 */
function stepTransport(context: StepContext): AzureTransportOptions {
  let transport = transports.get(context);
  if (!transport) {
    const { limits, requestTimeoutMs } = retrySettingsFrom(context.identity.retryOverride);
    const retryBudget = new RetryBudget(limits, (line) => context.logger.info(line));
    transport = { retryBudget, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) };
    transports.set(context, transport);
  }
  return transport;
}
