/**
 * Azure Resource Manager front door: bearer-token and api-version checks (the guard every ARM route uses), the
 * resource store, long-running operation polling routes and ARM-shaped errors.
 */
import type { AadEmulator } from '../aad';
import {
  armError,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorServer,
  type Guard,
} from '../server';
import { OperationManager, type Operation } from './operations';
import { ResourceStore } from './store';
import {
  checkApiVersion,
  invalidContent,
  invalidRequest,
  machineLearningProblems,
  providerProblems,
} from './validation';

export interface ArmOptions {
  tenantId: string;
  subscriptionId: string;
  /** Resource groups that exist (case-insensitive). */
  resourceGroups: string[];
  location: string;
  /** Scales the timing profile's durations (`timing-profile.ts`; the environment's factor wins). */
  timeFactor?: number;
}

/** ARM's display format for token expiry messages, e.g. `11/22/2026 1:05:03 AM`. */
function armTime(date: Date): string {
  const h = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ` +
    `${h % 12 === 0 ? 12 : h % 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
  );
}

export type RoleName = 'Owner' | 'Contributor' | 'Reader';

export interface RoleAssignment {
  /** Object id of the principal (service principal of an app, or managed identity). */
  principalId: string;
  /** ARM scope: `/subscriptions/s`, `/subscriptions/s/resourceGroups/rg`, or a resource id. */
  scope: string;
  role: RoleName;
}

/** Role assignments; a principal may act on a resource when an assignment's scope covers it. */
export class Rbac {
  readonly assignments: RoleAssignment[] = [];

  grant(principalId: string, scope: string, role: RoleName = 'Contributor'): RoleAssignment {
    const assignment = { principalId, scope: scope.replace(/\/+$/, ''), role };
    this.assignments.push(assignment);
    return assignment;
  }

  /** Removes the principal's assignments (all of them, or those at `scope`). */
  revoke(principalId: string, scope?: string): void {
    for (let i = this.assignments.length - 1; i >= 0; i--) {
      const a = this.assignments[i];
      if (
        a &&
        a.principalId.toLowerCase() === principalId.toLowerCase() &&
        (scope === undefined || a.scope.toLowerCase() === scope.replace(/\/+$/, '').toLowerCase())
      )
        this.assignments.splice(i, 1);
    }
  }

  /** Whether `principalId` may perform `action` on `resourceId`. */
  allows(principalId: string, resourceId: string, action: string): boolean {
    const id = resourceId.toLowerCase();
    const read = /\/read$/i.test(action);
    return this.assignments.some((a) => {
      if (a.principalId.toLowerCase() !== principalId.toLowerCase()) return false;
      const scope = a.scope.toLowerCase();
      if (id !== scope && !id.startsWith(`${scope}/`)) return false;
      return a.role !== 'Reader' || read;
    });
  }
}

/** Action and scope of an ARM request under a resource group, e.g. `.../workspaces/read` on the workspace id. */
export function armAction(method: string, path: string): { action: string; scope: string } | undefined {
  const clean = path.replace(/\/+$/, '');
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\/providers\/(.+)$/i.exec(clean);
  if (!m?.[1] || !m[2]) return undefined;
  // Extension resources (`.../managedClusters/c/providers/Microsoft.KubernetesConfiguration/extensions/x`) belong
  // to the LAST provider namespace in the path.
  const parts = m[2].split('/');
  let namespaceAt = 0;
  for (let i = 1; i < parts.length - 1; i += 2)
    if (parts[i]?.toLowerCase() === 'providers') namespaceAt = i + 1;
  const rest = parts.slice(namespaceAt + 1);
  if (rest.length === 0) return undefined;
  let actionName: string | undefined;
  if (rest.length % 2 === 1 && method === 'POST') actionName = rest.pop();
  const type = `${parts[namespaceAt] ?? ''}/${rest.filter((_, i) => i % 2 === 0).join('/')}`;
  const scope = actionName === undefined ? clean : clean.slice(0, clean.length - actionName.length - 1);
  const verb =
    actionName !== undefined
      ? `${actionName}/action`
      : method === 'GET' || method === 'HEAD'
        ? 'read'
        : method === 'DELETE'
          ? 'delete'
          : 'write';
  return { action: `${type}/${verb}`, scope };
}

