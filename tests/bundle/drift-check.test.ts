import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DriftReport } from '../../shared/src/drift/model';
import { artifactsPageOf, runStepAs, type Host, type HostRun } from '../harness/host-run';
import { SeededDraw } from '../harness/seeded-draw';
import { nodeRuntimes, repoRoot, type NodeRuntime } from '../harness/runtimes';
import { scratchFolder } from '../harness/scratch-folders';

const [node20, node24] = nodeRuntimes as [NodeRuntime, NodeRuntime];

function runOn(
  host: Host,
  runtime: NodeRuntime,
  cwd: string,
  inputs: Record<string, string>,
): Promise<HostRun> {
  return runStepAs(host, {
    task: 'AzureMLDriftCheckV1',
    action: 'drift-check',
    inputs,
    runtime,
    cwd,
    timeoutMs: 120_000,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded data

const CITIES = ['Paris', 'Oslo', 'Lima', 'Pune'];
const SEASONS = ['winter', 'spring', 'summer', 'autumn'];
const WEATHER_COLUMNS = [
  'request_id',
  'temperature',
  'humidity',
  'pressure',
  'wind',
  'city',
  'season',
  'rain',
];

interface WeatherOptions {
  readonly rows: number;
  readonly seed: number;
  /** Mean of temperature (15 on the baseline). */
  readonly temperatureMean?: number;
  readonly cityWeights?: readonly number[];
}

/** Weather rows: request_id is unique (too many values to compare), the others have known distributions. */
function weatherRows(options: WeatherOptions): (string | number)[][] {
  const draw = new SeededDraw(options.seed);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < options.rows; i++) {
    rows.push([
      `req-${options.seed}-${i}`,
      round(draw.normal(options.temperatureMean ?? 15, 5), 2),
      round(draw.normal(60, 10), 1),
      round(draw.normal(1013, 8), 1),
      round(-Math.log(draw.uniform()) * 12, 2),
      draw.pick(CITIES, options.cityWeights ?? [40, 30, 20, 10]),
      draw.pick(SEASONS, [1, 1, 1, 1]),
      draw.uniform() < 0.3 ? 1 : 0,
    ]);
  }
  return rows;
}

const csv = (columns: readonly string[], rows: readonly (string | number)[][]) =>
  `${[columns.join(','), ...rows.map((row) => row.join(','))].join('\n')}\n`;
const jsonl = (columns: readonly string[], rows: readonly (string | number)[][]) =>
  rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]])))).join('\n') + '\n';

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A workspace with a baseline folder (CSV + gzipped CSV) and current data as JSON Lines, drift as asked. */
function weatherWorkspace(current: Omit<WeatherOptions, 'seed' | 'rows'>): string {
  const dir = scratchFolder('drift-');
  mkdirSync(join(dir, 'train'));
  writeFileSync(
    join(dir, 'train', 'part-0.csv'),
    csv(WEATHER_COLUMNS, weatherRows({ rows: 10_000, seed: 1 })),
  );
  writeFileSync(
    join(dir, 'train', 'part-1.csv.gz'),
    gzipSync(csv(WEATHER_COLUMNS, weatherRows({ rows: 10_000, seed: 2 }))),
  );
  writeFileSync(
    join(dir, 'current.jsonl'),
    jsonl(WEATHER_COLUMNS, weatherRows({ rows: 12_000, seed: 3, ...current })),
  );
  return dir;
}

const DRIFTED = { temperatureMean: 19, cityWeights: [10, 20, 30, 40] } as const;

function readReport(run: HostRun): DriftReport {
  return JSON.parse(readFileSync(run.outputs.reportJson!, 'utf8')) as DriftReport;
}

const statuses = (report: DriftReport) => Object.fromEntries(report.features.map((f) => [f.name, f.status]));

// ---------------------------------------------------------------------------------------------------------------

