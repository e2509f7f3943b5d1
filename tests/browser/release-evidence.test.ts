import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { EvidenceEntry, EvidenceSet } from '../../shared/src/steps/release-gate/evidence-set';
import { compareMetrics, judge } from '../../shared/src/steps/release-gate/judge';
import { buildPage } from '../../shared/src/steps/release-gate/page-model';
import { defaultPolicy } from '../../shared/src/steps/release-gate/policy';
import { renderHtml } from '../../shared/src/steps/release-gate/render';
import { scratchFolder } from '../harness/scratch-folders';

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: the evidence page's browser test needs Chromium.`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
});
afterAll(async () => {
  await browser?.close();
});

const entry = (step: EvidenceEntry['step'], details: Record<string, unknown>): EvidenceEntry => ({
  file: `/agent/_temp/azureml-evidence/${step}-1.json`,
  step,
  result: 'succeeded',
  startedAt: '2026-12-01T10:00:00Z',
  finishedAt: '2026-12-01T10:01:00Z',
  run: {
    commit: '0123456789abcdef',
    branch: 'refs/heads/main',
    runUrl: 'https://github.com/o/r/actions/runs/1',
  },
  inputs: {},
  details,
});

/** Evidence as the steps write it: a gate that passed on f1 while recall fell, humidity (critical) drifted. */
function evidence(): EvidenceSet {
  const records = [
    entry('register-model', {
      model: { name: 'rain', version: '7', registered: true },
      gate: { metric: 'f1', higherIsBetter: true, verdict: 'pass', reason: 'f1 0.853 beats 0.85.' },
      candidateMetrics: { f1: 0.853, recall: 0.7 },
      baselineMetrics: { f1: 0.85, recall: 0.715 },
      source: { job: { name: 'train-42', dataAssets: { training_data: 'azureml:weather:3' } } },
    }),
    entry('smoke-test', {
      passed: true,
      scoringUri: 'https://rain-test.westeurope.inference.ml.azure.com/score',
      deploymentName: 'green',
      cases: [{ name: 'two-rows', result: 'passed' }],
      latency: { measured: true, p50Ms: 12, p95Ms: 30, p99Ms: 41, requests: 40, maxP95Ms: 500 },
    }),
    entry('drift-check', {
      status: 'fail',
      features: [
        {
          name: 'humidity',
          status: 'fail',
          critical: true,
          gate: { metric: 'wasserstein', value: 0.59, threshold: 0.1 },
        },
        { name: '<script>alert(1)</script>', status: 'pass', critical: false, gate: null },
      ],
    }),
  ];
  return { records, latest: Object.fromEntries(records.map((r) => [r.step, r])) };
}

it('shows the verdict and every section of the evidence page, with nothing loaded from elsewhere', async () => {
  const set = evidence();
  const policy = {
    ...defaultPolicy,
    maxMetricRegression: [{ metric: 'recall', max: 0.01, relative: false }],
  };
  const metrics = compareMetrics(set.latest['register-model'], policy);
  const page = buildPage(set, policy, judge(set, policy, metrics), metrics, {
    id: 'azureml:rain:7',
    name: 'rain',
    version: '7',
    studioUrl: 'https://ml.azure.com/model/rain%3A7/details?wsid=x',
  });
  const file = join(scratchFolder('release-page-'), 'release-evidence.html');
  writeFileSync(file, renderHtml(page));

  const tab = await browser.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  tab.on('request', (request) => requests.push(request.url()));
  tab.on('dialog', (dialog) => void dialogs.push(dialog.message()));
  await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });

  await expect(tab.locator('#verdict-value').innerText()).resolves.toBe('FAIL');
  for (const id of ['verdict', 'model', 'metrics', 'smoke', 'drift', 'approval', 'evidence'])
    await expect(tab.locator(`section#${id}`).isVisible()).resolves.toBe(true);
  const verdictText = await tab.locator('section#verdict').innerText();
  expect(verdictText).toContain('drift failed on humidity.');
  expect(verdictText).toMatch(/recall 0.715 → 0.7: regressed by 0.015, more than 0.01/);
  const recallRow = tab.locator('section#metrics tr', { hasText: 'recall' });
  await expect(recallRow.locator('td.flag').count()).resolves.toBe(1);
  const flagColour = await recallRow
    .locator('td.flag')
    .evaluate(
      (td) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
        ).getComputedStyle(td).backgroundColor,
    );
  expect(flagColour).not.toBe('rgba(0, 0, 0, 0)');
  await expect(tab.locator('section#drift').innerText()).resolves.toContain('wasserstein 0.59 > 0.1');
  await expect(tab.locator('section#drift').innerText()).resolves.toContain('<script>alert(1)</script>');
  await expect(tab.locator('section#model a').first().getAttribute('href')).resolves.toMatch(
    /^https:\/\/ml\.azure\.com\//,
  );
  await expect(tab.locator('body').innerText()).resolves.not.toContain('/agent/_temp');
  expect(dialogs).toEqual([]);
  expect(requests).toEqual([pathToFileURL(file).href]);
  await tab.close();
}, 30_000);
