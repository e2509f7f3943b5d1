import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isInside,
  allowedRootsOf,
  containedPath,
  realPathOf,
  refusalOf,
  withAllowedRoots,
} from '../../../shared/src/step/allowed-roots';
import { InputError } from '../../../shared/src/step/errors';
import { scratchFolder } from '../../harness/scratch-folders';

describe('allowed roots', () => {
  let base: string;
  let workspace: string;
  let other: string;
  beforeAll(() => {
    base = realpathSync(scratchFolder('roots-'));
    workspace = join(base, 'ws');
    other = join(base, 'other');
    mkdirSync(workspace);
    mkdirSync(other);
    writeFileSync(join(other, 'secret.txt'), 'x');
    symlinkSync(join(other, 'secret.txt'), join(workspace, 'link.txt'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const environment = () => ({
    host: 'github' as const,
    workspaceDir: workspace,
    tempDir: workspace,
    allowedRoots: [workspace],
  });

  it('accepts a path inside a root, even one that does not exist yet', () => {
    withAllowedRoots(allowedRootsOf(environment()), () => {
      expect(refusalOf(join(workspace, 'a.txt'), 'x')).toBeUndefined();
      expect(refusalOf(join(workspace, 'new/deep/out.json'), 'x')).toBeUndefined();
      expect(refusalOf(workspace, 'x')).toBeUndefined();
    });
  });

  it('refuses a path outside, naming what, the path and the roots', () => {
    withAllowedRoots(allowedRootsOf(environment()), () => {
      expect(refusalOf('/etc/ssl', "Input 'modelPath'")).toBe(
        `Input 'modelPath': '/etc/ssl' is outside the allowed folders (${workspace}). ` +
          `Keep it inside the workspace, or list its folder in the 'allowedPaths' input.`,
      );
      // A sibling whose name starts like the root is not inside it.
      expect(refusalOf(`${workspace}-evil/a.csv`, 'x')).toMatch(/outside the allowed folders/);
      expect(refusalOf(join(workspace, '../other/secret.txt'), 'x')).toMatch(/outside/);
    });
  });

  it('resolves symlinks before the check and says where the link points', () => {
    withAllowedRoots(allowedRootsOf(environment()), () => {
      const refusal = refusalOf(join(workspace, 'link.txt'), "'requestFile'");
      expect(refusal).toContain(`(a link to '${join(other, 'secret.txt')}')`);
    });
  });

  it('adds the folders allowedPaths names, one a line, relative to the workspace', () => {
    withAllowedRoots(allowedRootsOf(environment(), '\n ../other \n\n'), () => {
      expect(refusalOf(join(other, 'secret.txt'), 'x')).toBeUndefined();
      expect(refusalOf(join(workspace, 'link.txt'), 'x')).toBeUndefined();
    });
  });

  it('falls back to the workspace, temp, current and OS temp folders when the host names none', () => {
    const roots = allowedRootsOf({ host: 'local', workspaceDir: workspace, tempDir: other });
    expect(roots.folders).toEqual(
      expect.arrayContaining([workspace, other, realpathSync(process.cwd()), realpathSync(tmpdir())]),
    );
  });

  it('containedPath throws an InputError naming the input', () => {
    withAllowedRoots(allowedRootsOf(environment()), () => {
      expect(() => containedPath('/proc/self/environ', 'requestFile', 'request-file')).toThrow(InputError);
      expect(() => containedPath('/proc/self/environ', 'requestFile', 'request-file')).toThrow(
        /^Input 'request-file': '\/proc\/self\/environ'.* is outside the allowed folders/,
      );
    });
  });

  it('realPathOf resolves the existing part of a path that does not exist yet', () => {
    expect(realPathOf(join(workspace, 'link.txt'))).toBe(join(other, 'secret.txt'));
    expect(realPathOf(join(workspace, 'missing/file'))).toBe(join(workspace, 'missing/file'));
  });
});

describe('isInside', () => {
  it('takes the folder and what is below it, and a sibling whose name starts with two dots', () => {
    expect(isInside('/work/repo', '/work/repo')).toBe(true);
    expect(isInside('/work/repo/src/a.ts', '/work/repo')).toBe(true);
    expect(isInside('/work/repo/..cache/a', '/work/repo')).toBe(true);
    expect(isInside('/work/other', '/work/repo')).toBe(false);
    expect(isInside('/work', '/work/repo')).toBe(false);
    expect(isInside('/work/repo-2/a', '/work/repo')).toBe(false);
  });
});
