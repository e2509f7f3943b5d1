/**
 * A command job's files: its code snapshot, inputs (downloaded, or the literal value) and outputs (a fresh
 * folder each, uploaded when the command ends to the output's `uri`, by default
 * `azureml://datastores/workspaceblobstore/paths/azureml/<job>/<output>/`).
 */
import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { DEFAULT_DATASTORE } from '../arm/ml-datastores';
import { isObject, type Json } from '../arm/resource';
import type { BlobLocation, BlobStore } from './blob-store';
import type { JobOutcome } from './context';
import { JobFailure } from './job-handle';
import { entriesOf, field, stringField } from './rest';
import type { AssetKind, WorkspacePaths } from './workspace-paths';

const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'];

export interface PreparedInput {
  /** What `${{inputs.<name>}}` becomes: a local path, the literal value, or the URI (direct mode). */
  value: string;
}

export interface PreparedOutput {
  /** What `${{outputs.<name>}}` becomes. */
  localPath: string;
  /** The folder uploaded when the command ends. */
  localDir: string;
  uri: string;
  location: BlobLocation;
  type: string;
}

/** Downloads the code version `codeId` into `dest`. */
export async function downloadCode(
  paths: WorkspacePaths,
  blobs: BlobStore,
  codeId: string,
  dest: string,
): Promise<void> {
  if (/^azureml:\/\/registries\//i.test(codeId)) {
    throw new JobFailure(
      `Code '${codeId}' is in a registry: the emulator runs workspace code versions only.`,
    );
  }
  const ref = codeId.replace(/^azureml:(?=\/)/i, '');
  const asset = paths.assetVersion(ref, 'codes');
  if (!asset) throw new JobFailure(`'${codeId}' is not a code version.`);
  const downloaded = await blobs.download(paths.resolve(asset.uri), dest);
  if (downloaded.files === 0) {
    throw new JobFailure(`Code '${asset.id}': nothing was found at its codeUri '${asset.uri}'.`);
  }
}

export function inputType(input: Json): string {
  return (stringField(input, 'jobInputType', 'job_input_type', 'type') ?? 'uri_folder').toLowerCase();
}

export function outputType(output: Json): string {
  return (stringField(output, 'jobOutputType', 'job_output_type', 'type') ?? 'uri_folder').toLowerCase();
}

/** Resolves every input of the job; data inputs are downloaded under `dir/<name>`. */
export async function prepareInputs(
  paths: WorkspacePaths,
  blobs: BlobStore,
  inputs: unknown,
  dir: string,
): Promise<Record<string, PreparedInput>> {
  const prepared: Record<string, PreparedInput> = {};
  for (const [name, input] of entriesOf(inputs)) {
    const type = inputType(input);
    if (type === 'literal') {
      const value = field(input, 'value');
      prepared[name] = { value: isObject(value) ? JSON.stringify(value) : String(value ?? '') };
      continue;
    }
    const uri = stringField(input, 'uri', 'path');
    if (!uri) throw new JobFailure(`Input '${name}' (${type}) has no 'uri'.`);
    if (stringField(input, 'mode')?.toLowerCase() === 'direct') {
      prepared[name] = { value: uri };
      continue;
    }
    const kind: AssetKind = MODEL_TYPES.includes(type) ? 'models' : 'data';
    const downloaded = await blobs.download(paths.resolve(uri, kind), join(dir, name));
    if (downloaded.files === 0) {
      throw new JobFailure(`Input '${name}': nothing was found at '${uri}'.`);
    }
    prepared[name] = { value: downloaded.localPath };
  }
  return prepared;
}

/** A fresh folder per output; sets each output's `uri` in `outputs` (the job body) to where it will go. */
export async function prepareOutputs(
  paths: WorkspacePaths,
  jobName: string,
  outputs: unknown,
  dir: string,
): Promise<Record<string, PreparedOutput>> {
  const prepared: Record<string, PreparedOutput> = {};
  for (const [name, output] of entriesOf(outputs)) {
    const type = outputType(output);
    const file = type === 'uri_file';
    const uri =
      stringField(output, 'uri', 'path') ??
      `azureml://datastores/${DEFAULT_DATASTORE}/paths/azureml/${jobName}/${name}/${file ? name : ''}`;
    if (!/^(azureml:\/\/|https?:\/\/|wasbs?:\/\/)/i.test(uri)) {
      throw new JobFailure(`Output '${name}': '${uri}' is not a datastore URI or a blob URL.`);
    }
    const location = paths.resolve(uri);
    const localDir = join(dir, name);
    await mkdir(localDir, { recursive: true });
    const fileName = posix.basename(location.path) || name;
    const parent = posix.dirname(location.path);
    output['uri'] = uri;
    prepared[name] = {
      localPath: file ? join(localDir, fileName) : localDir,
      localDir,
      uri,
      location: file ? { ...location, path: parent === '.' ? '' : parent } : location,
      type,
    };
  }
  return prepared;
}

/** Uploads every output folder; returns the names of outputs that could not be uploaded. */
export async function uploadOutputs(
  blobs: BlobStore,
  outputs: Record<string, PreparedOutput>,
): Promise<string[]> {
  const failed: string[] = [];
  for (const [name, output] of Object.entries(outputs)) {
    try {
      await blobs.uploadFolder(output.localDir, output.location);
    } catch {
      failed.push(name);
    }
  }
  return failed;
}

/** A job's working files under `dir`: the code snapshot in `code/`, its inputs fetched, a folder per output. */
export async function prepareJobFiles(
  paths: WorkspacePaths,
  blobs: BlobStore,
  job: { name: string; props: Json; inputs: unknown },
  dir: string,
  throwIfStopped: () => void,
): Promise<{
  codeDir: string;
  inputs: Record<string, PreparedInput>;
  outputs: Record<string, PreparedOutput>;
}> {
  const codeDir = join(dir, 'code');
  await mkdir(codeDir, { recursive: true });
  const codeId = stringField(job.props, 'codeId');
  if (codeId) await downloadCode(paths, blobs, codeId, codeDir);
  throwIfStopped();
  const inputs = await prepareInputs(paths, blobs, job.inputs, join(dir, 'inputs'));
  const outputs = await prepareOutputs(paths, job.name, job.props['outputs'], join(dir, 'outputs'));
  return { codeDir, inputs, outputs };
}

/** A finished job's outcome once its outputs are uploaded: Failed naming the outputs that could not be. */
export function afterUploads(failed: string[]): JobOutcome {
  if (failed.length === 0) return { status: 'Completed' };
  return {
    status: 'Failed',
    error: { code: 'SystemError', message: `Uploading the output(s) ${failed.join(', ')} failed.` },
  };
}
