import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../harness/runtimes';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the platform seam', () => {
  it('keeps host libraries inside shared/src/platform/', () => {
    const hostImport =
      /from\s+['"](azure-pipelines-task-lib|@actions\/)[^'"]*['"]|require\(\s*['"](azure-pipelines-task-lib|@actions\/)/;
    const offenders = sourceFiles(join(repoRoot, 'shared', 'src'))
      .map((file) => relative(repoRoot, file))
      .filter((file) => !file.startsWith('shared/src/platform/'))
      .filter((file) => hostImport.test(readFileSync(join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('is where the host libraries are used', () => {
    const adapters = ['azure-pipelines.ts', 'github.ts'].map((file) =>
      readFileSync(join(repoRoot, 'shared/src/platform', file), 'utf8'),
    );
    expect(adapters[0]).toMatch(/from 'azure-pipelines-task-lib\/task'/);
    expect(adapters[1]).toMatch(/from '@actions\/core'/);
  });
});
