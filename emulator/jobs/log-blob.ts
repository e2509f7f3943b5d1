/**
 * A job log written as Azure ML writes `user_logs/std_log.txt`: an append blob that grows while the job runs,
 * so a client reading from a byte offset sees new text every flush.
 */
import type { AppendBlobClient } from '@azure/storage-blob';

/** Azure Storage's limit for one Append Block call. */
const MAX_BLOCK = 4 * 1024 * 1024;

export class LogBlob {
  private pending: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    private readonly blob: AppendBlobClient,
    private readonly flushMs: number,
  ) {}

  /** Creates (or reuses) the append blob and flushes what is written every `flushMs`. */
  static async open(blob: AppendBlobClient, flushMs = 200): Promise<LogBlob> {
    await blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
    const log = new LogBlob(blob, flushMs);
    log.timer = setInterval(() => void log.flush(), flushMs);
    return log;
  }

  write(text: string | Buffer): void {
    this.pending.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  }

  /** Appends what was written so far (appends run one after the other, in order). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.chain;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.chain = this.chain.then(async () => {
      for (let start = 0; start < data.length; start += MAX_BLOCK) {
        const block = data.subarray(start, start + MAX_BLOCK);
        await this.blob.appendBlock(block, block.length).catch((error: unknown) => {
          // A lost log block must not fail the job; it is reported when the log is closed.
          this.failure ??= error;
        });
      }
    });
    return this.chain;
  }

  /** Stops the timer and appends the rest; returns the first append error, if any. */
  async close(): Promise<unknown> {
    clearInterval(this.timer);
    await this.flush();
    return this.failure;
  }
}
