/**
 * Spark pipeline steps: the program registered as an anonymous spark component, the step carrying its entry,
 * conf, resources and the identity the CLI defaults (azure-ai-ml 1.4.0's body for the fixture is compared in
 * sdk-rest-bodies.test.ts).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { anonymousComponent, loadJobSpec, references } from '../../../shared/src/steps/train/job-spec';
import { fixture, pipelineVariant, problemsAt, resolveAll, stepBodies, WS } from './helpers';

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

describe('spark steps naming a spark component', () => {
  const file = fixture('pipeline-spark-file/pipeline.yml');

  it('registers a local spark component file anonymously, as the CLI does', () => {
    const spec = loadJobSpec(file);
    const local = references(spec).find(
      (r) => r.kind === 'component' && r.source === 'local' && r.step === 'wrangle',
    );
    expect(anonymousComponent(local as never, resolveAll(spec)).body.properties.componentSpec).toMatchObject({
      name: 'azureml_anonymous',
      type: 'spark',
      display_name: 'Wrangle weather',
      tags: { team: 'data' },
      code: `azureml:${WS}/codes/src/versions/1`,
      entry: { file: 'wrangle.py' },
      py_files: ['helpers.py'],
      conf: { 'spark.driver.cores': 1, 'spark.executor.memory': '2g' },
      inputs: { raw: { type: 'uri_folder', mode: 'direct' } },
      outputs: { wrangled: { type: 'uri_folder', mode: 'direct' } },
      _source: 'YAML.COMPONENT',
    });
  });

  it("sends the component's program on the step, the step's own conf over the component's", () => {
    const steps = stepBodies(file);
    expect(steps.wrangle).toMatchObject({
      type: 'spark',
      componentId: `${WS}/components/azureml_anonymous/versions/for-wrangle`,
      _source: 'YAML.COMPONENT',
      entry: { file: 'wrangle.py', spark_job_entry_type: 'SparkJobPythonEntry' },
      args: '--raw ${{inputs.raw}} --wrangled ${{outputs.wrangled}}',
      conf: { 'spark.driver.cores': 1 },
      identity: { identity_type: 'UserIdentity' },
      resources: { instance_type: 'standard_e4s_v3', runtime_version: '3.2' },
    });
    expect(steps.wrangle_bigger).toMatchObject({
      conf: { 'spark.driver.cores': 2, 'spark.driver.memory': '4g' },
      resources: { instance_type: 'standard_e8s_v3' },
    });
  });

  it('sends a registered spark component by id with the settings of the step', () => {
    const registered = pipelineVariant('pipeline-spark-file', (text) =>
      text.replace('component: ./wrangle.yml', 'component: azureml:wrangle_weather:4'),
    );
    const step = stepBodies(registered).wrangle!;
    expect(step).toMatchObject({
      componentId: `${WS}/components/wrangle_weather/versions/4`,
      resources: { instance_type: 'standard_e4s_v3', runtime_version: '3.2' },
    });
    expect(step).not.toHaveProperty('entry');
  });

  it('refuses a component file of another type, and program keys beside a component', () => {
    const command = pipelineVariant('pipeline-spark-file', (text) =>
      text.replace('component: ./wrangle.yml', 'component: ./src/command.yml'),
    );
    writeFileSync(
      path.join(path.dirname(command), 'src/command.yml'),
      'type: command\ncommand: echo\nenvironment: azureml:env:1\n',
    );
    expect(problemsAt(command)).toEqual([
      "1:7 'type' must be spark: a spark step runs a spark component; got 'command'",
    ]);
    const both = pipelineVariant('pipeline-spark-file', (text) =>
      text.replace('component: ./wrangle.yml', 'component: ./wrangle.yml\n    entry: {file: x.py}'),
    );
    expect(problemsAt(both)).toEqual([
      expect.stringMatching(
        /^14:5 Unknown key 'entry' in step 'wrangle' \(a step running a spark component\)/,
      ),
    ]);
  });
});
