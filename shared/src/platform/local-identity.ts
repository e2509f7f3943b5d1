import type { HostIdentityPort } from './ports';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A GitHub-style OIDC token from the variables a runner gives (`ACTIONS_ID_TOKEN_REQUEST_URL` and `_TOKEN`): on
 * this machine they come from a token service such as the emulator's, so that `INPUT_CLIENT_ID` +
 * `INPUT_TENANT_ID` sign in as on GitHub.
 */
export function localIdToken(env: Env): HostIdentityPort['idToken'] {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !token) return undefined;
  return async (audience) => {
    const request = new URL(url);
    request.searchParams.set('audience', audience);
    const response = await fetch(request, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok)
      throw new Error(`the OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL) answered ${response.status}`);
    const body = (await response.json()) as { value?: unknown };
    if (typeof body.value !== 'string')
      throw new Error('the OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL) answered without a token');
    return body.value;
  };
}

/** A managed identity endpoint is at hand (App Service, Azure Arc, Cloud Shell, the emulator: IDENTITY_ENDPOINT). */
export function localManagedIdentity(env: Env): boolean {
  return Boolean(env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT);
}
