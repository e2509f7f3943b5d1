/**
 * What an ACI init container does with a read-only SAS: download a blob, or every blob under a prefix, with
 * nothing but the SAS URL. The request goes to Azurite as sent (only the host is Azurite's), so a wrong,
 * expired or write-only SAS is refused there, with Azurite's error.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  AnonymousCredential,
  ContainerClient,
  RestError,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { BlobStore } from '../jobs/blob-store';

export interface SasSource {
  /** A container URL with a SAS query (`sp=rl`), or a blob / folder URL with one. */
  url: string;
  /** Blob prefix (folder) under the container; defaults to the URL's path below the container. */
  prefix?: string;
}

export interface SasDownload {
  files: number;
  /** What the init container printed. */
  log: string;
}

/** A download the SAS does not allow, or that found nothing: the message says why. */
export class SasDownloadError extends Error {}

/** Downloads `source` into `dest` (the layout under the prefix kept); throws a SasDownloadError. */
export async function downloadWithSas(
  blobs: BlobStore,
  blobServiceUrl: string,
  caPem: string,
  source: SasSource,
  dest: string,
): Promise<SasDownload> {
  const parsed = parseSource(blobs, source.url);
  // storage-blob does not type `tlsOptions` but hands it to core-client's pipeline (see jobs/blob-store.ts).
  const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = {
    tlsOptions: { ca: caPem },
    retryOptions: { maxTries: 2, retryDelayInMs: 50 },
  };
  const url = `${blobServiceUrl}/${encodeURIComponent(parsed.container)}${parsed.query}`;
  const container = new ContainerClient(url, new AnonymousCredential(), options);
  const prefix = (source.prefix ?? parsed.path).replace(/^\/+/, '');
  const log = [`Downloading '${prefix || '/'}' from container '${parsed.container}' with a SAS`];
  try {
    await mkdir(dest, { recursive: true });
    if (prefix !== '' && !prefix.endsWith('/')) {
      const blob = container.getBlobClient(prefix);
      const file = join(dest, basename(prefix));
      if (await downloadIfExists(() => blob.downloadToFile(file))) {
        log.push(`${prefix} -> ${file}`, 'Downloaded 1 file.');
        return { files: 1, log: `${log.join('\n')}\n` };
      }
    }
    const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    let files = 0;
    for await (const item of container.listBlobsFlat({ prefix: folder })) {
      const rel = item.name.slice(folder.length);
      if (rel === '' || rel.endsWith('/') || rel.split('/').includes('..')) continue;
      const file = join(dest, ...rel.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await container.getBlobClient(item.name).downloadToFile(file);
      log.push(`${item.name} -> ${file}`);
      files++;
    }
    if (files === 0)
      throw new SasDownloadError(`Nothing was found under '${folder}' in container '${parsed.container}'.`);
    log.push(`Downloaded ${files} file(s).`);
    return { files, log: `${log.join('\n')}\n` };
  } catch (error) {
    const reason = error instanceof SasDownloadError ? error.message : describe(error);
    throw new SasDownloadError(`${log.join('\n')}\nERROR: ${reason}\n`);
  }
}

function parseSource(blobs: BlobStore, url: string): { container: string; path: string; query: string } {
  let query = '';
  try {
    query = new URL(url).search;
  } catch {
    throw new SasDownloadError(`ERROR: '${redact(url)}' is not a URL.\n`);
  }
  const location = blobs.parseUrl(url);
  if (!location) throw new SasDownloadError(`ERROR: '${redact(url)}' is not a blob container URL.\n`);
  return { container: location.container, path: location.path, query };
}

/** Runs a single-blob download; false when there is no such blob (the source is then a folder). */
async function downloadIfExists(download: () => Promise<unknown>): Promise<boolean> {
  try {
    await download();
    return true;
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return false;
    throw error;
  }
}

/** Storage's status, error code and first message line (its messages carry a RequestId and a Time line). */
function describe(error: unknown): string {
  if (error instanceof RestError) {
    const message = (error.message || '').split('\n')[0] ?? '';
    return `${error.statusCode ?? ''} ${error.code ?? 'StorageError'}: ${message}`.trim();
  }
  return error instanceof Error ? error.message : String(error);
}

/** A URL without its query (the SAS signature stays out of logs). */
function redact(url: string): string {
  return url.replace(/\?.*$/, '?<SAS>');
}
