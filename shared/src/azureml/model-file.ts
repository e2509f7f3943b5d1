/**
 * The Azure ML CLI v2 model YAML (`az ml model create -f model.yml`): name, version, path, type, description,
 * tags, properties, flavors. Every problem is reported at once with its file:line:column.
 *
 * ```yaml
 * $schema: https://azuremlschemas.azureedge.net/latest/model.schema.json
 * name: rain-forecast
 * path: azureml://jobs/<job>/outputs/model     # or a local folder, runs:/<job>/<path>, a datastore URI
 * type: custom_model
 * tags: { team: forecasting }
 * ```
 */
import type { SourceLocation } from '../step/errors';
import { readYamlFile } from '../yaml/load-yaml';
import { describe, Problems } from '../yaml/problems';
import { fields, isMapping, Node, oneOf, stringMap, text, textLike } from '../yaml/read-node';
import { isUri, localPath } from './asset-names';
import { MODEL_NAME, MODEL_TYPES, type ModelType } from './model-types';

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
  /** Keys accepted but not sent (the 2022-10-01 API has no field for them), as `file:line:col: message`. */
  readonly warnings: readonly string[];
}

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
  for (const key of ['stage', 'datastore'] as const)
    if (root.child(key).present)
      problems.warn(
        document,
        [...root.path, key],
        key === 'stage'
          ? `'stage' is not sent: the Azure ML API version the step uses (2022-10-01) has no model stage`
          : `'datastore' is not used: local files go to the workspace's default datastore`,
      );
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
  const local = localPath(trimmed, node.document.file);
  if (!local.exists) {
    node.error(`'${node.label}': '${trimmed}' does not exist (looked for ${local.path})`);
    return undefined;
  }
  return { kind: 'local', path: local.path, isFile: local.isFile };
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
