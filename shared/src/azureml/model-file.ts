/**
 * The Azure ML CLI v2 model YAML (`az ml model create -f model.yml`): every key the CLI takes (azure-ai-ml's
 * ModelSchema and the current YAML reference). Sent: name, version, path, type, description, tags, properties,
 * flavors, job_name; used: datastore (where a local path is uploaded); accepted with a warning: stage (no field at
 * api-version 2022-10-01), the read-only keys of `az ml model show` and the registry-only deployment templates.
 * Every problem is reported at once with its file:line:column.
 *
 * ```yaml
 * $schema: https://azuremlschemas.azureedge.net/latest/model.schema.json
 * name: rain-forecast
 * path: azureml://jobs/<job>/outputs/model     # or a local folder, runs:/<job>/<path>, a datastore URI
 * type: custom_model
 * tags: { team: forecasting }
 * ```
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceLocation } from '../step/errors';
import { readYamlFile } from '../yaml/load-yaml';
import { describe, Problems } from '../yaml/problems';
import { fields, isMapping, Node, oneOf, stringMap, text, textLike } from '../yaml/read-node';
import { isUri, localPath } from './asset-names';
import { MLMODEL_FILE, MODEL_NAME, MODEL_TYPES, type ModelType } from './model-types';

/** Where a model YAML's `path` points. */
export type ModelFilePath =
  | { readonly kind: 'local'; readonly path: string; readonly isFile: boolean }
  /** `azureml://jobs/<job>/outputs/<output>` (named) or `.../outputs/artifacts/paths/<p>`, `runs:/<job>/<p>`. */
  | {
      readonly kind: 'job';
      readonly jobName: string;
      readonly output: string;
      readonly where: 'named' | 'artifacts';
    }
  /** A datastore URI or a storage URL, registered as written. */
  | { readonly kind: 'uri'; readonly uri: string };

export interface ModelFile {
  readonly file: string;
  readonly name?: string;
  readonly nameLocation?: SourceLocation;
  readonly version?: string;
  readonly versionLocation?: SourceLocation;
  readonly path: ModelFilePath;
  readonly pathLocation: SourceLocation;
  readonly type?: ModelType;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  /** Flavor name → its settings (`FlavorData.data`). */
  readonly flavors?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `job_name`: the job that produced the model, for lineage and metrics. */
  readonly jobName?: string;
  /** `datastore`: where a local path is uploaded (the workspace's default datastore without it). */
  readonly datastore?: string;
  /** Keys accepted but not sent (the 2022-10-01 API has no field for them), as `file:line:col: message`. */
  readonly warnings: readonly string[];
}

/**
 * Keys the CLI reads from a model it shows (`az ml model show`) and drops when it loads a model YAML (azure-ai-ml's
 * ModelSchema marks them dump-only), so a file saved from `show` loads again: ignored here too, with a warning.
 */
const READ_ONLY_KEYS = [
  'id',
  'creation_context',
  'utc_time_created',
  'latest_version',
  'intellectual_property',
] as const;

/** Keys of the current YAML reference that apply to models in a registry only (deployment templates). */
const REGISTRY_ONLY_KEYS = ['default_deployment_template', 'allowed_deployment_templates'] as const;

const KEYS = [
  '$schema',
  'name',
  'version',
  'path',
  'type',
  'description',
  'tags',
  'properties',
  'flavors',
  'stage',
  'job_name',
  'datastore',
  ...READ_ONLY_KEYS,
  ...REGISTRY_ONLY_KEYS,
] as const;

const VERSION = /^[a-zA-Z0-9_.-]{1,30}$/;
const JOB_OUTPUT = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/(.*))?$/i;
const MLFLOW_RUN = /^runs:\/([^/]+)\/(.+)$/;