describe.each([
  ['azure-pipelines', node20],
  ['azure-pipelines', node24],
  ['github', node20],
  ['github', node24],
] as const)('known drift, as %s on %s', (host, runtime) => {
  it('flags exactly the drifted features, fails, and writes the reports and outputs', async () => {
    const dir = weatherWorkspace(DRIFTED);
    const run = await runOn(host, runtime, dir, {
      baselineData: 'train',
      currentData: 'current.jsonl',
      criticalFeatures: 'city',
      outputDir: 'reports',
    });
    expect(run.result).toBe('Failed');
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^drift: 2 of 7 features drifted \(28\.6 %; fails at 50 %\): city \(critical\) \(jensen_shannon [\d.]+ > 0\.1\), temperature \(wasserstein_normalized [\d.]+ > 0\.1\)$/,
      ),
    ]);
    expect(run.outputs.driftStatus).toBe('fail');
    expect(JSON.parse(run.outputs.driftedFeatures!).sort()).toEqual(['city', 'temperature']);
    expect(Number(run.outputs.driftShare)).toBeCloseTo(2 / 7, 3);
    expect(run.outputs.reportJson).toBe(join(dir, 'reports', 'drift-report.json'));
    expect(run.outputs.reportHtml).toBe(join(dir, 'reports', 'drift-report.html'));
    expect(existsSync(join(dir, 'reports', 'drift-report.md'))).toBe(true);

    const report = readReport(run);
    expect(statuses(report)).toEqual({
      city: 'fail',
      temperature: 'fail',
      humidity: 'pass',
      pressure: 'pass',
      wind: 'pass',
      season: 'pass',
      rain: 'pass',
      request_id: 'skipped',
    });
    expect(report.features.slice(0, 2).map((f) => f.name)).toEqual(['city', 'temperature']);
    expect(report).toMatchObject({
      schemaVersion: 1,
      status: 'fail',
      rows: { baseline: 20_000, current: 12_000 },
    });
    expect(report.sources.baseline.files).toEqual(['train/part-0.csv', 'train/part-1.csv.gz']);
    expect(report.sources.current.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);

    const html = readFileSync(run.outputs.reportHtml!, 'utf8');
    // Aggregates only: no request id, no row of either side.
    expect(html).not.toMatch(/req-\d+-\d+/);
    expect(html).not.toContain(
      readFileSync(join(dir, 'train', 'part-0.csv'), 'utf8')
        .split('\n')[1]!
        .split(',')
        .slice(1)
        .join(','),
    );
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBe(7);

    expect(run.summary).toMatch(/\*\*Drift ❌ fail\*\* · 2 of 7 features drifted/);
    expect(run.summary.indexOf('| city (critical) |')).toBeLessThan(run.summary.indexOf('| temperature |'));
    const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8'));
    expect(evidence).toMatchObject({
      step: 'drift-check',
      result: 'failed',
      host,
      details: { status: 'fail', driftedFeatures: expect.arrayContaining(['city', 'temperature']) },
    });
    expect(evidence.details.features).toContainEqual(
      expect.objectContaining({
        name: 'temperature',
        type: 'numeric',
        status: 'fail',
        critical: false,
        gate: { metric: 'wasserstein_normalized', value: expect.any(Number), threshold: 0.1 },
      }),
    );
    // What moved, in words and figures, for the approver (the release gate reads these).
    const temperature = evidence.details.features.find((f: { name: string }) => f.name === 'temperature');
    expect(temperature.description).toMatch(
      /^temperature: mean 1[45]\.?\d* → 1[89]\.?\d*, std [\d.]+ → [\d.]+, p50 [\d.]+ → [\d.]+, p90 [\d.]+ → [\d.]+; wasserstein_normalized [\d.]+ > 0\.1 \(fail\)$/,
    );
    expect(temperature.summary.current.mean - temperature.summary.baseline.mean).toBeCloseTo(4, 0);
    const city = evidence.details.features.find((f: { name: string }) => f.name === 'city');
    expect(city.moved).toMatchObject({ value: expect.stringMatching(/^(Paris|Pune)$/) });
    expect(run.summary).toContain('**In words** (baseline → current)');
    expect(run.summary).toMatch(/^- temperature: mean /m);
    expect(evidence.details.timeRange).toBeNull();
  });
});

