/**
 * The Azure ML pipeline job of `runOn: azureml`, in the REST shapes azure-ai-ml sends (api-version 2025-12-01,
 * JOB_API_VERSION): a command step listing each side's partitions (files, runs of a big Parquet file's row groups)
 * as small files; two parallel steps (one per side) of one anonymous parallel component, whose input_data is that
 * list and whose entry script hands each mini-batch of partitions to the bundle's engine; and a command step that
 * merges both sides' partition profiles and writes the reports as the pipeline's `report` output.
 */
import { createHash } from 'node:crypto';
import type { JobBase } from '@azure/arm-machinelearning';
import type { AnonymousComponent } from '../../../azureml/resolve-references';

/** The name azure-ai-ml registers anonymous components under; the version is their content's hash. */
const ANONYMOUS_COMPONENT_NAME = 'azureml_anonymous';
/** Partitions per mini-batch: each mini-batch is one start of the engine. */
export const MINI_BATCH_FILES = 4;
export const LIST_STEP = 'list_partitions';
export const PROFILE_STEPS = { baseline: 'profile_baseline', current: 'profile_current' } as const;
export const MERGE_STEP = 'merge';

const withPrefix = (id: string): string => (id.startsWith('azureml:') ? id : `azureml:${id}`);

function anonymous(spec: Record<string, unknown>): AnonymousComponent {
  const version = createHash('md5').update(JSON.stringify(spec)).digest('hex');
  return {
    name: ANONYMOUS_COMPONENT_NAME,
    version,
    body: {
      properties: {
        componentSpec: { name: ANONYMOUS_COMPONENT_NAME, version, ...spec },
        isAnonymous: true,
      },
    },
  };
}

/** The parallel component profiling one side's partitions (azure-ai-ml's ParallelComponent, YAML keys). */
export function profileComponent(codeId: string, environmentId: string): AnonymousComponent {
  return anonymous({
    display_name: 'drift_profile_partitions',
    is_deterministic: true,
    type: 'parallel',
    inputs: {
      partitions: { type: 'uri_folder' },
      data: { type: 'uri_folder' },
      side: { type: 'string' },
      settings: { type: 'string' },
    },
    outputs: { profiles: { type: 'uri_folder' } },
    input_data: '${{inputs.partitions}}',
    mini_batch_size: String(MINI_BATCH_FILES),
    // A partition that cannot be read fails the step: a drift figure without it would be wrong.
    error_threshold: 0,
    mini_batch_error_threshold: 0,
    retry_settings: { max_retries: 1, timeout: 3600 },
    logging_level: 'INFO',
    task: {
      type: 'run_function',
      code: withPrefix(codeId),
      entry_script: 'profile_partitions.py',
      environment: withPrefix(environmentId),
      program_arguments:
        '--side ${{inputs.side}} --root ${{inputs.data}} --settings ${{inputs.settings}} --profiles ${{outputs.profiles}}',
    },
    _source: 'YAML.COMPONENT',
  });
}

/** The command component listing both sides' partitions. */
export function listComponent(codeId: string, environmentId: string): AnonymousComponent {
  return anonymous({
    display_name: 'drift_list_partitions',
    is_deterministic: true,
    type: 'command',
    inputs: {
      baseline: { type: 'uri_folder' },
      current: { type: 'uri_folder' },
      settings: { type: 'string' },
    },
    outputs: { baseline_partitions: { type: 'uri_folder' }, current_partitions: { type: 'uri_folder' } },
    command:
      'node drift-engine.mjs list-partitions --settings ${{inputs.settings}} --baseline ${{inputs.baseline}} --current ${{inputs.current}} --baseline-out ${{outputs.baseline_partitions}} --current-out ${{outputs.current_partitions}}',
    code: withPrefix(codeId),
    environment: withPrefix(environmentId),
    _source: 'YAML.COMPONENT',
  });
}

/** The command component merging both sides' partition profiles and judging them. */
export function mergeComponent(codeId: string, environmentId: string): AnonymousComponent {
  return anonymous({
    display_name: 'drift_merge_and_report',
    is_deterministic: true,
    type: 'command',
    inputs: {
      baseline_profiles: { type: 'uri_folder' },
      current_profiles: { type: 'uri_folder' },
      settings: { type: 'string' },
    },
    outputs: { report: { type: 'uri_folder' } },
    command:
      'node drift-engine.mjs merge --settings ${{inputs.settings}} --baseline ${{inputs.baseline_profiles}} --current ${{inputs.current_profiles}} --out ${{outputs.report}}',
    code: withPrefix(codeId),
    environment: withPrefix(environmentId),
    _source: 'YAML.COMPONENT',
  });
}

export interface PipelineParts {
  /** Components by ARM id, as a job node names them. Job input ids of both sides (`azureml:<data version id>` or a URI). */
  readonly baseline: string;
  readonly current: string;
  readonly settings: string;
  readonly listComponentId: string;
  readonly profileComponentId: string;
  readonly mergeComponentId: string;
  /** `serverless` or a compute's ARM id. */
  readonly compute: string;
  readonly experimentName: string;
  readonly tags: Readonly<Record<string, string>>;
}

const literal = (value: string) => ({ job_input_type: 'literal', value });

/** The pipeline job's request body. */
export function pipelineJob(parts: PipelineParts): JobBase {
  const profileStep = (side: 'baseline' | 'current') => ({
    type: 'parallel',
    name: PROFILE_STEPS[side],
    componentId: parts.profileComponentId,
    inputs: {
      partitions: literal(`\${{parent.jobs.${LIST_STEP}.outputs.${side}_partitions}}`),
      data: literal(`\${{parent.inputs.${side}}}`),
      side: literal(side),
      settings: literal('${{parent.inputs.settings}}'),
    },
    outputs: {},
    input_data: '${{inputs.partitions}}',
    mini_batch_size: MINI_BATCH_FILES,
  });
  const data = (uri: string) => ({ jobInputType: 'uri_folder', uri, mode: 'ReadOnlyMount' });
  return {
    properties: {
      jobType: 'Pipeline',
      experimentName: parts.experimentName,
      displayName: 'drift-check',
      tags: { ...parts.tags },
      settings: { default_compute: parts.compute, continue_on_step_failure: false },
      inputs: {
        baseline: data(parts.baseline),
        current: data(parts.current),
        settings: { jobInputType: 'literal', value: parts.settings },
      },
      jobs: {
        [LIST_STEP]: {
          type: 'command',
          name: LIST_STEP,
          componentId: parts.listComponentId,
          inputs: {
            baseline: literal('${{parent.inputs.baseline}}'),
            current: literal('${{parent.inputs.current}}'),
            settings: literal('${{parent.inputs.settings}}'),
          },
          outputs: {},
        },
        [PROFILE_STEPS.baseline]: profileStep('baseline'),
        [PROFILE_STEPS.current]: profileStep('current'),
        [MERGE_STEP]: {
          type: 'command',
          name: MERGE_STEP,
          componentId: parts.mergeComponentId,
          inputs: {
            baseline_profiles: literal(`\${{parent.jobs.${PROFILE_STEPS.baseline}.outputs.profiles}}`),
            current_profiles: literal(`\${{parent.jobs.${PROFILE_STEPS.current}.outputs.profiles}}`),
            settings: literal('${{parent.inputs.settings}}'),
          },
          outputs: { report: { value: '${{parent.outputs.report}}', type: 'literal' } },
        },
      },
      outputs: { report: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    },
  } as unknown as JobBase;
}
