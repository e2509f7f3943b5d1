/**
 * The job benchmark's data: per side, Parquet files of at most 1M rows each in row groups of 100k rows (so the
 * job's first step cuts each file into partitions), 4 columns, seeded; the current side drifts in `income` and
 * `channel`. Cached in `<dir>/drift-job-bench-<rows>/{baseline,current}/part-<i>.parquet`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { SeededDraw } from '../../harness/seeded-draw';

const FILE_ROWS = 1_000_000;
const ROW_GROUP_ROWS = 100_000;
const CHANNELS = ['web', 'mobile', 'store', 'phone', 'partner'];

function writeSide(folder: string, rows: number, seed: number, drifted: boolean): void {
  mkdirSync(folder, { recursive: true });
  const draw = new SeededDraw(seed);
  const weights = drifted ? [30, 40, 10, 10, 10] : [40, 30, 15, 10, 5];
  for (let start = 0, part = 0; start < rows; start += FILE_ROWS, part++) {
    const length = Math.min(FILE_ROWS, rows - start);
    const buffer = parquetWriteBuffer({
      columnData: [
        {
          name: 'income',
          data: Float64Array.from(
            { length },
            () => Math.exp(10.5 + 0.5 * draw.normal()) * (drifted ? 1.08 : 1),
          ),
          type: 'DOUBLE',
        },
        {
          name: 'temperature',
          data: Float64Array.from({ length }, () => 15 + 8 * draw.normal()),
          type: 'DOUBLE',
        },
        {
          name: 'visits',
          data: Int32Array.from({ length }, () => Math.floor(-Math.log(draw.uniform()) * 12)),
          type: 'INT32',
        },
        { name: 'channel', data: Array.from({ length }, () => draw.pick(CHANNELS, weights)), type: 'STRING' },
      ],
      rowGroupSize: ROW_GROUP_ROWS,
    });
    writeFileSync(join(folder, `part-${String(part).padStart(4, '0')}.parquet`), new Uint8Array(buffer));
  }
}

/** The folder holding `baseline/` and `current/` for `rows` rows per side, generated when missing. */
export function jobBenchData(dir: string, rows: number): string {
  const root = join(dir, `drift-job-bench-${rows}`);
  const done = join(root, '.complete');
  if (!existsSync(done)) {
    console.log(`generating ${rows} rows x 4 columns per side as Parquet in ${root} ...`);
    writeSide(join(root, 'baseline'), rows, 1, false);
    writeSide(join(root, 'current'), rows, 2, true);
    writeFileSync(done, '');
  }
  return root;
}
