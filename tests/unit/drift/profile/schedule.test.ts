import { join } from 'node:path';
import type { DatasetProfile } from '../../../../shared/src/drift/model';
import { profileFiles, type ProfileJob } from '../../../../shared/src/drift/profile/profile-files';
import { cutSide, joinGroups, plan, runQueue } from '../../../../shared/src/drift/profile/schedule';

const fixtures = join(__dirname, '../../../fixtures/drift/data');

/** Profiles as comparable text: maps and typed arrays spelled out, so every figure and sample value counts. */
const plain = (profile: DatasetProfile) =>
  JSON.stringify(profile, (_key, value: unknown) =>
    value instanceof Map ? [...value] : value instanceof Float64Array ? [...value] : value,
  );

describe('column groups', () => {
  const job: ProfileJob = {
    files: [{ path: join(fixtures, 'people.csv'), display: 'people.csv', format: 'csv', gzip: false }],
    columns: ['id', 'age', 'city', 'score', 'when'],
    maxSampleRows: 3,
    seed: 5,
    inputName: 'baselineData',
  };

  it('profiled apart and joined, give the profile of one pass over every column, hash included', async () => {
    const whole = await profileFiles(job);
    const groups = cutSide(job, 2);
    expect(groups.map((group) => group.columns)).toEqual([
      ['id', 'city', 'when'],
      ['age', 'score'],
    ]);
    const parts = await Promise.all(groups.map((group) => profileFiles(group)));
    expect(parts[1]!.source.contentHash).toBe('');
    expect(plain(joinGroups(job, parts))).toBe(plain(whole));
  });

  it('cuts a side no finer than its columns', () => {
    expect(cutSide({ ...job, columns: ['id'] }, 2)).toEqual([{ ...job, columns: ['id'] }]);
  });
});

describe('plan', () => {
  const side = (bytes: number) => ({ job: {} as ProfileJob, bytes });

  it('gives a side read alone every worker, and two alike sides one each', () => {
    expect(plan([side(100)], 2)).toEqual([2]);
    expect(plan([side(100), side(90)], 2)).toEqual([1, 1]);
  });

  it('cuts the bigger side in two when the smaller one fits beside one of its halves', () => {
    expect(plan([side(20), side(100)], 2)).toEqual([1, 2]);
    expect(plan([side(100), side(40)], 2)).toEqual([1, 1]);
  });
});

describe('runQueue', () => {
  it('runs at most `concurrency` tasks at once and keeps the results in order', async () => {
    let running = 0;
    let most = 0;
    const task = (value: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return value;
    };
    const results = await runQueue([1, 2, 3, 4, 5].map(task), 2, new AbortController());
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('aborts the others with the first failure and starts no more', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map((index) => async () => {
      started.push(index);
      if (index === 0) throw new Error('side 0 failed');
      await new Promise((resolve) => setImmediate(resolve));
      return index;
    });
    await expect(runQueue(tasks, 2, controller)).rejects.toThrow('side 0 failed');
    expect(controller.signal.aborted).toBe(true);
    expect(started).toEqual([0, 1]);
  });
});
