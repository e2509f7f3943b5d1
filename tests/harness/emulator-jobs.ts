import type { Emulator } from '../../emulator/emulator';

/**
 * A completed command job whose output `model` is a folder of the default datastore, with its metrics in MLflow
 * (the job name is the run id), as a real training run leaves them. Not PUT through ARM, so nothing runs.
 */
export function seedCompletedJob(
  emulator: Emulator,
  job: { name: string; experimentName: string; modelPath: string; metrics: Record<string, number> },
): string {
  const { name, experimentName } = job;
  const id = `${emulator.workspaceId}/jobs/${name}`;
  emulator.store.set({
    id,
    secrets: {},
    body: {
      id,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      properties: {
        jobType: 'Command',
        status: 'Completed',
        experimentName,
        command: 'python train.py',
        inputs: {
          training_data: {
            jobInputType: 'uri_folder',
            uri: `azureml:${emulator.workspaceId}/data/weather/versions/3`,
          },
          learning_rate: { jobInputType: 'literal', value: '0.1' },
        },
        outputs: {
          model: {
            jobOutputType: 'uri_folder',
            uri: `azureml://datastores/workspaceblobstore/paths/${job.modelPath}`,
          },
        },
        tags: {},
      },
    },
  });
  emulator.mlflow.createRun({ workspaceId: emulator.workspaceId, runId: name, experimentName });
  for (const [key, value] of Object.entries(job.metrics)) emulator.mlflow.logMetric(name, key, value);
  emulator.mlflow.setRunStatus(name, 'FINISHED');
  return name;
}
