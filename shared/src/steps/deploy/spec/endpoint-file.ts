/** Reads an Azure ML CLI v2 online endpoint YAML (`az ml online-endpoint create -f`) with file:line:column errors. */
import { readYamlFile } from '../../../yaml/load-yaml';
import { Problems } from '../../../yaml/problems';
import { entries, fields, oneOf, stringMap, text, textLike, Node } from '../../../yaml/read-node';
import type { SourceLocation } from '../../../step/errors';

export type AuthMode = 'Key' | 'AMLToken' | 'AADToken';

/** What the endpoint YAML says; every field optional (explicit inputs override them). */
export interface EndpointFile {
  readonly file: string;
  readonly name?: string;
  readonly authMode?: AuthMode;
  readonly compute?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly identity?: EndpointIdentity;
  /** `traffic` and `mirror_traffic` (read for action endpoint only): whole percentages by deployment. */
  readonly traffic?: FileTraffic;
  readonly mirrorTraffic?: FileTraffic;
  /** Keys read and not used, with where they are (`file:line:col: message`). */
  readonly warnings: readonly string[];
}

/** A traffic map of the endpoint YAML, with where it is (run-time refusals name it). */
export interface FileTraffic {
  readonly shares: Readonly<Record<string, number>>;
  readonly location: SourceLocation;
}

/** How the endpoint YAML is read: action endpoint sets its traffic; action deploy sets traffic itself. */
export interface EndpointFileOptions {
  readonly traffic: 'read' | 'ignore';
}

export interface EndpointIdentity {
  readonly type: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned' | 'None';
  readonly userAssignedIdentities?: readonly string[];
}

const KEYS = [
  '$schema',
  'name',
  'description',
  'tags',
  'properties',
  'auth_mode',
  'compute',
  'identity',
  'public_network_access',
  'traffic',
  'mirror_traffic',
  'kind',
  'location',
  // Read-only keys of `az ml online-endpoint show` output, accepted (with a warning) so that output can be reused.
  'id',
  'provisioning_state',
  'scoring_uri',
  'openapi_uri',
] as const;

const AUTH_MODES = { key: 'Key', aml_token: 'AMLToken', aad_token: 'AADToken' } as const;

/** Loads and validates the endpoint YAML; every problem at once as a YamlErrors (a DataError). */
export function loadEndpointFile(
  file: string,
  options: EndpointFileOptions = { traffic: 'ignore' },
): EndpointFile {
  const problems = new Problems();
  const root = Node.root(readYamlFile(file), problems, 'The endpoint YAML');
  const spec = readEndpoint(root, file, options);
  problems.throwIfAny();
  return { ...spec, warnings: problems.warnings };
}

function readEndpoint(
  root: Node,
  file: string,
  options: EndpointFileOptions,
): Omit<EndpointFile, 'warnings'> {
  const empty = { file, tags: {}, properties: {} };
  if (!fields(root, { what: 'an online endpoint', keys: KEYS })) return empty;
  const traffic = options.traffic === 'read' ? readTraffic(root.child('traffic'), 100) : undefined;
  const mirrorTraffic =
    options.traffic === 'read' ? readTraffic(root.child('mirror_traffic'), 50) : undefined;
  if (options.traffic === 'ignore')
    for (const key of ['traffic', 'mirror_traffic'] as const) {
      if (root.child(key).present)
        root.problems.warn(
          root.document,
          [key],
          `'${key}' is ignored: the step sets traffic itself (trafficPercent, mirrorPercent, action set-traffic); action endpoint sets the file's traffic`,
        );
    }
  for (const key of ['kind', 'location'] as const) {
    if (root.child(key).present)
      root.problems.warn(
        root.document,
        [key],
        `'${key}' is ignored: the endpoint is created in the workspace's region`,
      );
  }
  for (const key of ['id', 'provisioning_state', 'scoring_uri', 'openapi_uri'] as const)
    if (root.child(key).present)
      root.problems.warn(root.document, [key], `'${key}' is ignored: Azure ML sets it`);
  const name = text(root.child('name'));
  const auth = oneOf(root.child('auth_mode'), Object.keys(AUTH_MODES) as (keyof typeof AUTH_MODES)[]);
  const compute = text(root.child('compute'), 'the Kubernetes compute, e.g. azureml:aks-prod');
  const description = textLike(root.child('description'));
  const access = oneOf(root.child('public_network_access'), ['enabled', 'disabled'] as const);
  const identity = readIdentity(root.child('identity'));
  return {
    ...empty,
    ...(name !== undefined ? { name } : {}),
    ...(auth ? { authMode: AUTH_MODES[auth] } : {}),
    ...(compute !== undefined ? { compute } : {}),
    ...(description !== undefined ? { description } : {}),
    tags: stringMap(root.child('tags')),
    properties: stringMap(root.child('properties')),
    ...(access ? { publicNetworkAccess: access === 'enabled' ? 'Enabled' : 'Disabled' } : {}),
    ...(identity ? { identity } : {}),
    ...(traffic ? { traffic } : {}),
    ...(mirrorTraffic ? { mirrorTraffic } : {}),
  };
}