describe('the time range of the current data', () => {
  it.concurrent.each(['azure-pipelines', 'github'] as const)(
    'as %s: finds the ISO timestamp column and writes its earliest and latest value',
    async (host) => {
      const dir = scratchFolder('drift-time-');
      const rows = (day: number, shift: number) =>
        Array.from({ length: 120 }, (_, i) => {
          const hour = String(i % 24).padStart(2, '0');
          return `2026-03-${String(day + Math.floor(i / 24)).padStart(2, '0')}T${hour}:00:00Z,${60 + shift + (i % 40) * 0.25}`;
        });
      writeFileSync(join(dir, 'baseline.csv'), ['observed_at,humidity', ...rows(1, 0)].join('\n') + '\n');
      writeFileSync(join(dir, 'current.csv'), ['observed_at,humidity', ...rows(10, 8)].join('\n') + '\n');
      const run = await runOn(host, host === 'github' ? node24 : node20, dir, {
        baselineData: 'baseline.csv',
        currentData: 'current.csv',
        failOn: 'never',
      });
      expect(run.errors).toEqual([]);
      const evidence = JSON.parse(readFileSync(run.outputs.evidencePath!, 'utf8'));
      expect(evidence.details.timeRange).toEqual({
        column: 'observed_at',
        from: '2026-03-10T00:00:00Z',
        to: '2026-03-14T23:00:00Z',
      });
      expect(run.summary).toContain(
        'Current data from 2026-03-10T00:00:00Z to 2026-03-14T23:00:00Z (column `observed_at`).',
      );
      expect(run.summary).toContain('- humidity: mean 64.9 → 72.9, std 2.89 → 2.89, p50 64.9 → 72.9, p90 ');
    },
    120_000,
  );
});

describe.each(['azure-pipelines', 'github'] as const)('as %s', (host) => {
  const runtime = host === 'github' ? node24 : node20;

  it('passes on the same distributions, as succeeded', async () => {
    const dir = weatherWorkspace({});
    const run = await runOn(host, runtime, dir, {
      baselineData: 'train/*.csv*',
      currentData: 'current.jsonl',
    });
    expect(run.errors).toEqual([]);
    expect(run.result).toBe('Succeeded');
    expect(run.outputs).toMatchObject({ driftStatus: 'pass', driftedFeatures: '[]', driftShare: '0' });
    // The default output folder is in the host's temp directory.
    expect(run.outputs.reportHtml).toMatch(/drift-report[/\\]drift-report\.html$/);
    expect(existsSync(run.outputs.reportHtml!)).toBe(true);
    // The summary names the report in the run's artifacts (the path on the agent is gone when the job ends).
    const artifacts = artifactsPageOf[host];
    expect(run.summary).toContain(
      `Charts per feature: \`drift-report.html\` in the [run's artifacts](${artifacts}) (publish its folder)`,
    );
  });

  it('reports succeeded with issues on a failing verdict when failOn is never', async () => {
    const dir = weatherWorkspace(DRIFTED);
    const run = await runOn(host, runtime, dir, {
      baselineData: 'train',
      currentData: 'current.jsonl',
      criticalFeatures: 'city',
      failOn: 'never',
    });
    expect(run.errors).toEqual([]);
    expect(run.result).toBe('SucceededWithIssues');
    expect(run.warnings).toEqual([expect.stringMatching(/^drift: 2 of 7 features drifted/)]);
    expect(run.outputs.driftStatus).toBe('fail');
  });

  it('takes a metric and threshold per feature from a thresholds file', async () => {
    const dir = weatherWorkspace(DRIFTED);
    writeFileSync(
      join(dir, 'thresholds.yml'),
      'features:\n  city: { threshold: 0.9 }\n  temperature:\n    metric: psi\n    threshold: 0.2\n',
    );
    const run = await runOn(host, runtime, dir, {
      baselineData: 'train',
      currentData: 'current.jsonl',
      thresholdsFile: 'thresholds.yml',
      excludeFeatures: 'request_id',
    });
    const report = readReport(run);
    const gate = (name: string) => report.features.find((f) => f.name === name)!.gate!;
    expect(gate('temperature')).toMatchObject({ metric: 'psi', threshold: 0.2 });
    expect(gate('city')).toMatchObject({ metric: 'jensen_shannon', threshold: 0.9 });
    expect(statuses(report)).toMatchObject({ city: 'pass', temperature: 'fail' });
    expect(report.features.map((f) => f.name)).not.toContain('request_id');
  });

  it('writes a baseline profile once and reads it instead of the training data', async () => {
    const dir = weatherWorkspace(DRIFTED);
    const first = await runOn(host, runtime, dir, {
      baselineData: 'train',
      currentData: 'current.jsonl',
      writeBaselineProfile: 'profiles/train.profile.json',
      failOn: 'never',
    });
    expect(first.outputs.baselineProfile).toBe(join(dir, 'profiles', 'train.profile.json'));
    expect(existsSync(first.outputs.baselineProfile!)).toBe(true);
    const second = await runOn(host, runtime, dir, {
      baselineData: 'profiles/train.profile.json',
      currentData: 'current.jsonl',
      failOn: 'never',
    });
    expect(second.errors).toEqual([]);
    const gates = (run: HostRun) => readReport(run).features.map((f) => [f.name, f.status, f.gate?.value]);
    expect(gates(second)).toEqual(gates(first));
    expect(readReport(second).sources.baseline).toEqual(readReport(first).sources.baseline);
  });
});

