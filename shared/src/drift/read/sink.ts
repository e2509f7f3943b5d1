/**
 * What every reader feeds: a dataset column by column, one batch at a time, never as row objects. Column
 * numbers are positions in the list of columns the reader was asked to keep.
 */
export interface ColumnSink {
  /**
   * CSV: one column of a batch of `count` fields. Field i is either a plain decimal number the tokenizer
   * already parsed (ends[i] === -1, the value in numbers[i]), or the text at bytes[starts[i], ends[i]) (valid
   * during the call only); a negative start (~start) marks a quoted field with doubled quotes to unescape.
   */
  text(
    column: number,
    bytes: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    numbers: Float64Array,
    count: number,
  ): void;
  /** JSON Lines, Parquet: one column of a batch as typed values, values[start, end). */
  values(column: number, values: ArrayLike<unknown>, start: number, end: number): void;
  /**
   * The rows that follow are from files[index], starting at its `firstRow`-th data row (0-based; not 0 for a
   * piece of a file that does not start at its beginning). Rows are identified by file and ordinal this way.
   */
  file?(index: number, firstRow: number): void;
}

/** The formats a data file may have, decided by its extension (each optionally gzip-compressed). */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

/** Row groups [from, to) of a Parquet file (0-based). */
export interface RowGroupRange {
  readonly from: number;
  readonly to: number;
}

export interface DataFile {
  /** Absolute path. */
  readonly path: string;
  /** How messages name it: relative to the workspace when inside it. */
  readonly display: string;
  readonly format: DataFormat;
  readonly gzip: boolean;
  /** Only these row groups of a Parquet file: a partition of a big file (its rows keep their ordinals). */
  readonly rowGroups?: RowGroupRange;
}
