/**
 * How fast and how small the drift check's data pass is, next to pandas read_csv + scipy doing the same
 * comparison, and `wc -l` reading the same files.
 *
 *   npx tsx tests/bench/drift/drift-bench.ts [--rows 5000000] [--dir DIR] [--max-sample-rows 1000000] [--skip-python]
 *
 * Data: generate.ts, cached in DIR (default: a folder per row count under the temp dir). Ours runs bundled by
 * esbuild as the tasks are (so profiling uses its two worker threads), in a child process that reports its
 * wall time and peak RSS; pandas_scipy.py reports its own. Needs python3-pandas and python3-scipy (Debian).
 * Prints figures; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { generateDriftData } from './generate';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000000' },
    dir: { type: 'string' },
    'max-sample-rows': { type: 'string', default: '1000000' },
    'skip-python': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const dir = values.dir ?? join(tmpdir(), `drift-bench-${rows}`);

interface Run {
  seconds: number;
  maxRssMb: number;
  [key: string]: unknown;
}

function runJson(command: string, args: string[]): Run {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const run = JSON.parse(result.stdout.trim().split('\n').pop()!) as Run;
  return { ...run, wallSeconds: wall };
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const baseline = join(dir, 'baseline.csv');
  const current = join(dir, 'current.csv');
  if (!existsSync(baseline) || !existsSync(current)) {
    console.log(`generating ${rows} rows x 12 columns per side in ${dir} ...`);
    generateDriftData(dir, rows);
  }
  const mb = (path: string) => statSync(path).size / 2 ** 20;
  console.log(`data: ${baseline} (${mb(baseline).toFixed(0)} MB), ${current} (${mb(current).toFixed(0)} MB)`);

  // wc -l first: it also brings both files into the page cache, so every run below reads them from memory.
  const wcStarted = performance.now();
  spawnSync('wc', ['-l', baseline, current]);
  const wcSeconds = (performance.now() - wcStarted) / 1000;

  const bundle = join(dir, 'run-ours.js');
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
  const ours = runJson(process.execPath, [bundle, baseline, current, values['max-sample-rows']!]);
  const python = values['skip-python']
    ? undefined
    : runJson('/usr/bin/python3', [join(__dirname, 'pandas_scipy.py'), baseline, current]);

  const line = (name: string, seconds: number, rss?: number) =>
    console.log(
      `${name.padEnd(22)} ${seconds.toFixed(2).padStart(8)} s${rss === undefined ? '' : `  ${rss.toFixed(0).padStart(6)} MB peak RSS`}`,
    );
  console.log(`\n${rows} rows x 12 columns per side`);
  line('ours (wall)', ours.wallSeconds as number, ours.maxRssMb);
  console.log(
    `  profile ${(ours.profileSeconds as number).toFixed(2)} s, compare ${(ours.compareSeconds as number).toFixed(2)} s${ours.compareError ? ` (compare failed: ${String(ours.compareError)})` : ''}`,
  );
  if (python) line('pandas + scipy (wall)', python.wallSeconds as number, python.maxRssMb);
  line('wc -l', wcSeconds);
  if (python) {
    console.log(
      `\npandas+scipy / ours:  ${((python.wallSeconds as number) / (ours.wallSeconds as number)).toFixed(1)}x time, ${(python.maxRssMb / ours.maxRssMb).toFixed(1)}x memory`,
    );
  }
  console.log(`ours / wc -l:         ${((ours.wallSeconds as number) / wcSeconds).toFixed(1)}x time`);
  if (python) {
    const theirs = python.features as Record<string, Record<string, number>>;
    const mine = ours.features as Record<string, Record<string, number>>;
    console.log('\nfeature           ours (wasserstein_n | JS)   pandas+scipy');
    for (const name of Object.keys(theirs)) {
      const a = mine[name] ?? {};
      const b = theirs[name]!;
      const figure = (m: Record<string, number>) =>
        (m.wasserstein_normalized ?? m.jensen_shannon)?.toFixed(4) ?? '-';
      console.log(`${name.padEnd(17)} ${figure(a).padStart(10)}                 ${figure(b).padStart(10)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