export class ArmEmulator {
  readonly store = new ResourceStore();
  readonly operations: OperationManager;
  readonly resourceGroups: Set<string>;
  readonly rbac = new Rbac();
  /** Resource provider registration state of the subscription (namespace lower-cased → registered). */
  readonly providers = new Map<string, boolean>(
    [
      'microsoft.machinelearningservices',
      'microsoft.containerservice',
      'microsoft.kubernetesconfiguration',
      'microsoft.containerinstance',
    ].map((namespace) => [namespace, true]),
  );

  /** Marks a resource provider namespace registered or not for the subscription. */
  setProviderRegistered(namespace: string, registered: boolean): void {
    this.providers.set(namespace.toLowerCase(), registered);
  }

  constructor(
    private readonly server: EmulatorServer,
    private readonly aad: AadEmulator,
    readonly options: ArmOptions,
  ) {
    this.operations = new OperationManager({ timeFactor: options.timeFactor });
    this.resourceGroups = new Set(options.resourceGroups.map((g) => g.toLowerCase()));
  }

  /** Authentication (bearer token issued by the emulator's AAD, for this subscription's tenant), then api-version. */
  readonly guard: Guard = (req) => {
    const authorization =
      typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const challenge = (description: string) => ({
      'www-authenticate': `Bearer authorization_uri="${this.server.url}/${this.options.tenantId}", error="invalid_token", error_description="${description}"`,
    });
    if (!authorization) {
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        challenge("The authentication failed because of missing 'Authorization' header."),
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) {
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        challenge("The authentication failed because of invalid 'Authorization' header."),
      );
    }
    const check = this.aad.verifyToken(match[1]);
    if (!check.ok) {
      if (check.reason === 'expired' && check.claims) {
        return armError(
          401,
          'ExpiredAuthenticationToken',
          `The access token expiry UTC time '${armTime(new Date(check.claims.exp * 1000))}' is earlier than current UTC time '${armTime(new Date())}'.`,
          challenge('The access token has expired.'),
        );
      }
      return armError(
        401,
        'InvalidAuthenticationToken',
        'The access token is invalid.',
        challenge('The access token is invalid.'),
      );
    }
    if (check.claims.tid.toLowerCase() !== this.options.tenantId.toLowerCase()) {
      return armError(
        401,
        'InvalidAuthenticationTokenTenant',
        `The access token is from the wrong issuer '${check.claims.iss}'. It must match the tenant ` +
          `'https://sts.windows.net/${this.options.tenantId}/' associated with this subscription. ` +
          "Please use the authority (URL) 'https://login.windows.net/" +
          `${this.options.tenantId}' to get the token.`,
      );
    }
    req.principal = { tid: check.claims.tid, oid: check.claims.oid, appid: check.claims.appid };
    if (!req.query.get('api-version')) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    const unsupported = this.strict ? checkApiVersion(req, this.options.location) : undefined;
    if (unsupported) return unsupported;
    const target = armAction(req.method, req.path);
    // Unknown subscriptions / resource groups keep their 404 (checked by the handlers) instead of a 403.
    if (target && this.scopeExists(target.scope)) {
      if (!this.rbac.allows(check.claims.oid, target.scope, target.action)) {
        return armError(
          403,
          'AuthorizationFailed',
          `The client '${check.claims.appid}' with object id '${check.claims.oid}' does not have authorization to ` +
            `perform action '${target.action}' over scope '${target.scope}' or the scope is invalid. If access was ` +
            'recently granted, please refresh your credentials.',
        );
      }
      const namespace = target.action.split('/')[0] ?? '';
      if (req.method !== 'GET' && this.providers.get(namespace.toLowerCase()) === false) {
        return armError(
          409,
          'MissingSubscriptionRegistration',
          `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found ` +
            'for how to register subscriptions.',
        );
      }
    }
    return undefined;
  };

  /**
   * Strict mode (default): api-versions a provider does not register and Machine Learning PUT bodies that break the
   * REST models or the cross-field rules are refused (400) before the handler runs (`validation/`).
   */
  strict = true;

  /** Registers an ARM route (guarded; in strict mode Machine Learning PUT bodies are validated first). */
  route(
    method: string,
    pattern: string,
    handler: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>,
  ) {
    const validated = (req: EmulatorRequest) => {
      // Operations take time whether or not anyone polls: what ended meanwhile is complete before any answer.
      this.operations.advanceAll();
      const problems = this.strict ? machineLearningProblems(req, this.store) : undefined;
      // ARM itself checks the location of a tracked resource before the provider sees the body.
      if (problems?.some((p) => p.path === 'location' && p.message === 'is required'))
        return armError(400, 'LocationRequired', 'The location property is required for this definition.');
      if (problems && problems.length > 0) return invalidRequest(req, this.options.location, problems);
      const other = this.strict ? providerProblems(req, (id) => this.parentExists(id)) : undefined;
      if (other && other.length > 0) return invalidContent(other);
      return handler(req);
    };
    this.server.route(method, pattern, validated, this.guard);
  }

  register(): void {
    this.route('GET', '/subscriptions/{subscriptionId}/providers/{namespace}', (req) => this.provider(req));
    this.route('POST', '/subscriptions/{subscriptionId}/providers/{namespace}/register', (req) => {
      this.setProviderRegistered(req.params['namespace'] ?? '', true);
      return this.provider(req);
    });
    const base = '/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}';
    this.route('GET', `${base}/mfeOperationsStatus/{operationId}`, (req) => this.pollStatus(req));
    this.route('GET', `${base}/mfeOperationResults/{operationId}`, (req) => this.pollLocation(req));
    const previous = this.server.fallback;
    this.server.fallback = (req) => {
      if (!/^\/subscriptions\//i.test(req.path)) return previous(req);
      const denied = this.guard(req);
      if (denied) return denied;
      return armError(
        404,
        'InvalidResourceType',
        `The resource type could not be found for '${req.path}' and api version '${req.query.get('api-version') ?? ''}'.`,
      );
    };
  }

  /** A resource group (known to the front door) or a stored resource. */
  private parentExists(id: string): boolean {
    if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(id)) return this.scopeExists(id);
    return this.store.get(id) !== undefined;
  }

  private scopeExists(scope: string): boolean {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(scope);
    return (
      m?.[1]?.toLowerCase() === this.options.subscriptionId.toLowerCase() &&
      this.resourceGroups.has((m[2] ?? '').toLowerCase())
    );
  }

  private provider(req: EmulatorRequest): EmulatorResponse {
    const scope = this.checkScope(req);
    if (scope) return scope;
    const namespace = req.params['namespace'] ?? '';
    const registered = this.providers.get(namespace.toLowerCase()) ?? false;
    return {
      status: 200,
      body: {
        id: `/subscriptions/${this.options.subscriptionId}/providers/${namespace}`,
        namespace,
        registrationState: registered ? 'Registered' : 'NotRegistered',
        registrationPolicy: 'RegistrationRequired',
        resourceTypes: [],
      },
    };
  }

  /** 404 `SubscriptionNotFound` / `ResourceGroupNotFound`, or undefined when both exist. */
  checkScope(req: EmulatorRequest): EmulatorResponse | undefined {
    const sub = req.params['subscriptionId'] ?? '';
    if (sub.toLowerCase() !== this.options.subscriptionId.toLowerCase()) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    }
    const rg = req.params['resourceGroupName'];
    if (rg !== undefined && !this.resourceGroups.has(rg.toLowerCase())) {
      return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    }
    return undefined;
  }

  /** ARM's 404 for a resource: `typePath` like `Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e`. */
  notFound(typePath: string, resourceGroup: string): EmulatorResponse {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource '${typePath}' under resource group '${resourceGroup}' was not found. ` +
        'For more details please go to https://aka.ms/ARMResourceNotFoundFix',
    );
  }

  conflict(op: Operation): EmulatorResponse {
    return armError(
      409,
      'Conflict',
      `There is already an operation in progress on '${op.resourceId}' (operation ${op.id}, ${op.method}). ` +
        'Retry the request after the operation has completed.',
    );
  }

  private operationUrl(
    req: EmulatorRequest,
    namespace: string,
    kind: 'status' | 'result',
    op: Operation,
  ): string {
    const segment = kind === 'status' ? 'mfeOperationsStatus' : 'mfeOperationResults';
    const apiVersion = encodeURIComponent(req.query.get('api-version') ?? '');
    return (
      `${this.server.url}/subscriptions/${this.options.subscriptionId}/providers/${namespace}` +
      `/locations/${this.options.location}/${segment}/${op.id}?api-version=${apiVersion}`
    );
  }

  /**
   * The initial answer of a write that runs as a long-running operation, in the operation's style.
   * `body` is the resource as it is now (for PUT), `created` tells 201 from 200.
   */
  accepted(
    req: EmulatorRequest,
    namespace: string,
    op: Operation,
    body?: unknown,
    created = false,
  ): EmulatorResponse {
    const retryAfter = this.operations.retryAfter(op);
    switch (op.settings.style) {
      case 'azure-async-operation':
        return {
          status: op.method === 'PUT' ? (created ? 201 : 200) : 202,
          headers: { 'azure-asyncoperation': this.operationUrl(req, namespace, 'status', op), ...retryAfter },
          body: op.method === 'PUT' ? body : undefined,
        };
      case 'location':
        return {
          status: 202,
          headers: { location: this.operationUrl(req, namespace, 'result', op), ...retryAfter },
        };
      case 'provisioning-state':
        if (op.method === 'PUT') return { status: created ? 201 : 200, headers: retryAfter, body };
        // DELETE and POST actions cannot be polled through the resource: complete them now.
        this.operations.complete(op);
        if (op.status === 'Failed' && op.error)
          return armError(op.failStatus, op.error.code, op.error.message);
        return op.result ?? { status: 200 };
    }
  }

  private findOperation(req: EmulatorRequest): Operation | EmulatorResponse {
    const scope = this.checkScope(req);
    if (scope) return scope;
    const op = this.operations.get(req.params['operationId'] ?? '');
    if (!op) {
      return armError(404, 'NotFound', `The operation '${req.params['operationId'] ?? ''}' was not found.`);
    }
    return op;
  }

  private pollStatus(req: EmulatorRequest): EmulatorResponse {
    const op = this.findOperation(req);
    if (!('id' in op)) return op;
    this.operations.observe(op);
    return {
      status: 200,
      headers: this.operations.retryAfter(op),
      body: this.operations.statusBody(op, req.path),
    };
  }

  private pollLocation(req: EmulatorRequest): EmulatorResponse {
    const op = this.findOperation(req);
    if (!('id' in op)) return op;
    this.operations.observe(op);
    if (op.status === 'InProgress') {
      return { status: 202, headers: { location: req.url.toString(), ...this.operations.retryAfter(op) } };
    }
    if (op.status === 'Failed') {
      const error = op.error ?? { code: 'InternalServerError', message: 'The operation failed.' };
      return armError(op.failStatus, error.code, error.message);
    }
    return op.result ?? { status: 204 };
  }
}
