/** Where an Azure ML job's files and outputs are kept. */
/**
 * Where Azure ML keeps a job's files in the workspace artifact store (`workspaceartifactstore`, container
 * `azureml`): `ExperimentRun/dcid.<job name>/...`, e.g. `user_logs/std_log.txt`.
 */
export function jobArtifactPath(jobName: string, path: string): string {
  return `ExperimentRun/dcid.${jobName}/${path}`;
}

/** Where Azure ML writes a job output that names no path: `azureml/<job>/<output>/` on the default datastore. */
export function defaultJobOutputUri(jobName: string, output: string): string {
  return `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/${output}/`;
}
