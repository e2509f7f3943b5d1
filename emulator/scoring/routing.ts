/**
 * How an online endpoint's front end treats a scoring request: authentication per `authMode`, then the target
 * deployment (the `azureml-model-deployment` header, else a weighted pick by `traffic`) and an optional mirror
 * copy (`mirrorTraffic`). Pure functions of the endpoint resource; `endpoint-listener.ts` does the HTTP.
 */
import { isObject, type Json } from '../arm/resource';
import type { StoredResource } from '../arm/store';

/** Azure ML's answer when no deployment has traffic (documented for managed online endpoints, status 404). */
export const NO_VALID_DEPLOYMENTS =
  'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive ' +
  'weight values or use a deployment specific header to route.';

export type Route = { deployment: string; mirror?: string } | { status: number; message: string };

/** Checks a bearer token of an endpoint: a key, a token from its `/token` action, or an Azure ML AAD token. */
export interface AuthCheck {
  /** Verifies an AAD access token for the Azure ML data plane (`authMode: AADToken`). */
  aadToken(token: string): boolean;
}

/** Undefined when the request may score, else the 401 body (the service answers plain text). */
export function authorize(
  endpoint: StoredResource,
  authorization: string | undefined,
  check: AuthCheck,
): string | undefined {
  const mode = String(propsOf(endpoint)['authMode'] ?? '').toLowerCase();
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (mode === 'key') {
    if (!token) return 'key_auth_bad_header_forbidden';
    const keys = isObject(endpoint.secrets['keys']) ? endpoint.secrets['keys'] : {};
    return token === keys['primaryKey'] || token === keys['secondaryKey']
      ? undefined
      : 'key_auth_access_denied';
  }
  if (mode === 'amltoken') {
    const tokens = Array.isArray(endpoint.secrets['tokens']) ? endpoint.secrets['tokens'] : [];
    return token && tokens.includes(token) ? undefined : 'aml_token_auth_access_denied';
  }
  if (mode === 'aadtoken') return token && check.aadToken(token) ? undefined : 'aad_token_auth_access_denied';
  return 'auth_mode_not_supported';
}

/**
 * The deployment a request goes to. `exists` says whether a deployment of that name is under the endpoint
 * (names compare case-insensitively, as ARM's); `random` is in [0, 1).
 */
export function route(
  endpoint: StoredResource,
  header: string | undefined,
  exists: (name: string) => boolean,
  random: () => number = Math.random,
): Route {
  if (header !== undefined && header !== '') {
    if (exists(header)) return { deployment: header };
    return { status: 404, message: `Deployment '${header}' not found for this endpoint.` };
  }
  const props = propsOf(endpoint);
  const weighted = weights(props['traffic']).filter(([name]) => exists(name));
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return { status: 404, message: NO_VALID_DEPLOYMENTS };
  let point = random() * total;
  let chosen = weighted[weighted.length - 1]?.[0] ?? '';
  for (const [name, weight] of weighted) {
    if (point < weight) {
      chosen = name;
      break;
    }
    point -= weight;
  }
  const mirror = weights(props['mirrorTraffic']).find(
    ([name, percent]) =>
      name.toLowerCase() !== chosen.toLowerCase() && exists(name) && random() * 100 < percent,
  );
  return mirror ? { deployment: chosen, mirror: mirror[0] } : { deployment: chosen };
}

function propsOf(resource: StoredResource): Json {
  const props = resource.body['properties'];
  return isObject(props) ? props : {};
}

/** `{name: weight}` entries with a positive numeric weight. */
function weights(value: unknown): [string, number][] {
  if (!isObject(value)) return [];
  return Object.entries(value)
    .map(([name, weight]): [string, number] => [name, Number(weight)])
    .filter(([, weight]) => Number.isFinite(weight) && weight > 0);
}
