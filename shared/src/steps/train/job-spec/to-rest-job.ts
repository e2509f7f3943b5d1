/** Builds the ARM `JobBase` request body (REST 2025-12-01, JOB_API_VERSION) from a validated job spec and its resolved references. */
import path from 'node:path';
import type {
  CommandJob,
  EarlyTerminationPolicyUnion,
  JobBase,
  JobBasePropertiesUnion,
  PipelineJob,
  SamplingAlgorithmUnion,
  SweepJob,
  TrialComponent,
} from '@azure/arm-machinelearning';
import type {
  CommandJobSpec,
  CommandParts,
  EarlyTermination,
  JobSpec,
  PipelineJobSpec,
  SamplingAlgorithm,
  SearchDistribution,
  SweepJobSpec,
} from './model';
import {
  computeIdOf,
  idOf,
  isoDuration,
  restDistribution,
  restIdentity,
  restInputs,
  restOutputs,
  restQueueSettings,
  restResources,
  restServices,
  type Resolved,
} from './rest-parts';
import { autoMLJob } from './automl-job';
import { sparkJob } from './spark-job';
import { optional, pipelineStep } from './rest-steps';

/** What the step's own inputs add to the YAML: they win over it. */
export interface RestContext {
  readonly experimentName?: string;
  readonly displayName?: string;
  /** Tags from the step's `tags` input. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Where the job comes from (commit, pipeline run): merged last so they cannot be overwritten. */
  readonly lineageTags?: Readonly<Record<string, string>>;
}

export interface RestJob {
  /** The job name the YAML asks for; the caller picks one when it does not. */
  readonly name?: string;
  readonly body: JobBase;
  /** What the YAML asked for that the request cannot carry. */
  readonly warnings: readonly string[];
}

/** The request body for PUT .../jobs/{name}; every reference of the spec must be in `resolved`. */
export function toRestJob(spec: JobSpec, resolved: Resolved, context: RestContext = {}): RestJob {
  const warnings = [...spec.warnings];
  const common = commonProperties(spec, resolved, context);
  let properties: JobBasePropertiesUnion;
  switch (spec.type) {
    case 'command':
      properties = commandJob(spec, resolved, common);
      break;
    case 'sweep':
      properties = sweepJob(spec, resolved, common);
      break;
    case 'pipeline':
      properties = pipelineJob(spec, resolved, common);
      break;
    case 'automl':
      properties = { ...common, ...autoMLJob(spec, resolved) } as JobBasePropertiesUnion;
      break;
    case 'spark':
      properties = { ...common, ...sparkJob(spec, resolved) } as JobBasePropertiesUnion;
      break;
  }
  return { ...(spec.name !== undefined ? { name: spec.name } : {}), body: { properties }, warnings };
}

type Common = Pick<
  CommandJob,
  | 'displayName'
  | 'description'
  | 'experimentName'
  | 'tags'
  | 'properties'
  | 'computeId'
  | 'identity'
  | 'services'
>;

function commonProperties(spec: JobSpec, resolved: Resolved, context: RestContext): Common {
  const displayName = context.displayName ?? spec.displayName;
  const tags = { ...spec.tags, ...context.tags, ...context.lineageTags };
  // The service sets this one itself and refuses it from a client.
  const { ['_azureml.ComputeTargetType']: _computeTargetType, ...properties } = spec.properties;
  const services = restServices(spec.services);
  return {
    experimentName: context.experimentName ?? spec.experimentName ?? path.basename(path.dirname(spec.file)),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...optional(
      'computeId',
      computeIdOf(spec.compute, resolved, spec.type === 'pipeline' ? 'pipeline' : 'job'),
    ),
    ...(spec.identity ? { identity: restIdentity(spec.identity) } : {}),
    ...(services ? { services } : {}),
  };
}

function runParts(parts: CommandParts, resolved: Resolved) {
  return {
    command: parts.command,
    ...(parts.code ? { codeId: idOf(parts.code, resolved) } : {}),
    environmentId: idOf(parts.environment, resolved),
    ...(Object.keys(parts.environmentVariables).length > 0
      ? { environmentVariables: { ...parts.environmentVariables } }
      : {}),
    ...(parts.distribution ? { distribution: restDistribution(parts.distribution) } : {}),
    ...(parts.resources ? { resources: restResources(parts.resources) } : {}),
  };
}

