/** Azure Storage for the emulator: Azurite's blob service, started as a child process. (Stub.) */

/** A storage account as the steps reach it. */
export interface BlobAccount {
  readonly accountName: string;
  readonly accountKey: string;
  /** Blob service URL of the account (Azurite: path style, `https://127.0.0.1:<port>/<account>`). */
  readonly blobUrl: string;
}

export interface BlobStorage extends BlobAccount {
  close(): Promise<void>;
}

export async function startBlobStorage(_options: {
  certPath: string;
  keyPath: string;
}): Promise<BlobStorage> {
  return {
    accountName: 'devstoreaccount1',
    accountKey: '',
    blobUrl: 'https://127.0.0.1:0/devstoreaccount1',
    close: async () => undefined,
  };
}
