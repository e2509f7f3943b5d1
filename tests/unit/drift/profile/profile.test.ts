import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfile, profileBoth, profileDataset, saveProfile } from '../../../../shared/src/drift/profile';
import { DataError, InputError } from '../../../../shared/src/step/errors';
import { scratchFolder } from '../../../harness/scratch-folders';

const fixtures = join(__dirname, '../../../fixtures/drift/data');
const repoRoot = join(__dirname, '../../../..');
const base = { workspaceDir: fixtures, maxSampleRows: 1000, seed: 0 };

function writeCsv(dir: string, name: string, rows: number, shift: number): void {
  const lines = ['x,k,city'];
  for (let i = 0; i < rows; i++)
    lines.push(`${((i * 7919) % 1000) / 10 + shift},${i % 5},${['Paris', 'Rome', 'Oslo'][i % 3]}`);
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
}

describe('profileDataset', () => {
  it('profiles every column of a CSV file in one pass', async () => {
    const profile = await profileDataset('people.csv', { ...base, inputName: 'baselineData' });
    expect(profile.rows).toBe(5);
    expect(profile.source.files).toEqual(['people.csv']);
    expect(profile.source.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [id, age, city, score, when] = profile.columns;
    expect(id!.kinds).toMatchObject({ numbers: 5, integers: 5 });
    expect(age).toMatchObject({ rows: 5, missing: 1 });
    expect(age!.numeric!.distinct).toEqual(
      new Map([
        [34, 2],
        [51, 1],
        [29, 1],
      ]),
    );
    expect(city!.categories).toEqual(
      new Map([
        ['Paris', 2],
        ['Berlin', 1],
        ['New York, NY', 1],
        ['Says "hi"', 1],
      ]),
    );
    expect(score).toMatchObject({ missing: 2, kinds: { numbers: 3 } });
    expect(when).toMatchObject({ missing: 1, kinds: { dates: 4 } });
  });

  it('profiles only the columns asked for, and names the input when one is missing', async () => {
    const profile = await profileDataset('people.jsonl', {
      ...base,
      inputName: 'currentData',
      columns: ['active'],
    });
    expect(profile.columns.map((c) => c.name)).toEqual(['active']);
    expect(profile.columns[0]!.categories).toEqual(
      new Map([
        ['true', 2],
        ['false', 1],
      ]),
    );
    const error = await profileDataset('people.csv', {
      ...base,
      inputName: 'currentData',
      columns: ['town'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'currentData: people.csv has no column "town" (its columns: id, age, city, score, when).',
    );
  });
});

describe('saved profiles', () => {
  it('round-trip through JSON with samples as base64, and stand in for the baseline data', async () => {
    const dir = scratchFolder('drift-saved-');
    writeCsv(dir, 'train.csv', 3000, 0);
    writeCsv(dir, 'today.csv', 500, 1);
    const profile = await profileDataset('train.csv', {
      ...base,
      workspaceDir: dir,
      inputName: 'baselineData',
    });
    expect(profile.columns[0]!.numeric!.sampled).toBe(true);
    saveProfile(profile, join(dir, 'train.profile.json'));
    const loaded = loadProfile(join(dir, 'train.profile.json'));
    expect(loaded).toEqual(profile);
    expect(loaded.columns[0]!.numeric!.sample).toBeInstanceOf(Float64Array);

    const pair = await profileBoth('train.profile.json', 'today.csv', {
      ...base,
      workspaceDir: dir,
      features: ['city', 'x'],
    });
    expect(pair.columns).toEqual(['city', 'x']);
    expect(pair.baseline.columns.map((c) => c.name)).toEqual(['city', 'x']);
    expect(pair.baseline.source.contentHash).toBe(profile.source.contentHash);
    expect(pair.current.rows).toBe(500);

    writeFileSync(join(dir, 'other.profile.json'), '{"kind":"something else"}');
    expect(() => loadProfile(join(dir, 'other.profile.json'), 'other.profile.json')).toThrow(DataError);
  });
});

describe('profileBoth', () => {
  const dir = scratchFolder('drift-both-');
  writeCsv(dir, 'a.csv', 200, 0);
  writeCsv(dir, 'b.csv', 300, 5);
  writeFileSync(join(dir, 'c.csv'), 'x,other\n1,2\n');
  writeFileSync(join(dir, 'd.csv'), 'y\n1\n');
  writeFileSync(join(dir, 'e.csv'), 'x,k,city\n1,2,Oslo\n4;5;Rome\n');
  const options = { ...base, workspaceDir: dir };

  it('profiles the shared columns of both sides by default, minus the excluded ones', async () => {
    const pair = await profileBoth('a.csv', 'b.csv', { ...options, excludeFeatures: ['k'] });
    expect(pair.columns).toEqual(['x', 'city']);
    expect(pair.baseline.rows).toBe(200);
    expect(pair.current.rows).toBe(300);
    expect((await profileBoth('a.csv', 'c.csv', options)).columns).toEqual(['x']);
  });

  it.each([
    [
      { features: ['x', 'zip'] },
      'c.csv',
      'features: "zip" is not a column of baselineData (its columns: x, k, city).',
    ],
    [
      { features: ['city'] },
      'c.csv',
      'features: "city" is not a column of currentData (its columns: x, other).',
    ],
    [
      { excludeFeatures: ['nope'] },
      'b.csv',
      'excludeFeatures: "nope" is not a column of baselineData or currentData',
    ],
    [{ excludeFeatures: ['x'] }, 'c.csv', 'excludeFeatures excludes every column both sides share.'],
    [{}, 'd.csv', 'baselineData and currentData share no column (baselineData: x, k, city; currentData: y).'],
  ])('rejects %j against %s', async (extra, current, message) => {
    const error = await profileBoth('a.csv', current, { ...options, ...extra }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });

  it('gives the same profiles on worker threads as in-process (run under tsx)', () => {
    const script = join(dir, 'both.ts');
    writeFileSync(
      script,
      `import { isMainThread } from 'node:worker_threads';
import { profileBoth } from ${JSON.stringify(join(repoRoot, 'shared/src/drift/profile'))};
const options = { workspaceDir: ${JSON.stringify(dir)}, maxSampleRows: 50, seed: 3 };
async function main() {
  const inWorkers = await profileBoth('a.csv', 'b.csv', { ...options, workers: 'always' });
  const inProcess = await profileBoth('a.csv', 'b.csv', { ...options, workers: 'never' });
  const plain = (pair: typeof inWorkers) => JSON.stringify(pair, (_k, v) => (v instanceof Map ? [...v] : ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v));
  process.stdout.write(String(plain(inWorkers) === plain(inProcess)) + ' ' + inWorkers.current.columns[0]!.numeric!.sample.length);
  const error = await profileBoth('a.csv', 'e.csv', { ...options, workers: 'always' }).then(() => 'none', (e: Error) => e.constructor.name + ' ' + e.message);
  process.stdout.write(' ' + error);
}
if (isMainThread) void main();
`,
    );
    const output = execFileSync(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(output).toBe(
      "true 50 DataError e.csv:3: expected 3 fields (delimiter ',', from the header) but found 1. The row holds ';': mixed delimiters?",
    );
  });

  it('cuts the one side read beside a saved profile into column groups on worker threads, same profile as in-process', () => {
    const script = join(dir, 'saved-side.ts');
    writeFileSync(
      script,
      `import { isMainThread } from 'node:worker_threads';
import { profileBoth, profileDataset, saveProfile } from ${JSON.stringify(join(repoRoot, 'shared/src/drift/profile'))};
const options = { workspaceDir: ${JSON.stringify(dir)}, maxSampleRows: 50, seed: 3 };
async function main() {
  saveProfile(await profileDataset('a.csv', { ...options, inputName: 'baselineData' }), ${JSON.stringify(join(dir, 'a.profile.json'))});
  const inWorkers = await profileBoth('a.profile.json', 'b.csv', { ...options, workers: 'always' });
  const inProcess = await profileBoth('a.profile.json', 'b.csv', { ...options, workers: 'never' });
  const plain = (pair: typeof inWorkers) => JSON.stringify(pair, (_k, v) => (v instanceof Map ? [...v] : ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v));
  process.stdout.write(String(plain(inWorkers) === plain(inProcess)) + ' ' + inWorkers.current.columns.map((c) => c.name).join(',') + ' ' + /^sha256:/.test(inWorkers.current.source.contentHash));
}
if (isMainThread) void main();
`,
    );
    const output = execFileSync(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(output).toBe('true x,k,city true');
  });
});
