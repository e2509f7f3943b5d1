/**
 * The files an online deployment's container gets, laid out as Azure ML does: the model version under
 * `azureml-models/<name>/<version>/` (`AZUREML_MODEL_DIR`; a folder model keeps its folder name below it, as
 * Azure ML mounts it) and the code version's folder (`AML_APP_ROOT`). Downloaded from Azurite with the job
 * runner's helpers; a reference that cannot be resolved throws a JobFailure naming it.
 */
import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isObject, type Json } from '../arm/resource';
import type { BlobStore } from '../jobs/blob-store';
import { downloadCode } from '../jobs/command-io';
import { JobFailure } from '../jobs/job-handle';
import type { WorkspacePaths } from '../jobs/workspace-paths';

const MODEL_VERSION_ID = /\/models\/([^/]+)\/versions\/([^/]+)\/?$/i;

export interface DeploymentFiles {
  modelDir: string;
  appRoot: string;
  entryScript: string;
  /** The deployment's `environmentVariables`. */
  env: Record<string, string>;
}

/** `properties.codeConfiguration.scoringScript` of a deployment, when it has one (the emulator serves those). */
export function scoringScriptOf(props: Json): string | undefined {
  const code = props['codeConfiguration'];
  const script = isObject(code) ? code['scoringScript'] : undefined;
  return typeof script === 'string' && script !== '' ? script : undefined;
}

/**
 * Downloads the model and code of a deployment (its `properties`) under `dir`. What the storage initializer
 * container prints (`getLogs` with `containerType: StorageInitializer`) is appended to `log`, line by line.
 */
export async function prepareDeploymentFiles(
  paths: WorkspacePaths,
  blobs: BlobStore,
  props: Json,
  dir: string,
  log: string[] = [],
): Promise<DeploymentFiles> {
  const entryScript = scoringScriptOf(props);
  if (!entryScript) throw new JobFailure("The deployment has no 'codeConfiguration.scoringScript'.");
  const code = isObject(props['codeConfiguration']) ? props['codeConfiguration'] : {};
  const codeId = code['codeId'];
  if (typeof codeId !== 'string' || codeId === '') {
    throw new JobFailure("The deployment has no 'codeConfiguration.codeId' holding its scoring script.");
  }
  const appRoot = join(dir, 'code');
  log.push(`Downloading code '${codeId}' to ${appRoot}`);
  await downloadCode(paths, blobs, codeId, appRoot);
  const model = props['model'];
  let modelDir = join(dir, 'azureml-models');
  if (typeof model === 'string' && model !== '') {
    log.push(`Downloading model '${model}' to ${modelDir}`);
    modelDir = await downloadModel(paths, blobs, model, modelDir);
    log.push(`Model downloaded: AZUREML_MODEL_DIR=${modelDir}`);
  } else {
    log.push('No model to download.');
  }
  await mkdir(modelDir, { recursive: true });
  log.push('Storage initializer completed.');
  return { modelDir, appRoot, entryScript, env: stringValues(props['environmentVariables']) };
}

/** Downloads a model version; returns its `AZUREML_MODEL_DIR` (`<root>/<name>/<version>`). */
async function downloadModel(
  paths: WorkspacePaths,
  blobs: BlobStore,
  model: string,
  root: string,
): Promise<string> {
  if (/^azureml:\/\/registries\//i.test(model)) {
    throw new JobFailure(
      `Model '${model}' is in a registry: the emulator deploys workspace model versions only.`,
    );
  }
  const asset = paths.assetVersion(model.replace(/^azureml:(?=\/)/i, ''), 'models');
  if (!asset)
    throw new JobFailure(`'${model}' is not a model version (azureml:<name>:<version> or its ARM id).`);
  const [, name = 'model', version = '1'] = MODEL_VERSION_ID.exec(asset.id) ?? [];
  const location = paths.resolve(asset.uri, 'models');
  const staged = await blobs.download(location, join(root, '.staging'));
  if (staged.files === 0) {
    throw new JobFailure(`Model '${name}:${version}': nothing was found at its modelUri '${asset.uri}'.`);
  }
  const modelDir = join(root, name, version);
  await mkdir(modelDir, { recursive: true });
  const folder = basename(location.path.replace(/\/+$/, '')) || 'model';
  const target = staged.kind === 'file' ? join(modelDir, basename(staged.localPath)) : join(modelDir, folder);
  await rename(staged.localPath, target);
  return modelDir;
}

function stringValues(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}
