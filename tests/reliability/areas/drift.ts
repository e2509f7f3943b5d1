/**
 * drift-check (#14, point 6 and the walk and line bounds of point 3): a folder with a symlink loop or a self-link,
 * SIGTERM while it reads, an empty side, the warning's wording, bytes that are not UTF-8, a 1 MB header line.
 * drift-check reads local files only, so the built bundle runs without Azure; one host is enough (nothing here
 * depends on it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DriftReport } from '../../../shared/src/drift/model';
import { runAsGitHubRunner } from '../../harness/github-runner';
import { runStepAs, type HostRun } from '../../harness/host-run';
import { defineArea, isUnexpectedError, type Probe, type ProbeResult } from '../probe';

interface Workspace {
  readonly dir: string;
  /** Runs two probes judge together (to keep the suite lean), started by the first of them. */
  readonly runs: Map<string, Promise<{ value: HostRun; ms: number }>>;
}

/** The run of `inputs`, shared by the probes that ask for the same inputs. */
function sharedRun(
  { dir, runs }: Workspace,
  inputs: Record<string, string>,
  timeoutMs?: number,
): Promise<{ value: HostRun; ms: number }> {
  const key = JSON.stringify(inputs);
  if (!runs.has(key))
    runs.set(
      key,
      timed(() => drift(dir, inputs, timeoutMs)),
    );
  return runs.get(key)!;
}

const ROWS = 200;

/** `temperature,humidity,pressure,city` rows from a fixed pattern; `shift` moves temperature. */
function weather(rows: number, shift = 0, city = (i: number) => ['Paris', 'Oslo', 'Lima'][i % 3]!): string {
  const lines = ['temperature,humidity,pressure,city'];
  for (let i = 0; i < rows; i++)
    lines.push(`${(10 + (i % 17) + shift).toFixed(1)},${50 + (i % 23)},${1000 + (i % 29)},${city(i)}`);
  return `${lines.join('\n')}\n`;
}

/** The workspace every probe reads: plain files, and folders with links. */
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-drift-'));
  const plain = weather(ROWS);
  writeFileSync(join(dir, 'plain.csv'), plain);
  // Two self-links: before the walk kept real paths, 2^40 folders to visit.
  mkdirSync(join(dir, 'loop'));
  writeFileSync(join(dir, 'loop', 'part.csv'), plain);
  symlinkSync('.', join(dir, 'loop', 'a'));
  symlinkSync('.', join(dir, 'loop', 'b'));
  mkdirSync(join(dir, 'linked'));
  writeFileSync(join(dir, 'linked', 'part.csv'), plain);
  symlinkSync('.', join(dir, 'linked', 'self'));
  // A symlink loop next to a long read: gzip members of the same rows, ~1 GB once inflated.
  mkdirSync(join(dir, 'slow'));
  const header = gzipSync('temperature,humidity,pressure,city\n');
  const member = gzipSync(Buffer.from('12.5,61,1004,Paris\n'.repeat(1 << 16)));
  writeFileSync(join(dir, 'slow', 'big.csv.gz'), Buffer.concat([header, ...Array(800).fill(member)]));
  symlinkSync('.', join(dir, 'slow', 'a'));
  symlinkSync('.', join(dir, 'slow', 'b'));
  writeFileSync(join(dir, 'empty.csv'), 'temperature,humidity,pressure,city\n');
  // Latin-1 "Bogotá" in two rows of valid UTF-8, temperature shifted.
  const latin1 = weather(ROWS, 30, (i) =>
    i % 100 === 7 ? 'Bogot\u00e1' : ['Paris', 'Oslo', 'Lima'][i % 3]!,
  );
  writeFileSync(join(dir, 'latin1.csv'), Buffer.from(latin1, 'latin1'));
  writeFileSync(join(dir, 'wide.csv'), `${'x'.repeat(1 << 20)}\n1\n2\n`);
  return dir;
}

