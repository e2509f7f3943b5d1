import { dirname, relative, sep } from 'node:path';
import type { DatasetProfile } from '../model';
import { readDataset } from '../read/dataset';
import type { ColumnSink, DataFile } from '../read/sink';
import { ColumnAccumulator } from './accumulator';
import { fileKeyHash, sampleRule } from './random';
import { countRows } from './row-count';

/** What one side's profiling needs; plain data, so it can be posted to a worker thread. */
export interface ProfileJob {
  readonly files: readonly DataFile[];
  readonly columns: readonly string[];
  readonly maxSampleRows: number;
  readonly seed: number;
  readonly inputName: string;
  /**
   * The whole dataset's row count (countRows over all its files), when these files are part of it; by default
   * these files are the dataset and are counted first. It sets the sample cutoff, which parts must share.
   */
  readonly totalRows?: number;
  /**
   * Each file's identity within the dataset, which with a row's ordinal identifies the row for the sample
   * (default: the paths relative to the files' common folder). Parts profiled apart give the same keys.
   */
  readonly fileKeys?: readonly string[];
  /**
   * Per file, the ordinal of its first data row in the file it was cut from (a piece cut at a line start, its
   * header repeated): rows keep their identity in the whole file. Default 0.
   */
  readonly firstRows?: readonly number[];
  /** A part of a dataset, to be merged (mergeProfiles): its sample is not cut to maxSampleRows. */
  readonly part?: boolean;
  /** Whether to compute the files' contentHash (default true; a column group other than the first skips it). */
  readonly hash?: boolean;
}

/** The files' paths relative to the folder they all are in, with / separators. */
export function defaultFileKeys(files: readonly DataFile[]): string[] {
  if (files.length === 0) return [];
  let common = dirname(files[0]!.path);
  for (const file of files)
    while (common !== dirname(common) && relative(common, file.path).startsWith('..'))
      common = dirname(common);
  return files.map((file) => relative(common, file.path).split(sep).join('/'));
}

/** One streaming pass over the files: a ColumnAccumulator per kept column. */
export async function profileFiles(job: ProfileJob, signal?: AbortSignal): Promise<DatasetProfile> {
  const totalRows = job.totalRows ?? (await countRows(job.files, job.maxSampleRows));
  const rule = sampleRule(totalRows, job.maxSampleRows);
  const keys = (job.fileKeys ?? defaultFileKeys(job.files)).map(fileKeyHash);
  const accumulators = job.columns.map(
    (name) => new ColumnAccumulator(name, job.maxSampleRows, job.seed, rule),
  );
  const sink: ColumnSink = {
    text: (column, bytes, starts, ends, numbers, count) =>
      accumulators[column]!.addText(bytes, starts, ends, numbers, count),
    values: (column, values, start, end) => accumulators[column]!.addValues(values, start, end),
    file: (index, firstRow) => {
      const first = (job.firstRows?.[index] ?? 0) + firstRow;
      for (const accumulator of accumulators) accumulator.startFile(keys[index]!, first);
    },
  };
  const { rows, contentHash, undecodable } = await readDataset(job.files, job.columns, sink, {
    inputName: job.inputName,
    hash: job.hash !== false,
    ...(signal ? { signal } : {}),
  });
  return {
    source: { files: job.files.map((file) => file.display), contentHash },
    rows,
    columns: accumulators.map((accumulator) => accumulator.finish(job.part !== true)),
    maxSampleRows: job.maxSampleRows,
    seed: job.seed,
    sampling: { rows: totalRows, ...rule },
    ...(job.part ? { part: true } : {}),
    ...(undecodable.length > 0 ? { undecodable } : {}),
  };
}
