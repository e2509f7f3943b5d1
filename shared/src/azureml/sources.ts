/** Reads the `code` and `environment` of a job, step, component or deployment YAML into references. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import { DataError } from '../step/errors';
import { parseYaml } from '../yaml/load-yaml';
import { refuseOversizeFile } from '../yaml/yaml-bounds';
import type { CodeReference, EnvironmentReference, FixedId, InlineEnvironment } from './references';
import { assetName, isFullId, isUri, localPath, looksLikeAsset } from './asset-names';
import { fields, isMapping, oneOf, stringMap, text, textLike, type Node } from '../yaml/read-node';

const ENVIRONMENT_KEYS = [
  '$schema',
  'name',
  'version',
  'description',
  'tags',
  'properties',
  'image',
  'build',
  'conda_file',
  'inference_config',
  'os_type',
  'datastore',
] as const;

const ASSET_FORMS = 'azureml:<name>:<version> or azureml:<name>@latest';

/** `code`: a local folder or file (uploaded), a registered code asset, or a full id. */
export function readCode(node: Node): CodeReference | FixedId | undefined {
  const value = text(node, 'a local path to the code folder');
  if (value === undefined) return undefined;
  const location = node.location();
  if (isFullId(value)) return { kind: 'fixed', id: value.replace(/^azureml:(?=\/)/, ''), location };
  const asset = assetName(value);
  if (asset) return { kind: 'code', source: 'workspace', asset, key: `code:${value}`, location };
  if (looksLikeAsset(value) || isUri(value) || value.startsWith('git+')) {
    node.error(`'${node.label}' must be a local path to the code or ${ASSET_FORMS}, got '${value}'`);
    return undefined;
  }
  const local = localPath(value, node);
  if (!local) return undefined;
  if (!local.exists) {
    node.error(`'${node.label}': the code path '${value}' does not exist (looked for ${local.path})`);
    return undefined;
  }
  return {
    kind: 'code',
    source: 'local',
    path: local.path,
    isFile: local.isFile,
    key: `code:${local.path}`,
    location,
  };
}

/** `environment`: a workspace environment, a registry or ARM id, or an inline definition (image or build). */
export function readEnvironment(node: Node): EnvironmentReference | FixedId | undefined {
  if (!node.present) return undefined;
  const location = node.location();
  if (typeof node.value === 'string') {
    const value = node.value;
    if (isFullId(value)) return { kind: 'fixed', id: value.replace(/^azureml:(?=\/)/, ''), location };
    const asset = assetName(value);
    if (asset)
      return { kind: 'environment', source: 'workspace', asset, key: `environment:${value}`, location };
    node.error(
      `'${node.label}' must be ${ASSET_FORMS}, an azureml://registries/... id or an inline definition with 'image' or 'build'; got '${value}'`,
    );
    return undefined;
  }
  if (!fields(node, { what: `the inline environment '${node.label}'`, keys: ENVIRONMENT_KEYS }))
    return undefined;
  for (const ignored of ['name', 'version'] as const)
    if (node.child(ignored).present)
      node.problems.warn(
        node.document,
        [...node.path, ignored],
        `'${node.label}.${ignored}' is ignored: an inline environment is registered anonymously`,
      );
  for (const ignored of ['inference_config', 'datastore'] as const)
    if (node.child(ignored).present)
      node.problems.warn(
        node.document,
        [...node.path, ignored],
        `'${node.label}.${ignored}' is ignored for a training job`,
      );

  const image = text(node.child('image'), 'a container image name');
  const build = readBuild(node.child('build'));
  if (image === undefined && !node.child('build').present && !node.child('image').present)
    node.error(`The inline environment '${node.label}' needs 'image' or 'build'`);
  if (node.child('image').present && node.child('build').present)
    node.child('build').error(`The inline environment '${node.label}' takes 'image' or 'build', not both`);
  const condaFile = readCondaFile(node.child('conda_file'));
  const osType = oneOf(node.child('os_type'), ['linux', 'windows'] as const);
  const description = textLike(node.child('description'));
  const definition: InlineEnvironment = {
    ...(image !== undefined ? { image } : {}),
    ...(condaFile ? { condaFile } : {}),
    ...(build ? { build } : {}),
    ...(osType ? { osType } : {}),
    ...(description !== undefined ? { description } : {}),
    tags: stringMap(node.child('tags')),
  };
  const digest = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 32);
  return {
    kind: 'environment',
    source: 'inline',
    ...definition,
    key: `environment:inline:${digest}`,
    location,
  };
}

function readBuild(node: Node): InlineEnvironment['build'] | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: `'${node.label}'`, keys: ['path', 'dockerfile_path'], required: ['path'] }))
    return undefined;
  const where = text(node.child('path'), 'a local folder or an http(s) URL of the Docker build context');
  const dockerfilePath = text(node.child('dockerfile_path'));
  if (where === undefined) return undefined;
  if (/^https?:\/\//i.test(where))
    return { path: where, local: false, ...(dockerfilePath !== undefined ? { dockerfilePath } : {}) };
  const local = localPath(where, node);
  if (!local) return undefined;
  if (!local.exists || local.isFile) {
    node
      .child('path')
      .error(
        `'${node.child('path').label}': the build context '${where}' is not a folder (looked for ${local.path})`,
      );
    return undefined;
  }
  const dockerfile = path.resolve(local.path, dockerfilePath ?? 'Dockerfile');
  if (!existsSync(dockerfile) || !statSync(dockerfile).isFile()) {
    const at = dockerfilePath !== undefined ? node.child('dockerfile_path') : node.child('path');
    at.error(`'${node.label}': no Dockerfile at ${dockerfile}`);
    return undefined;
  }
  return { path: local.path, local: true, ...(dockerfilePath !== undefined ? { dockerfilePath } : {}) };
}

/** A conda file path (read and checked as YAML) or an inline conda specification. */
function readCondaFile(node: Node): InlineEnvironment['condaFile'] | undefined {
  if (!node.present) return undefined;
  if (isMapping(node.value)) return { content: dump(node.value) };
  const written = text(node, 'a path to a conda YAML file or an inline conda specification');
  if (written === undefined) return undefined;
  const local = localPath(written, node);
  if (!local) return undefined;
  if (!local.exists || !local.isFile) {
    node.error(`'${node.label}': the conda file '${written}' does not exist (looked for ${local.path})`);
    return undefined;
  }
  let content: string;
  try {
    refuseOversizeFile(local.path);
    content = readFileSync(local.path, 'utf8');
    const parsed = parseYaml(content, local.path).value;
    if (!isMapping(parsed))
      node.error(
        `'${node.label}': the conda file ${local.path} must be a YAML mapping (name, channels, dependencies)`,
      );
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    node.problems.add(error.message, error.location ?? { file: local.path });
    return undefined;
  }
  return { path: local.path, content };
}
