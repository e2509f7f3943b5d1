/**
 * The weather example (examples/weather): its Python scripts run as users and the jobs run them, with python3 and
 * the standard library only. The data generator is deterministic and reproduces the committed CSVs; train.py
 * trains a sane model and logs its metrics to AZUREML_STEPS_METRICS_FILE; score.py answers the smoke cases as
 * the tests' stand-in scoring server does, and refuses bad bodies with a clear message (HTTP 400 under the
 * inference server).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCasesFile } from '../../shared/src/smoke/cases-file';
import { loadJobSpec, references } from '../../shared/src/steps/train/job-spec';
import { repoRoot } from '../harness/runtimes';
import { startScoringServer } from '../servers/scoring-servers';

const WEATHER = join(repoRoot, 'examples/weather');
const GENERATE = join(WEATHER, 'data/generate.py');
const TRAIN = join(WEATHER, 'src/train.py');
const PREP = join(WEATHER, 'src/prep.py');
const SCORE_DIR = join(WEATHER, 'score');
const FEATURES = [
  'Temperature_C',
  'Humidity',
  'Wind_speed_kmph',
  'Wind_bearing_degrees',
  'Visibility_km',
  'Pressure_millibars',
  'Current_weather_condition',
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function python(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Run {
  const result = spawnSync('python3', args, {
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(args: string[], options?: Parameters<typeof python>[1]): string {
  const run = python(args, options);
  if (run.status !== 0) throw new Error(`python3 ${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
  return run.stdout;
}

/** Imports score.py as the inference server does, calls init() once and run() on each body. */
const HARNESS = `
import json, os, sys
sys.path.insert(0, os.environ["SCORE_DIR"])
import score
score.init()
answers = []
for body in json.load(sys.stdin):
    try:
        result = score.run(body)
    except score.BadRequest as error:
        answers.append({"raised": str(error)})
        continue
    if hasattr(result, "status_code"):
        answers.append({"status": result.status_code, "body": result.message})
    else:
        answers.append({"answer": result})
print(json.dumps(answers))
`;
import { scratchFolder } from '../harness/scratch-folders';

type Answer = { answer: number[] } | { raised: string } | { status: number; body: unknown };

let work: string;
let modelDir: string;
let metricsFile: string;
let trainLog: string;

