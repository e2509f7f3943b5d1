import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSkippedLinks, walkFolder } from '../../../shared/src/azureml/local-walk';
import { snapshot } from '../../../shared/src/azureml/snapshot';
import { CancelledError, DataError } from '../../../shared/src/step/errors';
import { scratchFolder } from '../../harness/scratch-folders';

let dir: string;
let folder: string;
beforeEach(() => {
  dir = scratchFolder('local-walk-');
  folder = join(dir, 'model');
  mkdirSync(join(folder, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(folder, 'model.pkl'), 'weights');
  writeFileSync(join(folder, 'sub', 'vocab.txt'), 'a b c');
  writeFileSync(join(folder, 'sub', 'deeper', 'x.bin'), 'x');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('walkFolder', () => {
  test('a symlink loop, a self-link, a folder alias and a broken link end the walk: each file once', async () => {
    symlinkSync('.', join(folder, 'self'));
    symlinkSync('..', join(folder, 'sub', 'deeper', 'up'));
    symlinkSync('sub', join(folder, 'alias'));
    symlinkSync('loop-b', join(folder, 'loop-a'));
    symlinkSync('loop-a', join(folder, 'loop-b'));
    const walk = await walkFolder(folder);
    expect(walk.files).toEqual(['model.pkl', 'sub/deeper/x.bin', 'sub/vocab.txt']);
    expect(walk.skippedLinks).toEqual([
      { path: 'alias', reason: 'folder' },
      { path: 'loop-a', reason: 'broken' },
      { path: 'loop-b', reason: 'broken' },
      { path: 'self', reason: 'folder' },
      { path: 'sub/deeper/up', reason: 'folder' },
    ]);
    expect(describeSkippedLinks(walk.skippedLinks)).toBe(
      "links not followed: 'alias', 'self', 'sub/deeper/up' (linked folders: their files are taken by their own " +
        "path); 'loop-a', 'loop-b' (broken)",
    );
  });

  test('a link to a file inside the folder is a file under its own name', async () => {
    symlinkSync('model.pkl', join(folder, 'latest.pkl'));
    expect((await walkFolder(folder)).files).toEqual([
      'latest.pkl',
      'model.pkl',
      'sub/deeper/x.bin',
      'sub/vocab.txt',
    ]);
  });

  test.each([
    ['a file', 'secret.env', 'file'],
    ['a folder', 'elsewhere', 'folder'],
  ])(
    'a link to %s outside the folder is refused, naming the link, its target and the fix',
    async (_, name, kind) => {
      writeFileSync(join(dir, 'secret.env'), 'KEY=1');
      mkdirSync(join(dir, 'elsewhere'));
      symlinkSync(join(dir, name), join(folder, 'sub', 'link'));
      const refusal = walkFolder(folder, { what: 'model folder' });
      await expect(refusal).rejects.toThrow(DataError);
      await expect(refusal).rejects.toThrow(
        `The model folder '${folder}' holds 'sub/link', a symbolic link to '${join(dir, name)}', outside the model ` +
          `folder: only what the model folder holds is uploaded. Copy the ${kind} into the model folder, or leave ` +
          'the link out (list it in .amlignore).',
      );
    },
  );

  test('an ignored link is left out before it is judged', async () => {
    symlinkSync('/etc', join(folder, 'outside'));
    const walk = await walkFolder(folder, { ignored: (path) => path === 'outside' });
    expect(walk.files).toHaveLength(3);
    expect(walk.skippedLinks).toEqual([]);
  });

  test('is cancelled by its signal', async () => {
    await expect(walkFolder(folder, { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
    await expect(snapshot(folder, false, { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
  });

  test('a missing folder or a file is a DataError', async () => {
    await expect(walkFolder(join(dir, 'nope'))).rejects.toThrow(/does not exist \(or is not a directory\)/);
    await expect(walkFolder(join(folder, 'model.pkl'))).rejects.toThrow(DataError);
  });
});

describe('snapshot entries', () => {
  test('each file with its size and MD5 (base64), read once for both hashes', async () => {
    symlinkSync('.', join(folder, 'self'));
    const files = await snapshot(folder, false);
    const md5 = (text: string) => createHash('md5').update(text).digest('base64');
    expect(files.entries).toEqual([
      { path: 'model.pkl', bytes: 7, md5: md5('weights') },
      { path: 'sub/deeper/x.bin', bytes: 1, md5: md5('x') },
      { path: 'sub/vocab.txt', bytes: 5, md5: md5('a b c') },
    ]);
    expect(files.bytes).toBe(13);
    expect(files.skippedLinks).toEqual([{ path: 'self', reason: 'folder' }]);
  });
});
