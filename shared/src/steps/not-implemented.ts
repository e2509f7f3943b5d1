import { defineStep, type StepDefinition } from '../step/define';
import { NotImplementedError } from '../step/errors';
import type { StepInputs } from '../step/inputs';
import type { StepManifest } from '../step/manifest';

/**
 * A step whose manifest is published but whose work is not built yet. Its inputs are still validated,
 * and it always fails with a clear message: a pipeline must never believe it trained or deployed something.
 */
export function notImplementedStep(manifest: StepManifest, issue: string): StepDefinition<StepInputs> {
  return defineStep({
    manifest,
    parse: (inputs) => inputs,
    run: async () => {
      throw new NotImplementedError(
        `The ${manifest.id} step (${manifest.taskName}) is not implemented yet (${issue}); nothing was changed in Azure.`,
      );
    },
  });
}