function score(bodies: string[], env: Record<string, string> = {}): Answer[] {
  const harness = join(work, 'harness.py');
  writeFileSync(harness, HARNESS);
  const stdout = ok([harness], {
    input: JSON.stringify(bodies),
    env: { SCORE_DIR, AZUREML_MODEL_DIR: modelDir, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Answer[];
}

beforeAll(() => {
  work = scratchFolder('weather-example-');
  // As Azure ML mounts a registered model: <AZUREML_MODEL_DIR>/<model folder>/model.json.
  modelDir = join(work, 'azureml-models');
  metricsFile = join(work, 'metrics', 'metrics.jsonl');
  trainLog = ok([TRAIN, '--data', join(WEATHER, 'data'), '--model-dir', join(modelDir, 'rain-forecast')], {
    env: { AZUREML_STEPS_METRICS_FILE: metricsFile },
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('data/generate.py', () => {
  it('is deterministic: same seed, same bytes; another seed, other weather', () => {
    const args = [GENERATE, '--rows', '300', '--start', '2023-07-01T00:00'];
    const first = ok([...args, '--seed', '5']);
    expect(ok([...args, '--seed', '5'])).toBe(first);
    expect(ok([...args, '--seed', '6'])).not.toBe(first);
    const lines = first.trim().split('\n');
    expect(lines[0]).toBe([...FEATURES, 'Rain_in_4h'].join(','));
    expect(lines).toHaveLength(301);
    const rows = lines.slice(1).map((line) => line.split(','));
    for (const row of rows) {
      expect(row).toHaveLength(8);
      expect(Number(row[1])).toBeGreaterThanOrEqual(10);
      expect(Number(row[1])).toBeLessThanOrEqual(100);
      expect(Number(row[3])).toBeGreaterThanOrEqual(0);
      expect(Number(row[3])).toBeLessThan(360);
      expect(['0', '1']).toContain(row[7]);
    }
    // The label is the condition four hours later: precipitation then means a 1 four rows earlier.
    const wet = new Set(['drizzle', 'rain', 'thunderstorm', 'snow']);
    for (let t = 0; t + 4 < rows.length; t++) expect(rows[t]![7]).toBe(wet.has(rows[t + 4]![6]!) ? '1' : '0');
  });

  it('writes production inputs without label, with timestamps on request, and shifts the climate', () => {
    const base = [GENERATE, '--rows', '400', '--start', '2024-04-01T00:00', '--seed', '3'];
    const plain = ok(base).trim().split('\n');
    const shifted = ok([...base, '--shift', '1', '--no-label', '--timestamps'])
      .trim()
      .split('\n');
    expect(shifted[0]).toBe(['Timestamp', ...FEATURES].join(','));
    expect(shifted[1]!.startsWith('2024-04-01T00:00,')).toBe(true);
    expect(shifted[400]!.startsWith('2024-04-17T15:00,')).toBe(true);
    const column = (lines: string[], at: number) => lines.slice(1).map((line) => line.split(',')[at]!);
    const mean = (values: string[]) => values.reduce((sum, value) => sum + Number(value), 0) / values.length;
    // The same weather (fronts, wind, pressure), 3 degrees warmer, more humid, more fog.
    expect(column(shifted, 6)).toEqual(column(plain, 5));
    expect(column(shifted, 3)).toEqual(column(plain, 2));
    expect(column(shifted, 4)).toEqual(column(plain, 3));
    expect(mean(column(shifted, 1)) - mean(column(plain, 0))).toBeCloseTo(3, 1);
    expect(mean(column(shifted, 2)) - mean(column(plain, 1))).toBeGreaterThan(5);
    const fog = (values: string[]) => values.filter((value) => value === 'fog').length;
    expect(fog(column(shifted, 7))).toBeGreaterThan(fog(column(plain, 6)) + 10);
  });

  it('reproduces the committed data files with the commands of the README', () => {
    const readme = readFileSync(join(WEATHER, 'README.md'), 'utf8');
    for (const file of ['train.csv', 'recent.csv', '../drift/spring-2023.csv', '../drift/spring-2024.csv']) {
      const command = new RegExp(`python3 generate\\.py (.*) --out ${file.replace(/\./g, '\\.')}\n`).exec(
        readme,
      );
      expect(command).not.toBeNull();
      const out = join(work, file.replace('../drift/', ''));
      ok([GENERATE, ...command![1]!.split(' '), '--out', out]);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(WEATHER, 'data', file), 'utf8'));
    }
    // The drift baseline is train.csv's 4 March to 14 April (hours 1488 to 2495 of 2023), less the label.
    const train = readFileSync(join(WEATHER, 'data/train.csv'), 'utf8').split('\n');
    const unlabelled = (line: string) => line.slice(0, line.lastIndexOf(','));
    expect(readFileSync(join(WEATHER, 'drift/spring-2023.csv'), 'utf8').trim().split('\n')).toEqual(
      [train[0]!, ...train.slice(1489, 2497)].map(unlabelled),
    );
    expect(readFileSync(join(WEATHER, 'data/recent.csv'), 'utf8').split('\n')[0]).toBe(FEATURES.join(','));
  });
});

describe('src/train.py', () => {
  it('trains on the data folder, skipping the unlabelled recent.csv, and writes a sane model.json', () => {
    expect(trainLog).toMatch(/recent\.csv: no Rain_in_4h column .*skipped/);
    expect(trainLog).toContain('rows: 7008 to train, 1752 to test');
    expect(trainLog).toMatch(/epoch {2}30\/30 {2}train log loss 0\.\d+/);
    const model = JSON.parse(readFileSync(join(modelDir, 'rain-forecast', 'model.json'), 'utf8'));
    expect(model.feature_order).toHaveLength(model.weights.length);
    expect(model.categories).toEqual(expect.arrayContaining(['clear', 'fog', 'overcast', 'rain']));
    expect(model.scaling.mean.Humidity).toBeGreaterThan(70);
    expect(model.threshold).toBeGreaterThan(0.05);
    expect(model.threshold).toBeLessThan(0.95);
    const { accuracy, precision, recall, f1, auc } = model.metrics;
    // "Never rain" scores 0.889 accuracy and F1 0 on this test part; chance F1 is about 0.11.
    expect(accuracy).toBeGreaterThan(0.89);
    expect(precision).toBeGreaterThan(0.45);
    expect(recall).toBeGreaterThan(0.45);
    expect(f1).toBeGreaterThan(0.55);
    expect(f1).toBeLessThan(0.9);
    expect(auc).toBeGreaterThan(0.85);
    expect(auc).toBeLessThanOrEqual(1);
  });

  it('logs the metrics to AZUREML_STEPS_METRICS_FILE as JSON lines', () => {
    const lines = readFileSync(metricsFile, 'utf8').trim().split('\n');
    const metrics = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const metric of metrics) {
      expect(Object.keys(metric).sort()).toEqual(['name', 'step', 'timestamp', 'value']);
      expect(typeof metric.value).toBe('number');
      expect(Number.isInteger(metric.step)).toBe(true);
      expect(Math.abs((metric.timestamp as number) - Date.now())).toBeLessThan(10 * 60_000);
    }
    const model = JSON.parse(readFileSync(join(modelDir, 'rain-forecast', 'model.json'), 'utf8'));
    const final = Object.fromEntries(
      metrics.filter((m) => m.name !== 'train_loss').map((m) => [m.name, m.value]),
    );
    expect(final).toEqual({
      accuracy: model.metrics.accuracy,
      precision: model.metrics.precision,
      recall: model.metrics.recall,
      f1: model.metrics.f1,
      auc: model.metrics.auc,
    });
    const losses = metrics.filter((m) => m.name === 'train_loss');
    expect(losses.map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('trains on the folder prep.py writes, giving the same model again from the same rows', () => {
    const prepared = join(work, 'prepared');
    const raw = join(work, 'raw');
    mkdirSync(raw);
    copyFileSync(join(WEATHER, 'data/train.csv'), join(raw, 'train.csv'));
    writeFileSync(
      join(raw, 'extra.csv'),
      `${FEATURES.join(',')},Rain_in_4h\n12,150,10,200,10,1010,clear,0\n12,80,nope,200,10,1010,clear,0\n`,
    );
    const log = ok([PREP, '--data', raw, '--out', prepared]);
    expect(log).toContain('dropped 1 row(s): Humidity out of range');
    expect(log).toContain('dropped 1 row(s): Wind_speed_kmph missing or not a number');
    const trained = ok([TRAIN, '--data', prepared, '--model-dir', join(work, 'from-prep')]);
    expect(trained).toContain('split: train.csv and test.csv as given');
    expect(trained).toContain('rows: 7008 to train, 1752 to test');
    // The rows prep.py kept are train.csv's, in the same order: the same weights, to the last bit.
    const first = JSON.parse(readFileSync(join(modelDir, 'rain-forecast', 'model.json'), 'utf8'));
    const again = JSON.parse(readFileSync(join(work, 'from-prep', 'model.json'), 'utf8'));
    expect(again.weights).toEqual(first.weights);
    expect(again.threshold).toBe(first.threshold);
    expect(again.metrics).toEqual(first.metrics);
  });

  it('says what is wrong with its data', () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const run = python([TRAIN, '--data', empty, '--model-dir', join(work, 'none')]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('no *.csv file in the folder');
  });
});

describe('score/score.py', () => {
  const request = (file: string) => readFileSync(join(WEATHER, 'requests', file), 'utf8');

  it('loads model.json from below AZUREML_MODEL_DIR and answers two-rows with [0, 1]', () => {
    expect(score([request('two-rows.json')])).toEqual([{ answer: [0, 1] }]);
  });

  it('answers every smoke case as the stand-in scoring server does, and refuses the same bodies', async () => {
    const plan = loadCasesFile(join(WEATHER, 'smoke-cases.yml'));
    const answers = score(plan.cases.map((c) => c.body));
    const server = await startScoringServer('correct');
    try {
      for (const [i, smokeCase] of plan.cases.entries()) {
        const response = await fetch(server.scoringUri, { method: 'POST', body: smokeCase.body });
        const text = await response.text();
        if (smokeCase.reject) {
          expect({ case: smokeCase.name, status: response.status }).toEqual({
            case: smokeCase.name,
            status: 400,
          });
          expect(answers[i]).toEqual({ raised: expect.stringMatching(/^bad request: /) });
        } else {
          expect({ case: smokeCase.name, answer: answers[i] }).toEqual({
            case: smokeCase.name,
            answer: { answer: JSON.parse(text) },
          });
        }
      }
    } finally {
      await server.close();
    }
    expect(answers.slice(0, 3)).toEqual([{ answer: [0, 1] }, { answer: [1] }, { answer: [0] }]);
  });

  it('refuses bad bodies with a message that names the problem', () => {
    const split = (columns: string[], row: unknown[]) =>
      JSON.stringify({ input_data: { columns, index: [0], data: [row] } });
    const answers = score([
      request('truncated.json'),
      '{"rows": [[1, 2]]}',
      split(['Temperature_C', 'Humidity'], [21.4, 45.0]),
      split(FEATURES, [21.4, 'damp', 12.5, 250, 30.0, 1018.2, 'clear']),
      JSON.stringify({
        data: [{ ...Object.fromEntries(FEATURES.map((f) => [f, 1])), Current_weather_condition: 7 }],
      }),
      JSON.stringify({ input_data: [[1, 2, 3]] }),
    ]);
    expect(answers).toEqual([
      { raised: expect.stringMatching(/^bad request: the body is not valid JSON \(/) },
      { raised: expect.stringMatching(/^bad request: expected \{'input_data': \{'columns'/) },
      {
        raised: expect.stringMatching(
          /^bad request: missing column\(s\) Wind_speed_kmph, Wind_bearing_degrees/,
        ),
      },
      { raised: 'bad request: row 0: Humidity must be a number, got "damp"' },
      { raised: 'bad request: row 0: Current_weather_condition must be text, got 7' },
      { raised: expect.stringMatching(/^bad request: input_data holds rows without column names/) },
    ]);
  });

  it('answers bad bodies HTTP 400 with an AMLResponse under the inference server', () => {
    // A stand-in for the package the inference server ships: AMLResponse(message, status_code, ..., json_str).
    const stub = join(work, 'stub');
    const api = join(stub, 'azureml_inference_server_http', 'api');
    mkdirSync(api, { recursive: true });
    writeFileSync(join(stub, 'azureml_inference_server_http', '__init__.py'), '');
    writeFileSync(join(api, '__init__.py'), '');
    writeFileSync(
      join(api, 'aml_response.py'),
      [
        'class AMLResponse:',
        '    def __init__(self, message, status_code, response_headers=None, json_str=False, run_function_failed=False):',
        '        assert json_str',
        '        self.message, self.status_code = message, status_code',
        '',
      ].join('\n'),
    );
    const answers = score([request('truncated.json'), request('two-rows.json')], { PYTHONPATH: stub });
    expect(answers).toEqual([
      { status: 400, body: { error: expect.stringMatching(/^bad request: the body is not valid JSON/) } },
      { answer: [0, 1] },
    ]);
  });

  it('fails to start without a model, saying where it looked', () => {
    const run = python(['-c', 'import score; score.init()'], {
      env: { PYTHONPATH: SCORE_DIR, AZUREML_MODEL_DIR: join(work, 'no-model-here') },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('does not exist');
  });
});

describe('the job YAMLs', () => {
  it.each([
    ['train-job.yml', 'command', ['code', 'environment', 'compute', 'localInput']],
    // Serverless compute: nothing to look up.
    ['train-job-serverless.yml', 'command', ['code', 'environment', 'localInput']],
    ['sweep-job.yml', 'sweep', ['code', 'environment', 'compute', 'localInput']],
    [
      'pipeline-job.yml',
      'pipeline',
      ['code', 'environment', 'environment', 'compute', 'localInput', 'component', 'component'],
    ],
  ])('%s reads as the train step reads it: a %s job', (file, type, kinds) => {
    const spec = loadJobSpec(join(WEATHER, file));
    expect(spec.type).toBe(type);
    expect(references(spec).map((r) => r.kind)).toEqual(kinds);
  });
});