function drift(dir: string, inputs: Record<string, string>, timeoutMs = 15_000): Promise<HostRun> {
  return runStepAs('github', {
    task: 'AzureMLDriftCheckV1',
    action: 'drift-check',
    inputs,
    cwd: dir,
    timeoutMs,
  });
}

function report(run: HostRun): DriftReport | undefined {
  try {
    return JSON.parse(readFileSync(run.outputs.reportJson!, 'utf8')) as DriftReport;
  } catch {
    return undefined;
  }
}

const cut = (text: string, width = 160) =>
  text.length <= width ? text : `${text.slice(0, width)}… (${text.length} characters)`;

/** What a run ended with, in a few words. */
function ended(run: HostRun, ms: number): string {
  const killed = run.raw.signal ? `, killed by ${run.raw.signal}` : '';
  const message = run.errors[0] ?? run.warnings[0];
  return `${run.result} after ${ms} ms${killed}${message ? `: ${cut(message)}` : ''}`;
}

const unexpected = (run: HostRun) => run.errors.some(isUnexpectedError);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/** Loop-safe walks: a symlink loop in the baseline folder, a self-link in the current one. */
const LINKS = { baselineData: 'loop', currentData: 'linked' };
/** Warning wording and bytes that are not UTF-8: temperature drifted, city near its threshold, Latin-1 bytes. */
const LATIN1 = { baselineData: 'plain.csv', currentData: 'latin1.csv' };
const EMPTY = { baselineData: 'plain.csv', currentData: 'empty.csv' };
const WIDE = { baselineData: 'wide.csv', currentData: 'plain.csv' };

/** A probe judging the shared run of `inputs` (bound 10 s; the run is killed at 8 s). */
function judgeRun(
  about: Pick<Probe<Workspace>, 'id' | 'title' | 'kind' | 'expected'>,
  inputs: Record<string, string>,
  judge: (run: HostRun, ms: number) => { observed: string; pass: boolean },
): Probe<Workspace> {
  return {
    ...about,
    boundMs: 10_000,
    async run(workspace): Promise<ProbeResult> {
      const { value: run, ms } = await sharedRun(workspace, inputs, 8_000);
      return { ...judge(run, ms), unexpectedError: unexpected(run) };
    },
  };
}

