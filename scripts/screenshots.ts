/**
 * `npm run screenshots`: the Marketplace pictures of what the approver sees, taken from a real run. It runs the
 * demo's build and test stages once (the bundled tasks against the embedded emulator, the model trained and
 * served for real) for a release whose production inputs drifted, then opens in headless Chromium the release
 * gate's job summary, the drift check's HTML report and the release-evidence page, and writes
 * images/screenshots/*.png, which the overview (docs/marketplace-overview.md) and the .vsix show.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startEmulator } from '../emulator/emulator';
import { Flow } from './demo/flow';
import { weather } from './demo/paths';
import { setUpProduction } from './demo/production';
import { buildAndTest } from './demo/release';
import { repoRoot } from './generate/project';
import { screenshotNames } from './screenshots/names';
import { summaryHtml } from './screenshots/summary-html';

const CHROMIUM = '/usr/bin/chromium';
const out = join(repoRoot, 'images', 'screenshots');

/** The pages pictured: file name, the page, and how much of it (CSS pixels, 1:1). */
interface Shot {
  readonly name: string;
  readonly page: string;
  readonly height: number;
}

async function takeShots(shots: readonly Shot[]): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    mkdirSync(out, { recursive: true });
    for (const shot of shots) {
      await page.goto(pathToFileURL(shot.page).href, { waitUntil: 'load' });
      const height = Math.min(shot.height, Number(await page.evaluate('document.body.scrollHeight')));
      await page.screenshot({
        path: join(out, `${shot.name}.png`),
        clip: { x: 0, y: 0, width: 1100, height },
      });
      console.log(`wrote images/screenshots/${shot.name}.png`);
    }
  } finally {
    await browser.close();
  }
}

/** The pages mark verdicts with emoji (✅ ❌): without a colour emoji font Chromium draws empty boxes. */
function checkEmojiFont(): void {
  const fonts = execFileSync('fc-list', [':charset=274c'], { encoding: 'utf8' });
  if (!/emoji/i.test(fonts))
    throw new Error('No colour emoji font: install one (Debian: apt-get install fonts-noto-color-emoji).');
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/ensure-chromium.sh`);
  checkEmojiFont();
  const emulator = await startEmulator();
  const flow = new Flow(emulator);
  const folder = mkdtempSync(join(tmpdir(), 'azureml-screenshots-'));
  try {
    await setUpProduction(emulator, flow);
    // The release the demo blocks: its pages show a failed rule and the drift behind it.
    const release = await buildAndTest(flow, {
      folder: join(folder, 'release'),
      currentData: weather('data/recent.csv'),
      expectDrift: 'SucceededWithIssues',
      expectGate: 'Failed',
    });
    const drift = await flow.run({
      title: 'the drift report of the same comparison, kept for the picture',
      host: 'azure-pipelines',
      step: 'drift-check',
      inputs: {
        baselineData: weather('drift/spring-2023.csv'),
        currentData: weather('data/recent.csv'),
        criticalFeatures: 'Humidity',
        thresholdsFile: weather('drift/thresholds.yml'),
        failOn: 'never',
        outputDir: join(folder, 'drift-report'),
      },
      expect: 'SucceededWithIssues',
    });
    if (flow.unexpected > 0) throw new Error(`${flow.unexpected} step(s) did not end as the demo expects`);
    const summary = join(folder, 'job-summary.html');
    writeFileSync(summary, summaryHtml(release.gate.summary, 'Azure ML release gate · job summary'));
    await takeShots([
      { name: 'job-summary', page: summary, height: 900 },
      { name: 'drift-report', page: drift.outputs.reportHtml ?? '', height: 1000 },
      { name: 'release-evidence', page: join(release.pageFolder, 'release-evidence.html'), height: 1000 },
    ]);
    for (const name of screenshotNames)
      console.log(`  ${name}.png: ${readFileSync(join(out, `${name}.png`)).length} bytes`);
  } finally {
    await emulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
