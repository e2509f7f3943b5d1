import type { RunEnvironment } from '../platform/ports';

/**
 * Tags that tie an Azure ML job (and later its model) to the pipeline run that made it: commit, repository,
 * branch, run URL, and who or what started the run. Keys are stable: register-model and deploy read them back.
 */
export function lineageTags(environment: RunEnvironment): Record<string, string> {
  const tags: Record<string, string> = { 'ci.host': environment.host };
  const add = (key: string, value: string | undefined) => {
    if (value) tags[key] = value;
  };
  add('ci.commit', environment.commit);
  add('ci.repository', environment.repository);
  add('ci.branch', environment.branch);
  add('ci.runUrl', environment.runUrl);
  add('ci.triggeredBy', environment.triggeredBy);
  return tags;
}
