import { join } from 'node:path';
import { YamlErrors } from '../../../shared/src/yaml/problems';
import { parse, problems, scratch } from './helpers';

describe('the model source: exactly one of jobOutput (with jobName), modelPath, modelFile', () => {
  const dir = scratch({ 'model/model.pkl': 'w', 'model.yml': 'path: ./model\n' });

  it('takes a job output, resolved at run time (named output first, else an artifact path)', () => {
    expect(parse({ modelName: 'rain', jobName: 'train-1', jobOutput: 'model' }).source).toEqual({
      kind: 'job',
      jobName: 'train-1',
      output: 'model',
      where: 'either',
    });
  });

  it('takes a local folder, with jobName as its producing job', () => {
    const config = parse({ modelName: 'rain', modelPath: 'model', jobName: 'train-1' }, dir);
    expect(config.source).toEqual({
      kind: 'local',
      path: join(dir, 'model'),
      isFile: false,
      jobName: 'train-1',
    });
  });

  it.each([
    [{}, "Say what to register: give one of 'job-output' (with 'job-name'), 'model-path' or 'model-file'."],
    [{ jobName: 'train-1' }, "Input 'job-output' is required with 'job-name'"],
    [{ jobOutput: 'model' }, "Input 'job-output' needs 'job-name': the job whose output it is."],
    [
      { jobName: 'j', jobOutput: 'model', modelPath: 'model' },
      "Give one model source, not 'job-output' and 'model-path': one of 'job-output' (with 'job-name'), 'model-path' or 'model-file'.",
    ],
    [
      { modelPath: 'model', modelFile: 'model.yml' },
      "Give one model source, not 'model-path' and 'model-file'",
    ],
    [{ modelPath: 'nowhere' }, "Input 'model-path': 'nowhere' does not exist"],
    [{ modelFile: 'nowhere.yml' }, "Input 'model-file': file 'nowhere.yml' not found"],
  ])('%j is refused', (values, message) => {
    expect(problems(() => parse({ modelName: 'rain', ...values }, dir)).join('\n')).toContain(message);
  });

  it('names the inputs as Azure DevOps shows them there', () => {
    expect(
      problems(() =>
        parse({ modelName: 'rain', jobOutput: 'model', modelPath: 'model' }, dir, 'azure-pipelines'),
      )[0],
    ).toContain("Give one model source, not 'jobOutput' and 'modelPath'");
  });
});

describe('names, tags and properties', () => {
  it.each([
    [{ modelName: 'rain forecast' }, "Input 'model-name' must start with a letter or digit"],
    [{ properties: 'azureml.steps.source=mine' }, "'azureml.steps.source' is written by this step"],
    [{ tags: 'no equals sign' }, "Input 'tags' line 1 ('no equals sign') is not 'key=value'."],
  ])('%j is refused', (values, message) => {
    expect(
      problems(() => parse({ modelName: 'rain', jobName: 'j', jobOutput: 'model', ...values })).join('\n'),
    ).toContain(message);
  });

  it('keeps tags and properties as given', () => {
    const config = parse({
      modelName: 'rain',
      jobName: 'j',
      jobOutput: 'model',
      tags: 'team=forecasting\nmetric.f1=0.7',
      properties: 'owner=ada',
    });
    expect(config.tags).toEqual({ team: 'forecasting', 'metric.f1': '0.7' });
    expect(config.properties).toEqual({ owner: 'ada' });
    expect(config.gate).toBeUndefined();
  });
});

describe('the gate inputs', () => {
  const job = { modelName: 'rain', jobName: 'j', jobOutput: 'model' };

  it('defaults: production baseline, higher is better, no minimum improvement, fail', () => {
    expect(parse({ ...job, compareMetric: 'f1', baselineEndpoint: 'rain-prod' }).gate).toEqual({
      metric: 'f1',
      higherIsBetter: true,
      minImprovement: 0,
      baseline: { kind: 'production', endpoint: 'rain-prod' },
      onFail: 'fail',
    });
  });

  it('reads the other settings', () => {
    expect(
      parse({
        ...job,
        compareMetric: 'rmse',
        higherIsBetter: 'false',
        minImprovement: '0.02',
        minValue: '0.5',
        baseline: 'tag:stage=production',
        onGateFail: 'skip',
      }).gate,
    ).toEqual({
      metric: 'rmse',
      higherIsBetter: false,
      minImprovement: 0.02,
      minValue: 0.5,
      baseline: { kind: 'tag', key: 'stage', value: 'production' },
      onFail: 'skip',
    });
  });

  it.each([
    [{ compareMetric: 'f1' }, "Input 'baseline-endpoint' is required with 'baseline' production"],
    [
      { compareMetric: 'f1', baseline: 'newest' },
      "Input 'baseline' must be production, latest or tag:<key>=<value>, got 'newest'.",
    ],
    [
      { compareMetric: 'f1', minImprovement: 'a lot' },
      "Input 'min-improvement' must be a number, got 'a lot'.",
    ],
  ])('%j is refused', (values, message) => {
    expect(problems(() => parse({ ...job, ...values })).join('\n')).toContain(message);
  });

  it('warns about gate inputs that do nothing', () => {
    expect(parse({ ...job, baselineEndpoint: 'rain-prod', minValue: '0.5' }).warnings).toEqual([
      "'baseline-endpoint' and 'min-value' are ignored: there is no gate without 'compare-metric'.",
    ]);
    expect(
      parse({ ...job, compareMetric: 'f1', baseline: 'latest', baselineEndpoint: 'e' }).warnings,
    ).toEqual(["'baseline-endpoint' is ignored: the baseline is 'latest', not production."]);
  });
});

