import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suiteDurations } from '../../scripts/suite-durations';
import { repoRoot } from '../harness/runtimes';

/** The part of jest's Test that the sequencer reads. */
interface Test {
  readonly path: string;
  readonly context: { readonly config: { readonly rootDir: string } };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const LongestFirstSequencer = require('../suite-sequencer.js') as {
  new (options: { contexts: readonly unknown[]; globalConfig: unknown }): { sort(tests: Test[]): Test[] };
  longestFirst(suites: readonly string[], durations: Readonly<Record<string, number>>): string[];
};

describe('the longest-first test sequencer', () => {
  it('orders suites unknown first, then longest first, ties alphabetically', () => {
    const durations = { 'b.test.ts': 5, 'a.test.ts': 5, 'long.test.ts': 60, 'short.test.ts': 0.1 };
    expect(
      LongestFirstSequencer.longestFirst(
        ['short.test.ts', 'a.test.ts', 'new.test.ts', 'long.test.ts', 'b.test.ts'],
        durations,
      ),
    ).toEqual(['new.test.ts', 'long.test.ts', 'a.test.ts', 'b.test.ts', 'short.test.ts']);
  });

  it('sorts jest tests by their path in the repository, with the committed durations', () => {
    const test = (file: string) => ({
      path: path.join(repoRoot, file),
      context: { config: { rootDir: repoRoot } },
    });
    const tests = [
      test('tests/unit/yaml.test.ts'),
      test('tests/bundle/deploy.test.ts'),
      test('tests/unit/not-yet-timed.test.ts'),
    ];
    const sequencer = new LongestFirstSequencer({ contexts: [], globalConfig: {} });
    expect(sequencer.sort(tests).map((t) => path.relative(repoRoot, t.path))).toEqual([
      'tests/unit/not-yet-timed.test.ts',
      'tests/bundle/deploy.test.ts',
      'tests/unit/yaml.test.ts',
    ]);
  });

  it('is what jest uses, and its durations file names only suites that exist', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('../../jest.config.js') as { testSequencer: string }).testSequencer).toBe(
      '<rootDir>/tests/suite-sequencer.js',
    );
    const durations = JSON.parse(
      readFileSync(path.join(repoRoot, 'tests/suite-durations.json'), 'utf8'),
    ) as Record<string, number>;
    expect(Object.keys(durations).length).toBeGreaterThan(100);
    expect(Object.keys(durations).filter((suite) => !existsSync(path.join(repoRoot, suite)))).toEqual([]);
  });
});

describe('suiteDurations', () => {
  it('gives seconds per suite from jest --json results, relative to the repository, longest first', () => {
    const root = path.join(path.sep, 'repo');
    const suite = (file: string, startTime: number, endTime: number) => ({
      name: path.join(root, file),
      startTime,
      endTime,
    });
    expect(
      Object.entries(
        suiteDurations(
          {
            testResults: [
              suite('tests/unit/a.test.ts', 1_000, 1_140),
              suite('tests/bundle/b.test.ts', 1_000, 63_780),
              suite('emulator/tests/c.test.ts', 5_000, 14_000),
            ],
          },
          root,
        ),
      ),
    ).toEqual([
      ['tests/bundle/b.test.ts', 62.8],
      ['emulator/tests/c.test.ts', 9],
      ['tests/unit/a.test.ts', 0.1],
    ]);
  });

  it('refuses a suite outside the repository', () => {
    expect(() =>
      suiteDurations({ testResults: [{ name: '/elsewhere/x.test.ts', startTime: 0, endTime: 1 }] }, '/repo'),
    ).toThrow('/elsewhere/x.test.ts is outside /repo');
  });
});
