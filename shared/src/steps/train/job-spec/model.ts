/** The typed model of an Azure ML CLI v2 job YAML (command, pipeline or sweep job) after validation. */
import type { SourceLocation } from '../../../step/errors';
import type {
  AssetReference,
  CodeReference,
  ComputeReference,
  DatastoreReference,
  DataType,
  EnvironmentReference,
  FixedId,
  LocalInputReference,
  ComponentReference as AnyComponentReference,
  Reference as AnyReference,
} from '../../../azureml/references';

/** A local component: a command component or a pipeline component. */
export type AnyComponentSpec =
  ComponentSpec | PipelineComponentSpec | ParallelComponentSpec | SparkComponentSpec;
/** Something to look up or create in the workspace before the job is submitted (a local component is registered). */
export type Reference = AnyReference<AnyComponentSpec>;
/** The component of a pipeline step: a local one (file, inline or the step itself) to register, or a workspace one. */
export type ComponentReference = AnyComponentReference<AnyComponentSpec>;

export const PRIMITIVE_TYPES = ['integer', 'number', 'string', 'boolean'] as const;
export const INPUT_MODES = [
  'ro_mount',
  'rw_mount',
  'download',
  'direct',
  'eval_mount',
  'eval_download',
] as const;
/** What OutputDeliveryMode lists at the api-version the step sends (2025-12-01: `direct` is new since 2022-10-01). */
export const OUTPUT_MODES = ['rw_mount', 'upload', 'direct'] as const;

/** Serverless compute: `azureml:serverless`, or no compute at all (the CLI's default); never looked up. */
export interface ServerlessCompute {
  readonly kind: 'serverless';
  readonly location: SourceLocation;
}

/** A pipeline step's compute bound to a pipeline input: `${{parent.inputs.compute_name}}`, sent as written. */
export interface ComputeBinding {
  readonly kind: 'binding';
  readonly expression: string;
  readonly location: SourceLocation;
}

/** The compute a job or step names. */
export type Compute = ComputeReference | FixedId | ServerlessCompute | ComputeBinding;

export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];
export type InputMode = (typeof INPUT_MODES)[number];
export type OutputMode = (typeof OUTPUT_MODES)[number];
export type Literal = string | number | boolean;

export type InputValue =
  | {
      readonly kind: 'literal';
      readonly value: Literal;
      readonly type?: PrimitiveType;
      readonly description?: string;
      readonly location: SourceLocation;
    }
  /** A typed input given no value (optional). */
  | { readonly kind: 'unset'; readonly type: PrimitiveType | DataType; readonly location: SourceLocation }
  /** `${{parent.inputs.x}}` or `${{parent.jobs.step.outputs.y}}` in a pipeline step. */
  | {
      readonly kind: 'binding';
      readonly expression: string;
      readonly mode?: InputMode;
      readonly location: SourceLocation;
    }
  | {
      readonly kind: 'data';
      readonly type: DataType;
      readonly source: AssetReference | LocalInputReference | FixedId;
      readonly mode?: InputMode;
      readonly description?: string;
      readonly location: SourceLocation;
    };

export type OutputValue =
  | {
      readonly kind: 'output';
      readonly type: DataType;
      readonly path?: string;
      readonly mode?: OutputMode;
      readonly name?: string;
      readonly version?: string;
      readonly description?: string;
      readonly location: SourceLocation;
    }
  /** `${{parent.outputs.x}}` in a pipeline step. */
  | {
      readonly kind: 'binding';
      readonly expression: string;
      readonly mode?: OutputMode;
      readonly location: SourceLocation;
    };

export interface Resources {
  readonly instanceCount?: number;
  readonly instanceType?: string;
  readonly shmSize?: string;
  readonly dockerArgs?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
}

export type Distribution =
  | { readonly type: 'pytorch' | 'mpi'; readonly processCountPerInstance?: number }
  | { readonly type: 'tensorflow'; readonly workerCount?: number; readonly parameterServerCount?: number };

export type Identity =
  | {
      readonly type: 'managed';
      readonly clientId?: string;
      readonly objectId?: string;
      readonly msiResourceId?: string;
    }
  | { readonly type: 'aml_token' }
  | { readonly type: 'user_identity' };

export interface JobService {
  readonly type?: string;
  readonly port?: number;
  readonly properties: Readonly<Record<string, string>>;
}

export interface QueueSettings {
  readonly jobTier?: string;
  readonly priority?: string;
}

/** What runs: shared by command jobs, sweep trials, command components and inline pipeline steps. */
export interface CommandParts {
  readonly command: string;
  readonly commandLocation: SourceLocation;
  readonly code?: CodeReference | FixedId;
  readonly environment: EnvironmentReference | FixedId;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly resources?: Resources;
  readonly distribution?: Distribution;
}

export interface ComponentInput {
  readonly type: PrimitiveType | DataType;
  readonly optional?: boolean;
  readonly default?: Literal;
  readonly description?: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly mode?: InputMode;
}

export interface ComponentOutput {
  readonly type: DataType;
  readonly description?: string;
  readonly mode?: OutputMode;
}

