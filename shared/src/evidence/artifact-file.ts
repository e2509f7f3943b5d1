import { basename } from 'node:path';
import type { RunEnvironment } from '../platform/ports';

/**
 * Where a person finds a file the step wrote, in markdown: on a CI host its name in the run's artifacts (linked
 * when the host gives the artifacts page), since a path on the agent is gone when the job ends; locally its path.
 */
export function fileInArtifacts(
  environment: Pick<RunEnvironment, 'host' | 'artifactsUrl'>,
  file: string,
): string {
  const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
  if (environment.host === 'local') return code(file);
  const name = code(basename(file));
  return environment.artifactsUrl
    ? `${name} in the [run's artifacts](${environment.artifactsUrl}) (publish its folder)`
    : `${name} in the run's artifacts (publish its folder)`;
}
