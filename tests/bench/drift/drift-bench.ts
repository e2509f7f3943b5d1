/**
 * How fast and how small the drift check's data pass is, next to pandas read_csv + scipy doing the same
 * comparison, and `wc -l` reading the same files, measured in the same run.
 *
 *   npx tsx tests/bench/drift/drift-bench.ts [--rows 5000000,20000000] [--dir DIR] [--max-sample-rows 1000000]
 *                                            [--skip-python] [--job 2000000,20000000]
 *
 * `--rows 1000000` is the quick run. Data: generate.ts, cached in DIR/drift-bench-<rows> (DIR: the temp dir by
 * default). Ours runs bundled by esbuild as the tasks are (so profiling uses its worker threads). Every program
 * runs under measure.py, which reports the kernel's wall time, CPU time (user + system, all threads) and peak RSS
 * for it: on a shared machine CPU time and RSS are the figures load distorts least, so the load average is
 * printed next to them. pandas needs about 4 bytes of memory per byte of CSV: when that is more than the machine
 * has free, it is not started and the output says so; when it fails, the output says how. Needs python3-pandas
 * and python3-scipy (Debian). `--job`: drift-check runOn azureml on the emulator at those row counts (job-bench.ts).
 * Prints figures; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { freemem, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { generateDriftData } from './generate';
import { runJobBench } from './job-bench';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000000,20000000' },
    dir: { type: 'string' },
    'max-sample-rows': { type: 'string', default: '1000000' },
    'skip-python': { type: 'boolean', default: false },
    job: { type: 'string' },
  },
});
const PYTHON = '/usr/bin/python3';
/** Peak RSS of pandas read_csv + scipy per byte of CSV read, measured at 5M rows (1.9 GB for 0.77 GB). */
const PANDAS_BYTES_PER_CSV_BYTE = 2.6;

interface Measured {
  exitCode: number;
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  /** The program's own JSON line, when it printed one. */
  report?: Record<string, unknown>;
  /** Why it has no figures: not run, or failed. */
  failure?: string;
}