export const area = defineArea<Workspace>({
  name: 'drift',
  start: async () => {
    const workspace: Workspace = { dir: makeWorkspace(), runs: new Map() };
    // The runs start together (most of a run is Node starting and loading the bundle); SIGTERM runs alone, last.
    for (const inputs of [LINKS, LATIN1, EMPTY, WIDE]) void sharedRun(workspace, inputs, 8_000);
    return workspace;
  },
  stop: async ({ dir }) => rmSync(dir, { recursive: true, force: true }),
  probes: [
    judgeRun(
      {
        id: 'drift/symlink-loop',
        title: 'baseline folder with two self-links (a symlink loop)',
        kind: 'fault',
        expected: 'ends within 10 s, each file read once',
      },
      LINKS,
      (run, ms) => {
        const rows = report(run)?.rows;
        return {
          observed: `${ended(run, ms)}${rows ? `; rows ${rows.baseline} and ${rows.current}` : ''}`,
          pass: run.result === 'Succeeded' && rows?.baseline === ROWS && rows.current === ROWS,
        };
      },
    ),
    judgeRun(
      {
        id: 'drift/self-link',
        title: 'current folder with one self-link, against the same rows',
        kind: 'fault',
        expected: 'each file read once: equal rows, no drift',
      },
      LINKS,
      (run, ms) => {
        const read = report(run);
        const gates = read?.features.map((f) => f.gate?.value ?? 0) ?? [];
        return {
          observed: `${ended(run, ms)}; ${read?.sources.current.files.length} current files read; rows ${read?.rows.baseline} and ${read?.rows.current}`,
          pass:
            run.result === 'Succeeded' &&
            read?.rows.current === ROWS &&
            read.sources.current.files.length === 1 &&
            gates.every((value) => value === 0),
        };
      },
    ),
    judgeRun(
      {
        id: 'drift/empty-current',
        title: 'current data with a header and no row',
        kind: 'bad-input',
        expected: 'fails, naming the empty file',
      },
      EMPTY,
      (run, ms) => {
        return {
          observed: ended(run, ms),
          pass:
            run.result === 'Failed' &&
            run.errors.length === 1 &&
            /current-?[dD]ata.*empty\.csv.*no row/i.test(run.errors[0]!),
        };
      },
    ),
    judgeRun(
      {
        id: 'drift/warning-wording',
        title: 'one of four features drifted (below the share that fails), one near its threshold',
        kind: 'bad-input',
        expected: 'warns "1 of 4 features drifted", never "0 features"',
      },
      LATIN1,
      (run, ms) => {
        const warning = run.warnings.find((w) => w.startsWith('drift')) ?? '';
        return {
          observed: `${run.result} after ${ms} ms: ${cut(warning || '(no drift warning)')}`,
          pass:
            run.result === 'SucceededWithIssues' &&
            /^drift warning: 1 of 4 features drifted \(25 %; fails at 50 %\): temperature \(/.test(warning) &&
            /; 1 feature near its threshold: city \(/.test(warning) &&
            !/\b0 features\b/.test(warning),
        };
      },
    ),
    judgeRun(
      {
        id: 'drift/not-utf8',
        title: 'current data with two Latin-1 bytes',
        kind: 'bad-input',
        expected: 'warns with the file, the count and the first line',
      },
      LATIN1,
      (run, ms) => {
        const warning = run.warnings.find((w) => /UTF-8/.test(w)) ?? '';
        return {
          observed: `${run.result} after ${ms} ms: ${cut(warning || '(no UTF-8 warning)')}`,
          pass: /^current-?[dD]ata: latin1\.csv holds 2 bytes that are not UTF-8 \(the first on line 9, /.test(
            warning,
          ),
        };
      },
    ),
    judgeRun(
      {
        id: 'drift/1mb-header',
        title: 'baseline CSV whose header line is one 1 MB name',
        kind: 'bad-input',
        expected: 'one error under 1,000 characters, the name cut with its size',
      },
      WIDE,
      (run, ms) => {
        const message = run.errors.join('\n');
        return {
          observed: `${run.result} after ${ms} ms, error of ${message.length} characters: ${cut(message)}`,
          pass:
            run.result === 'Failed' &&
            run.errors.length === 1 &&
            message.length < 1_000 &&
            /x…\s?\(1,048,576 characters\)/.test(message),
        };
      },
    ),
    {
      id: 'drift/sigterm-while-reading',
      title: 'SIGTERM 1.5 s into a folder with a symlink loop and 1 GB of gzip-inflated rows',
      kind: 'fault',
      expected: 'cancelled (SIGTERM) within 3 s of the signal',
      boundMs: 12_000,
      async run({ dir }): Promise<ProbeResult> {
        let signalled = 0;
        const { value: run, ms } = await timed(() =>
          runAsGitHubRunner({
            action: 'drift-check',
            inputs: { 'baseline-data': 'slow', 'current-data': 'plain.csv' },
            cwd: dir,
            timeoutMs: 8_000,
            onStart: (child) =>
              setTimeout(() => {
                signalled = Date.now();
                child.kill('SIGTERM');
              }, 1_500),
          }),
        );
        const after = signalled ? Date.now() - signalled : -1;
        const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
        return {
          observed: `exit ${run.exitCode}${run.signal ? ` (killed by ${run.signal})` : ''} after ${ms} ms, ${after} ms after SIGTERM: ${cut(errors.join(' | ') || '(no error)')}`,
          pass:
            run.exitCode === 1 &&
            after >= 0 &&
            after < 3_000 &&
            errors.length === 1 &&
            /cancelled \(SIGTERM\)/.test(errors[0]!),
          unexpectedError: errors.some(isUnexpectedError),
        };
      },
    },
  ],
});