/** `traffic` / `mirror_traffic`: deployment names to whole percentages (the CLI also takes them quoted). */
function readTraffic(node: Node, max: number): FileTraffic | undefined {
  if (!node.present || node.value === null) return undefined;
  const shares: Record<string, number> = {};
  for (const entry of entries(node, 'a mapping of deployment names to percentages, e.g. { blue: 100 }')) {
    const raw = entry.value;
    const share = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof share !== 'number' || !Number.isInteger(share) || share < 0 || share > max)
      entry.expected(`a whole percentage from 0 to ${max}`);
    else shares[entry.key] = share;
  }
  return { shares, location: node.location() };
}

const IDENTITY_TYPES = {
  system_assigned: 'SystemAssigned',
  user_assigned: 'UserAssigned',
  'system_assigned,user_assigned': 'SystemAssigned,UserAssigned',
  none: 'None',
} as const;

/**
 * Keys of an identity that Azure sets (`az ml online-endpoint show` prints them): the CLI's identity schema loads
 * them and does not send them; accepted here with a warning.
 */
const IDENTITY_READ_ONLY = ['principal_id', 'tenant_id'] as const;
const USER_IDENTITY_READ_ONLY = ['principal_id', 'client_id', 'object_id'] as const;

function warnReadOnly(node: Node, keys: readonly string[]): void {
  for (const key of keys)
    if (node.child(key).present)
      node.problems.warn(node.document, [...node.path, key], `'${key}' is ignored: Azure sets it`);
}

function readIdentity(node: Node): EndpointIdentity | undefined {
  if (!node.present) return undefined;
  if (
    !fields(node, {
      what: 'the endpoint identity',
      keys: ['type', 'user_assigned_identities', ...IDENTITY_READ_ONLY],
      required: ['type'],
    })
  )
    return undefined;
  warnReadOnly(node, IDENTITY_READ_ONLY);
  const type = oneOf(node.child('type'), Object.keys(IDENTITY_TYPES) as (keyof typeof IDENTITY_TYPES)[]);
  const ids: string[] = [];
  const list = node.child('user_assigned_identities');
  if (list.present) {
    if (!Array.isArray(list.value)) list.expected('a list of { resource_id: <identity id> }');
    else
      list.value.forEach((_, index) => {
        const item = list.child(index);
        if (
          !fields(item, {
            what: 'a user-assigned identity',
            keys: ['resource_id', ...USER_IDENTITY_READ_ONLY],
            required: ['resource_id'],
          })
        )
          return;
        warnReadOnly(item, USER_IDENTITY_READ_ONLY);
        const id = text(item.child('resource_id'), 'the resource id of a user-assigned identity');
        if (id !== undefined) ids.push(id);
      });
  }
  if (!type) return undefined;
  const mapped = IDENTITY_TYPES[type];
  if (mapped.includes('UserAssigned') && ids.length === 0)
    node.error(`'${node.label}' of type ${type} needs 'user_assigned_identities'`);
  return { type: mapped, ...(ids.length ? { userAssignedIdentities: ids } : {}) };
}
