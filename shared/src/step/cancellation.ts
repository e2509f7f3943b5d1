import { CancelledError } from './errors';

/**
 * An AbortSignal that fires when the host cancels the run. Both the Azure Pipelines agent and the GitHub
 * runner send SIGINT first and SIGTERM/SIGKILL later, so the step gets a short window to clean up.
 */
export function cancellationOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) =>
    controller.abort(new CancelledError(`The run was cancelled (${name}).`));
  for (const name of signals) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of signals) process.off(name, onSignal);
    },
  };
}