/** Reads and validates a model YAML; throws a YamlErrors (a located DataError) listing every problem. */
export function loadModelFile(file: string): ModelFile {
  const problems = new Problems();
  const document = readYamlFile(file);
  const root = Node.root(document, problems, 'The model YAML');
  if (!isMapping(root.value)) {
    root.error(
      `The model YAML must be a mapping with the model's keys (name, path, type, ...), got ${root.value === null || root.value === undefined ? 'an empty file' : describe(root.value)}`,
    );
    problems.throwIfAny();
  }
  const model = readModelNode(root, 'a model YAML');
  problems.throwIfAny();
  return { ...model!, warnings: problems.warnings };
}

/**
 * A model's keys read from `node` (a model YAML's root, or a deployment's inline `model:`), problems noted on the
 * node's Problems; undefined when `path` is missing or wrong. Local paths are relative to the node's file.
 */
export function readModelNode(root: Node, what: string): Omit<ModelFile, 'warnings'> | undefined {
  const { problems, document } = root;
  const file = document.file;
  fields(root, {
    what,
    keys: KEYS,
    required: ['path'],
    hints: { path: 'a local file or folder, azureml://jobs/<job>/outputs/<output> or a datastore URI' },
  });
  const name = text(root.child('name'));
  if (name !== undefined && !MODEL_NAME.test(name))
    root
      .child('name')
      .error(`'name' must start with a letter or digit and hold only letters, digits, '-' and '_'`);
  const version = textLike(root.child('version'), 'a version such as 3');
  if (version !== undefined && !VERSION.test(version))
    root.child('version').error(`'version' must be letters, digits, '.', '-' or '_', got '${version}'`);
  const path = readPath(root.child('path'));
  const type = oneOf(root.child('type'), MODEL_TYPES);
  const description = text(root.child('description'));
  const tags = stringMap(root.child('tags'));
  const properties = stringMap(root.child('properties'));
  const flavors = readFlavors(root.child('flavors'));
  const jobName = text(root.child('job_name'));
  if (path?.kind === 'job' && jobName !== undefined && jobName !== path.jobName)
    root
      .child('job_name')
      .error(`'job_name' is '${jobName}' but 'path' is an output of job '${path.jobName}'`);
  const datastore = readDatastore(root.child('datastore'), path);
  if (type === 'mlflow_model' && path?.kind === 'local') checkMlflowFolder(root.child('type'), path);
  warnUnsent(root, problems);
  if (!path) return undefined;
  return {
    file,
    ...(name !== undefined ? { name, nameLocation: root.child('name').location() } : {}),
    ...(version !== undefined ? { version, versionLocation: root.child('version').location() } : {}),
    path,
    pathLocation: root.child('path').location(),
    ...(type !== undefined ? { type } : {}),
    ...(description !== undefined ? { description } : {}),
    tags,
    properties,
    ...(flavors ? { flavors } : {}),
    ...(jobName !== undefined ? { jobName } : {}),
    ...(datastore !== undefined ? { datastore } : {}),
  };
}

