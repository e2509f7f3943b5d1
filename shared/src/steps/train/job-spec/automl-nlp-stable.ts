/**
 * Text (NLP) AutoML keys that the stable api-version the train step sends jobs at (2025-12-01) has no place for:
 * its NlpVertical holds featurizationSettings, limitSettings and validationData only, and NlpVerticalLimitSettings
 * maxConcurrentTrials, maxTrials and timeout (mfe.json 2025-12-01). azure-ai-ml sends the others with its preview
 * models. They are read and checked like every key, then left out of the body with a warning at their place: the
 * job runs with the service's defaults for them.
 */
import type { Node } from '../../../yaml/read-node';

/** The CLI's key, the REST key it becomes in taskDetails (preview versions only). */
const TASK_KEYS: Readonly<Record<string, string>> = {
  training_parameters: 'fixedParameters',
  sweep: 'sweepSettings',
  search_space: 'searchSpace',
};
const LIMIT_KEYS: Readonly<Record<string, string>> = {
  max_nodes: 'maxNodes',
  trial_timeout_minutes: 'trialTimeout',
};

function warn(node: Node): void {
  node.problems.warn(
    node.document,
    node.path,
    `'${node.label}' is not sent: a text task has no such setting in the stable api-version 2025-12-01 ` +
      '(only preview api-versions have it); the job runs with the default',
  );
}

/** The text task's details without the keys 2025-12-01 does not express; a warning for each one written. */
export function stableNlpDetails(root: Node, details: Record<string, unknown>): Record<string, unknown> {
  const kept = { ...details };
  for (const [key, rest] of Object.entries(TASK_KEYS)) {
    if (!root.child(key).present) continue;
    warn(root.child(key));
    delete kept[rest];
  }
  const limits = root.child('limits');
  if (limits.present && typeof kept.limitSettings === 'object' && kept.limitSettings !== null) {
    const settings: Record<string, unknown> = { ...(kept.limitSettings as Record<string, unknown>) };
    for (const [key, rest] of Object.entries(LIMIT_KEYS)) {
      if (!limits.child(key).present) continue;
      warn(limits.child(key));
      delete settings[rest];
    }
    kept.limitSettings = settings;
  }
  return kept;
}
