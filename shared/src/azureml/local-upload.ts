import { uploadDirectory, type DatastoreContainer } from './datastore-blobs';
import type { Snapshot } from './snapshot';

/** `LocalUpload/<hash>`: where the CLI puts local files; the hash makes the path (and the asset) reusable. */
export function uploadPrefix(files: Snapshot): string {
  return `LocalUpload/${files.hash.slice(0, 32)}`;
}

/** A local file or folder on a datastore: where it is, and whether this run put it there. */
export interface LocalUpload {
  /** `azureml://datastores/<d>/paths/LocalUpload/<hash>/<name>` (a trailing `/` for a folder). */
  readonly uri: string;
  readonly action: 'reused' | 'uploaded' | 'would upload';
  /** `<n> file(s), <bytes> bytes`. */
  readonly detail: string;
}

/**
 * Uploads a snapshot (a local file or folder) to `LocalUpload/<hash>/<name>` on the datastore, as the CLI does
 * for local job inputs and model paths. The path holds a content hash: when its first file is already there, the
 * same content was uploaded before and nothing is sent again. In a dry run nothing is uploaded.
 */
export async function uploadSnapshot(
  container: DatastoreContainer,
  files: Snapshot,
  isFile: boolean,
  options: { readonly dryRun?: boolean; readonly signal?: AbortSignal },
): Promise<LocalUpload> {
  const prefix = `${uploadPrefix(files)}/${files.name}`;
  const uri = `azureml://datastores/${container.datastoreName}/paths/${prefix}${isFile ? '' : '/'}`;
  const detail = `${files.files.length} file(s), ${files.bytes} bytes`;
  const first = isFile ? prefix : `${prefix}/${files.files[0] ?? ''}`;
  if (await container.container.getBlobClient(first).exists({ abortSignal: options.signal }))
    return { uri, action: 'reused', detail: `unchanged: ${detail}` };
  if (options.dryRun) return { uri, action: 'would upload', detail };
  // A file's snapshot root is its folder and its one path its name, so both land under `prefix`.
  await uploadDirectory(container, files.root, isFile ? uploadPrefix(files) : prefix, {
    files: files.files,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { uri, action: 'uploaded', detail };
}
