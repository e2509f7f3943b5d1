import type { SweepJob } from '@azure/arm-machinelearning';
import { loadJobSpec, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { restDistributionOf } from '../../../shared/src/steps/train/job-spec/to-rest-job';
import { fixture, resolveAll, WS } from './helpers';

describe('a sweep job', () => {
  const spec = loadJobSpec(fixture('sweep/job.yml'));
  const job = toRestJob(spec, resolveAll(spec)).body.properties as SweepJob;

  it('encodes the search space as the service does', () => {
    expect(job.searchSpace).toEqual({
      C: ['uniform', [0.5, 0.9]],
      kernel: ['choice', [['rbf', 'linear', 'poly']]],
      coef0: ['loguniform', [-3, 0]],
    });
  });

  it('builds trial, sampling, objective, limits and early termination', () => {
    expect(job).toMatchObject({
      jobType: 'Sweep',
      computeId: `${WS}/computes/cpu-cluster`,
      trial: {
        codeId: `${WS}/codes/src/versions/1`,
        environmentId: `${WS}/environments/AzureML-sklearn-1.0-ubuntu20.04-py38-cpu/versions/9`,
      },
      samplingAlgorithm: { samplingAlgorithmType: 'Random', seed: 42 },
      objective: { goal: 'Minimize', primaryMetric: 'training_f1_score' },
      limits: {
        jobLimitsType: 'Sweep',
        maxTotalTrials: 20,
        maxConcurrentTrials: 10,
        timeout: 'PT2H',
        trialTimeout: 'PT10M',
      },
      earlyTermination: { policyType: 'Bandit', slackFactor: 0.1, evaluationInterval: 2, delayEvaluation: 5 },
      inputs: {
        iris_csv: {
          jobInputType: 'uri_file',
          uri: 'wasbs://datasets@azuremlexamples.blob.core.windows.net/iris.csv',
        },
      },
    });
    expect(job.trial.command).toContain('--C ${{search_space.C}}');
  });

  it('encodes every distribution type, nested choices included', () => {
    expect(restDistributionOf({ type: 'randint', upper: 5 })).toEqual(['randint', [5]]);
    expect(restDistributionOf({ type: 'qnormal', mu: 0, sigma: 1, q: 2 })).toEqual(['qnormal', [0, 1, 2]]);
    expect(restDistributionOf({ type: 'qloguniform', minValue: 1, maxValue: 3, q: 1 })).toEqual([
      'qloguniform',
      [1, 3, 1],
    ]);
    expect(
      restDistributionOf({
        type: 'choice',
        values: [{ model: 'svm', C: { type: 'uniform', minValue: 0, maxValue: 1 } }, 'tree'],
      }),
    ).toEqual(['choice', [[{ model: 'svm', C: ['uniform', [0, 1]] }, 'tree']]]);
  });
});