function readPath(node: Node): ModelFilePath | undefined {
  const value = text(node, 'a local path, azureml://jobs/<job>/outputs/<output> or a datastore URI');
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const output = JOB_OUTPUT.exec(trimmed);
  if (output) {
    const [, jobName = '', name = '', below] = output;
    if (name === 'artifacts') {
      const path = (below ?? '').replace(/^\/+|\/+$/g, '');
      if (!path) {
        node.error(`'${node.label}' names the artifacts of job '${jobName}' without a path inside them`);
        return undefined;
      }
      return { kind: 'job', jobName, output: path, where: 'artifacts' };
    }
    if (below) {
      node.error(
        `'${node.label}' points inside output '${name}' of job '${jobName}': register the output itself (azureml://jobs/${jobName}/outputs/${name})`,
      );
      return undefined;
    }
    return { kind: 'job', jobName, output: name, where: 'named' };
  }
  const run = MLFLOW_RUN.exec(trimmed);
  if (run) {
    const path = (run[2] ?? '').replace(/^\/+|\/+$/g, '');
    return { kind: 'job', jobName: run[1] ?? '', output: path, where: 'artifacts' };
  }
  if (/^azureml:\/\/(.*\/)?datastores\//i.test(trimmed) || /^(https|wasbs|abfss):\/\//i.test(trimmed))
    return { kind: 'uri', uri: trimmed };
  if (isUri(trimmed) || /^azureml:/i.test(trimmed)) {
    node.error(
      `'${node.label}' must be a local file or folder, azureml://jobs/<job>/outputs/<output>, runs:/<job>/<path> or a datastore URI (azureml://datastores/<name>/paths/<path>), got '${trimmed}'`,
    );
    return undefined;
  }
  const local = localPath(trimmed, node);
  if (!local) return undefined;
  if (!local.exists) {
    node.error(`'${node.label}': '${trimmed}' does not exist (looked for ${local.path})`);
    return undefined;
  }
  return { kind: 'local', path: local.path, isFile: local.isFile };
}

/** `datastore`: a datastore name, used for a local path only (a job output or a URI is registered where it is). */
function readDatastore(node: Node, path: ModelFilePath | undefined): string | undefined {
  const name = text(node, 'the name of a datastore, e.g. workspaceblobstore');
  if (name === undefined) return undefined;
  const bare = name.replace(/^azureml:/i, '').trim();
  if (!/^[a-zA-Z0-9_]{1,255}$/.test(bare)) {
    node.error(`'datastore' must be the name of a datastore (letters, digits and '_'), got '${name}'`);
    return undefined;
  }
  if (path && path.kind !== 'local')
    node.problems.warn(
      node.document,
      ['datastore'],
      `'datastore' is not used: 'path' is not a local path, so nothing is uploaded`,
    );
  return bare;
}

/** `type: mlflow_model` on a local path: an MLflow model is a folder with an `MLmodel` file at its root. */
function checkMlflowFolder(node: Node, path: Extract<ModelFilePath, { kind: 'local' }>): void {
  if (path.isFile)
    node.error(
      `'type' is mlflow_model but 'path' is a file (${path.path}): an MLflow model is a folder with an ${MLMODEL_FILE} file; give the folder, or type custom_model`,
    );
  else if (!existsSync(join(path.path, MLMODEL_FILE)))
    node.error(
      `'type' is mlflow_model but the folder ${path.path} has no ${MLMODEL_FILE} file: save the model with mlflow (mlflow.<flavor>.save_model), or use type custom_model`,
    );
}

/** Warnings for the keys accepted but not sent: read-only ones, registry-only ones, and `stage`. */
function warnUnsent(root: Node, problems: Problems): void {
  const document = root.document;
  if (root.child('stage').present)
    problems.warn(
      document,
      [...root.path, 'stage'],
      `'stage' is not sent: the Azure ML API version the step uses (2022-10-01) has no model stage`,
    );
  for (const key of READ_ONLY_KEYS)
    if (root.child(key).present)
      problems.warn(
        document,
        [...root.path, key],
        `'${key}' is read-only (Azure ML sets it when the model is registered): ignored, as the CLI ignores it`,
      );
  for (const key of REGISTRY_ONLY_KEYS)
    if (root.child(key).present)
      problems.warn(
        document,
        [...root.path, key],
        `'${key}' applies to models in a registry only: not sent for a workspace model`,
      );
}

function readFlavors(node: Node): Record<string, Record<string, string>> | undefined {
  if (!node.present || node.value === null) return undefined;
  if (!isMapping(node.value)) {
    node.expected('a mapping of flavor names to their settings');
    return undefined;
  }
  const result: Record<string, Record<string, string>> = {};
  for (const key of Object.keys(node.value)) {
    const child = node.child(key);
    result[key] = child.value === null ? {} : stringMap(child);
  }
  return result;
}
