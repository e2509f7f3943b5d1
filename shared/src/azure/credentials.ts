import {
  AzureCliCredential,
  AzurePipelinesCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { AzureAuth } from './auth-config';
import type { AzureCloud } from './cloud';
import { pipelineOptions, type AzureTransportOptions } from './pipeline-options';

export interface CredentialOptions extends AzureTransportOptions {
  /** Registers a secret with the run (StepContext.addSecret): every minted access token goes through it. */
  readonly addSecret: (secret: string) => void;
}

/** A step's credential: masks every token it mints, and can start a token request before anyone asks for it. */
export interface StepCredential extends TokenCredential {
  /** Starts a token request for `scope` now; the first `getToken` for that scope alone (no claims) takes it. */
  prefetch(scope: string, abortSignal: AbortSignal): void;
}

/** The @azure/identity credential for an AzureAuth, in the given cloud, masking every token it mints. */
export function createCredential(
  auth: AzureAuth,
  cloud: AzureCloud,
  options: CredentialOptions,
): StepCredential {
  const common = {
    ...pipelineOptions({ service: 'Entra ID (sign-in)', ...options }),
    authorityHost: cloud.authorityHost,
    // Instance discovery asks the public Entra ID about the authority: a stand-in authority is unknown there.
    ...(cloud.custom ? { disableInstanceDiscovery: true } : {}),
  };
  return new MaskingCredential(inner(auth, common), options.addSecret);
}

function inner(
  auth: AzureAuth,
  common: ReturnType<typeof pipelineOptions> & { authorityHost: string },
): TokenCredential {
  switch (auth.kind) {
    case 'pipelinesFederation':
      // Reads SYSTEM_OIDCREQUESTURI from the environment itself; auth-config checked the adapter saw it.
      return new AzurePipelinesCredential(
        auth.tenantId,
        auth.clientId,
        auth.serviceConnectionId,
        auth.systemAccessToken,
        common,
      );
    case 'clientSecret':
      return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret, common);
    case 'clientCertificate':
      return new ClientCertificateCredential(
        auth.tenantId,
        auth.clientId,
        { certificate: auth.certificatePem },
        common,
      );
    case 'managedIdentity':
      return auth.clientId
        ? new ManagedIdentityCredential({ ...common, clientId: auth.clientId })
        : new ManagedIdentityCredential(common);
    case 'clientAssertion':
      // Called each time Entra needs a new assertion, so long jobs outlive the OIDC token's few minutes.
      return new ClientAssertionCredential(auth.tenantId, auth.clientId, auth.getAssertion, common);
    case 'azureCli':
      // The CLI keeps its own cloud and authority (az cloud set): only the tenant can be chosen here.
      return new AzureCliCredential(auth.tenantId ? { tenantId: auth.tenantId } : {});
  }
}

/** Hands every access token to the secret registry before any caller can print it. */
class MaskingCredential implements StepCredential {
  private prefetched: { scope: string; token: Promise<AccessToken | null> } | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly addSecret: (secret: string) => void,
  ) {}

  prefetch(scope: string, abortSignal: AbortSignal): void {
    const token = this.getToken(scope, { abortSignal });
    // Its failure is the first caller's to report (the same error a request of its own would have met).
    token.catch(() => undefined);
    this.prefetched = { scope, token };
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const prefetched = this.prefetched;
    if (
      prefetched &&
      !options?.claims &&
      !options?.tenantId &&
      [scopes].flat().join(' ') === prefetched.scope
    ) {
      this.prefetched = undefined;
      return prefetched.token;
    }
    const token = await this.credential.getToken(scopes, options);
    if (token) this.addSecret(token.token);
    return token;
  }
}