describe('with a model YAML', () => {
  it('takes its path, version, type, description, tags and properties; inputs win', () => {
    const dir = scratch({
      'model/MLmodel': 'flavors: {}\n',
      'model.yml': [
        'name: rain',
        'version: 4',
        'path: ./model',
        'type: mlflow_model',
        'description: from the YAML',
        'tags: { team: forecasting, stage: candidate }',
        'properties: { owner: ada }',
        'flavors:',
        '  python_function: { loader_module: mlflow.sklearn }',
      ].join('\n'),
    });
    const config = parse(
      { modelName: 'rain', modelFile: 'model.yml', tags: 'stage=approved', description: 'given' },
      dir,
    );
    expect(config).toMatchObject({
      source: { kind: 'local', path: join(dir, 'model'), isFile: false },
      version: '4',
      versionLocation: { file: join(dir, 'model.yml'), line: 2, column: 10 },
      modelType: 'mlflow_model',
      description: 'given',
      tags: { team: 'forecasting', stage: 'approved' },
      properties: { owner: 'ada' },
      flavors: { python_function: { loader_module: 'mlflow.sklearn' } },
      warnings: [],
    });
  });

  it('warns when the YAML names another model: the input wins', () => {
    const dir = scratch({ 'm.yml': 'name: other\npath: azureml://jobs/train-1/outputs/model\n' });
    const config = parse({ modelName: 'rain', modelFile: 'm.yml' }, dir);
    expect(config.source).toEqual({ kind: 'job', jobName: 'train-1', output: 'model', where: 'named' });
    expect(config.warnings[0]).toContain("the model YAML names the model 'other'; input 'model-name' wins");
  });

  it('takes the model name from the YAML when modelName is not given, as the CLI does', () => {
    const dir = scratch({ 'm.yml': 'name: from-file\npath: azureml://jobs/train-1/outputs/model\n' });
    const config = parse({ modelFile: 'm.yml' }, dir);
    expect(config.modelName).toBe('from-file');
    expect(config.warnings).toEqual([]);
  });

  it('asks for modelName when neither the input nor the YAML names the model', () => {
    const dir = scratch({ 'm.yml': 'path: azureml://jobs/train-1/outputs/model\n' });
    expect(problems(() => parse({ modelFile: 'm.yml' }, dir))).toEqual([
      `Input 'model-name' is required: the model YAML ${join(dir, 'm.yml')} has no 'name'.`,
    ]);
    expect(problems(() => parse({ jobName: 'j', jobOutput: 'model' }))).toEqual([
      "Input 'model-name' is required (or give 'model-file' with a 'name').",
    ]);
  });

  it('refuses a jobName that contradicts the YAML, at the path line', () => {
    const dir = scratch({ 'm.yml': 'path: azureml://jobs/train-1/outputs/model\n' });
    expect(problems(() => parse({ modelName: 'rain', modelFile: 'm.yml', jobName: 'train-2' }, dir))).toEqual(
      ["Input 'jobName' is 'train-2' but the model YAML's path is an output of job 'train-1'."],
    );
  });

  it('reports YAML problems at their file:line:column, before anything else', () => {
    const dir = scratch({ 'm.yml': 'name: rain\npath: ./model\ntpye: custom_model\n' });
    try {
      parse({ modelName: 'rain', modelFile: 'm.yml' }, dir);
      throw new Error('expected a YamlErrors');
    } catch (error) {
      expect(error).toBeInstanceOf(YamlErrors);
      const errors = (error as YamlErrors).errors.map((e) => [
        e.location?.line,
        e.location?.column,
        e.message,
      ]);
      expect(errors).toEqual([
        [2, 7, `'path': './model' does not exist (looked for ${join(dir, 'model')})`],
        [3, 1, "Unknown key 'tpye' in a model YAML (did you mean 'type'?)"],
      ]);
    }
  });
});
