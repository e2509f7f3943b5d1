import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ColumnSink } from './sink';

interface OpenParquet {
  readonly buffer: AsyncBuffer;
  readonly metadata: FileMetaData;
  /** Top-level primitive columns: nested ones (lists, structs) are not features. */
  readonly names: string[];
}

async function openParquet(path: string): Promise<OpenParquet> {
  const buffer = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(buffer);
  const names = parquetSchema(metadata)
    .children.filter((child) => child.children.length === 0)
    .map((child) => child.element.name);
  return { buffer, metadata, names };
}

/** The columns of a Parquet file, from its footer. */
export async function parquetColumnNames(path: string): Promise<string[]> {
  return (await openParquet(path)).names;
}

/**
 * Streams a Parquet file one row group at a time, reading only the kept columns: each decoded column chunk
 * (typed arrays for numbers) goes to the sink as is, without assembling rows. Returns the rows read.
 */
export async function readParquet(
  path: string,
  sink: ColumnSink,
  onHeader: (names: readonly string[]) => readonly number[],
  checkCancelled: () => void,
): Promise<number> {
  const { buffer, metadata, names } = await openParquet(path);
  const kept = onHeader(names).map((field) => names[field]!);
  const columnOf = new Map(kept.map((name, column) => [name, column]));
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    checkCancelled();
    const groupEnd = groupStart + Number(group.num_rows);
    if (kept.length > 0 && groupEnd > groupStart) {
      await parquetRead({
        file: buffer,
        metadata,
        columns: kept,
        rowStart: groupStart,
        rowEnd: groupEnd,
        compressors,
        onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
          const column = columnOf.get(columnName);
          if (column === undefined) return;
          const from = Math.max(groupStart, rowStart) - rowStart;
          const to = Math.min(groupEnd, rowEnd) - rowStart;
          if (to > from) sink.values(column, columnData as ArrayLike<unknown>, from, to);
        },
      });
    }
    groupStart = groupEnd;
  }
  return groupStart;
}
