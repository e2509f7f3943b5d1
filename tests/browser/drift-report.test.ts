import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { DriftReport } from '../../shared/src/drift/model';
import { renderReportHtml } from '../../shared/src/drift/report';
import { runAsGitHubRunner } from '../harness/github-runner';
import { repoRoot } from '../harness/runtimes';
import { fixtureReport } from '../unit/drift/report/fixtures';
import { scratchFolder } from '../harness/scratch-folders';

const CHROMIUM = '/usr/bin/chromium';
const outDir = join(repoRoot, 'out');

interface ChartCheck {
  readonly feature: string;
  readonly hasChart: boolean;
  readonly svg?: { width: number; height: number };
  readonly baselineMarks: number;
  readonly currentMarks: number;
  /** Marks whose drawn box has a width and a height. */
  readonly drawnMarks: number;
  readonly noChartText?: string;
  readonly labelledBy?: string;
  readonly titleText?: string;
}

/** The few DOM shapes the page functions use (the project compiles without the DOM library). */
interface Box {
  readonly width: number;
  readonly height: number;
}
interface Graphic {
  getBBox(): Box;
  getBoundingClientRect(): Box;
  readonly classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): Iterable<Graphic>;
}

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the drift report's browser test needs Chromium (apt-get install chromium).`,
    );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** Opens a report file and measures what the browser drew for each feature section. */
async function inspect(file: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const charts: ChartCheck[] = await page.$$eval('section.feature', (sections) =>
    sections.map((section) => {
      const svg = section.querySelector('svg.chart') as unknown as Graphic | null;
      const marks = svg ? [...svg.querySelectorAll('.mark')] : [];
      const drawn = marks.filter((mark) => {
        const box = mark.getBBox();
        const rect = mark.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && rect.width > 0 && rect.height > 0;
      });
      const size = svg?.getBoundingClientRect();
      return {
        feature: section.getAttribute('data-feature') ?? '',
        hasChart: section.getAttribute('data-chart') === 'true',
        ...(size ? { svg: { width: size.width, height: size.height } } : {}),
        baselineMarks: marks.filter((m) => m.classList.contains('baseline')).length,
        currentMarks: marks.filter((m) => m.classList.contains('current')).length,
        drawnMarks: drawn.length,
        ...(section.querySelector('.no-chart')
          ? { noChartText: section.querySelector('.no-chart')!.textContent ?? '' }
          : {}),
        ...(svg ? { labelledBy: svg.getAttribute('aria-labelledby') ?? '' } : {}),
        ...(svg ? { titleText: svg.querySelector('title')?.textContent ?? '' } : {}),
      };
    }),
  );
  const styled = await page.$eval(
    '#verdict',
    (badge) =>
      (
        globalThis as unknown as { getComputedStyle(e: unknown): { borderTopLeftRadius: string } }
      ).getComputedStyle(badge).borderTopLeftRadius,
  );
  const scripts = await page.$$eval('script', (nodes) => nodes.length);
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { charts, requests, problems, styled, scripts };
}

describe('the drift report in headless Chromium', () => {
  it('draws every feature chart, sorted by severity, with nothing fetched', async () => {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'drift-report-fixture.html');
    writeFileSync(file, renderReportHtml(fixtureReport, { context: 'weather-ml @ 0123456789ab' }));
    const screenshot = join(outDir, 'drift-report-fixture.png');
    const { charts, requests, problems, styled, scripts } = await inspect(file, screenshot);

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(scripts).toBe(0);
    // The inline style sheet applies despite the page's Content-Security-Policy.
    expect(styled).toBe('10px');
    expect(charts.map((c) => c.feature)).toEqual(fixtureReport.features.map((f) => f.name));
    for (const chart of charts) {
      const feature = fixtureReport.features.find((f) => f.name === chart.feature)!;
      if (feature.distribution.baseline.length === 0) {
        expect(chart).toMatchObject({ hasChart: false, noChartText: expect.stringMatching(/^No chart: /) });
        continue;
      }
      expect(chart.hasChart).toBe(true);
      expect(chart.svg!.width).toBeGreaterThan(300);
      expect(chart.svg!.height).toBeGreaterThan(100);
      expect(chart.baselineMarks).toBeGreaterThan(0);
      expect(chart.currentMarks).toBeGreaterThan(0);
      expect(chart.drawnMarks).toBe(chart.baselineMarks + chart.currentMarks);
      expect(chart.labelledBy).toMatch(/-title .*-desc$/);
      expect(chart.titleText).toBe(`Distribution of ${feature.name}: baseline and current`);
    }
    expect(existsSync(screenshot)).toBe(true);
  });
});

describe('the report of a real run in headless Chromium', () => {
  it("draws a chart for every compared feature of the built action's report", async () => {
    const dir = scratchFolder('drift-browser-');
    writeFileSync(join(dir, 'train.csv'), sample(4000, 1, false));
    writeFileSync(join(dir, 'current.csv'), sample(3000, 2, true));
    const run = await runAsGitHubRunner({
      action: 'drift-check',
      inputs: { 'baseline-data': 'train.csv', 'current-data': 'current.csv', 'fail-on': 'never' },
      cwd: dir,
    });
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
    const html = run.outputs['report-html']!;
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')) as DriftReport;
    mkdirSync(outDir, { recursive: true });
    const screenshot = join(outDir, 'drift-report.png');
    const { charts, requests, problems } = await inspect(html, screenshot);

    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(charts.map((c) => c.feature)).toEqual(report.features.map((f) => f.name));
    expect(charts.map((c) => c.feature).sort()).toEqual(['city', 'humidity', 'rain', 'temperature']);
    for (const chart of charts) {
      expect(chart.hasChart).toBe(true);
      expect(chart.svg!.width).toBeGreaterThan(300);
      expect(chart.drawnMarks).toBeGreaterThan(0);
      expect(chart.drawnMarks).toBe(chart.baselineMarks + chart.currentMarks);
      expect(chart.currentMarks).toBeGreaterThan(0);
    }
    expect(existsSync(screenshot)).toBe(true);
  });
});

/** A small weather sample; `drifted` moves temperature and the city shares. */
function sample(rows: number, seed: number, drifted: boolean): string {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const cities = drifted ? ['Lima', 'Lima', 'Oslo', 'Paris'] : ['Paris', 'Paris', 'Oslo', 'Lima'];
  const lines = ['temperature,humidity,city,rain'];
  for (let i = 0; i < rows; i++)
    lines.push(
      `${(15 + (drifted ? 4 : 0) + 5 * normal()).toFixed(2)},${(60 + 10 * normal()).toFixed(1)},${cities[Math.floor(uniform() * 4)]},${uniform() < 0.3 ? 1 : 0}`,
    );
  return `${lines.join('\n')}\n`;
}
