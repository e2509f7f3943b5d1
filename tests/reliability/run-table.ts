/**
 * `npm run test:reliability`: runs every probe of `tests/reliability/areas/` and prints a table (probe, expected,
 * observed, pass) and the totals: faults survived, bad inputs refused clearly, canary hits (must be 0), hangs (must be
 * 0), unexpected-error messages (must be 0), peak memory of the probes that measure it. Exits 1 when any probe fails.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Probe, ProbeArea, ProbeResult } from './probe';

interface Row {
  readonly area: string;
  readonly probe: Probe<unknown>;
  readonly result: ProbeResult;
  readonly hung: boolean;
  readonly ms: number;
}

async function runWithinBound(
  probe: Probe<unknown>,
  context: unknown,
): Promise<{ result: ProbeResult; hung: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), probe.boundMs);
  });
  try {
    const outcome = await Promise.race([probe.run(context), hang]);
    if (outcome === 'hang')
      return { result: { observed: `no end within ${probe.boundMs} ms`, pass: false }, hung: true };
    return { result: outcome, hung: false };
  } catch (error) {
    return { result: { observed: `probe crashed: ${(error as Error).message}`, pass: false }, hung: false };
  } finally {
    clearTimeout(timer);
  }
}

async function loadAreas(): Promise<ProbeArea<unknown>[]> {
  const folder = path.join(__dirname, 'areas');
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const areas: ProbeArea<unknown>[] = [];
  for (const file of files) {
    const module = (await import(path.join(folder, file))) as { area: ProbeArea<unknown> };
    areas.push(module.area);
  }
  return areas;
}

const cut = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

function printTable(rows: readonly Row[]): void {
  const header = ['probe', 'expected', 'observed', 'pass', 'ms', 'peak MB'];
  const lines = rows.map((row) => [
    row.probe.id,
    cut(row.probe.expected, 48),
    cut(row.result.observed, 64),
    row.result.pass && !row.hung && !(row.result.canaryHits ?? 0) && !row.result.unexpectedError
      ? 'yes'
      : 'NO',
    String(row.ms),
    row.result.peakRssMb === undefined ? '' : `${row.result.peakRssMb}/${row.probe.maxRssMb ?? '-'}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

function passed(row: Row): boolean {
  const memoryOk =
    row.probe.maxRssMb === undefined ||
    row.result.peakRssMb === undefined ||
    row.result.peakRssMb < row.probe.maxRssMb;
  return (
    row.result.pass && !row.hung && !(row.result.canaryHits ?? 0) && !row.result.unexpectedError && memoryOk
  );
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const area of await loadAreas()) {
    const context = await area.start();
    try {
      for (const probe of area.probes) {
        const started = Date.now();
        const { result, hung } = await runWithinBound(probe, context);
        rows.push({ area: area.name, probe, result, hung, ms: Date.now() - started });
      }
    } finally {
      await area.stop(context);
    }
  }
  printTable(rows);
  const count = (predicate: (row: Row) => boolean) => rows.filter(predicate).length;
  const ofKind = (kind: Probe<unknown>['kind']) => rows.filter((row) => row.probe.kind === kind);
  console.log('');
  console.log(`probes: ${rows.length}, passed: ${count(passed)}, failed: ${count((row) => !passed(row))}`);
  for (const [kind, label] of [
    ['fault', 'faults survived'],
    ['bad-input', 'bad inputs refused clearly'],
    ['leak', 'leak probes without a leak'],
  ] as const) {
    console.log(`${label}: ${ofKind(kind).filter(passed).length} of ${ofKind(kind).length}`);
  }
  console.log(
    `canary secrets found in any output: ${rows.reduce((sum, row) => sum + (row.result.canaryHits ?? 0), 0)}`,
  );
  console.log(`hangs: ${count((row) => row.hung)}`);
  console.log(`unexpected-error messages: ${count((row) => row.result.unexpectedError === true)}`);
  const measured = rows.filter((row) => row.result.peakRssMb !== undefined);
  for (const row of measured)
    console.log(`peak memory ${row.probe.id}: ${row.result.peakRssMb} MB (bound ${row.probe.maxRssMb} MB)`);
  process.exitCode = rows.every(passed) ? 0 : 1;
}

void main();
