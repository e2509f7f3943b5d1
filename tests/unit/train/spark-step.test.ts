/**
 * Spark pipeline steps: the program registered as an anonymous spark component, the step carrying its entry,
 * conf, resources and the identity the CLI defaults (azure-ai-ml 1.4.0's body for the fixture is compared in
 * sdk-rest-bodies.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobSpecErrors, loadJobSpec, toRestJob } from '../../../shared/src/steps/train/job-spec';
import { fixture, resolveAll, WS } from './helpers';

const jobs = (file: string) => {
  const spec = loadJobSpec(file);
  return (
    toRestJob(spec, resolveAll(spec)).body.properties as unknown as {
      jobs: Record<string, Record<string, unknown>>;
    }
  ).jobs;
};

/** The fixture pipeline with its text changed, in a folder of its own. */
function variant(change: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spark-step-'));
  cpSync(fixture('pipeline-spark'), dir, { recursive: true });
  const file = path.join(dir, 'pipeline.yml');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  return file;
}

describe('spark steps', () => {
  it('sends the program by component id, its entry and conf on the step, user identity on serverless Spark', () => {
    expect(jobs(fixture('pipeline-spark/pipeline.yml')).wrangle).toMatchObject({
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
    const file = variant((text) =>
      text.replace(/ {4}resources:\n.*\n.*\n/, '    compute: azureml:spark-pool\n'),
    );
    const wrangle = jobs(file).wrangle!;
    expect(wrangle.identity).toEqual({ identity_type: 'Managed' });
    expect(wrangle).not.toHaveProperty('resources');
  });

  it('refuses a step without its entry, at the step', () => {
    const file = variant((text) => text.replace('    entry:\n      file: wrangle.py\n', ''));
    try {
      loadJobSpec(file);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(
        (error as JobSpecErrors).errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`),
      ).toEqual(["14:5 Missing 'entry' in step 'wrangle': file: <entry.py> (or class_name)"]);
    }
  });
});