function commandJob(spec: CommandJobSpec, resolved: Resolved, common: Common): CommandJob {
  const inputs = restInputs(spec.inputs, resolved);
  const outputs = restOutputs(spec.outputs);
  return {
    jobType: 'Command',
    ...common,
    ...runParts(spec, resolved),
    ...(spec.limits?.timeout !== undefined
      ? { limits: { jobLimitsType: 'Command', timeout: isoDuration(spec.limits.timeout) } }
      : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(Object.keys(outputs).length > 0 ? { outputs } : {}),
    ...optional('queueSettings', restQueueSettings(spec.queueSettings)),
  } as CommandJob;
}

function sweepJob(spec: SweepJobSpec, resolved: Resolved, common: Common): SweepJob {
  const inputs = restInputs(spec.inputs, resolved);
  const outputs = restOutputs(spec.outputs);
  // The API version the step uses has resources only on the trial, where the sweep's own apply.
  const trialParts =
    spec.trial.resources || !spec.resources ? spec.trial : { ...spec.trial, resources: spec.resources };
  const trial: TrialComponent = runParts(trialParts, resolved);
  const { limits } = spec;
  return {
    jobType: 'Sweep',
    ...common,
    trial,
    searchSpace: Object.fromEntries(
      Object.entries(spec.searchSpace).map(([name, d]) => [name, restDistributionOf(d)]),
    ),
    samplingAlgorithm: restSampling(spec.samplingAlgorithm),
    objective: {
      goal: spec.objective.goal === 'maximize' ? 'Maximize' : 'Minimize',
      primaryMetric: spec.objective.primaryMetric,
    },
    limits: {
      jobLimitsType: 'Sweep',
      maxTotalTrials: limits.maxTotalTrials,
      ...(limits.maxConcurrentTrials !== undefined
        ? { maxConcurrentTrials: limits.maxConcurrentTrials }
        : {}),
      ...(limits.timeout !== undefined ? { timeout: isoDuration(limits.timeout) } : {}),
      ...(limits.trialTimeout !== undefined ? { trialTimeout: isoDuration(limits.trialTimeout) } : {}),
    },
    ...(spec.earlyTermination ? { earlyTermination: restEarlyTermination(spec.earlyTermination) } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(Object.keys(outputs).length > 0 ? { outputs } : {}),
    ...optional('queueSettings', restQueueSettings(spec.queueSettings)),
  } as SweepJob;
}

/** The search-space encoding of the service: `[type, [arguments]]`, choice values wrapped once more. */
export function restDistributionOf(distribution: SearchDistribution): unknown {
  switch (distribution.type) {
    case 'choice':
      return [
        'choice',
        [
          distribution.values.map((value) =>
            typeof value === 'object' && value !== null
              ? Object.fromEntries(
                  Object.entries(value).map(([key, inner]) => [
                    key,
                    typeof inner === 'object' && inner !== null && 'type' in inner
                      ? restDistributionOf(inner as SearchDistribution)
                      : inner,
                  ]),
                )
              : value,
          ),
        ],
      ];
    case 'randint':
      return ['randint', [distribution.upper]];
    case 'uniform':
    case 'loguniform':
      return [distribution.type, [distribution.minValue, distribution.maxValue]];
    case 'quniform':
    case 'qloguniform':
      return [distribution.type, [distribution.minValue, distribution.maxValue, distribution.q]];
    case 'normal':
    case 'lognormal':
      return [distribution.type, [distribution.mu, distribution.sigma]];
    case 'qnormal':
    case 'qlognormal':
      return [distribution.type, [distribution.mu, distribution.sigma, distribution.q]];
  }
}

/** A distribution as AutoML search spaces write it: `choice('a','b')`, `uniform(0.1,1)`. */
export function restDistributionText(distribution: SearchDistribution): string {
  const [type, args] = restDistributionOf(distribution) as [string, unknown[]];
  const values = type === 'choice' ? (args[0] as unknown[]) : args;
  const shown = values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
  return `${type}(${shown.join(',')})`;
}

export function restSampling(sampling: SamplingAlgorithm): SamplingAlgorithmUnion {
  if (sampling.type !== 'random')
    return { samplingAlgorithmType: sampling.type === 'grid' ? 'Grid' : 'Bayesian' };
  return {
    samplingAlgorithmType: 'Random',
    ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
    ...(sampling.rule ? { rule: sampling.rule === 'sobol' ? 'Sobol' : 'Random' } : {}),
  };
}

export function restEarlyTermination(policy: EarlyTermination): EarlyTerminationPolicyUnion {
  const timing = {
    ...(policy.evaluationInterval !== undefined ? { evaluationInterval: policy.evaluationInterval } : {}),
    ...(policy.delayEvaluation !== undefined ? { delayEvaluation: policy.delayEvaluation } : {}),
  };
  switch (policy.type) {
    case 'bandit':
      return {
        policyType: 'Bandit',
        ...timing,
        ...(policy.slackFactor !== undefined ? { slackFactor: policy.slackFactor } : {}),
        ...(policy.slackAmount !== undefined ? { slackAmount: policy.slackAmount } : {}),
      };
    case 'median_stopping':
      return { policyType: 'MedianStopping', ...timing };
    case 'truncation_selection':
      return {
        policyType: 'TruncationSelection',
        ...timing,
        truncationPercentage: policy.truncationPercentage,
      };
  }
}

function pipelineJob(spec: PipelineJobSpec, resolved: Resolved, common: Common): PipelineJob {
  const inputs = restInputs(spec.inputs, resolved);
  const outputs = restOutputs(spec.outputs);
  const { settings } = spec;
  return {
    jobType: 'Pipeline',
    ...common,
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(Object.keys(outputs).length > 0 ? { outputs } : {}),
    settings: {
      ...settings.extra,
      ...optional('default_compute', computeIdOf(settings.defaultCompute, resolved, 'pipeline')),
      ...(settings.defaultDatastore ? { default_datastore: idOf(settings.defaultDatastore, resolved) } : {}),
      ...(settings.defaultEnvironment
        ? { default_environment: idOf(settings.defaultEnvironment, resolved) }
        : {}),
      ...(settings.continueOnStepFailure !== undefined
        ? { continue_on_step_failure: settings.continueOnStepFailure }
        : {}),
      ...(settings.forceRerun !== undefined ? { force_rerun: settings.forceRerun } : {}),
      ...(settings.onInit !== undefined ? { on_init: settings.onInit } : {}),
      ...(settings.onFinalize !== undefined ? { on_finalize: settings.onFinalize } : {}),
      // A local pipeline component (`component: ./x.yml`) marks the job as the CLI does.
      _source:
        spec.component?.kind === 'component' && spec.component.source === 'local'
          ? 'YAML.COMPONENT'
          : 'YAML.JOB',
    },
    ...(spec.component ? { componentId: idOf(spec.component, resolved) } : {}),
    jobs: Object.fromEntries(
      Object.values(spec.jobs).map((step) => [step.name, pipelineStep(step, resolved)]),
    ),
  };
}
