/**
 * Spark pipeline steps: the program registered as an anonymous spark component, the step carrying its entry,
 * conf, resources and the identity the CLI defaults (azure-ai-ml 1.4.0's body for the fixture is compared in
 * sdk-rest-bodies.test.ts).
 */
import { fixture, pipelineVariant, problemsAt, stepBodies, WS } from './helpers';

describe('spark steps', () => {
  it('sends the program by component id, its entry and conf on the step, user identity on serverless Spark', () => {
    expect(stepBodies(fixture('pipeline-spark/pipeline.yml')).wrangle).toMatchObject({
      type: 'spark',
      componentId: `${WS}/components/azureml_anonymous/versions/for-wrangle`,
      entry: { file: 'wrangle.py', spark_job_entry_type: 'SparkJobPythonEntry' },
      py_files: ['helpers.py'],
      conf: { 'spark.driver.cores': 1, 'spark.dynamicAllocation.enabled': true },
      identity: { identity_type: 'UserIdentity' },
      resources: { instance_type: 'standard_e4s_v3', runtime_version: '3.2' },
    });
  });

  it('defaults to the managed identity on an attached Spark pool', () => {
    const file = pipelineVariant('pipeline-spark', (text) =>
      text.replace(/ {4}resources:\n.*\n.*\n/, '    compute: azureml:spark-pool\n'),
    );
    const wrangle = stepBodies(file).wrangle!;
    expect(wrangle.identity).toEqual({ identity_type: 'Managed' });
    expect(wrangle).not.toHaveProperty('resources');
  });

  it('refuses a step without its entry, at the step', () => {
    const file = pipelineVariant('pipeline-spark', (text) =>
      text.replace('    entry:\n      file: wrangle.py\n', ''),
    );
    expect(problemsAt(file)).toEqual([
      "14:5 Missing 'entry' in step 'wrangle': file: <entry.py> (or class_name)",
    ]);
  });
});