/** What every local component has: where it comes from, its metadata, inputs and outputs. */
interface ComponentCommon {
  readonly origin: 'file' | 'inline' | 'step';
  /** The component YAML, for `origin: 'file'`. */
  readonly file?: string;
  readonly location: SourceLocation;
  readonly name?: string;
  readonly version?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, ComponentInput>>;
  readonly outputs: Readonly<Record<string, ComponentOutput>>;
}

/** A command component: from a component YAML, written inline in a step, or made from an inline step. */
export interface ComponentSpec extends ComponentCommon {
  readonly type?: 'command';
  readonly isDeterministic?: boolean;
  readonly parts: CommandParts;
}

/** A pipeline component: steps with inputs and outputs of their own, run as one step of another pipeline. */
export interface PipelineComponentSpec extends ComponentCommon {
  readonly type: 'pipeline';
  readonly origin: 'file' | 'inline';
  readonly jobs: Readonly<Record<string, PipelineStep>>;
}

/** A parallel component's `task` (type run_function): the script run on each mini-batch, with its code and environment. */
export interface ParallelTask {
  readonly code?: CodeReference | FixedId;
  readonly environment: EnvironmentReference | FixedId;
  readonly entryScript: string;
  readonly programArguments?: string;
  readonly appendRowTo?: string;
  /** The model input the script loads (`${{inputs.<name>}}`). */
  readonly model?: string;
  readonly environmentVariables: Readonly<Record<string, string>>;
}

/** How a parallel step splits and retries its input (azure-ai-ml's snake_case keys, sent as they are). */
export interface ParallelSettings {
  readonly input_data?: string;
  readonly mini_batch_size?: string;
  /** The partition keys as the CLI sends them: the list as JSON text. */
  readonly partition_keys?: string;
  readonly max_concurrency_per_instance?: number;
  readonly error_threshold?: number;
  readonly mini_batch_error_threshold?: number;
  readonly logging_level?: string;
  readonly retry_settings?: { readonly max_retries?: number; readonly timeout?: number };
}

/** What a component of a step's own (parallel, Spark) has, as a command component has it. */
type StepComponentCommon = Pick<
  ComponentSpec,
  'location' | 'name' | 'version' | 'displayName' | 'description' | 'tags' | 'inputs' | 'outputs'
>;

/** A parallel component (`type: parallel`): a task run over mini-batches of one input. */
export interface ParallelComponentSpec extends StepComponentCommon {
  readonly type: 'parallel';
  readonly origin: 'file' | 'inline' | 'step';
  /** The component YAML, for `origin: 'file'`. */
  readonly file?: string;
  readonly isDeterministic?: boolean;
  readonly task: ParallelTask;
  readonly settings: ParallelSettings;
  readonly resources?: Resources;
}

/** The anonymous component of an inline Spark step: what the step runs (its resources and identity stay on it). */
export interface SparkComponentSpec
  extends
    StepComponentCommon,
    Pick<
      SparkJobSpec,
      'code' | 'entry' | 'environment' | 'pyFiles' | 'jars' | 'files' | 'archives' | 'args'
    > {
  readonly type: 'spark';
  readonly origin: 'file' | 'step';
  /** The component YAML, for `origin: 'file'`. */
  readonly file?: string;
  /** Spark properties as the YAML typed them (the CLI keeps numbers and booleans in a step's component). */
  readonly conf: Readonly<Record<string, unknown>>;
}

interface JobCommon {
  /** Absolute path of the job YAML. */
  readonly file: string;
  readonly location: SourceLocation;
  readonly name?: string;
  readonly displayName?: string;
  readonly experimentName?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly identity?: Identity;
  readonly services: Readonly<Record<string, JobService>>;
  /** Absent: serverless compute (the CLI's default). */
  readonly compute?: Compute;
  readonly inputs: Readonly<Record<string, InputValue>>;
  readonly outputs: Readonly<Record<string, OutputValue>>;
  /** Keys accepted but not sent (the API version the step uses has no field for them), with where they are. */
  readonly warnings: readonly string[];
}

export interface CommandJobSpec extends JobCommon, CommandParts {
  readonly type: 'command';
  readonly limits?: { readonly timeout?: number };
  readonly queueSettings?: QueueSettings;
}

export type SearchDistribution =
  | { readonly type: 'choice'; readonly values: readonly unknown[] }
  | { readonly type: 'randint'; readonly upper: number }
  | { readonly type: 'uniform' | 'loguniform'; readonly minValue: number; readonly maxValue: number }
  | {
      readonly type: 'quniform' | 'qloguniform';
      readonly minValue: number;
      readonly maxValue: number;
      readonly q: number;
    }
  | { readonly type: 'normal' | 'lognormal'; readonly mu: number; readonly sigma: number }
  | {
      readonly type: 'qnormal' | 'qlognormal';
      readonly mu: number;
      readonly sigma: number;
      readonly q: number;
    };

export type SamplingAlgorithm =
  | {
      readonly type: 'random';
      readonly seed?: number;
      readonly rule?: 'random' | 'sobol';
      readonly logbase?: number | string;
    }
  | { readonly type: 'grid' | 'bayesian' };

