import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ColumnSink, RowGroupRange } from './sink';

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

/** The rows of each row group of a Parquet file, from its footer. */
export async function parquetRowGroupRows(path: string): Promise<number[]> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  return metadata.row_groups.map((group) => Number(group.num_rows));
}

/** The bytes [start, end) the column chunks of row groups [from, to) take in the file. */
function groupsByteRange(metadata: FileMetaData, range: RowGroupRange): { start: number; end: number } {
  let start = Infinity;
  let end = 0;
  for (const group of metadata.row_groups.slice(range.from, range.to))
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      const first = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      start = Math.min(start, first);
      end = Math.max(end, first + Number(meta.total_compressed_size));
    }
  return start < end ? { start, end } : { start: 0, end: 0 };
}

export interface ParquetRead {
  readonly rows: number;
  /** The bytes read: the whole file, or for some row groups the span of their column chunks. */
  readonly bytes: { readonly start: number; readonly end: number } | 'whole';
}

/**
 * Streams a Parquet file (or its row groups [from, to)) one row group at a time, reading only the kept columns:
 * each decoded page of a column chunk (a typed array for numbers) goes to the sink as it is, without assembling
 * rows, so memory holds one row group of the kept columns at most. Tells the sink the file's index and the
 * ordinal of the first row read before the values.
 */
export async function readParquet(
  file: { readonly path: string; readonly index: number; readonly rowGroups?: RowGroupRange | undefined },
  sink: ColumnSink,
  onHeader: (names: readonly string[]) => readonly number[],
  checkCancelled: () => void,
): Promise<ParquetRead> {
  const { rowGroups } = file;
  const { buffer, metadata, names } = await openParquet(file.path);
  const kept = onHeader(names).map((field) => names[field]!);
  const columnOf = new Map(kept.map((name, column) => [name, column]));
  const from = rowGroups?.from ?? 0;
  const to = rowGroups?.to ?? metadata.row_groups.length;
  if (from < 0 || to > metadata.row_groups.length || from > to)
    throw new Error(`row groups ${from} to ${to} are not in the file (it has ${metadata.row_groups.length})`);
  let groupStart = 0;
  for (const group of metadata.row_groups.slice(0, from)) groupStart += Number(group.num_rows);
  const firstRow = groupStart;
  sink.file?.(file.index, firstRow);
  for (const group of metadata.row_groups.slice(from, to)) {
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
          const start = Math.max(groupStart, rowStart) - rowStart;
          const end = Math.min(groupEnd, rowEnd) - rowStart;
          if (end > start) sink.values(column, columnData as ArrayLike<unknown>, start, end);
        },
      });
    }
    groupStart = groupEnd;
  }
  return {
    rows: groupStart - firstRow,
    bytes: rowGroups ? groupsByteRange(metadata, { from, to }) : 'whole',
  };
}
