import { join } from 'node:path';
import { repoRoot } from '../../tests/harness/runtimes';

/** A path in examples/weather. */
export const weather = (path: string) => join(repoRoot, 'examples/weather', path);