/** Runs a command under measure.py; the program's own last JSON line (if any) comes back as `report`. */
function measure(command: string, args: string[]): Measured {
  const result = spawnSync(PYTHON, [join(__dirname, 'measure.py'), command, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`measure.py ${command} failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  const measured = JSON.parse(lines.pop()!) as Measured;
  const last = lines.pop();
  if (last?.startsWith('{')) measured.report = JSON.parse(last) as Record<string, unknown>;
  if (measured.exitCode !== 0)
    measured.failure =
      measured.exitCode < 0
        ? `killed by signal ${-measured.exitCode}${measured.exitCode === -9 ? ' (out of memory?)' : ''} after ${measured.wallSeconds.toFixed(0)} s at ${measured.maxRssMb.toFixed(0)} MB`
        : `exit code ${measured.exitCode}: ${result.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
  return measured;
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function bundleOurs(): Promise<string> {
  // A folder of its own: two benchmarks running at once must not overwrite each other's bundle.
  const bundle = join(mkdtempSync(join(tmpdir(), 'drift-bench-ours-')), 'run-ours.js');
  await build({
    entryPoints: [join(__dirname, 'run-ours.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return bundle;
}

interface SizeRun {
  rows: number;
  megabytes: number;
  ours: Measured;
  python: Measured;
  wc: Measured;
  loadBefore: string;
  loadAfter: string;
}

function runSize(rows: number, bundle: string): SizeRun {
  const dir = join(values.dir ?? tmpdir(), `drift-bench-${rows}`);
  mkdirSync(dir, { recursive: true });
  const baseline = join(dir, 'baseline.csv');
  const current = join(dir, 'current.csv');
  if (!existsSync(baseline) || !existsSync(current)) {
    console.log(`generating ${rows} rows x 12 columns per side in ${dir} ...`);
    generateDriftData(dir, rows);
  }
  const bytes = statSync(baseline).size + statSync(current).size;
  const megabytes = bytes / 2 ** 20;
  console.log(`\n${rows} rows: ${baseline}, ${current} (${megabytes.toFixed(0)} MB together)`);
  const loadBefore = load();
  // wc -l first: it also brings both files into the page cache, so every run below reads them from memory.
  measure('wc', ['-l', baseline, current]);
  const wc = measure('wc', ['-l', baseline, current]);
  const ours = measure(process.execPath, [bundle, baseline, current, values['max-sample-rows']!]);
  if (ours.failure) throw new Error(`ours failed: ${ours.failure}`);
  let python: Measured = {
    exitCode: -1,
    wallSeconds: NaN,
    cpuSeconds: NaN,
    maxRssMb: NaN,
    failure: 'not run (--skip-python)',
  };
  if (!values['skip-python']) {
    const needMb = (bytes * PANDAS_BYTES_PER_CSV_BYTE) / 2 ** 20;
    const freeMb = availableMemoryMb();
    python =
      needMb > freeMb
        ? {
            exitCode: -1,
            wallSeconds: NaN,
            cpuSeconds: NaN,
            maxRssMb: NaN,
            failure: `not run: it would need about ${needMb.toFixed(0)} MB and ${freeMb.toFixed(0)} MB are available`,
          }
        : measure(PYTHON, [join(__dirname, 'pandas_scipy.py'), baseline, current]);
  }
  return { rows, megabytes, ours, python, wc, loadBefore, loadAfter: load() };
}

/** MemAvailable from /proc/meminfo (what can be had without swapping), else free memory. */
function availableMemoryMb(): number {
  try {
    const match = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux.
  }
  return freemem() / 2 ** 20;
}

const cell = (value: number, digits: number, width: number) =>
  (Number.isFinite(value) ? value.toFixed(digits) : '-').padStart(width);

function printTable(runs: readonly SizeRun[]): void {
  console.log(
    `\n${'rows'.padStart(10)}  ${'program'.padEnd(16)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'peak MB'.padStart(8)}   load average (1, 5, 15 min) before / after`,
  );
  for (const run of runs) {
    const row = (name: string, m: Measured) =>
      console.log(
        `${String(run.rows).padStart(10)}  ${name.padEnd(16)} ${cell(m.wallSeconds, 2, 8)} ${cell(m.cpuSeconds, 2, 8)} ${cell(m.maxRssMb, 0, 8)}`,
      );
    row('ours', run.ours);
    if (run.python?.failure)
      console.log(`${String(run.rows).padStart(10)}  pandas + scipy   ${run.python.failure}`);
    else if (run.python) row('pandas + scipy', run.python);
    row('wc -l', run.wc);
    console.log(`${''.padStart(10)}  ${run.loadBefore} / ${run.loadAfter}`);
  }
  console.log(
    `\n${'rows'.padStart(10)}  ${'pandas/ours wall'.padStart(16)} ${'CPU'.padStart(6)} ${'memory'.padStart(7)}   ${'ours/wc wall'.padStart(12)} ${'CPU'.padStart(6)}`,
  );
  for (const run of runs) {
    const p = run.python && !run.python.failure ? run.python : undefined;
    const ratio = (a: number | undefined, b: number) => cell(a === undefined ? NaN : a / b, 1, 6);
    console.log(
      `${String(run.rows).padStart(10)}  ${`${ratio(p?.wallSeconds, run.ours.wallSeconds)}x`.padStart(16)} ${ratio(p?.cpuSeconds, run.ours.cpuSeconds)}x ${ratio(p?.maxRssMb, run.ours.maxRssMb)}x   ${`${ratio(run.ours.wallSeconds, run.wc.wallSeconds)}x`.padStart(12)} ${ratio(run.ours.cpuSeconds, run.wc.cpuSeconds)}x`,
    );
  }
}

function printFigures(run: SizeRun): void {
  const mine = run.ours.report?.features as Record<string, Record<string, number>> | undefined;
  const theirs = run.python?.report?.features as Record<string, Record<string, number>> | undefined;
  if (!mine) return;
  console.log(`\n${run.rows} rows: feature           ours (wasserstein_n | JS)   pandas+scipy`);
  for (const name of Object.keys(mine)) {
    const figure = (m: Record<string, number> | undefined) =>
      (m?.wasserstein_normalized ?? m?.jensen_shannon)?.toFixed(4) ?? '-';
    console.log(
      `${name.padEnd(27)} ${figure(mine[name]).padStart(10)}                 ${figure(theirs?.[name]).padStart(10)}`,
    );
  }
}

async function main(): Promise<void> {
  const sizes = values.rows!.split(',').map(Number);
  if (sizes.some((rows) => !Number.isInteger(rows) || rows < 1))
    throw new Error(`--rows: a comma-separated list of row counts, not "${values.rows}"`);
  const bundle = await bundleOurs();
  const runs: SizeRun[] = [];
  for (const rows of sizes) {
    const run = runSize(rows, bundle);
    runs.push(run);
    printFigures(run);
  }
  printTable(runs);
  if (values.job)
    runJobBench(values.job.split(',').map(Number), {
      dir: values.dir ?? tmpdir(),
      maxSampleRows: values['max-sample-rows']!,
      oursBundle: bundle,
      measure,
      load,
    });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
