import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CancelledError, DataError, InputError, StepError } from '../../step/errors';
import { CsvReader } from './csv';
import { JsonlReader } from './jsonl';
import { shownNames } from './names';
import { parquetColumnNames, readParquet } from './parquet';
import type { ColumnSink, DataFile } from './sink';
import { Utf8Check } from './utf8';

const CHUNK_BYTES = 1 << 20;
const TAB = 9;

/**
 * A plain file's bytes in chunks, read into two buffers used in turn: the next read runs (on libuv's thread
 * pool) while the current chunk is parsed, and no garbage buffer is left per chunk. A chunk is valid until the
 * consumer asks for the next one.
 */
async function* plainChunks(path: string, hash: Hash | undefined): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)] as const;
    let turn = 0;
    let reading = handle.read(buffers[0], 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) return;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      reading = handle.read(buffers[turn]!, 0, CHUNK_BYTES, null);
      hash?.update(chunk);
      yield chunk;
    }
  } finally {
    await handle.close();
  }
}

/** Raw bytes go to the hash, then (when gzip) through gunzip; chunks come with backpressure. */
export function fileChunks(file: DataFile, hash: Hash | undefined): AsyncIterable<Buffer> {
  if (!file.gzip) return plainChunks(file.path, hash);
  const raw = createReadStream(file.path, { highWaterMark: CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  if (!hash) return pipeline(raw, gunzip, () => {});
  return pipeline(
    raw,
    new Transform({ transform: (chunk: Buffer, _encoding, done) => done(null, (hash.update(chunk), chunk)) }),
    gunzip,
    () => {},
  );
}

/** Hashes a file's bytes, or those of [start, end) (a partition of a Parquet file). */
async function hashFile(path: string, hash: Hash, range?: { start: number; end: number }): Promise<void> {
  if (range && range.end <= range.start) return;
  const bytes = range ? { start: range.start, end: range.end - 1 } : {};
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES, ...bytes }))
    hash.update(chunk as Buffer);
}

/** The error a user can act on for a failure to read a file. */
function readError(file: DataFile, error: unknown): Error {
  if (error instanceof StepError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new DataError(`${file.display} is not valid gzip (${(error as Error).message}).`, {
      file: file.display,
    });
  if (typeof code === 'string' && code.startsWith('E'))
    return new DataError(`cannot read ${file.display}: ${code}.`, { file: file.display });
  if (file.format === 'parquet')
    return new DataError(`${file.display} is not a readable Parquet file (${(error as Error).message}).`, {
      file: file.display,
    });
  return error instanceof Error ? error : new Error(String(error));
}

const noSink: ColumnSink = { text: () => {}, values: () => {} };

/** The columns of a data file: its header row, the keys of its first JSON object, or its Parquet schema. */
export async function readColumnNames(file: DataFile): Promise<string[]> {
  let names: string[] | undefined;
  const onHeader = (found: readonly string[]) => {
    names = [...found];
    return [];
  };
  try {
    if (file.format === 'parquet') return await parquetColumnNames(file.path);
    const reader =
      file.format === 'jsonl'
        ? new JsonlReader(file.display, noSink, onHeader)
        : new CsvReader(file.display, noSink, onHeader, file.format === 'tsv' ? TAB : undefined);
    const chunks = fileChunks(file, undefined);
    for await (const chunk of chunks) {
      reader.push(chunk as Buffer);
      if (names) break;
    }
    if (!names) reader.end();
    return names ?? [];
  } catch (error) {
    throw readError(file, error);
  }
}

/** A text file holding bytes that are not UTF-8: how many, and where the first is (line, byte in the line). */
export interface UndecodableText {
  readonly file: string;
  readonly invalidBytes: number;
  readonly line: number;
  readonly column: number;
}

/** The line and the byte in it (both 1-based) of a byte offset in a text file, read again up to there. */
async function positionOf(file: DataFile, offset: number): Promise<{ line: number; column: number }> {
  let line = 1;
  let lineStart = 0;
  let at = 0;
  for await (const chunk of fileChunks(file, undefined)) {
    const bytes = chunk as Buffer;
    const end = Math.min(bytes.length, offset - at);
    for (let i = bytes.indexOf(10); i >= 0 && i < end; i = bytes.indexOf(10, i + 1)) {
      line++;
      lineStart = at + i + 1;
    }
    if (at + bytes.length > offset) break;
    at += bytes.length;
  }
  return { line, column: offset - lineStart + 1 };
}

export interface ReadOptions {
  /** The input the files came from, named in errors. */
  readonly inputName: string;
  readonly signal?: AbortSignal;
  /** SHA-256 over the files' raw bytes, in order (default true). */
  readonly hash?: boolean;
}

/**
 * Streams every file into the sink, keeping only `columns` (sink column i is columns[i]). Every file must have
 * them all. Returns the rows read and the SHA-256 of the files' bytes, computed in the same pass, and the text
 * files holding bytes that are not UTF-8 (their values are read as they are: such a byte shows as U+FFFD).
 */
export async function readDataset(
  files: readonly DataFile[],
  columns: readonly string[],
  sink: ColumnSink,
  options: ReadOptions,
): Promise<{ rows: number; contentHash: string; undecodable: UndecodableText[] }> {
  const hash = options.hash === false ? undefined : createHash('sha256');
  const checkCancelled = () => {
    const signal = options.signal;
    if (signal?.aborted)
      throw signal.reason instanceof StepError
        ? signal.reason
        : new CancelledError('The run was cancelled while reading data.');
  };
  let rows = 0;
  const undecodable: UndecodableText[] = [];
  for (const [index, file] of files.entries()) {
    checkCancelled();
    if (file.format !== 'parquet') sink.file?.(index, 0);
    const onHeader = (names: readonly string[]): number[] => {
      const missing = columns.filter((name) => !names.includes(name));
      if (missing.length > 0)
        throw new InputError(
          options.inputName,
          `${options.inputName}: ${file.display} has no column ${shownNames(missing, '"')} (its columns: ${shownNames(names)}).`,
          { file: file.display },
        );
      return columns.map((name) => names.indexOf(name));
    };
    try {
      if (file.format === 'parquet') {
        const read = await readParquet(
          { path: file.path, index, rowGroups: file.rowGroups },
          sink,
          onHeader,
          checkCancelled,
        );
        rows += read.rows;
        if (hash) await hashFile(file.path, hash, read.bytes === 'whole' ? undefined : read.bytes);
        continue;
      }
      const reader =
        file.format === 'jsonl'
          ? new JsonlReader(file.display, sink, onHeader)
          : new CsvReader(file.display, sink, onHeader, file.format === 'tsv' ? TAB : undefined);
      const utf8 = new Utf8Check();
      for await (const chunk of fileChunks(file, hash)) {
        checkCancelled();
        utf8.push(chunk as Buffer);
        reader.push(chunk as Buffer);
      }
      rows += reader.end();
      const found = utf8.end();
      if (found)
        undecodable.push({
          file: file.display,
          invalidBytes: found.invalidBytes,
          ...(await positionOf(file, found.firstOffset)),
        });
    } catch (error) {
      throw readError(file, error);
    }
  }
  return { rows, contentHash: hash ? `sha256:${hash.digest('hex')}` : '', undecodable };
}
