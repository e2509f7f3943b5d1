import { uploadDirectory, type DatastoreContainer } from './datastore-blobs';
import { callAzure } from '../azure/errors';
import { snapshotNotes, type Snapshot, type SnapshotFile } from './snapshot';

/** `LocalUpload/<hash>`: where the CLI puts local files; the hash makes the path (and the asset) reusable. */
export function uploadPrefix(files: Snapshot): string {
  return `LocalUpload/${files.hash.slice(0, 32)}`;
}

/**
 * The completion marker, as the Azure ML CLI writes it (azure-ai-ml's `UPLOAD_CONFIRMATION`): metadata on the
 * upload's first file, set after every file is uploaded. See docs/decisions/0019-complete-uploads.md.
 */
export const UPLOAD_COMPLETE = { upload_status: 'completed' } as const;

/** A local file or folder on a datastore: where it is, and whether this run put it there. */
export interface LocalUpload {
  /** `azureml://datastores/<d>/paths/LocalUpload/<hash>/<name>` (a trailing `/` for a folder). */
  readonly uri: string;
  readonly action: 'reused' | 'uploaded' | 'would upload';
  /** `<n> file(s), <bytes> bytes`, and what the walk skipped or an earlier upload left. */
  readonly detail: string;
  /** Files an earlier, unfinished upload had left right, kept instead of sent again. */
  readonly kept?: number;
}

/**
 * Uploads a snapshot (a local file or folder) to `LocalUpload/<hash>/<name>` on the datastore, as the CLI does
 * for local job inputs, models and code. It is reused only when complete: the completion marker is on its first
 * file (set last) and every file is there with its size and MD5. An upload an earlier run left half-done is
 * completed (the files already there and right are kept). In a dry run nothing is uploaded.
 */
export async function uploadSnapshot(
  container: DatastoreContainer,
  files: Snapshot,
  isFile: boolean,
  options: { readonly dryRun?: boolean; readonly signal?: AbortSignal },
): Promise<LocalUpload> {
  const prefix = `${uploadPrefix(files)}/${files.name}`;
  const uri = `azureml://datastores/${container.datastoreName}/paths/${prefix}${isFile ? '' : '/'}`;
  const notes = snapshotNotes(files);
  const detail = `${files.files.length} file(s), ${files.bytes} bytes${notes ? `; ${notes}` : ''}`;
  // A file's snapshot root is its folder and its one path its name, so both land under `prefix`.
  const base = isFile ? uploadPrefix(files) : prefix;
  const state = await uploadState(container, base, files.entries, options.signal);
  if (state.complete) return { uri, action: 'reused', detail: `unchanged: ${detail}` };
  if (options.dryRun) return { uri, action: 'would upload', detail };
  const missing = files.entries.filter((entry) => !state.present.has(entry.path));
  await uploadDirectory(container, files.root, base, {
    files: missing,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const indicator = files.entries[0];
  if (indicator)
    await callAzure(
      { operation: `Marking the upload ${base} of datastore '${container.datastoreName}' complete` },
      () =>
        container.container
          .getBlobClient(`${base}/${indicator.path}`)
          .setMetadata({ ...UPLOAD_COMPLETE }, { abortSignal: options.signal }),
    );
  const kept = files.entries.length - missing.length;
  return {
    uri,
    action: 'uploaded',
    detail: kept > 0 ? `${detail}; completed an earlier upload (${kept} file(s) were there already)` : detail,
    ...(kept > 0 ? { kept } : {}),
  };
}

/**
 * What an earlier upload left under `base`: the files there with the right size and MD5, and whether the upload
 * is complete (the marker on the first file, and every file right).
 */
async function uploadState(
  container: DatastoreContainer,
  base: string,
  entries: readonly SnapshotFile[],
  signal: AbortSignal | undefined,
): Promise<{ present: Set<string>; complete: boolean }> {
  const wanted = new Map(entries.map((entry) => [`${base}/${entry.path}`, entry]));
  const present = new Set<string>();
  let marked = false;
  await callAzure(
    {
      operation: `Listing ${base}/ on datastore '${container.datastoreName}' (container '${container.containerName}')`,
    },
    async () => {
      const listing = container.container.listBlobsFlat({
        prefix: `${base}/`,
        includeMetadata: true,
        abortSignal: signal,
      });
      for await (const blob of listing) {
        const entry = wanted.get(blob.name);
        const md5 = blob.properties.contentMD5
          ? Buffer.from(blob.properties.contentMD5).toString('base64')
          : undefined;
        if (!entry || blob.properties.contentLength !== entry.bytes || md5 !== entry.md5) continue;
        present.add(entry.path);
        if (entry === entries[0]) marked = blob.metadata?.['upload_status'] === UPLOAD_COMPLETE.upload_status;
      }
    },
  );
  return { present, complete: marked && present.size === entries.length };
}
