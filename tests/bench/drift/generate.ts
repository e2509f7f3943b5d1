/**
 * Writes the drift benchmark's data: a baseline and a current CSV of N rows x 12 columns (10 numeric, 2
 * categorical), seeded, with known drift in some columns and a few missing values.
 *
 *   npx tsx tests/bench/drift/generate.ts [--rows 5000000] [--out DIR] [--seed 1]
 *
 * Drift by design: `income` (mean +8%), `latency_ms` (scale x1.5), `channel` (shares move); the other columns
 * come from the same distributions on both sides.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SeededDraw } from '../../harness/seeded-draw';

const HEADER =
  'age,income,score,balance,latency_ms,temperature,ratio,visits,rating,distance_km,channel,region';
const CHANNELS = ['web', 'mobile', 'store', 'phone', 'partner'];
const REGIONS = Array.from({ length: 40 }, (_, i) => `region_${String(i).padStart(2, '0')}`);

function writeSide(path: string, rows: number, seed: number, drifted: boolean): void {
  const draw = new SeededDraw(seed);
  const channelWeights = drifted ? [30, 40, 10, 10, 10] : [40, 30, 15, 10, 5];
  const regionWeights = REGIONS.map((_, i) => 1 + (i % 7));
  const fd = openSync(path, 'w');
  writeSync(fd, `${HEADER}\n`);
  let lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const age = 18 + Math.floor(draw.uniform() * 70);
    const income = Math.exp(10.5 + 0.5 * draw.normal()) * (drifted ? 1.08 : 1);
    const score = draw.uniform() < 0.005 ? '' : (600 + 80 * draw.normal()).toFixed(1);
    const balance = (draw.normal() * 2500 + 1000).toFixed(2);
    const latency = -Math.log(draw.uniform()) * 120 * (drifted ? 1.5 : 1);
    const temperature = (15 + 8 * draw.normal()).toFixed(3);
    const ratio = draw.uniform().toFixed(6);
    const visits = Math.floor(-Math.log(draw.uniform()) * 12);
    const rating = draw.uniform() < 0.01 ? 'NA' : (1 + 4 * draw.uniform()).toFixed(2);
    const distance = (Math.abs(draw.normal()) * 30).toFixed(4);
    const channel = draw.pick(CHANNELS, channelWeights);
    const region = draw.pick(REGIONS, regionWeights);
    lines.push(
      `${age},${income.toFixed(2)},${score},${balance},${latency.toFixed(3)},${temperature},${ratio},${visits},${rating},${distance},${channel},${region}`,
    );
    if (lines.length === 10_000) {
      writeSync(fd, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
  closeSync(fd);
}

/** Writes baseline.csv and current.csv into `dir`; returns their paths. */
export function generateDriftData(
  dir: string,
  rows: number,
  seed = 1,
): { baseline: string; current: string } {
  mkdirSync(dir, { recursive: true });
  const baseline = join(dir, 'baseline.csv');
  const current = join(dir, 'current.csv');
  writeSide(baseline, rows, seed, false);
  writeSide(current, rows, seed + 1, true);
  return { baseline, current };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '5000000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const dir = values.out ?? mkdtempSync(join(tmpdir(), 'drift-bench-'));
  const started = Date.now();
  const paths = generateDriftData(dir, Number(values.rows), Number(values.seed));
  console.log(
    `${paths.baseline}\n${paths.current}\n(${Number(values.rows)} rows each, ${Date.now() - started} ms)`,
  );
}
