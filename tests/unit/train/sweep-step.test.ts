/**
 * Sweep pipeline steps: the trial component registered and named by trial.componentId, the search on the step in
 * the CLI's snake_case form (azure-ai-ml 1.4.0's body for the fixture is compared in sdk-rest-bodies.test.ts).
 */
import { fixture, pipelineVariant, problemsAt, stepBodies, WS } from './helpers';

describe('sweep steps', () => {
  it('sends the trial by id and the search in snake_case, no componentId of its own', () => {
    const tune = stepBodies(fixture('pipeline-sweep/pipeline.yml')).tune!;
    expect(tune).toMatchObject({
      type: 'sweep',
      trial: { componentId: `${WS}/components/azureml_anonymous/versions/for-tune` },
      sampling_algorithm: 'random',
      search_space: { learning_rate: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
      objective: { goal: 'maximize', primary_metric: 'accuracy' },
      limits: { max_total_trials: 4, max_concurrent_trials: 2, timeout: 3600 },
      early_termination: { policy_type: 'MedianStopping', evaluation_interval: 1, delay_evaluation: 2 },
    });
    expect(tune).not.toHaveProperty('componentId');
    const registered = stepBodies(fixture('pipeline-sweep/pipeline.yml')).tune_registered!;
    expect(registered.trial).toEqual({ componentId: `${WS}/components/tune_trial/versions/2` });
    expect(registered.sampling_algorithm).toEqual({ type: 'random', seed: 7 });
  });

  it('refuses a searched parameter the trial component does not have, at its key', () => {
    const file = pipelineVariant('pipeline-sweep', (text) =>
      text.replace('      boosting:', '      boostin:'),
    );
    expect(problemsAt(file)).toEqual([
      "26:7 'boostin' is searched but the trial component has no such input (it has: data, learning_rate, boosting)",
    ]);
  });
});
