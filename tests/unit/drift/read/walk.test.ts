import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataSpec } from '../../../../shared/src/drift/read';
import { CancelledError, InputError } from '../../../../shared/src/step/errors';
import { scratchFolder } from '../../../harness/scratch-folders';

const options = { inputName: 'baselineData' };

async function displays(spec: string, workspaceDir: string, extra: object = {}): Promise<string[]> {
  const source = await resolveDataSpec(spec, { ...options, workspaceDir, ...extra });
  if (source.kind !== 'files') throw new Error('expected files');
  return source.files.map((file) => file.display);
}

describe('walking a data folder', () => {
  const dir = scratchFolder('drift-walk-');
  mkdirSync(join(dir, 'loop', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'loop', 'a.csv'), 'x\n1\n');
  writeFileSync(join(dir, 'loop', 'sub', 'b.csv'), 'x\n2\n');
  symlinkSync('..', join(dir, 'loop', 'sub', 'up'));
  symlinkSync('.', join(dir, 'loop', 'self'));
  symlinkSync('a.csv', join(dir, 'loop', 'same.csv'));
  mkdirSync(join(dir, 'deep', 'a', 'b', 'c'), { recursive: true });
  writeFileSync(join(dir, 'deep', 'a', 'b', 'c', 'd.csv'), 'x\n1\n');
  for (const name of ['1.csv', '2.csv', '3.csv']) writeFileSync(join(dir, 'deep', name), 'x\n1\n');

  it('visits each real path once: loops end, a self-link or a linked file adds nothing', async () => {
    expect(await displays('loop', dir)).toEqual(['loop/a.csv', 'loop/sub/b.csv']);
    expect(await displays('loop/**/*.csv', dir)).toEqual(['loop/a.csv', 'loop/sub/b.csv']);
  });

  it('stops past its bounds with an error naming the input', async () => {
    await expect(displays('deep', dir, { limits: { maxFiles: 10, maxDepth: 2 } })).rejects.toThrow(
      'baselineData: the data nests folders deeper than 2 levels (at "a/b/c"); name a smaller folder or a glob (drift-check reads at most 10 files, 2 folders deep).',
    );
    await expect(displays('deep', dir, { limits: { maxFiles: 2, maxDepth: 10 } })).rejects.toThrow(
      InputError,
    );
    await expect(displays('deep', dir, { limits: { maxFiles: 2, maxDepth: 10 } })).rejects.toThrow(
      'baselineData: the data holds more than 2 data files;',
    );
    expect(await displays('deep', dir, { limits: { maxFiles: 4, maxDepth: 3 } })).toHaveLength(4);
  });

  it('is cancelled by the signal, between folders', async () => {
    const controller = new AbortController();
    const walking = displays('loop', dir, { signal: controller.signal });
    controller.abort();
    await expect(walking).rejects.toThrow(CancelledError);
    await expect(displays('deep', dir, { signal: AbortSignal.abort() })).rejects.toThrow(
      'The run was cancelled while looking for data files.',
    );
  });
});
