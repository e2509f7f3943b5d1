import { execFileSync } from 'node:child_process';
import { repoRoot } from '../../harness/runtimes';

describe('task icons', () => {
  it('are what scripts/make-icon.py draws from the actions’ branding (run it and commit when this fails)', () => {
    expect(
      execFileSync('python3', ['scripts/make-icon.py', '--check'], { cwd: repoRoot, encoding: 'utf8' }),
    ).toContain('Icons are current.');
  });
});
