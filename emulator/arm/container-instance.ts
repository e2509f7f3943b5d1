/**
 * Microsoft.ContainerInstance container groups, following the REST spec
 * (`specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable/2023-05-01`, the SDK's
 * default; any api-version is accepted and recorded): PUT (long-running), GET with instance views, LIST, DELETE,
 * `restart` / `start` (long-running) and `stop`, and container logs. No container runs here: the state, logs and
 * the group's address are data, settable by tests (`setState`, `setContainerLogs`) and by the `onCreated` hook
 * (which the scoring emulator, `scoring/aci-scoring.ts`, uses to run a local inference server for a group).
 */
import { randomInt } from 'node:crypto';
import { armError, type EmulatorRequest, type EmulatorResponse } from '../server';
import { managedIdentity, ResourceProvider } from './container-service';
import type { ArmEmulator } from './index';
import { isObject, ok, properties, systemData, type Json } from './resource';
import type { StoredResource } from './store';

export const ACI_NAMESPACE = 'Microsoft.ContainerInstance';
const CG = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ACI_NAMESPACE}/containerGroups`;

/** `instanceView.state` of a container group. */
export type ContainerGroupState = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Stopped';

/** Where a container group is reachable; `port` is free for a local server a test attaches. */
export interface ContainerGroupEndpoint {
  ip?: string;
  fqdn?: string;
  /** Also replaces the port of `ipAddress.ports[0]`, so that clients reading the group find the server. */
  port?: number;
  /** The group's containers starting: the PUT operation completes once it settles, in the state it gives. */
  ready?: Promise<ContainerGroupStart>;
}

/** How a group's start ended: running, or a container (init or not) that failed, with the reason. */
export type ContainerGroupStart =
  { state: 'Running' } | { state: 'Failed'; container: string; exitCode: number; reason: string };

export interface ContainerInstanceHooks {
  /**
   * Called when a container group is created, before the PUT answers; a returned `ip` / `fqdn` replace the
   * generated `ipAddress.ip` / `ipAddress.fqdn`, and the whole result is kept (see `endpoint(groupId)`).
   */
  onCreated?: (
    group: StoredResource,
  ) => ContainerGroupEndpoint | void | Promise<ContainerGroupEndpoint | void>;
  /** Called once a container group has been deleted. */
  onDeleted?: (group: StoredResource) => void | Promise<void>;
}

interface StoredLogs {
  text: string;
  /** When the text was set, used for `timestamps=true`. */
  time: string;
}

export class ContainerInstanceEmulator extends ResourceProvider implements ContainerInstanceHooks {
  onCreated: ContainerInstanceHooks['onCreated'];
  onDeleted: ContainerInstanceHooks['onDeleted'];

  constructor(arm: ArmEmulator, hooks: ContainerInstanceHooks = {}) {
    super(arm, ACI_NAMESPACE);
    this.onCreated = hooks.onCreated;
    this.onDeleted = hooks.onDeleted;
  }

  /** Replaces what the logs of a container (or init container) of the group return. */
  setContainerLogs(groupId: string, containerName: string, text: string): void {
    const logs = this.logsOf(this.group(groupId));
    logs[containerName.toLowerCase()] = { text, time: new Date().toISOString() };
  }

  /**
   * Sets the group's `instanceView.state` and its containers' current states (`Pending` → `Waiting`, `Running`,
   * otherwise `Terminated` with `exitCode`, default 1 for `Failed` and 0 otherwise).
   */
  setState(groupId: string, state: ContainerGroupState, options: { exitCode?: number } = {}): void {
    applyState(this.group(groupId), state, options.exitCode);
  }

  /** What `onCreated` returned for the group (or its generated address). */
  endpoint(groupId: string): ContainerGroupEndpoint | undefined {
    const endpoint = this.group(groupId).secrets['endpoint'];
    return isObject(endpoint) ? (endpoint as ContainerGroupEndpoint) : undefined;
  }

  register(): void {
    const arm = this.arm;
    const group = `${CG}/{containerGroupName}`;
    arm.route('GET', `/subscriptions/{subscriptionId}/providers/${ACI_NAMESPACE}/containerGroups`, (req) =>
      this.listInSubscription(req, 'containerGroups'),
    );
    arm.route('GET', CG, (req) =>
      this.list(req, `${this.rgId(req)}/providers/${ACI_NAMESPACE}`, 'containerGroups'),
    );
    arm.route('GET', group, (req) => this.withResource(req, this.groupId(req), (g) => this.read(g)));
    arm.route('PUT', group, (req) => this.putGroup(req));
    arm.route('DELETE', group, (req) =>
      this.startDelete(req, this.groupId(req), 'containerGroups', (g) => this.deleted(g)),
    );
    arm.route('POST', `${group}/restart`, (req) =>
      this.withResource(req, this.groupId(req), (g) =>
        this.startAction(req, g, 'containerGroups', () => restart(g)),
      ),
    );
    arm.route('POST', `${group}/start`, (req) =>
      this.withResource(req, this.groupId(req), (g) =>
        this.startAction(req, g, 'containerGroups', () => startAgain(g)),
      ),
    );
    arm.route('POST', `${group}/stop`, (req) =>
      this.withResource(req, this.groupId(req), (g) => this.stop(g)),
    );
    arm.route('GET', `${group}/containers/{containerName}/logs`, (req) =>
      this.withResource(req, this.groupId(req), (g) => this.logs(req, g)),
    );
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  private groupId(req: EmulatorRequest): string {
    return `${this.rgId(req)}/providers/${ACI_NAMESPACE}/containerGroups/${req.params['containerGroupName'] ?? ''}`;
  }

  private group(groupId: string): StoredResource {
    const group = this.arm.store.get(groupId);
    if (!group) throw new Error(`No container group ${groupId}`);
    return group;
  }

  private logsOf(group: StoredResource): Record<string, StoredLogs> {
    const logs = group.secrets['logs'];
    if (isObject(logs)) return logs as Record<string, StoredLogs>;
    const created: Record<string, StoredLogs> = {};
    group.secrets['logs'] = created;
    return created;
  }

  // ---- writes --------------------------------------------------------------------------------------------

  private async putGroup(req: EmulatorRequest): Promise<EmulatorResponse> {
    const scope = this.arm.checkScope(req);
    if (scope) return scope;
    const id = this.groupId(req);
    const running = this.arm.operations.runningOn(id);
    if (running) return this.arm.conflict(running);
    const validated = this.validateTracked(req);
    if ('status' in validated) return validated;
    const name = req.params['containerGroupName'] ?? '';
    const invalid = validateGroup(name, validated.props);
    if (invalid) return invalid;
    const existing = this.arm.store.get(id);
    const group = this.groupResource(req, existing?.id ?? id, validated.input, existing);
    const { ready } = existing ? {} : await this.created(group);
    const response = this.startWrite(req, group, 'containerGroups', !existing, (g) => applyStart(g));
    const op = this.arm.operations.runningOn(group.id);
    if (ready && op) {
      const started = ready.then((outcome) => {
        group.secrets['start'] = outcome;
        return undefined;
      });
      this.arm.operations.waitFor(op, started);
    }
    return response;
  }

  /** The group as ACI returns it: secure values, secret volume contents and keys left out; address assigned. */
  private groupResource(
    req: EmulatorRequest,
    id: string,
    input: Json,
    existing?: StoredResource,
  ): StoredResource {
    const props = isObject(input['properties']) ? input['properties'] : {};
    const location = String(input['location']);
    const identity = managedIdentity(
      input['identity'],
      existing?.body['identity'],
      this.arm.options.tenantId,
    );
    const body: Json = {
      id,
      name: id.slice(id.lastIndexOf('/') + 1),
      type: `${ACI_NAMESPACE}/containerGroups`,
      location,
      tags: input['tags'] ?? {},
      ...(identity ? { identity } : {}),
      ...(input['zones'] !== undefined ? { zones: input['zones'] } : {}),
      systemData: systemData(req, existing?.body['systemData']),
      properties: {
        ...props,
        sku: props['sku'] ?? 'Standard',
        restartPolicy: props['restartPolicy'] ?? 'Always',
        containers: list(props['containers']).map(publicContainer),
        // ACI answers the list even when the request had none (REST example ContainerGroupCreateConfidential).
        initContainers: list(props['initContainers']).map(publicContainer),
        ...publicVolumes(props['volumes']),
        ...publicRegistryCredentials(props['imageRegistryCredentials']),
        ...publicDiagnostics(props['diagnostics']),
        ...ipAddress(props['ipAddress'], location, existing),
        provisioningState: existing ? 'Updating' : 'Creating',
      },
    };
    const group: StoredResource = {
      id,
      body,
      secrets: { ...existing?.secrets, request: input },
    };
    applyState(group, 'Pending');
    return group;
  }

  /** Runs the `onCreated` hook and applies the address it returns; gives back its `ready`, if any. */
  private async created(group: StoredResource): Promise<Pick<ContainerGroupEndpoint, 'ready'>> {
    const address = properties(group)['ipAddress'];
    const generated: ContainerGroupEndpoint = isObject(address)
      ? { ip: address['ip'] as string | undefined, fqdn: address['fqdn'] as string | undefined }
      : {};
    const result = await this.onCreated?.(group);
    const { ready, ...endpoint } = typeof result === 'object' && result !== null ? result : {};
    group.secrets['endpoint'] = { ...generated, ...endpoint };
    if (!isObject(address)) return { ready };
    if (endpoint.ip !== undefined) address['ip'] = endpoint.ip;
    if (endpoint.fqdn !== undefined) address['fqdn'] = endpoint.fqdn;
    const [first, ...rest] = list(address['ports']);
    if (endpoint.port !== undefined && first) address['ports'] = [{ ...first, port: endpoint.port }, ...rest];
    return { ready };
  }

  private deleted(group: StoredResource): void {
    // The hook may be async; its failure must not fail the (already completed) delete.
    Promise.resolve()
      .then(() => this.onDeleted?.(group))
      .catch(() => undefined);
  }

  /** `stop` is synchronous (204): compute is released, the containers terminate. */
  private stop(group: StoredResource): EmulatorResponse {
    const running = this.arm.operations.runningOn(group.id);
    if (running) return this.arm.conflict(running);
    applyState(group, 'Stopped');
    return { status: 204 };
  }

  // ---- logs ----------------------------------------------------------------------------------------------

  /** `Logs`: `{content}`, honouring `tail` (last N lines) and `timestamps`. */
  private logs(req: EmulatorRequest, group: StoredResource): EmulatorResponse {
    const name = req.params['containerName'] ?? '';
    const props = properties(group);
    const known = [...list(props['containers']), ...list(props['initContainers'])].some(
      (c) => String(c['name']).toLowerCase() === name.toLowerCase(),
    );
    if (!known) {
      return armError(
        404,
        'ContainerNotFound',
        `The container '${name}' is not found in container group '${String(group.body['name'])}'.`,
      );
    }
    const stored = this.logsOf(group)[name.toLowerCase()] ?? { text: '', time: new Date().toISOString() };
    const tail = Number.parseInt(req.query.get('tail') ?? '', 10);
    const stamped = req.query.get('timestamps')?.toLowerCase() === 'true';
    return ok({ content: formatLogs(stored, Number.isNaN(tail) ? undefined : tail, stamped) });
  }
}

// ---- validation ------------------------------------------------------------------------------------------

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function invalidContent(detail: string): EmulatorResponse {
  return armError(400, 'InvalidRequestContent', `The request content was invalid: ${detail}`);
}

/** ACI's checks of a container group definition (codes and messages as the service words them). */
function validateGroup(name: string, props: Json): EmulatorResponse | undefined {
  const osType = props['osType'];
  if (osType !== 'Linux' && osType !== 'Windows') {
    return armError(
      400,
      'InvalidOsType',
      `The 'osType' for container group '${typeof osType === 'string' ? osType : '<null>'}' is invalid. The value must be one of 'Windows,Linux'.`,
    );
  }
  const containers = props['containers'];
  if (!Array.isArray(containers) || containers.length === 0)
    return invalidContent("'containers' is required.");
  for (const container of containers) {
    const problem = containerProblem(name, container, true);
    if (problem) return problem;
  }
  if (props['initContainers'] !== undefined && !Array.isArray(props['initContainers'])) {
    return invalidContent("'initContainers' must be an array.");
  }
  for (const container of list(props['initContainers'])) {
    const problem = containerProblem(name, container, false);
    if (problem) return problem;
  }
  return ipAddressProblem(name, props['ipAddress']);
}

function containerProblem(
  group: string,
  container: unknown,
  needsResources: boolean,
): EmulatorResponse | undefined {
  if (!isObject(container) || typeof container['name'] !== 'string' || !isObject(container['properties'])) {
    return invalidContent("every container needs a 'name' and 'properties'.");
  }
  const name = container['name'];
  const props = container['properties'];
  if (typeof props['image'] !== 'string' || props['image'].length === 0) {
    return invalidContent(`'image' is required for container '${name}'.`);
  }
  if (!needsResources) return undefined;
  const requests = isObject(props['resources']) ? props['resources']['requests'] : undefined;
  const cpu = isObject(requests) ? requests['cpu'] : undefined;
  const memory = isObject(requests) ? requests['memoryInGB'] : undefined;
  if (cpu === undefined && memory === undefined) {
    return armError(
      400,
      'ResourceRequestsNotSpecified',
      `The resource requests are not specified in container '${name}' of contain group '${group}'. Both memory ` +
        "and CPU requests are required since API version '2017-07-01-preview'.",
    );
  }
  if (cpu === undefined || memory === undefined) {
    return armError(
      400,
      'ResourceSomeRequestsNotSpecified',
      `The '${cpu === undefined ? 'Cpu' : 'MemoryInGB'}' request is not specified in container '${name}' of ` +
        `contain group '${group}'. It is required since API version '2017-07-01-preview'.`,
    );
  }
  return undefined;
}

function ipAddressProblem(group: string, address: unknown): EmulatorResponse | undefined {
  if (address === undefined) return undefined;
  if (!isObject(address) || (address['type'] !== 'Public' && address['type'] !== 'Private')) {
    return invalidContent("'ipAddress.type' must be 'Public' or 'Private'.");
  }
  const ports = address['ports'];
  if (!Array.isArray(ports) || ports.length === 0) {
    return armError(
      400,
      'MissingIpAddressPorts',
      `The ports in the 'ipAddress' of container group '${group}' cannot be empty.`,
    );
  }
  return undefined;
}

// ---- the public view of a group --------------------------------------------------------------------------

/** A container without its secure environment values (ACI returns the variable's name only). */
function publicContainer(container: Json): Json {
  const props = isObject(container['properties']) ? container['properties'] : {};
  const env = list(props['environmentVariables']).map((v) =>
    v['secureValue'] !== undefined ? { name: v['name'] } : { name: v['name'], value: v['value'] },
  );
  return {
    name: container['name'],
    properties: { ...props, environmentVariables: env },
  };
}

function publicVolumes(volumes: unknown): Json {
  if (volumes === undefined) return {};
  return {
    volumes: list(volumes).map((volume) => {
      const copy: Json = { ...volume };
      if (copy['secret'] !== undefined) copy['secret'] = {};
      if (isObject(copy['azureFile'])) {
        const { storageAccountKey: _key, ...azureFile } = copy['azureFile'];
        copy['azureFile'] = azureFile;
      }
      return copy;
    }),
  };
}

function publicRegistryCredentials(credentials: unknown): Json {
  if (credentials === undefined) return {};
  return {
    imageRegistryCredentials: list(credentials).map(({ password: _password, ...credential }) => credential),
  };
}

function publicDiagnostics(diagnostics: unknown): Json {
  if (!isObject(diagnostics) || !isObject(diagnostics['logAnalytics'])) return {};
  const { workspaceKey: _key, ...logAnalytics } = diagnostics['logAnalytics'];
  return { diagnostics: { ...diagnostics, logAnalytics } };
}

/** `ipAddress` with the assigned `ip` (kept across updates) and `fqdn` `<label>.<location>.azurecontainer.io`. */
function ipAddress(requested: unknown, location: string, existing?: StoredResource): Json {
  if (!isObject(requested)) return {};
  const previous = existing ? properties(existing)['ipAddress'] : undefined;
  const keptIp = isObject(previous) && previous['type'] === requested['type'] ? previous['ip'] : undefined;
  const ip =
    keptIp ??
    (requested['type'] === 'Public'
      ? `20.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`
      : `10.0.0.${randomInt(4, 255)}`);
  const label = requested['dnsNameLabel'];
  const region = location.replace(/\s+/g, '').toLowerCase();
  const fqdn =
    typeof label === 'string' && label.length > 0 ? `${label}.${region}.azurecontainer.io` : undefined;
  return { ipAddress: { ...requested, ip, ...(fqdn ? { fqdn } : {}) } };
}

// ---- instance views --------------------------------------------------------------------------------------

function event(name: string, message: string, time: string, type = 'Normal'): Json {
  return { count: 1, firstTimestamp: time, lastTimestamp: time, name, message, type };
}

/** The `properties` object of a container definition. */
function propsOf(container: Json): Json {
  const props = container['properties'];
  if (isObject(props)) return props;
  const created: Json = {};
  container['properties'] = created;
  return created;
}

function instanceViewOf(container: Json): Json {
  const props = propsOf(container);
  const view = props['instanceView'];
  if (isObject(view)) return view;
  const created: Json = { restartCount: 0, events: [] };
  props['instanceView'] = created;
  return created;
}

/** The events of a container that was started. */
function startedEvents(container: Json, time: string): Json[] {
  const image = String(propsOf(container)['image'] ?? '');
  return [
    event('Pulling', `pulling image "${image}"`, time),
    event('Pulled', `Successfully pulled image "${image}"`, time),
    event('Started', 'Started container', time),
  ];
}

/** A container's `currentState` for a group state. */
function containerState(
  state: ContainerGroupState,
  time: string,
  previous: unknown,
  exitCode?: number,
): Json {
  switch (state) {
    case 'Pending':
      return { state: 'Waiting', detailStatus: 'ContainerCreating' };
    case 'Running':
      return { state: 'Running', startTime: time, detailStatus: '' };
    default: {
      const startTime = isObject(previous) && previous['startTime'] ? previous['startTime'] : time;
      const code = exitCode ?? (state === 'Failed' ? 1 : 0);
      const detailStatus = state === 'Failed' ? 'Error' : state === 'Stopped' ? 'Stopped' : 'Completed';
      return { state: 'Terminated', startTime, finishTime: time, exitCode: code, detailStatus };
    }
  }
}

/** Sets the group's state and its containers' (init containers have completed once the group runs). */
function applyState(group: StoredResource, state: ContainerGroupState, exitCode?: number): void {
  const props = properties(group);
  const time = new Date().toISOString();
  props['instanceView'] = { events: [], state };
  for (const container of list(props['containers'])) {
    const view = instanceViewOf(container);
    if (
      state === 'Running' &&
      isObject(view['currentState']) &&
      view['currentState']['state'] !== 'Running'
    ) {
      view['events'] = startedEvents(container, time);
    }
    view['currentState'] = containerState(state, time, view['currentState'], exitCode);
  }
  for (const container of list(props['initContainers'])) {
    const done = state === 'Pending' ? 'Pending' : 'Succeeded';
    instanceViewOf(container)['currentState'] = containerState(done, time, undefined);
  }
}

/** What a start left (`secrets.start`): Running, or Failed with the failed container and its reason in events. */
function applyStart(group: StoredResource): void {
  const start = group.secrets['start'] as ContainerGroupStart | undefined;
  if (start?.state !== 'Failed') return applyState(group, 'Running');
  const props = properties(group);
  const time = new Date().toISOString();
  const message = `Container '${start.container}' terminated with exit code ${start.exitCode}: ${start.reason}`;
  const failure = event('Failed', message, time, 'Warning');
  const inits = list(props['initContainers']);
  const isFailed = (c: Json) => String(c['name']).toLowerCase() === start.container.toLowerCase();
  const initFailed = inits.some(isFailed);
  props['instanceView'] = { events: [failure], state: 'Failed' };
  for (const container of [...inits, ...list(props['containers'])]) {
    const view = instanceViewOf(container);
    if (isFailed(container)) {
      view['events'] = [...startedEvents(container, time), failure];
      view['currentState'] = containerState('Failed', time, undefined, start.exitCode);
    } else {
      // Nothing after a failed init container runs; before a failed server, the init containers completed.
      const state = initFailed ? 'Pending' : inits.includes(container) ? 'Succeeded' : 'Running';
      view['currentState'] = containerState(state, time, undefined);
    }
  }
}

/** `restart`: every container terminates and starts again in place (restart count + 1). */
function restart(group: StoredResource): void {
  const props = properties(group);
  const time = new Date().toISOString();
  props['instanceView'] = { events: [], state: 'Running' };
  for (const container of list(props['containers'])) {
    const view = instanceViewOf(container);
    view['previousState'] = containerState('Succeeded', time, view['currentState']);
    view['restartCount'] = Number(view['restartCount'] ?? 0) + 1;
    view['currentState'] = containerState('Running', time, undefined);
  }
}

/** `start` (after `stop`): new compute, so the containers start afresh (restart count 0). */
function startAgain(group: StoredResource): void {
  for (const container of list(properties(group)['containers'])) {
    const view = instanceViewOf(container);
    view['restartCount'] = 0;
    delete view['previousState'];
  }
  applyState(group, 'Running');
}

function formatLogs(logs: StoredLogs, tail: number | undefined, timestamps: boolean): string {
  const trailing = logs.text.endsWith('\n');
  let lines = (trailing ? logs.text.slice(0, -1) : logs.text).split('\n');
  if (logs.text.length === 0) lines = [];
  if (tail !== undefined) lines = lines.slice(Math.max(0, lines.length - tail));
  if (timestamps) lines = lines.map((line) => `${logs.time} ${line}`);
  return lines.join('\n') + (trailing && lines.length > 0 ? '\n' : '');
}