export type EarlyTermination = { readonly evaluationInterval?: number; readonly delayEvaluation?: number } & (
  | { readonly type: 'bandit'; readonly slackFactor?: number; readonly slackAmount?: number }
  | { readonly type: 'median_stopping' }
  | { readonly type: 'truncation_selection'; readonly truncationPercentage: number }
);

export interface SweepJobSpec extends JobCommon {
  readonly type: 'sweep';
  readonly trial: CommandParts;
  readonly searchSpace: Readonly<Record<string, SearchDistribution>>;
  readonly samplingAlgorithm: SamplingAlgorithm;
  readonly objective: { readonly goal: 'maximize' | 'minimize'; readonly primaryMetric: string };
  readonly limits: {
    readonly maxTotalTrials: number;
    readonly maxConcurrentTrials?: number;
    readonly timeout?: number;
    readonly trialTimeout?: number;
  };
  readonly earlyTermination?: EarlyTermination;
  readonly resources?: Resources;
  readonly queueSettings?: QueueSettings;
}

export interface PipelineSettings {
  readonly defaultCompute?: Compute;
  readonly defaultDatastore?: DatastoreReference | FixedId;
  readonly continueOnStepFailure?: boolean;
  readonly forceRerun?: boolean;
  readonly defaultEnvironment?: EnvironmentReference | FixedId;
  readonly onInit?: string;
  readonly onFinalize?: string;
  /** Keys the CLI does not document, sent as written (the CLI passes them through). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A step of a pipeline: a command step, or a pipeline step (a pipeline component). */
export interface PipelineStep {
  readonly name: string;
  readonly location: SourceLocation;
  readonly type: 'command' | 'pipeline' | 'parallel' | 'sweep' | 'spark' | 'automl';
  readonly component: ComponentReference | FixedId;
  /** An AutoML step's task settings, sent as the YAML wrote them (the CLI's node form). */
  readonly autoML?: Readonly<Record<string, unknown>>;
  /** An AutoML step's data written in the step (not bound), by REST name (trainingData...): resolved, then sent. */
  readonly autoMLData?: Readonly<Record<string, InputValue>>;
  /** A Spark step's serverless resources (instance_type, runtime_version). */
  readonly sparkResources?: SparkJobSpec['resources'];
  /** A Spark step's own conf, over its component's (a step naming a spark component). */
  readonly sparkConf?: Readonly<Record<string, unknown>>;
  /** A sweep step's search over its trial component (the component is the trial). */
  readonly sweep?: Pick<
    SweepJobSpec,
    'searchSpace' | 'samplingAlgorithm' | 'objective' | 'limits' | 'earlyTermination'
  >;
  /** A parallel step's settings, sent on the step as on its component. */
  readonly parallel?: ParallelSettings;
  readonly compute?: Compute;
  readonly inputs: Readonly<Record<string, InputValue>>;
  readonly outputs: Readonly<Record<string, OutputValue>>;
  readonly displayName?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Settings of the step that override its component's (component steps only). */
  readonly environment?: EnvironmentReference | FixedId;
  readonly resources?: Resources;
  readonly distribution?: Distribution;
  readonly limits?: { readonly timeout?: number };
  readonly identity?: Identity;
  readonly services: Readonly<Record<string, JobService>>;
  readonly queueSettings?: QueueSettings;
}

export interface PipelineJobSpec extends JobCommon {
  readonly type: 'pipeline';
  /** A top-level `component:` (a pipeline component) the job runs instead of `jobs` of its own. */
  readonly component?: ComponentReference | FixedId;
  readonly settings: PipelineSettings;
  readonly jobs: Readonly<Record<string, PipelineStep>>;
}

/** A standalone AutoML job (automl-job.ts). */
export interface AutoMLJobSpec extends JobCommon {
  readonly type: 'automl';
  /** The CLI's `task`, e.g. classification, image_object_detection, text_ner. */
  readonly task: string;
  /** REST `taskDetails` without its data inputs (taskType, limitSettings, trainingSettings, ...). */
  readonly taskDetails: Readonly<Record<string, unknown>>;
  /** trainingData, validationData, testData: resolved before the request is built. */
  readonly data: Readonly<Record<string, InputValue>>;
  readonly environmentId?: string;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly resources?: Resources;
  readonly queueSettings?: QueueSettings;
}

/** A standalone Spark job (spark-job.ts). */
export interface SparkJobSpec extends JobCommon {
  readonly type: 'spark';
  readonly code: CodeReference | FixedId;
  readonly entry: { readonly file: string } | { readonly className: string };
  readonly environment?: EnvironmentReference | FixedId;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly pyFiles: readonly string[];
  readonly jars: readonly string[];
  readonly files: readonly string[];
  readonly archives: readonly string[];
  readonly conf: Readonly<Record<string, string>>;
  readonly args?: string;
  readonly resources?: { readonly instanceType: string; readonly runtimeVersion: string };
}

export type JobSpec = CommandJobSpec | PipelineJobSpec | SweepJobSpec | AutoMLJobSpec | SparkJobSpec;