describe("the weather example's drift data: the training year's spring against a later spring", () => {
  const weather = (path: string) => join(repoRoot, 'examples/weather', path);
  const compare = async (currentData: string) => {
    const run = await runOn('github', node24, scratchFolder('drift-weather-'), {
      baselineData: weather('drift/spring-2023.csv'),
      currentData: weather(currentData),
      criticalFeatures: 'Humidity',
      thresholdsFile: weather('drift/thresholds.yml'),
      failOn: 'never',
    });
    const report = JSON.parse(readFileSync(run.outputs.reportJson!, 'utf8')) as DriftReport;
    const failed = report.features
      .filter((feature) => feature.status === 'fail')
      .map((feature) => feature.name);
    return { status: report.status, failed: failed.sort(), features: report.features.length };
  };

  it.concurrent('passes inputs like the training year (spring-2024.csv): no feature fails', async () => {
    expect(await compare('drift/spring-2024.csv')).toEqual({ status: 'pass', failed: [], features: 7 });
  });

  it.concurrent(
    'fails the drifted inputs (recent.csv) on what the shift changed, Humidity among them',
    async () => {
      expect(await compare('data/recent.csv')).toEqual({
        status: 'fail',
        failed: ['Humidity', 'Temperature_C', 'Visibility_km'],
        features: 7,
      });
    },
  );
});

describe('identical distributions of 1,000,000 rows', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchFolder('drift-large-');
    writeLargeCsv(join(dir, 'baseline.csv'), 1_000_000, 11);
    writeLargeCsv(join(dir, 'current.csv'), 1_000_000, 12);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['azure-pipelines', node24],
    ['github', node24],
  ] as const)('pass as %s: no large-sample false alarm', async (host, runtime) => {
    const run = await runOn(host, runtime, dir, { baselineData: 'baseline.csv', currentData: 'current.csv' });
    expect(run.errors).toEqual([]);
    expect(run.result).toBe('Succeeded');
    expect(run.outputs).toMatchObject({ driftStatus: 'pass', driftedFeatures: '[]' });
    const report = readReport(run);
    expect(report.rows).toEqual({ baseline: 1_000_000, current: 1_000_000 });
    expect(report.features.map((f) => f.status)).toEqual(report.features.map(() => 'pass'));
    expect(report.features).toHaveLength(5);
  });
});

/**
 * Five columns from fixed distributions; two files with different seeds are two samples of the same data.
 * Written by a plain Node process: loops of this size run several times slower inside jest's sandbox.
 */
function writeLargeCsv(file: string, rows: number, seed: number): void {
  const script = `
    const fs = require('node:fs');
    const [file, rows, seed] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
    let state = seed >>> 0;
    const uniform = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const channels = ['web', 'web', 'web', 'web', 'mobile', 'mobile', 'mobile', 'store', 'store', 'phone'];
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, 'amount,score,visits,channel,flag\\n');
    let lines = [];
    for (let i = 0; i < rows; i++) {
      const r = Math.sqrt(-2 * Math.log(uniform()));
      const angle = 2 * Math.PI * uniform();
      lines.push(
        Math.exp(4 + 0.6 * r * Math.cos(angle)).toFixed(2) + ',' + (600 + 80 * r * Math.sin(angle)).toFixed(1) + ',' +
          Math.floor(-Math.log(uniform()) * 12) + ',' + channels[Math.floor(uniform() * 10)] + ',' +
          (uniform() < 0.2 ? 'true' : 'false'),
      );
      if (lines.length === 50000) {
        fs.writeSync(fd, lines.join('\\n') + '\\n');
        lines = [];
      }
    }
    if (lines.length > 0) fs.writeSync(fd, lines.join('\\n') + '\\n');
    fs.closeSync(fd);
  `;
  execFileSync(node24.path, ['-e', script, file, String(rows), String(seed)]);
}

