/**
 * `npm run bench:drift -- --job 2000000,20000000`: drift-check `runOn: azureml` on the emulator next to the same
 * profiling on the agent, on the same Parquet files (job-data.ts: files of 1M rows in row groups of 100k, so the
 * job cuts them into partitions). The agent side is run-ours.js on both folders; the job side is job-run.ts (an
 * emulator, the data registered as assets, the GitHub action) in a process of its own. Both run under measure.py:
 * for the job its CPU time is everything's (the emulator, the step, the job's processes), its peak RSS the largest
 * of those processes (the kernel's maxrss over a process and the children it reaped). Prints figures; asserts
 * nothing.
 */
import { join } from 'node:path';
import { jobBenchData } from './job-data';

/** What drift-bench.ts's measure() gives. */
interface Measured {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  report?: Record<string, unknown>;
  failure?: string;
}

export interface JobBenchOptions {
  readonly dir: string;
  readonly maxSampleRows: string;
  /** run-ours.js, bundled by drift-bench.ts. */
  readonly oursBundle: string;
  readonly measure: (command: string, args: string[]) => Measured;
  readonly load: () => string;
}

const TSX = join(__dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

function row(name: string, measured: Measured, extra = ''): string {
  if (measured.failure) return `${name.padEnd(38)} ${measured.failure}`;
  return `${name.padEnd(38)} ${measured.wallSeconds.toFixed(1).padStart(8)} ${measured.cpuSeconds.toFixed(1).padStart(8)} ${measured.maxRssMb.toFixed(0).padStart(8)}  ${extra}`;
}

export function runJobBench(sizes: readonly number[], options: JobBenchOptions): void {
  console.log('\ndrift-check runOn azureml on the emulator, next to the agent (Parquet, both sides):');
  for (const rows of sizes) {
    const folder = jobBenchData(options.dir, rows);
    const loadBefore = options.load();
    const agent = options.measure(process.execPath, [
      options.oursBundle,
      join(folder, 'baseline'),
      join(folder, 'current'),
      options.maxSampleRows,
    ]);
    const job = options.measure(process.execPath, [
      TSX,
      join(__dirname, 'job-run.ts'),
      folder,
      options.maxSampleRows,
    ]);
    const stepSeconds = Number(job.report?.['seconds']);
    console.log(`\n${rows} rows per side (load ${loadBefore} -> ${options.load()})`);
    console.log(`${''.padEnd(38)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'peak MB'.padStart(8)}`);
    console.log(row('agent (profile + compare)', agent));
    console.log(
      row(
        'job: emulator + step + job processes',
        job,
        Number.isFinite(stepSeconds)
          ? `step ${stepSeconds.toFixed(1)} s, ${String(job.report?.['partitions'])} partitions per side`
          : '',
      ),
    );
  }
}
