/** The model types of the CLI v2 (`type:` of a model YAML), as the API takes them (`modelType`). */
export const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'] as const;

export type ModelType = (typeof MODEL_TYPES)[number];

/** The file at the root of an MLflow model folder that makes it an `mlflow_model`. */
export const MLMODEL_FILE = 'MLmodel';

/** Model version names, as Azure ML accepts them. */
export const MODEL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

/** `azureml:<name>:<version>`: how pipelines and the deploy step refer to a registered model version. */
export function modelReference(name: string, version: string): string {
  return `azureml:${name}:${version}`;
}

/** Tags this step writes (and reads back from a baseline): one per metric of the source job. */
export const METRIC_TAG_PREFIX = 'metric.';

/** Properties this step writes; properties of a model version can never change, so they are the lineage record. */
export const PROPERTY = {
  /** What was registered: `azureml://jobs/<job>/outputs/<output>`, `local:<sha256>` or the URI; finds re-runs. */
  source: 'azureml.steps.source',
  /** The job that produced the model. */
  job: 'azureml.steps.job',
  /** The gate's verdict JSON, when there was a gate. */
  gate: 'azureml.steps.gate',
} as const;

/** Property names users may not set: they would break re-run detection or forge the gate's record. */
export const RESERVED_PROPERTY_PREFIX = 'azureml.steps.';

/** Tags this step writes besides `ci.*` (lineage.ts) and `metric.<name>`; tags can be searched in the studio. */
export const TAG = {
  /** The job that produced the model. */
  job: 'source.job',
  /** `data.<input>` = `<asset>:<version>` for each registered data asset the job read. */
  dataPrefix: 'data.',
  gateVerdict: 'gate.verdict',
  gateMetric: 'gate.metric',
  /** The model version the candidate was compared with, or `none`. */
  gateBaseline: 'gate.baseline',
} as const;
