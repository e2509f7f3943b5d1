import type { DatasetProfile } from '../model';
import { readDataset } from '../read/dataset';
import type { ColumnSink, DataFile } from '../read/sink';
import { ColumnAccumulator } from './accumulator';

/** What one side's profiling needs; plain data, so it can be posted to a worker thread. */
export interface ProfileJob {
  readonly files: readonly DataFile[];
  readonly columns: readonly string[];
  readonly maxSampleRows: number;
  readonly seed: number;
  readonly inputName: string;
  /** Whether to compute the files' contentHash (default true; a column group other than the first skips it). */
  readonly hash?: boolean;
}

/** One streaming pass over the files: a ColumnAccumulator per kept column. */
export async function profileFiles(job: ProfileJob, signal?: AbortSignal): Promise<DatasetProfile> {
  const accumulators = job.columns.map((name) => new ColumnAccumulator(name, job.maxSampleRows, job.seed));
  const sink: ColumnSink = {
    text: (column, bytes, starts, ends, numbers, count) =>
      accumulators[column]!.addText(bytes, starts, ends, numbers, count),
    values: (column, values, start, end) => accumulators[column]!.addValues(values, start, end),
  };
  const { rows, contentHash, undecodable } = await readDataset(job.files, job.columns, sink, {
    inputName: job.inputName,
    hash: job.hash !== false,
    ...(signal ? { signal } : {}),
  });
  return {
    source: { files: job.files.map((file) => file.display), contentHash },
    rows,
    columns: accumulators.map((accumulator) => accumulator.finish()),
    maxSampleRows: job.maxSampleRows,
    seed: job.seed,
    ...(undecodable.length > 0 ? { undecodable } : {}),
  };
}
