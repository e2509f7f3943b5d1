/**
 * A dataset's row count before it is profiled, which sets the sample cutoff (sampleCutoff): Parquet footers
 * give it; text files are counted by newlines (an upper bound when quoted values hold newlines, and the same
 * for every way the files are cut), and not read at all when their size alone shows they fit the sample.
 */
import { stat } from 'node:fs/promises';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { fileChunks } from '../read/dataset';
import type { DataFile } from '../read/sink';

async function newlines(
  file: DataFile,
): Promise<{ newlines: number; endsWithNewline: boolean; bytes: number }> {
  // Reused buffers: a stream's fresh chunk per read is garbage the profiling pass that follows, which makes
  // little, may keep alive to its end.
  const chunks = fileChunks(file, undefined);
  let count = 0;
  let bytes = 0;
  let last = 10;
  for await (const chunk of chunks) {
    const buffer = chunk as Buffer;
    if (buffer.length === 0) continue;
    for (let i = buffer.indexOf(10); i >= 0; i = buffer.indexOf(10, i + 1)) count++;
    bytes += buffer.length;
    last = buffer[buffer.length - 1]!;
  }
  return { newlines: count, endsWithNewline: last === 10, bytes };
}

/** Rows in one file: exact for Parquet, at most this many for text (the header line not counted). */
export async function countFileRows(file: DataFile): Promise<number> {
  if (file.format === 'parquet') {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file.path));
    return Number(metadata.num_rows);
  }
  const { newlines: lines, endsWithNewline, bytes } = await newlines(file);
  if (bytes === 0) return 0;
  const all = lines + (endsWithNewline ? 0 : 1);
  return Math.max(0, file.format === 'jsonl' ? all : all - 1);
}

/**
 * The dataset's row count as the sample needs it; when plain text files are no bigger in bytes than `fits`,
 * their byte count (each row takes a byte at least), without reading them.
 */
export async function countRows(files: readonly DataFile[], fits = 0): Promise<number> {
  // A file that cannot be read counts as empty here: reading it says what is wrong.
  const orZero = (count: Promise<number>) => count.catch(() => 0);
  if (files.every((file) => !file.gzip && file.format !== 'parquet')) {
    let bytes = 0;
    for (const file of files) bytes += await orZero(stat(file.path).then((found) => found.size));
    if (bytes <= fits) return bytes;
  }
  let rows = 0;
  for (const file of files) rows += await orZero(countFileRows(file));
  return rows;
}
