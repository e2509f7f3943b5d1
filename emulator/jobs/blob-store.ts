/**
 * The runner's access to Azurite: parses blob URLs, downloads a blob or a "folder" (every blob under a prefix)
 * and uploads local folders. Every URL is served by the one Azurite account, whatever account it names.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import {
  ContainerClient,
  RestError,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { BlobAccount } from '../storage';

/** A blob, or a folder (prefix), in a container. */
export interface BlobLocation {
  container: string;
  /** Blob name or prefix, without a leading `/`; a trailing `/` marks a folder. */
  path: string;
}

export interface Downloaded {
  kind: 'file' | 'folder';
  /** The file, or the folder holding what was under the prefix. */
  localPath: string;
  files: number;
}

export class BlobStore {
  private readonly credential: StorageSharedKeyCredential;
  private readonly pipeline: StoragePipelineOptions & { tlsOptions: { ca: string } };

  constructor(
    private readonly account: BlobAccount,
    caPem: string,
  ) {
    this.credential = new StorageSharedKeyCredential(account.accountName, account.accountKey);
    // storage-blob 12.32 types no `tlsOptions`, but hands its options to core-client's pipeline, which honours it.
    this.pipeline = {
      tlsOptions: { ca: caPem },
      retryOptions: { maxTries: 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
    };
  }

  container(name: string): ContainerClient {
    return new ContainerClient(`${this.account.blobUrl}/${name}`, this.credential, this.pipeline);
  }

  /**
   * `{container, path}` of a blob URL: Azurite's path style `https://127.0.0.1:<port>/<account>/<container>/<path>`,
   * production `https://<account>.blob.core.windows.net/<container>/<path>`, or `wasbs://<container>@<host>/<path>`.
   */
  parseUrl(url: string): BlobLocation | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    const segments = parsed.pathname.split('/').slice(1).map(decodeURIComponent);
    const trailing = parsed.pathname.endsWith('/') ? '/' : '';
    if (parsed.protocol === 'wasbs:' || parsed.protocol === 'wasb:') {
      const container = decodeURIComponent(parsed.username);
      return container ? { container, path: trimPath(segments.join('/')) + trailing } : undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    // Production hosts name the account in the host name; Azurite (an IP or localhost) in the first segment.
    const pathStyle = !/\.blob\./i.test(parsed.hostname);
    const [container, ...rest] = pathStyle ? segments.slice(1) : segments;
    if (!container) return undefined;
    const path = trimPath(rest.join('/'));
    return { container, path: path && path + trailing };
  }

  /**
   * Downloads `location` into the folder `dest`: a blob of that exact name as `dest/<basename>`, otherwise
   * every blob under `<path>/` keeping the relative layout. `files` is 0 when nothing was there.
   */
  async download(location: BlobLocation, dest: string): Promise<Downloaded> {
    const container = this.container(location.container);
    await mkdir(dest, { recursive: true });
    const path = location.path.replace(/^\/+/, '');
    if (path !== '' && !path.endsWith('/')) {
      const blob = container.getBlobClient(path);
      if (await missingContainerAsFalse(() => blob.exists())) {
        const localPath = join(dest, basename(path));
        await blob.downloadToFile(localPath);
        return { kind: 'file', localPath, files: 1 };
      }
    }
    const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
    let files = 0;
    const items = await missingContainerAsFalse(async () => {
      const names: string[] = [];
      for await (const item of container.listBlobsFlat({ prefix })) names.push(item.name);
      return names;
    });
    for (const name of items || []) {
      const rel = name.slice(prefix.length);
      // Folder markers (hierarchical namespaces) and names escaping the folder are skipped.
      if (rel === '' || rel.endsWith('/') || rel.split('/').includes('..')) continue;
      const localPath = join(dest, ...rel.split('/'));
      await mkdir(dirname(localPath), { recursive: true });
      await container.getBlobClient(name).downloadToFile(localPath);
      files++;
    }
    return { kind: 'folder', localPath: dest, files };
  }

  /** Uploads every file under `localDir` to `<location.path>/<relative path>`; returns how many. */
  async uploadFolder(localDir: string, location: BlobLocation): Promise<number> {
    const container = this.container(location.container);
    await container.createIfNotExists();
    const prefix = location.path.replace(/^\/+|\/+$/g, '');
    let count = 0;
    for (const file of await filesUnder(localDir)) {
      const rel = relative(localDir, file).split(sep).join('/');
      await container.getBlockBlobClient(prefix ? `${prefix}/${rel}` : rel).uploadFile(file);
      count++;
    }
    return count;
  }

  async uploadText(location: BlobLocation, text: string): Promise<void> {
    const container = this.container(location.container);
    await container.createIfNotExists();
    const body = Buffer.from(text, 'utf8');
    await container.getBlockBlobClient(location.path).upload(body, body.length, {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }
}

function trimPath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** Runs `work`; a missing container (404) counts as "nothing there". */
async function missingContainerAsFalse<T>(work: () => Promise<T>): Promise<T | false> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return false;
    throw error;
  }
}

/** Every file under `dir`, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}
