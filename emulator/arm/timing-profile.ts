/**
 * How long Azure's long-running operations take, and the `Retry-After` Azure sends while they run, as data: the
 * emulator's operations last `seconds × factor` of wall-clock time whether or not anyone polls them
 * (`operations.ts`), and a command job waits its phases before Running `× factor` (`jobs/command-job.ts`).
 *
 * The factor: `AZUREML_EMULATOR_TIME_FACTOR` in the environment, else `startEmulator({ timeFactor })`, else
 * `DEFAULT_TIME_FACTOR` (0.001: a ten-minute deployment takes 0.6 s, so tests and the demo stay fast).
 * `npm run test:realistic` runs the steps at factor 1 (tests/realistic).
 *
 * Sources of the numbers (typical values, not guarantees):
 *  - Durations: Azure ML documentation and what the service usually takes in westeurope: a managed online endpoint
 *    is created in 1–2 min, a managed online deployment in 5–15 min (image build excluded), an update in a few
 *    minutes; attaching a Kubernetes compute ~1 min; the `Microsoft.AzureML.Kubernetes` extension installs in
 *    ~5 min; an AKS cluster in 5–10 min; an ACI container group starts in about a minute; asset versions are
 *    synchronous (not long-running: ml-assets.ts answers them at once).
 *  - Retry-After: the Machine Learning REST specs (Azure/azure-rest-api-specs, machinelearningservices
 *    resource-manager) declare it on 202 answers as "Duration the client should wait between requests, in
 *    seconds", an integer from 10 to 600; their examples (e.g. 2022-10-01/examples/OnlineDeployment/
 *    ManagedOnlineDeployment/createOrUpdate.json) carry no header values, so the profile sends the lower bound, 10,
 *    for Machine Learning, and 15 (ARM's usual default poll interval) for the other providers.
 */

export interface OperationTiming {
  /** Wall-clock duration at factor 1, in seconds. */
  readonly seconds: number;
  /** `Retry-After` sent while it runs, at factor 1, in seconds. */
  readonly retryAfterSeconds: number;
}

/** Azure Machine Learning's `Retry-After` (the specs' minimum). */
export const ML_RETRY_AFTER_SECONDS = 10;
/** The other providers' `Retry-After`. */
export const ARM_RETRY_AFTER_SECONDS = 15;
/** The factor when neither the environment nor the emulator's options give one. */
export const DEFAULT_TIME_FACTOR = 0.001;
/** The environment variable that sets the factor (wins over the option: `npm run test:realistic` sets it). */
export const TIME_FACTOR_ENV = 'AZUREML_EMULATOR_TIME_FACTOR';

const ml = (seconds: number): OperationTiming => ({ seconds, retryAfterSeconds: ML_RETRY_AFTER_SECONDS });
const arm = (seconds: number): OperationTiming => ({ seconds, retryAfterSeconds: ARM_RETRY_AFTER_SECONDS });

/** Per `<kind> <resource type>` (lower case): kind `create` / `update` (PUT), `delete`, `post` (an action). */
export const OPERATION_TIMINGS: Readonly<Record<string, OperationTiming>> = {
  'create onlineendpoints': ml(90),
  'update onlineendpoints': ml(30),
  'delete onlineendpoints': ml(120),
  'create deployments': ml(480),
  'update deployments': ml(300),
  'delete deployments': ml(120),
  'create computes': ml(60),
  'update computes': ml(30),
  'delete computes': ml(60),
  'post computes': ml(60),
  'post jobs': ml(20),
  'delete jobs': ml(10),
  // A schedule is stored, not provisioned: its writes take seconds (assumed; the docs give no figure).
  'create schedules': ml(10),
  'update schedules': ml(10),
  'delete schedules': ml(10),
  'create extensions': arm(300),
  'update extensions': arm(120),
  'delete extensions': arm(120),
  'create managedclusters': arm(420),
  'update managedclusters': arm(240),
  'delete managedclusters': arm(300),
  'post managedclusters': arm(180),
  'create containergroups': arm(60),
  'update containergroups': arm(45),
  'delete containergroups': arm(20),
  'post containergroups': arm(30),
};

/**
 * How long a finished operation still answers its `Azure-AsyncOperation` / `Location` URL, at factor 1, in seconds
 * (late polls; ARM keeps an operation's status for a while): 15 minutes.
 */
export const FINISHED_OPERATION_RETENTION_SECONDS = 900;

/** Any other long-running operation. */
export const DEFAULT_TIMING: OperationTiming = arm(30);

/**
 * A command job's phases before it runs, at factor 1, in seconds, in Azure ML's order of states (NotStarted →
 * Starting → Preparing → Queued → Running): starting (the run is set up), preparing (the environment and the code
 * and inputs made ready), then queued (waiting for a node of the cluster: scale-up from zero).
 */
export const JOB_PHASE_SECONDS = { starting: 30, preparing: 45, queued: 180 } as const;

export type OperationKind = 'create' | 'update' | 'delete' | 'post';

/** The timing of an operation of `kind` on `resourceType` (e.g. `deployments`). */
export function operationTiming(kind: OperationKind, resourceType: string): OperationTiming {
  return OPERATION_TIMINGS[`${kind} ${resourceType.toLowerCase()}`] ?? DEFAULT_TIMING;
}

/** The factor from the environment, else `option`, else the default; a value that is not a number ≥ 0 throws. */
export function timeFactor(option?: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIME_FACTOR_ENV];
  const value = raw !== undefined && raw.trim() !== '' ? Number(raw) : (option ?? DEFAULT_TIME_FACTOR);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(
      `${TIME_FACTOR_ENV} (or the timeFactor option) must be a number ≥ 0, not '${raw ?? option}'.`,
    );
  return value;
}

/**
 * The `Retry-After` header for a scaled wait: whole seconds, rounded up as ARM sends them, except that a wait under
 * one second (small factors, in tests) is sent as 0 so that clients poll again at once.
 */
export function retryAfterHeader(scaledSeconds: number): number {
  return scaledSeconds < 1 ? 0 : Math.ceil(scaledSeconds);
}
