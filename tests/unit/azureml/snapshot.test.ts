import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ignoreMatcher, snapshot } from '../../../shared/src/azureml/snapshot';
import { scratchFolder } from '../../harness/scratch-folders';

let dir: string;
beforeEach(() => {
  dir = scratchFolder('snapshot-');
  mkdirSync(join(dir, 'src', 'pkg', '__pycache__'), { recursive: true });
  mkdirSync(join(dir, 'src', '.git'), { recursive: true });
  writeFileSync(join(dir, 'src', 'train.py'), 'print("train")\n');
  writeFileSync(join(dir, 'src', 'pkg', 'util.py'), 'X = 1\n');
  writeFileSync(join(dir, 'src', 'pkg', '__pycache__', 'util.cpython-311.pyc'), 'bytecode');
  writeFileSync(join(dir, 'src', '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(dir, 'src', 'notes.log'), 'local notes\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('code snapshot', () => {
  test('lists the folder without .git and what .amlignore excludes, and hashes paths and contents', async () => {
    writeFileSync(join(dir, 'src', '.amlignore'), '__pycache__/\n*.log\n');
    writeFileSync(join(dir, 'src', '.gitignore'), '*.py\n'); // .amlignore wins
    const first = await snapshot(join(dir, 'src'), false);
    expect(first.files).toEqual(['.amlignore', '.gitignore', 'pkg/util.py', 'train.py']);
    expect(first.ignoreFile).toBe('.amlignore');
    expect(first.name).toBe('src');

    expect((await snapshot(join(dir, 'src'), false)).hash).toBe(first.hash);
    writeFileSync(join(dir, 'src', 'notes.log'), 'ignored change\n');
    expect((await snapshot(join(dir, 'src'), false)).hash).toBe(first.hash);
    writeFileSync(join(dir, 'src', 'train.py'), 'print("changed")\n');
    expect((await snapshot(join(dir, 'src'), false)).hash).not.toBe(first.hash);
  });

  test('a single file is its own snapshot', async () => {
    const one = await snapshot(join(dir, 'src', 'train.py'), true);
    expect(one.files).toEqual(['train.py']);
    expect(one.root).toBe(join(dir, 'src'));
    expect(one.bytes).toBe(15);
  });

  test('ignore patterns: anchoring, folders only, ** and negation', () => {
    const ignored = ignoreMatcher('/build\nlogs/\n**/tmp/*.txt\n*.csv\n!keep.csv\n# comment\n');
    expect(ignored('build', true)).toBe(true);
    expect(ignored('src/build', true)).toBe(false);
    expect(ignored('logs', true)).toBe(true);
    expect(ignored('logs', false)).toBe(false);
    expect(ignored('a/b/tmp/x.txt', false)).toBe(true);
    expect(ignored('data/train.csv', false)).toBe(true);
    expect(ignored('data/keep.csv', false)).toBe(false);
  });
});