describe('bad inputs get one clear error', () => {
  let dir: string;
  beforeAll(() => {
    dir = weatherWorkspace({});
    writeFileSync(join(dir, 'other.csv'), 'colour,size\nred,1\nblue,2\n');
    writeFileSync(join(dir, 'broken.csv.gz'), Buffer.from('this is not gzip at all, only text'));
    writeFileSync(join(dir, 'mixed.csv'), 'temperature,humidity\n15.2,60\n14.1;61\n13.9;59\n');
    writeFileSync(
      join(dir, 'bad-thresholds.yml'),
      'features:\n  temperature: { metric: psi, threshold: 0 }\n',
    );
    writeFileSync(join(dir, 'unknown-feature.yml'), 'features:\n  humidity: 0.2\n  colour: 0.3\n');
  });

  const base = { baselineData: 'train', currentData: 'current.jsonl' };
  it.each([
    ['a missing file', 'azure-pipelines', { baselineData: 'nope.csv' }, /nope\.csv.*does not exist/],
    [
      'a file that is not gzip',
      'github',
      { currentData: 'broken.csv.gz' },
      /broken\.csv\.gz is not valid gzip/,
    ],
    [
      'data that share no column',
      'azure-pipelines',
      { currentData: 'other.csv' },
      /^baselineData and currentData share no column \(baselineData: request_id, temperature, .*; currentData: colour, size\)\.$/,
    ],
    [
      'a feature that does not exist',
      'github',
      { features: 'temperature\ncolour' },
      /^features: "colour" is not a column of baseline-data \(its columns: request_id, temperature, humidity, /,
    ],
    [
      'a critical feature that is not compared',
      'azure-pipelines',
      { features: 'temperature', criticalFeatures: 'temperature,wind' },
      /^'wind' is critical but not among 'features'\.$/,
    ],
    ['mixed delimiters', 'github', { currentData: 'mixed.csv' }, /mixed\.csv.*delimiter/i],
    [
      'a zero threshold',
      'azure-pipelines',
      { numericThreshold: '0' },
      /^Input 'numericThreshold' must be greater than 0, got 0\.$/,
    ],
    [
      'a warning level above 1',
      'github',
      { warnThreshold: '1.5' },
      /^Input 'warn-threshold' must be at most 1, got '1\.5'\.$/,
    ],
    [
      'a feature both categorical and numeric',
      'github',
      { categoricalFeatures: 'rain', numericFeatures: 'rain,wind' },
      /^'rain' is in both 'categorical-features' and 'numeric-features': a feature has one type\.$/,
    ],
  ] as const)('%s (%s)', async (_case, host, inputs, message) => {
    const run = await runOn(host, host === 'github' ? node24 : node20, dir, { ...base, ...inputs });
    expect(run.result).toBe('Failed');
    expect(run.errors).toEqual([expect.stringMatching(message)]);
  });

  it.each(['azure-pipelines', 'github'] as const)(
    'points at the line and column of a bad threshold in the thresholds file (%s)',
    async (host) => {
      const run = await runOn(host, node24, dir, { ...base, thresholdsFile: 'bad-thresholds.yml' });
      expect(run.result).toBe('Failed');
      expect(run.locatedErrors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            /bad-thresholds\.yml:2:42: the threshold of 'temperature' must be greater than 0, got 0$/,
          ),
          line: '2',
          column: '42',
        }),
      ]);
    },
  );

  it('points at a feature of the thresholds file that the data lacks', async () => {
    const run = await runOn('github', node24, dir, { ...base, thresholdsFile: 'unknown-feature.yml' });
    expect(run.result).toBe('Failed');
    expect(run.locatedErrors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /unknown-feature\.yml:3:3: feature 'colour' is not compared: it is not a column of both sides\. Features compared: 'request_id', 'temperature', /,
        ),
        line: '3',
        column: '3',
      }),
    ]);
  });
});
